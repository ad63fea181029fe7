//! Saving the run shown: "Save trace" (our trace file, opening at the step
//! shown) and "Save for Perfetto" (a Chrome trace), with what a replay is
//! played from. Only the workbench shows it: it lives in its module.

use leptos::prelude::*;
use reactor_protocol::export::Format;
use wasm_bindgen::{JsCast, JsValue};

use super::state::ReplayPage;
use crate::player::{PROGRAM, Player};
use crate::replay;
use crate::room::{Classroom, Role};
use crate::ui::context::use_player;

/// Above the controls: what the run is played from, and saving it.
#[component]
pub fn RunFileBar() -> impl IntoView {
    let player = use_player();
    let page = expect_context::<ReplayPage>();
    let saving = RwSignal::new(false);
    let save = move |format: Format| {
        saving.set(true);
        leptos::task::spawn_local(async move {
            match saved(player, format).await {
                Ok((name, text)) => download(&name, &text, format.content_type()),
                Err(error) => player
                    .error
                    .set(Some(format!("Could not save the trace: {error}"))),
            }
            saving.set(false);
        });
    };
    // A Chrome trace is written by the server: a file played or a static
    // site has none to offer.
    let chrome = move || !player.from_file.get() && !crate::site::is_static();
    // Presenting a room: its lecture so far, which the server keeps.
    let classroom = expect_context::<Classroom>();
    let lecture = move || match classroom.role.get() {
        Role::Presenting { code, key } => Some(format!("/api/rooms/{code}/lecture?key={key}")),
        _ => None,
    };
    view! {
        <super::lecture::LectureBar />
        <div id="run-file" class="run-file secondary">
            <Show when=move || player.from_file.get()>
                <p id="replay-banner" class="replay-banner" role="status">
                    "Replaying " <strong>{move || page.file_name.get().unwrap_or_else(|| "a saved run".into())}</strong>
                    " — a saved run: every step comes from the file, no engine runs. "
                    <a href="/replay" id="replay-another">"Open another file"</a>
                </p>
            </Show>
            <button id="save-trace" disabled=saving title="Save this run as a Reactor Lab trace file (.jsonl), opening at this step" on:click=move |_| save(Format::Jsonl)>"Save trace"</button>
            {move || lecture().map(|href| view! {
                <a id="save-lecture" class="button-link" href=href download="" title="Save this room's lecture so far: every scenario, step and stage you showed, and when; /replay plays it again">"Save lecture"</a>
            })}
            <Show when=chrome>
                <button id="save-chrome" disabled=saving title="Save this run as a Chrome trace, for Perfetto UI or chrome://tracing" on:click=move |_| save(Format::Chrome)>"Save for Perfetto"</button>
            </Show>
        </div>
    }
}

/// The run shown, as a file named for it, in `format` (a trace file opens
/// where the player stands).
async fn saved(player: Player, format: Format) -> Result<(String, String), String> {
    let position = player.position.get_untracked() as u64;
    let scenario = player.scenario.get_untracked().unwrap_or_default();
    let extension = match format {
        Format::Jsonl => "reactor-lab.jsonl",
        Format::Json | Format::Chrome => "chrome-trace.json",
    };
    let name = format!("{scenario}-step-{position}.{extension}");
    if let Some(file) = player.replay_file() {
        return Ok((name, file.with_position(position)));
    }
    let format_name = match format {
        Format::Jsonl => "jsonl",
        Format::Json => "json",
        Format::Chrome => "chrome",
    };
    let text = if scenario == PROGRAM {
        let program = player.program.get_untracked().unwrap_or_default();
        let body = serde_json::json!({
            "program": program.source, "peer": program.peer, "seed": player.seed.get_value(),
        });
        crate::api::post_text(&format!("/api/run?format={format_name}"), &body.to_string()).await?
    } else if crate::site::is_static() {
        crate::api::get_text(&reactor_protocol::static_site::trace_file(&scenario)).await?
    } else {
        let seed = player.seed.get_value();
        crate::api::get_text(&format!(
            "/api/trace/{scenario}?format={format_name}&seed={seed}"
        ))
        .await?
    };
    let text = match format {
        Format::Jsonl => replay::with_position(&text, position),
        Format::Json | Format::Chrome => text,
    };
    Ok((name, text))
}

/// Hand `text` to the browser as a download named `name`.
fn download(name: &str, text: &str, kind: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link: Option<web_sys::HtmlAnchorElement> = document()
        .create_element("a")
        .ok()
        .and_then(|element| element.dyn_into().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    // The download has started from the URL; free it once it surely has.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
}
