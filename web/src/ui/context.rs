//! What every view reads from context: the [`Player`] and the scenario list.

use leptos::prelude::*;
use reactor_protocol::ScenarioSummary;

use crate::api;
use crate::player::Player;

/// The scenario list from `GET /api/scenarios` (`None` while loading), shared
/// by the header and the home page.
#[derive(Clone, Copy)]
pub struct Scenarios(pub RwSignal<Option<Result<Vec<ScenarioSummary>, String>>>);

impl Scenarios {
    /// Start fetching the list.
    pub fn fetch() -> Scenarios {
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
/// not know (`/scenario/nope`), which has no engine behind it to step. A
/// playground program is no listed scenario, and is driven all the same.
pub fn drivable(player: Player, scenarios: Scenarios) -> bool {
    player.scenario.with(|id| {
        id.as_deref()
            .is_some_and(|id| id == crate::player::PROGRAM || scenarios.offers(id) != Some(false))
    })
}

/// The player from context (every view below [`super::App`] has one).
pub fn use_player() -> Player {
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
