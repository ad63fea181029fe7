//! The engine source line behind the current record, with lines around it.
//! Files come from `GET /api/source/{path}` and are cached.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::context::use_player;
use super::keyed::{Item, keyed};
use crate::api;
use crate::format::{SOURCE_CONTEXT, excerpt};

/// Most files kept in the cache; the engine has a few dozen, so this is only a
/// guard against unbounded growth. (A list searched in order: at this size
/// that is as quick as a hash map, and keeps the map's code out of the wasm.)
const MAX_CACHED_FILES: usize = 64;

/// A source file as far as the app knows it.
#[derive(Clone, Debug, PartialEq)]
enum Loaded {
    Loading,
    Text(Arc<str>),
    Failed(String),
}

/// `#source`: `file:line` and an excerpt.
#[component]
pub fn SourcePane() -> impl IntoView {
    let player = use_player();
    let cache = RwSignal::new(Vec::<(String, Loaded)>::new());
    let location = Memo::new(move |_| {
        player.current.with(|r| {
            r.as_ref()
                .map(|r| (r.source.file.to_string(), r.source.line))
        })
    });

    Effect::new(move |_| {
        let Some((file, _)) = location.get() else {
            return;
        };
        if is_interpreter(&file) {
            return;
        }
        if cache.with_untracked(|c| c.iter().any(|(name, _)| *name == file)) {
            return;
        }
        cache.update(|c| {
            if c.len() >= MAX_CACHED_FILES {
                c.clear();
            }
            c.push((file.clone(), Loaded::Loading));
        });
        spawn_local(async move {
            let loaded = match api::source(&file).await {
                Ok(text) => Loaded::Text(text.into()),
                Err(error) => Loaded::Failed(error),
            };
            cache.update(|c| match c.iter_mut().find(|(name, _)| *name == file) {
                Some((_, entry)) => *entry = loaded,
                None => c.push((file, loaded)),
            });
        });
    });

    // Redrawn when the file (or its loading) changes, not the line: the
    // excerpt's lines are keyed by number, so a step a few lines on keeps
    // the lines both excerpts show and only moves the highlight.
    let file = Memo::new(move |_| location.with(|l| l.as_ref().map(|(file, _)| file.clone())));
    let line = Memo::new(move |_| location.with(|l| l.as_ref().map_or(0, |(_, line)| *line)));
    let body = move || {
        let Some(file) = file.get() else {
            return view! { <p class="empty">"The source of each step appears here."</p> }
                .into_any();
        };
        if is_interpreter(&file) {
            let mine = player.current.with(|r| r.as_ref().and_then(|r| r.span));
            let said = match mine {
                Some(span) => format!(
                    "The playground's interpreter made this record, running line {} of your program: the program panel shows it.",
                    span.line
                ),
                None => {
                    "The playground's interpreter made this record, around your program.".into()
                }
            };
            return view! { <p class="empty">{said}</p> }.into_any();
        }
        let entry = cache.with(|c| {
            c.iter()
                .find(|(name, _)| *name == file)
                .map(|(_, e)| e.clone())
        });
        match entry {
            Some(Loaded::Text(text)) => view! { <Excerpt text line /> }.into_any(),
            Some(Loaded::Failed(error)) => {
                view! { <p class="empty">"Source unavailable: " {error}</p> }.into_any()
            }
            _ => view! { <p class="empty">"Loading the source…"</p> }.into_any(),
        }
    };
    view! {
        <section
            id="source"
            class="panel source secondary"
            aria-label="Engine source"
            data-file=move || location.get().map(|(f, _)| f)
            data-line=move || location.get().map(|(_, l)| l.to_string())
        >
            <h2>"Source " <code class="where">{move || location.get().map(|(f, l)| format!("{f}:{l}"))}</code></h2>
            {body}
        </section>
    }
}

/// A record made by the playground's interpreter, not by the engine: its
/// source is not served, and the program panel shows the learner's line.
fn is_interpreter(file: &str) -> bool {
    file.starts_with("playground/")
}

/// The lines of `text` around `line`, that line highlighted.
#[component]
fn Excerpt(text: Arc<str>, line: Memo<u32>) -> impl IntoView {
    let lines = move || {
        excerpt(&text, line.get(), SOURCE_CONTEXT)
            .into_iter()
            .map(|(number, code)| Item::text(number, code))
            .collect()
    };
    let row = move |Item { id, text }: Item| {
        let number = id as u32;
        let here = move || line.get() == number;
        view! {
            <div class="src-line" class:here=here data-line=number.to_string()>
                <span class="num">{number}</span>
                <span class="code">{text}</span>
            </div>
        }
        .into_any()
    };
    view! {
        // Focusable: a long line scrolls sideways, by keyboard too.
        <pre class="code-block" tabindex="0">
            {keyed(lines, row)}
        </pre>
    }
}
