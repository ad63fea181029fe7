//! The scenario view below its heading: controls, timeline, diagram, state
//! panels, log and source. The first screen (the home page) shows none of it, so it loads
//! when a scenario or a lesson first opens.
//!
//! ```text
//!  reactor_web_bg-<hash>.wasm      the first screen: player, routing, header, home
//!        │ a scenario opens: Workbench fetches it, then builds contents()
//!        ▼
//!  split_workbench-<hash>.wasm     every view below, fetched once
//! ```
//!
//! `#[wasm_split(workbench)]` marks the one door in: `cargo xtask build-web`
//! moves that function, and all code only it reaches, into a module of its
//! own, and its first call fetches that module. The player's state stays in
//! the main module, so nothing is lost while the view loads; a failed load
//! (the network, or a server updated since the page opened) says so and
//! offers to try again. On the host (unit tests) the call is direct.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
use wasm_split_helpers::{SplitLoaderError, wasm_split};

use super::{
    context, controls, diagram, explanation, lesson_panel, log, pool, program, registrations,
    source, status, stuck, tasks, timeline, wheel,
};

/// Whether the workbench's module has been fetched and linked.
static LOADED: AtomicBool = AtomicBool::new(false);

/// Where the module stands, as the view shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Module {
    Loading,
    Here,
    Failed,
}

/// The scenario view, once its module is here. The view itself is built
/// synchronously, in this component's reactive scope, as any other child:
/// only the fetch is asynchronous. (Built inside an async `Suspend`, its
/// effects outlived the page when the learner went home and read signals
/// already disposed.)
#[component]
pub fn Workbench() -> impl IntoView {
    let start = if LOADED.load(Ordering::Relaxed) {
        Module::Here
    } else {
        Module::Loading
    };
    let module = RwSignal::new(start);
    let fetch = move || {
        module.set(Module::Loading);
        leptos::task::spawn_local(async move {
            let now = match fetch_module().await {
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
    let failed = move || view! { <LoadFailed retry=fetch /> }.into_any();
    move || match module.get() {
        Module::Here => built().unwrap_or_else(failed),
        Module::Loading => {
            view! { <p class="loading-view" role="status">"Loading the event loop…"</p> }.into_any()
        }
        Module::Failed => failed(),
    }
}

/// Fetch and link the module (at once if it is here already).
async fn fetch_module() -> Result<(), SplitLoaderError> {
    preload_contents().await?;
    LOADED.store(true, Ordering::Relaxed);
    Ok(())
}

/// The view, its module being here: the split function's call then
/// completes at its first poll, so no waker is ever needed.
fn built() -> Option<AnyView> {
    let call = pin!(contents());
    match call.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(view)) => Some(view),
        _ => None,
    }
}

/// Start fetching the workbench's module before it is needed (the home page
/// calls this when a pointer or the focus comes near a way in). Once only.
pub fn preload() {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if !STARTED.swap(true, Ordering::Relaxed) {
        leptos::task::spawn_local(async {
            // A failure here is not shown: opening a scenario tries again and says so.
            let _ = fetch_module().await;
        });
    }
}

#[component]
fn LoadFailed(retry: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    view! {
        <p class="error load-failed" role="alert">
            "The event loop view could not be loaded (the connection, or the server was updated). "
            <button on:click=move |_| retry()>"Try again"</button>
        </p>
    }
}

/// The split point: this function and what only it reaches live in
/// `split_workbench-<hash>.wasm`.
#[wasm_split(workbench, fallible, preload(preload_contents))]
fn contents() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <Contents /> }.into_any())
}

/// Controls, timeline, diagram, state panels, log and source.
#[component]
fn Contents() -> impl IntoView {
    let player = context::use_player();
    // In presenter mode the workbench scrolls inside the screen: a tab stop,
    // so Page Up and Page Down reach what is below by keyboard too.
    let scrolls = move || player.presenter.get().then_some("0");
    // A multi-thread run has no one run queue: a lane per thread instead.
    let pooled = pool::pooled(player);
    view! {
        <controls::Controls />
        <timeline::Timeline />
        <main class="workbench" tabindex=scrolls>
            <lesson_panel::LessonPanel />
            <section class="stage" aria-label="The event loop">
                <diagram::Diagram />
                <explanation::WakeChain />
                <explanation::Explanation />
                <program::ProgramPanel />
                <source::SourcePane />
            </section>
            <section class="panels" aria-label="Runtime state">
                <status::Clock />
                <Show when=move || !pooled.get() fallback=|| view! { <pool::Pool /> }>
                    <tasks::RunQueue />
                </Show>
                <tasks::Tasks />
                <registrations::Registrations />
                <wheel::Wheel />
                <status::Console />
                <stuck::WhyStuck />
            </section>
            <log::EventLog />
        </main>
    }
}
