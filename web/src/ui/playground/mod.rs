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
//! door in: the editor, the highlighter, deflate and base64 weigh nothing
//! on the first screen. On the host (unit tests) the call is direct.

mod editor;
mod page;
mod state;

pub use state::{Opening, PlaygroundPage};

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
use wasm_split_helpers::{SplitLoaderError, wasm_split};

/// Whether the playground's module has been fetched and linked.
static LOADED: AtomicBool = AtomicBool::new(false);

/// The playground page, once its module is here.
#[component]
pub fn Playground() -> impl IntoView {
    let loaded = RwSignal::new(LOADED.load(Ordering::Relaxed).then_some(true));
    let fetch = move || {
        loaded.set(None);
        leptos::task::spawn_local(async move {
            let now = preload_contents().await.is_ok();
            if now {
                LOADED.store(true, Ordering::Relaxed);
            }
            let _ = loaded.try_set(Some(now));
        });
    };
    if loaded.get_untracked().is_none() {
        fetch();
    }
    let failed = move || {
        view! {
            <p class="error load-failed" role="alert">
                "The playground could not be loaded (the connection, or the server was updated). "
                <button on:click=move |_| fetch()>"Try again"</button>
            </p>
        }
        .into_any()
    };
    move || match loaded.get() {
        Some(true) => built().unwrap_or_else(failed),
        Some(false) => failed(),
        None => view! {
            <h1 id="page-title" tabindex="-1">"Playground"</h1>
            <p class="loading-view" role="status">"Loading the playground…"</p>
        }
        .into_any(),
    }
}

/// The page, its module being here: the split call completes at once.
fn built() -> Option<AnyView> {
    let call = pin!(contents());
    match call.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(view)) => Some(view),
        _ => None,
    }
}

/// The split point: this function and what only it reaches live in
/// `split_playground-<hash>.wasm`.
#[wasm_split(playground, fallible, preload(preload_contents))]
fn contents() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <page::Page /> }.into_any())
}
