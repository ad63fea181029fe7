//! The playground page: examples, the program's and the peer's editors,
//! Run and Share, the refusal placed in the text, and below them, once a
//! program runs, the usual stepping view.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::super::context::use_player;
use super::super::workbench::Workbench;
use super::editor::{Editor, focus_at};
use super::state::{Opening, PlaygroundPage};
use crate::api;
use crate::player::{PROGRAM, ProgramError};
use crate::playground::{EXAMPLES_URL, Example, decode_examples, share};

/// The program shown when no example can be fetched.
const FALLBACK: &str =
    "#[tokio::main]\nasync fn main() {\n    println!(\"hello from the event loop\");\n}\n";

/// The examples, once fetched (or why not).
type Examples = Option<Result<Vec<Example>, String>>;

/// The page.
#[component]
pub fn Page() -> impl IntoView {
    let player = use_player();
    let page = expect_context::<PlaygroundPage>();
    let program = RwSignal::new(String::new());
    let peer = RwSignal::new(String::new());
    let chosen = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let examples = RwSignal::new(None::<Result<Vec<Example>, String>>);
    spawn_local(async move {
        let answer = api::get_text(EXAMPLES_URL)
            .await
            .and_then(|text| decode_examples(&text));
        let _ = examples.try_set(Some(answer));
    });
    // Put what the address asks for in the editors, once per opening.
    let applied = StoredValue::new(None::<Opening>);
    Effect::new(move |_| {
        let Some(opening) = page.open.get() else {
            return;
        };
        examples.with(|list| {
            if applied.with_value(|a| a.as_ref() == Some(&opening)) {
                return;
            }
            if let Some(texts) = opening_texts(&opening, list, chosen, notice) {
                applied.set_value(Some(opening.clone()));
                program.set(texts.0);
                peer.set(texts.1);
            }
        });
    });
    // Editing makes the refusal shown stale.
    Effect::new(move |first: Option<()>| {
        program.track();
        peer.track();
        if first.is_some() && player.program_error.get_untracked().is_some() {
            player.program_error.set(None);
        }
    });
    let error_at = move |in_peer: bool| {
        Signal::derive(move || {
            player
                .program_error
                .get()
                .filter(|e| e.in_peer == in_peer)
                .map(|e| (e.line, e.column))
        })
    };
    let running = move || {
        player.scenario.get().as_deref() == Some(PROGRAM)
            && player.program_error.with(Option::is_none)
    };
    view! {
        <section class="playground" aria-labelledby="page-title">
            <div class="playground-head">
                <h1 id="page-title" tabindex="-1">"Playground"</h1>
                <p class="lede">
                    "Write async Rust against Tokio, run it on the lab's event loop, and step through what the runtime does."
                </p>
            </div>
            {move || notice.get().map(|text| view! { <p id="link-notice" class="error" role="alert">{text}</p> })}
            <ExamplePicker examples chosen program peer />
            <Editor id="program-editor" label="Program" text=program error=error_at(false) min_lines=8 describedby="program-error editor-hint" />
            <p id="editor-hint" class="hint">"Tab indents; Escape, then Tab, leaves the editor."</p>
            <ErrorMessage in_peer=false />
            <details class="peer" open=move || !peer.with(String::is_empty)>
                <summary>"Peer: the other end of the program's sockets"</summary>
                <Editor id="peer-editor" label="Peer description" text=peer error=error_at(true) min_lines=3 describedby="peer-hint program-error" />
                <p id="peer-hint" class="hint">
                    "One action per line, times in virtual ms: "
                    <code>"at 0 ms connect"</code>", "<code>"at 5 ms send \"hi\" and close"</code>", "
                    <code>"at 9 ms close"</code>"; "<code>"#"</code>" starts a comment."
                </p>
                <ErrorMessage in_peer=true />
            </details>
            <div class="playground-actions">
                <button id="run-program" class="primary" on:click=move |_| {
                    player.load_program(&program.get_untracked(), &peer.get_untracked());
                }>"Run"</button>
                <ShareButton program peer />
            </div>
        </section>
        <Show when=running>
            <Workbench />
        </Show>
    }
}

