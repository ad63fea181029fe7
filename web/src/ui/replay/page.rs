//! The replay page's contents and the reading of a chosen or dropped file:
//! in `split_replay-<hash>.wasm` with the reader (see [`super`]).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::state::ReplayPage;
use crate::lesson::LessonState;
use crate::player::Player;
use crate::replay::too_large;
use crate::ui::context::use_player;

/// Read `file` and play it (a trace file, or a lecture); `Err` with the
/// sentence for the learner.
pub(super) async fn open_file(
    (player, page, lessons): (Player, ReplayPage, LessonState),
    file: web_sys::File,
) -> Result<(), String> {
    let name = file.name();
    if let Some(error) = too_large(file.size() as u64) {
        return Err(format!("{name}: {error}"));
    }
    let text = JsFuture::from(file.text())
        .await
        .map_err(|_| format!("{name}: the browser could not read this file."))?
        .as_string()
        .unwrap_or_default();
    if super::lecture::is_lecture(&text) {
        let lecture = super::lecture::read(&name, &text)?;
        page.file_name.set(None);
        super::lecture::start(player, lessons, lecture);
        return Ok(());
    }
    player.open_file(&name, text).await?;
    super::lecture::Played::close();
    page.file_name.set(Some(name));
    page.open.set(true);
    Ok(())
}

/// The first file an input or a drop carries.
pub(super) fn first_file(files: Option<web_sys::FileList>) -> Option<web_sys::File> {
    files.and_then(|files| files.get(0))
}

/// `/replay` with no file played yet: pick or drop one.
#[component]
pub(super) fn DropPage() -> impl IntoView {
    let player = use_player();
    let page = expect_context::<ReplayPage>();
    let lessons = expect_context::<LessonState>();
    let error = RwSignal::new(None::<String>);
    let chosen = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        let Some(file) = first_file(input.and_then(|input| input.files())) else {
            return;
        };
        error.set(None);
        leptos::task::spawn_local(async move {
            if let Err(message) = open_file((player, page, lessons), file).await {
                error.set(Some(message));
            }
        });
    };
    // A file dropped on the app: read it as if chosen here.
    if let Some(file) = super::state::take_dropped() {
        leptos::task::spawn_local(async move {
            if let Err(message) = open_file((player, page, lessons), file).await {
                error.set(Some(message));
            }
        });
    }
    view! {
        <main id="replay-page" class="home">
            <h1 id="page-title" tabindex="-1">"Replay a saved run"</h1>
            <p>
                "Open a trace file saved with “Save trace” (a " <code>".jsonl"</code>
                " file) and step through it with the same panels, timeline and explanations. No engine runs: every step comes from the file. "
                "A lecture saved from a classroom room (“Save lecture”) plays its moves again, at their pace or one at a time."
            </p>
            <label id="replay-drop" class="replay-drop">
                <span>"Drop a trace file here, or choose one"</span>
                <input id="replay-file" type="file" accept=".jsonl,application/x-ndjson,application/json" on:change=chosen />
            </label>
            <Show when=move || error.with(Option::is_some)>
                <p id="replay-error" class="load-failed" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </main>
    }
}
