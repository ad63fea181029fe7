//! The scenario view below its heading: controls, timeline, diagram, state
//! panels, log and source. The first screen (the home page) shows none of it, so it loads
//! when a scenario or a lesson first opens.
//!
//! ```text
//!  reactor_web_bg-<hash>.wasm      the first screen: player, routing, header, home
//!        │ a scenario opens: Workbench → contents().await
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

use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use wasm_split_helpers::{SplitLoaderError, wasm_split};

use super::{
    context, controls, diagram, explanation, lesson_panel, log, program, registrations, source,
    status, stuck, tasks, timeline, wheel,
};

/// The scenario view, once its module is here.
#[component]
pub fn Workbench() -> impl IntoView {
    // Bumped by "Try again": the view asks for the module once more.
    let attempt = RwSignal::new(0_u32);
    let contents = move || {
        attempt.track();
        Suspend::new(async move {
            match contents().await {
                Ok(view) => view,
                Err(_) => view! { <LoadFailed attempt /> }.into_any(),
            }
        })
    };
    view! {
        <Suspense fallback=|| view! { <p class="loading-view" role="status">"Loading the event loop…"</p> }>
            {contents}
        </Suspense>
    }
}

/// Start fetching the workbench's module before it is needed (the home page
/// calls this when a pointer or the focus comes near a way in). Once only.
pub fn preload() {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if !STARTED.swap(true, Ordering::Relaxed) {
        leptos::task::spawn_local(async {
            // A failure here is not shown: opening a scenario tries again and says so.
            let _ = preload_contents().await;
        });
    }
}

#[component]
fn LoadFailed(attempt: RwSignal<u32>) -> impl IntoView {
    view! {
        <p class="error load-failed" role="alert">
            "The event loop view could not be loaded (the connection, or the server was updated). "
            <button on:click=move |_| attempt.update(|n| *n += 1)>"Try again"</button>
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
                <tasks::RunQueue />
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
