//! The views: tiny components that read the [`Player`] and call its methods.

mod banners;
mod controls;
mod diagram;
mod explanation;
mod header;
mod home;
mod keyboard;
mod log;
mod registrations;
mod routing;
mod shortcuts;
mod source;
mod status;
mod tasks;
mod wheel;

use leptos::prelude::*;

use reactor_protocol::ScenarioSummary;

use crate::api;
use crate::player::Player;
use crate::socket;

/// The scenario list from `GET /api/scenarios` (`None` while loading), shared
/// by the header and the home page.
#[derive(Clone, Copy)]
pub struct Scenarios(pub RwSignal<Option<Result<Vec<ScenarioSummary>, String>>>);

impl Scenarios {
    /// Start fetching the list.
    fn fetch() -> Scenarios {
        let list = RwSignal::new(None);
        leptos::task::spawn_local(async move { list.set(Some(api::scenarios().await)) });
        Scenarios(list)
    }
}

/// The whole app: one [`Player`], connected, routed and keyboard-driven.
#[component]
pub fn App() -> impl IntoView {
    let player = Player::new();
    provide_context(player);
    provide_context(Scenarios::fetch());
    socket::connect(player);
    crate::lesson::LessonState::provide();
    crate::room::Classroom::provide(player);
    routing::install(player);
    keyboard::install(player);
    view! {
        <div
            id="app"
            class:presenter=move || player.presenter.get()
            data-presenter=move || player.presenter.get().to_string()
        >
            <header::Header />
            <banners::Banners />
            <crate::room::RoomBar />
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
    view! {
        <controls::Controls />
        <main class="workbench">
            <crate::lesson::LessonPanel />
            <section class="stage" aria-label="The event loop">
                <diagram::Diagram />
                <explanation::WakeChain />
                <explanation::Explanation />
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

/// The player from context (every view below [`App`] has one).
fn use_player() -> Player {
    expect_context::<Player>()
}
