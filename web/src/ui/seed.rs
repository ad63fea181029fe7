//! `#seed-control`: which interleaving of its threads a multi-thread run
//! shows, and another one on request.
//!
//! ```text
//!  Interleaving: seed 7   Seed [ 7    ] (Load) (Shuffle)
//! ```
//!
//! The words say the seed of the run loaded (its snapshots', the engine's
//! own); Load and Shuffle reload the scenario with
//! `{"cmd":"load","scenario":…,"seed":N}` (`Player::load_seeded`), and the
//! address bar keeps it (`?seed=N`, see `route`). A follower only reads it,
//! and a lesson, bound to the round-robin run's records, keeps it. A static
//! site has only the round-robin run, and says so.

use leptos::prelude::*;

use super::context::use_player;
use super::pool_moves::next_seed;
use crate::lesson::LessonState;
use crate::route::parse_seed;
use crate::site::{is_static, needs_server};

/// The interleaving shown, and the controls to pick another.
#[component]
pub fn SeedControl() -> impl IntoView {
    let player = use_player();
    let lessons = expect_context::<LessonState>();
    // The run's own seed, from the first snapshot held (at step 0 no
    // state is shown yet, but the run is loaded).
    let shown = Memo::new(move |_| {
        let first = |h: &crate::history::History| h.snapshot_at(1)?.pool.as_ref().map(|p| p.seed);
        player.history.with(first)
    });
    let words = move || match shown.get() {
        Some(0) => "Interleaving: round-robin (seed 0)".to_string(),
        Some(seed) => format!("Interleaving: seed {seed}"),
        None => String::new(),
    };
    // Built afresh with each load's pool (see `pool::pooled`), so the
    // field starts at the seed of the run loaded.
    let typed = RwSignal::new(player.seed.get_value().to_string());
    let problem = RwSignal::new(None::<String>);
    let load = move |seed: u64| {
        problem.set(None);
        if let Some(id) = player.scenario.get_untracked() {
            player.load_seeded(&id, seed);
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_seed(&typed.get_untracked()) {
            Ok(seed) => load(seed),
            Err(message) => problem.set(Some(message)),
        }
    };
    let shuffle = move |_| load(next_seed(player.seed.get_value()));
    // A follower follows the presenter's run; a lesson's stages are bound
    // to the round-robin run's records; a static site has only that run.
    let live = !is_static();
    let may_choose = move || live && player.link.driving.get() && lessons.id.with(Option::is_none);
    view! {
        <form id="seed-control" class="seed-control" on:submit=submit>
            <span id="seed-now" data-seed=move || shown.get().map(|s| s.to_string())>{words}</span>
            <Show when=may_choose>
                <span class="seed-pick">
                    <label for="seed-input">"Seed"</label>
                    <input
                        id="seed-input"
                        type="text"
                        inputmode="numeric"
                        autocomplete="off"
                        size="8"
                        aria-describedby="seed-problem"
                        aria-invalid=move || problem.with(Option::is_some).then_some("true")
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                    <button id="seed-load" type="submit">"Load"</button>
                    <button id="seed-shuffle" type="button" on:click=shuffle title="Load another interleaving">"Shuffle"</button>
                </span>
            </Show>
            {(!live).then(|| view! {
                <span id="seed-needs-server" class="seed-pick">{needs_server("Another interleaving")}</span>
            })}
            <span id="seed-problem" class="seed-problem" role="alert">{move || problem.get()}</span>
        </form>
    }
}
