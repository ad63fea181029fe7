//! Saving a run and playing a saved one.
//!
//! ```text
//!  Save trace ─▶ the run's trace file (server, static site, or the file played),
//!               its header's position set to the step shown ─▶ a download
//!  /replay, or a file dropped anywhere ─▶ replay::open ─▶ the usual views
//! ```
//!
//! A file that cannot be played leaves whatever was shown as it was, and
//! says why (`#replay-error` on the replay page, the error banner elsewhere).
//! The page and the reading of files are in `split_replay-<hash>.wasm`
//! (with `crate::replay`'s reader): this module holds only the doors in.

mod lecture;
mod page;
mod save;
mod state;

pub use save::RunFileBar;
pub use state::ReplayPage;

use std::sync::atomic::AtomicBool;

use super::door::{self, Door};
use crate::player::Player;
use leptos::prelude::*;
use wasm_split_helpers::{SplitLoaderError, wasm_split};

/// Let the app take a dropped file (the browser would open it instead); a
/// drop that carries no file is left to the browser (see [`on_drop`]).
pub fn on_drag_over(ev: web_sys::DragEvent) {
    ev.prevent_default();
}

/// Take a file dropped anywhere on the app: the replay page opens and reads
/// it, or says there why it cannot be played.
pub fn on_drop(player: Player, ev: web_sys::DragEvent) {
    let Some(file) = ev
        .data_transfer()
        .and_then(|d| d.files())
        .and_then(|files| files.get(0))
    else {
        return;
    };
    ev.prevent_default();
    state::drop_file(file);
    player.unload();
    expect_context::<ReplayPage>().open.set(true);
}

/// The replay page's way in.
static DOOR: Door = Door {
    loaded: AtomicBool::new(false),
    fetch: || Box::pin(preload_page()),
    contents: || Box::pin(contents()),
    heading: None,
    loading: "Loading the replay…",
    what: "The replay",
};

/// `/replay` with no file played yet: the page to pick or drop one, once
/// its module is here.
#[component]
pub fn ReplayDrop() -> impl IntoView {
    door::view_behind(&DOOR)
}

/// The split point for the page.
#[wasm_split(replay, fallible, preload(preload_page))]
fn contents() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <page::DropPage /> }.into_any())
}