/// The texts an opening asks for, once they are known (`None`: wait for
/// the examples). A link that cannot be read is said in `notice`.
fn opening_texts(
    opening: &Opening,
    list: &Examples,
    chosen: RwSignal<String>,
    notice: RwSignal<Option<String>>,
) -> Option<(String, String)> {
    notice.set(None);
    if let Some(code) = &opening.code {
        chosen.set(String::new());
        return Some(share::decode(code).unwrap_or_else(|error| {
            notice.set(Some(error));
            (FALLBACK.to_string(), String::new())
        }));
    }
    let list = match list.as_ref()? {
        Ok(list) => list,
        Err(error) => {
            notice.set(Some(format!("The examples could not be fetched: {error}")));
            return Some((FALLBACK.to_string(), String::new()));
        }
    };
    let wanted = opening.example.as_deref();
    let found = match wanted {
        Some(id) => list.iter().find(|e| e.id == id),
        None => list.first(),
    };
    if found.is_none()
        && let Some(id) = wanted
    {
        notice.set(Some(format!(
            "There is no example called “{id}”; here is the first one."
        )));
    }
    let example = found.or(list.first())?;
    chosen.set(example.id.clone());
    Some((example.program.clone(), example.peer.clone()))
}

/// `<select id="example-picker">` over the examples.
#[component]
fn ExamplePicker(
    examples: RwSignal<Examples>,
    chosen: RwSignal<String>,
    program: RwSignal<String>,
    peer: RwSignal<String>,
) -> impl IntoView {
    let options = move || {
        let current = chosen.get();
        examples.with(|list| match list {
            Some(Ok(list)) => list
                .iter()
                .map(|e| {
                    let selected = e.id == current;
                    view! { <option value=e.id.clone() selected=selected>{e.title.clone()}</option> }
                })
                .collect_view()
                .into_any(),
            _ => ().into_any(),
        })
    };
    let pick = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let Some(example) = examples.with_untracked(|list| {
            list.as_ref()
                .and_then(|l| l.as_ref().ok())
                .and_then(|l| l.iter().find(|e| e.id == id).cloned())
        }) else {
            return;
        };
        chosen.set(example.id.clone());
        program.set(example.program);
        peer.set(example.peer);
        replace_url(&format!("/playground?example={}", example.id));
    };
    view! {
        <label class="example-picker">
            "Example "
            <select id="example-picker" on:change=pick>
                <option value="" disabled=true selected=move || chosen.with(String::is_empty)>"Choose an example…"</option>
                {options}
            </select>
        </label>
    }
}

/// The refusal, under the editor at fault (`in_peer`: the peer's): where,
/// linked to the place, and why.
#[component]
fn ErrorMessage(in_peer: bool) -> impl IntoView {
    let player = use_player();
    move || {
        let refusal = player.program_error.get().filter(|e| e.in_peer == in_peer);
        refusal.map(|ProgramError { message, line, column, in_peer }| {
            let target = if in_peer { "peer-editor" } else { "program-editor" };
            let place = format!("line {line}, column {column}");
            let whose = if in_peer { " of the peer description" } else { "" };
            view! {
                <p id="program-error" class="program-error" role="alert">
                    <button class="place" on:click=move |_| focus_at(target, line, column)>{place}</button>
                    {whose}": "{message}
                </p>
            }
        })
    }
}

/// Share: the program in a link, copied if the browser lets us.
#[component]
fn ShareButton(program: RwSignal<String>, peer: RwSignal<String>) -> impl IntoView {
    let link = RwSignal::new(None::<Result<String, String>>);
    let copied = RwSignal::new(false);
    let share = move |_| {
        copied.set(false);
        let made = share::encode(&program.get_untracked(), &peer.get_untracked()).map(|code| {
            let path = format!("/playground?code={code}");
            replace_url(&path);
            format!("{}{path}", window().location().origin().unwrap_or_default())
        });
        if let Ok(url) = &made {
            let promise = window().navigator().clipboard().write_text(url);
            spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                let _ = copied.try_set(done);
            });
        }
        link.set(Some(made));
    };
    let shown = move || {
        link.get().map(|made| match made {
            Ok(url) => view! {
                <label class="share-link">
                    "Link "
                    <input id="share-link" readonly=true value=url on:focus=|ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    } />
                </label>
                <span class="copied" role="status">{move || copied.get().then_some("Copied to the clipboard.")}</span>
            }
            .into_any(),
            Err(error) => view! { <span id="share-error" class="error" role="alert">{error}</span> }.into_any(),
        })
    };
    view! {
        <button id="share-program" on:click=share>"Share"</button>
        {shown}
    }
}

/// Put `path` in the address bar in place of the current entry.
fn replace_url(path: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
}
