//! Predict mode, for any run: before each step the learner guesses which
//! part acts next; the step shows the record, and [`Actor::of`] says who
//! did. One click is one guess and one step ("guess and step"), so a class
//! on a projector or a phone keeps its rhythm.
//!
//! ```text
//!  Which part acts next?  [1 The executor] [2 The I/O driver] [3 The timer wheel] [4 The OS]
//!      │ a click: guess noted for record #position, then Step (one record)
//!      ▼
//!  Record #12 (park): the I/O driver acted — your guess, right.      4 of 6 right  [Reset score]
//! ```
//!
//! A guess is scored once per record: guessing again at the same place
//! (after stepping back) only steps. A student following a class guesses
//! without stepping: the presenter's step shows the record. A step without a guess (Step, →) is not
//! scored. The mode, and the guesses of the run on screen, live in
//! [`PREDICTING`] for the session; another run starts a fresh score.

use std::collections::BTreeMap;

use leptos::ev;
use leptos::prelude::*;
use reactor_protocol::{Actor, Record};

use super::context::{Scenarios, drivable, use_player};
use super::keyboard::{perform, typing_in_field};
use super::question::takes_digit_keys;
use crate::history::History;
use crate::keys::{Action, choice_key};
use crate::player::{Player, Program};
use crate::room::{Classroom, Role};

/// The learner's guesses: record index → the part guessed to act in it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Guesses(BTreeMap<usize, Actor>);

/// Guesses scored so far: `right` of `scored`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    /// Guesses that named the part that acted.
    pub right: usize,
    /// Guesses whose record has arrived.
    pub scored: usize,
}

impl Guesses {
    /// Note `actor` as the guess for record `record`, unless one is noted
    /// already; whether it was noted.
    pub fn guess(&mut self, record: usize, actor: Actor) -> bool {
        if self.0.contains_key(&record) {
            return false;
        }
        self.0.insert(record, actor);
        true
    }

    /// The guess for record `record`.
    pub fn of(&self, record: usize) -> Option<Actor> {
        self.0.get(&record).copied()
    }

    /// The score over the records received (a guess whose record has not
    /// arrived yet is not scored yet).
    pub fn score(&self, records: &[Record]) -> Score {
        self.0
            .iter()
            .filter_map(|(&index, &guess)| records.get(index).map(|r| Actor::of(&r.event) == guess))
            .fold(Score::default(), |score, right| Score {
                right: score.right + usize::from(right),
                scored: score.scored + 1,
            })
    }
}

/// "4 of 6 right".
pub fn score_label(score: Score) -> String {
    match score.scored {
        0 => "No guesses scored yet".to_string(),
        _ => format!("{} of {} right", score.right, score.scored),
    }
}

/// What the current record says of its guess, if it had one.
pub fn result_line(record: &Record, guess: Actor) -> String {
    let acted = Actor::of(&record.event);
    let said = format!(
        "Record #{} ({}): {} acted",
        record.seq,
        record.event.kind_name(),
        lower_first(acted.label())
    );
    if acted == guess {
        format!("{said}. You guessed it: right.")
    } else {
        format!("{said}; you guessed {}.", lower_first(guess.label()))
    }
}

/// "The OS" → "the OS", for the middle of a sentence.
fn lower_first(label: &str) -> String {
    label.replacen("The ", "the ", 1)
}

/// What identifies a run: another scenario, interleaving, program or
/// file starts a fresh score.
type Run = (Option<String>, u64, Option<Program>, bool);

/// Predict mode's state for the session.
#[derive(Clone, Debug, Default, PartialEq)]
struct Predicting {
    on: bool,
    run: Option<Run>,
    guesses: Guesses,
}

thread_local! {
    /// The one store of predict mode: an Arc signal, owned by no view, so
    /// it outlives the workbench.
    static PREDICTING: ArcRwSignal<Predicting> = ArcRwSignal::new(Predicting::default());
}

fn predicting() -> RwSignal<Predicting> {
    RwSignal::from(PREDICTING.with(Clone::clone))
}

/// The "Predict" toggle for the control bar.
#[component]
pub fn PredictToggle() -> impl IntoView {
    let state = predicting();
    let on = move || state.with(|s| s.on);
    view! {
        // One learner's mode: presenter mode, for a room, leaves it out.
        <button
            id="predict-btn"
            class="secondary"
            title="Guess which part acts before each step"
            aria-pressed=move || on().to_string()
            aria-controls="predict"
            on:click=move |_| state.update(|s| s.on = !s.on)
        >
            "Predict"
        </button>
    }
}

