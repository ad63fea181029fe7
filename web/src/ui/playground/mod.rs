//! `/playground`: the learner's own async Rust, run on the event loop.
//!
//! ```text
//!  reactor_web_bg-<hash>.wasm      the first screen: this door, the page state
//!        │ /playground opens: Playground fetches its module, then builds contents()
//!        ▼
//!  split_playground-<hash>.wasm    the page: editor, colouring, share links
//!        │ Run: player.load_program ─▶ {"cmd":"load","program":…}
//!        ▼
//!  split_workbench-<hash>.wasm     the usual stepping view, on the program's run
//! ```
//!
//! As `super::workbench` does, `#[wasm_split(playground)]` marks the one
//! way in (opened by a `super::door::Door`): the editor, the highlighter, deflate and base64 weigh nothing
//! on the first screen. On the host (unit tests) the call is direct.

mod editor;
mod page;
mod state;

pub use state::{Opening, PlaygroundPage};

use std::sync::atomic::AtomicBool;

use leptos::prelude::*;
use wasm_split_helpers::{SplitLoaderError, wasm_split};

use super::door::{self, Door};

/// The playground's way in.
static DOOR: Door = Door {
    loaded: AtomicBool::new(false),
    fetch: || Box::pin(preload_contents()),
    contents: || Box::pin(contents()),
    heading: Some("Playground"),
    loading: "Loading the playground…",
    what: "The playground",
};

/// The playground page, once its module is here.
#[component]
pub fn Playground() -> impl IntoView {
    door::view_behind(&DOOR)
}

/// The split point: this function and what only it reaches live in
/// `split_playground-<hash>.wasm`.
#[wasm_split(playground, fallible, preload(preload_contents))]
fn contents() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <page::Page /> }.into_any())
}
