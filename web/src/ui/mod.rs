//! The views: tiny components that read the [`Player`] and call its methods.
//!
//! `App` mounts them; each reads what it needs from context (`context`).

mod banners;
mod context;
mod controls;
mod diagram;
mod explanation;
mod glossary;
mod header;
mod home;
mod keyboard;
mod keyed;
mod lesson_panel;
mod lessons;
mod log;
mod pointer;
mod program;
mod registrations;
mod room;
mod routing;
mod shortcuts;
mod source;
mod status;
mod tasks;
mod theme;
mod timeline;
mod wheel;

use leptos::prelude::*;

use crate::lesson::LessonState;
use crate::player::Player;
use crate::room::Classroom;
use context::Scenarios;

/// The whole app: one [`Player`], connected, routed and keyboard-driven.
#[component]
pub fn App() -> impl IntoView {
    let player = Player::new();
    provide_context(player);
    provide_context(Scenarios::fetch());
    player.connect();
    LessonState::provide();
    Classroom::provide(player);
    routing::install(player);
    keyboard::install(player);
    theme::install();
    view! {
        <div
            id="app"
            class:presenter=move || player.presenter.get()
            data-presenter=move || player.presenter.get().to_string()
        >
            <header::Header />
            <banners::Banners />
            <room::RoomBar />
            {move || match player.scenario.get() {
                None => view! { <home::Home /> }.into_any(),
                Some(_) => view! { <Workbench /> }.into_any(),
            }}
            <shortcuts::Shortcuts />
        </div>
    }
}

/// The scenario view: controls, diagram, state panels, log and source.
#[component]
fn Workbench() -> impl IntoView {
    let player = context::use_player();
    // In presenter mode the workbench scrolls inside the screen: a tab stop,
    // so Page Up and Page Down reach what is below by keyboard too.
    let scrolls = move || player.presenter.get().then_some("0");
    view! {
        <header::PageHeading />
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
            </section>
            <log::EventLog />
        </main>
    }
}