/// The guesses, the last result and the score, while predict mode is on.
#[component]
pub fn PredictBar() -> impl IntoView {
    let player = use_player();
    let state = predicting();
    forget_other_runs(player, state);
    let scenarios = expect_context::<Scenarios>();
    let classroom = use_context::<Classroom>();
    // A student following a class guesses; the presenter's step shows who acted.
    let following =
        move || classroom.is_some_and(|c| matches!(c.role.get(), Role::Following { .. }));
    let closed = move || {
        player.busy.get() || player.at_end() || !(following() || drivable(player, scenarios))
    };
    let guess = move |actor: Actor| {
        if closed() {
            return;
        }
        let next = player.position.get_untracked();
        state.update(|s| _ = s.guesses.guess(next, actor));
        if !following() {
            perform(player, classroom, Action::Step);
        }
    };
    let keys = window_event_listener(ev::keydown, move |event| {
        let ignored = event.ctrl_key() || event.alt_key() || event.meta_key() || event.repeat();
        if ignored
            || !state.with_untracked(|s| s.on)
            || takes_digit_keys()
            || typing_in_field(&event)
            || player.shortcuts.get_untracked()
        {
            return;
        }
        if let Some(&actor) = choice_key(&event.key()).and_then(|i| Actor::ALL.get(i)) {
            event.prevent_default();
            guess(actor);
        }
    });
    on_cleanup(move || keys.remove());
    let score =
        Memo::new(move |_| state.with(|s| player.history.with(|h| s.guesses.score(h.records()))));
    let result = move || {
        let current = player.current.get()?;
        let guess = state.with(|s| s.guesses.of(current.seq as usize))?;
        Some(result_line(&current, guess))
    };
    let guessed_here = move || state.with(|s| s.guesses.of(player.position.get()));
    let buttons = Actor::ALL
        .into_iter()
        .enumerate()
        .map(|(i, actor)| {
            view! {
                <button
                    class="predict-choice"
                    data-actor=actor.name()
                    aria-keyshortcuts=(i + 1).to_string()
                    aria-pressed=move || (guessed_here() == Some(actor)).to_string()
                    disabled=closed
                    on:click=move |_| guess(actor)
                >
                    <kbd aria-hidden="true">{(i + 1).to_string()}</kbd>
                    {actor.label()}
                </button>
            }
        })
        .collect_view();
    let on = move || state.with(|s| s.on);
    view! {
        <section id="predict" class="predict-bar" aria-label="Predict mode" hidden=move || !on()>
            <div class="predict-guesses" role="group" aria-labelledby="predict-question">
                <span id="predict-question" class="predict-question">"Which part acts next?"</span>
                {buttons}
            </div>
            <p id="predict-result" class="predict-result" aria-live="polite">{result}</p>
            <p class="predict-tally">
                <span
                    id="predict-score"
                    data-right=move || score.get().right.to_string()
                    data-scored=move || score.get().scored.to_string()
                >
                    {move || score_label(score.get())}
                </span>
                <button
                    id="predict-reset"
                    on:click=move |_| state.update(|s| s.guesses = Guesses::default())
                    disabled=move || score.get().scored == 0
                >
                    "Reset score"
                </button>
            </p>
        </section>
    }
}

/// Keep the guesses of the run on screen only: a new run's records are
/// other records.
fn forget_other_runs(player: Player, state: RwSignal<Predicting>) {
    // A load empties the history; the seed is read again then.
    let fresh = Memo::new(move |_| player.history.with(History::is_empty));
    Effect::new(move |_| {
        fresh.track();
        let run = Some((
            player.scenario.get(),
            player.seed.get_value(),
            player.program.get(),
            player.from_file.get(),
        ));
        if state.with_untracked(|s| s.run != run) {
            state.update(|s| {
                s.run = run;
                s.guesses = Guesses::default();
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::tcp_read;

    #[test]
    fn a_guess_is_scored_once_per_record_when_it_arrives() {
        let records = tcp_read();
        let mut guesses = Guesses::default();
        // Record 0 spawns (the executor); record 7 parks (the I/O driver).
        assert!(guesses.guess(0, Actor::Executor));
        assert!(!guesses.guess(0, Actor::Os), "the first guess stands");
        assert!(guesses.guess(7, Actor::TimerWheel));
        assert!(guesses.guess(99, Actor::Os));
        assert_eq!(
            guesses.score(&records),
            Score {
                right: 1,
                scored: 2
            },
            "record 99 has not arrived"
        );
        assert_eq!(guesses.of(0), Some(Actor::Executor));
        assert_eq!(guesses.of(1), None, "a step without a guess is not scored");
    }

    #[test]
    fn the_words_name_who_acted_and_how_the_guess_fared() {
        let records = tcp_read();
        assert_eq!(
            result_line(&records[7], Actor::Driver),
            "Record #7 (park): the I/O driver acted. You guessed it: right."
        );
        assert_eq!(
            result_line(&records[9], Actor::Executor),
            "Record #9 (os_event): the OS acted; you guessed the executor."
        );
        assert_eq!(
            score_label(Score {
                right: 4,
                scored: 6
            }),
            "4 of 6 right"
        );
        assert_eq!(score_label(Score::default()), "No guesses scored yet");
    }
}
