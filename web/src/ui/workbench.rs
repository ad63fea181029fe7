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
//! `#[wasm_split(workbench)]` marks the one way in, opened by a
//! [`Door`] (see `super::door`).

use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use wasm_split_helpers::{SplitLoaderError, wasm_split};

use super::door::{self, Door};
use super::{
    context, controls, diagram, explanation, lesson_panel, log, poll, pool, program, registrations,
    replay, source, status, stuck, tasks, timeline, wheel,
};

/// The workbench's way in.
static DOOR: Door = Door {
    loaded: AtomicBool::new(false),
    fetch: || Box::pin(preload_contents()),
    contents: || Box::pin(contents()),
    heading: None,
    loading: "Loading the event loop…",
    what: "The event loop view",
};

/// The scenario view, once its module is here.
#[component]
pub fn Workbench() -> impl IntoView {
    door::view_behind(&DOOR)
}

/// Start fetching the workbench's module before it is needed (the home page
/// calls this when a pointer or the focus comes near a way in). Once only.
pub fn preload() {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if !STARTED.swap(true, Ordering::Relaxed) {
        leptos::task::spawn_local(async {
            // A failure here is not shown: opening a scenario tries again and says so.
            let _ = DOOR.open().await;
        });
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
        <replay::RunFileBar />
        <controls::Controls />
        <poll::ClassPoll />
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
