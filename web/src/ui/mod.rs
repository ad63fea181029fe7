//! The views: tiny components that read the [`Player`] and call its methods.

mod banners;
mod controls;
mod diagram;
mod explanation;
mod header;
mod home;
mod keyboard;
pub(crate) use keyboard::typing_in_field;
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

    /// Whether the server offers scenario `id`; `None` until the list has
    /// arrived, or when it could not be fetched.
    pub fn offers(self, id: &str) -> Option<bool> {
        self.0.with(|list| offers(list.as_ref(), id))
    }
}

/// [`Scenarios::offers`] over the list itself.
fn offers(list: Option<&Result<Vec<ScenarioSummary>, String>>, id: &str) -> Option<bool> {
    match list {
        Some(Ok(list)) => Some(list.iter().any(|s| s.id == id)),
        _ => None,
    }
}

/// A scenario is shown that the player can drive: not one the server does
/// not know (`/scenario/nope`), which has no engine behind it to step.
fn drivable(player: Player, scenarios: Scenarios) -> bool {
    player.scenario.with(|id| {
        id.as_deref()
            .is_some_and(|id| scenarios.offers(id) != Some(false))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_listed_scenario_is_offered() {
        let summary = |id: &str| ScenarioSummary {
            id: id.into(),
            title: String::new(),
            summary: String::new(),
        };
        let list = Ok(vec![summary("tcp_read"), summary("timers")]);
        assert_eq!(offers(Some(&list), "timers"), Some(true));
        assert_eq!(offers(Some(&list), "nope"), Some(false));
        assert_eq!(offers(None, "nope"), None, "still loading: nobody knows");
        assert_eq!(offers(Some(&Err("offline".into())), "nope"), None);
    }
}
