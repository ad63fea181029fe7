//! The door to a view that lives in a wasm module of its own.
//!
//! `#[wasm_split(name)]` marks a view's one way in: `cargo xtask build-web`
//! moves that function, and all code only it reaches, into
//! `split_<name>-<hash>.wasm`, and its first call fetches that module. A
//! [`Door`] shows "Loading…" meanwhile, then the view, built synchronously
//! in the component's reactive scope as any other child (built inside an
//! async `Suspend`, a view's effects outlived the page when the learner
//! went home and read signals already disposed); a failed fetch (the
//! network, or a server updated since the page opened) says so and offers
//! to try again. The player's state stays in the main module, so nothing is
//! lost while a view loads. On the host (unit tests) the calls are direct.
//!
//! One door serves every split view (the workbench, the playground, the
//! replay page, the glossary list, the shortcut dialog), as plain data: its
//! code is in the first screen once.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
use wasm_split_helpers::SplitLoaderError;

/// A split point's call (or its module's fetch), boxed.
pub type Call<T> = Pin<Box<dyn Future<Output = Result<T, SplitLoaderError>>>>;

/// A split view's way in.
pub struct Door {
    /// Whether the module has been fetched and linked.
    pub loaded: AtomicBool,
    /// Fetch the module (at once if it is here): the split point's `preload`.
    pub fetch: fn() -> Call<()>,
    /// Call the split point: ready at the first poll once the module is here.
    pub contents: fn() -> Call<AnyView>,
    /// The page's heading while it loads, if it has its own.
    pub heading: Option<&'static str>,
    /// What the learner reads while it loads.
    pub loading: &'static str,
    /// What failed to load, before "could not be loaded".
    pub what: &'static str,
}

impl Door {
    /// Fetch the module, noting when it is here.
    pub async fn open(&'static self) -> Result<(), SplitLoaderError> {
        (self.fetch)().await?;
        self.loaded.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// The view, its module being here: the split call completes at once.
    fn built(&'static self) -> Option<AnyView> {
        let mut call = (self.contents)();
        match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(Ok(view)) => Some(view),
            _ => None,
        }
    }
}

/// Where a module stands, as the door shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Module {
    Loading,
    Here,
    Failed,
}

/// The view behind `door`, once its module is here.
pub fn view_behind(door: &'static Door) -> AnyView {
    let start = if door.loaded.load(Ordering::Relaxed) {
        Module::Here
    } else {
        Module::Loading
    };
    let module = RwSignal::new(start);
    let fetch = move || {
        module.set(Module::Loading);
        leptos::task::spawn_local(async move {
            let now = match door.open().await {
                Ok(()) => Module::Here,
                Err(_) => Module::Failed,
            };
            // The page may have moved on (home) before the answer came.
            let _ = module.try_set(now);
        });
    };
    if start == Module::Loading {
        fetch();
    }
    let failed = move || {
        view! {
            <p class="error load-failed" role="alert">
                {door.what} " could not be loaded (the connection, or the server was updated). "
                <button on:click=move |_| fetch()>"Try again"</button>
            </p>
        }
        .into_any()
    };
    (move || match module.get() {
        Module::Here => door.built().unwrap_or_else(failed),
        Module::Loading => view! {
            {door.heading.map(|heading| view! { <h1 id="page-title" tabindex="-1">{heading}</h1> })}
            <p class="loading-view" role="status">{door.loading}</p>
        }
        .into_any(),
        Module::Failed => failed(),
    })
    .into_any()
}
