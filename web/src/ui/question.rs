//! The question card: a lesson stage's prediction, its choices as buttons;
//! once the record that answers it is on screen, the right choice and the
//! learner's pick marked in words, and why.
//!
//! ```text
//!  stage 3's record on screen          the answer's record on screen
//!  ┌ This stage's question ────┐       ┌ This stage's question ─────────┐
//!  │ How long will it park?    │  step │ ✓ 3 ms            The answer   │
//!  │ [1 3 ms] [2 forever] …    │ ────▶ │ ✗ forever   Your pick: not it  │
//!  │ Your pick: “forever”.     │ ◀──── │ You picked “forever”; record … │
//!  └───────────────────────────┘  back │ why …                          │
//!                                      └────────────────────────────────┘
//! ```
//!
//! What is on screen decides ([`questions_at`]): stepping back before the
//! answer's record opens the question again. Picks live in [`PICKS`], one
//! per lesson stage for the session, so they survive stepping and the
//! workbench being rebuilt. Keys `1`–`5` pick while a question is open;
//! predict mode (`super::predict`) leaves them to it.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::ev;
use leptos::prelude::*;
use reactor_protocol::lesson::{Lesson, Question, Reveal};

use super::context::use_player;
use super::keyboard::typing_in_field;
use super::poll::QuestionInClass;
use crate::keys::choice_key;
use crate::lesson::{Asked, questions_at};

/// The choice picked for each lesson stage: (lesson id, stage) → choice.
type Picks = BTreeMap<(String, usize), usize>;

thread_local! {
    /// Every pick of the session. An Arc signal, owned by no view, so it
    /// outlives the workbench.
    static PICKS: ArcRwSignal<Picks> = ArcRwSignal::new(Picks::new());
    /// An open question is on screen: the digit keys are its.
    static TAKES_DIGITS: Cell<bool> = const { Cell::new(false) };
}

/// Whether an open question is on screen, taking the keys `1`–`5`.
pub fn takes_digit_keys() -> bool {
    TAKES_DIGITS.get()
}

/// The questions on screen for `lesson` (see [`questions_at`]), and a live
/// region that reads out an answer as it appears.
#[component]
pub fn Questions(lesson: Arc<Lesson>, bound: Memo<Vec<usize>>) -> impl IntoView {
    let player = use_player();
    let picks = RwSignal::from(PICKS.with(Clone::clone));
    let on_screen = Memo::new({
        let lesson = lesson.clone();
        move |_| {
            let position = player.position.get();
            bound.with(|bound| {
                player
                    .history
                    .with(|h| questions_at(&lesson, bound, h.records(), position))
            })
        }
    });
    let open = move |all: &Vec<Asked>| all.last().filter(|a| a.answer.is_none()).map(|a| a.stage);
    Effect::new(move |_| TAKES_DIGITS.set(on_screen.with(open).is_some()));
    on_cleanup(|| TAKES_DIGITS.set(false));
    let keys = window_event_listener(ev::keydown, {
        let lesson = lesson.clone();
        move |event| {
            let modifier = event.ctrl_key() || event.alt_key() || event.meta_key();
            if modifier || typing_in_field(&event) || player.shortcuts.get_untracked() {
                return;
            }
            let Some(stage) = on_screen.with_untracked(open) else {
                return;
            };
            let offered = lesson.stages[stage]
                .question
                .as_ref()
                .map_or(0, |q| q.choices.len());
            if let Some(choice) = choice_key(&event.key()).filter(|&c| c < offered) {
                event.prevent_default();
                picks.update(|p| _ = p.insert((lesson.id.clone(), stage), choice));
            }
        }
    });
    on_cleanup(move || keys.remove());
    let cards = {
        let lesson = lesson.clone();
        move || {
            let all = on_screen.get();
            let last = all.len().saturating_sub(1);
            all.into_iter()
                .enumerate()
                .map(|(i, asked)| {
                    let (record, until) = bound.with(|bound| {
                        (
                            bound.get(asked.stage).copied(),
                            bound.get(asked.stage + 1).copied(),
                        )
                    });
                    let card = Card {
                        lesson: lesson.clone(),
                        stage: asked.stage,
                        record,
                        until,
                        earlier: i < last,
                        picks,
                    };
                    match asked.answer {
                        None => card.open().into_any(),
                        Some(answer) => card.answered(answer).into_any(),
                    }
                })
                .collect_view()
        }
    };
    // Read out once, as an answer appears: the card's own text is not live.
    let announcement = move || {
        let asked = on_screen.with(|all| all.iter().rev().find(|a| a.answer.is_some()).copied())?;
        let answer = asked.answer?;
        let question = lesson.stages.get(asked.stage)?.question.as_ref()?;
        let pick = picks.with_untracked(|p| p.get(&(lesson.id.clone(), asked.stage)).copied());
        let kind = player
            .history
            .with_untracked(|h| h.records().get(answer.record).map(|r| r.event.kind_name()))?;
        Some(outcome(question, answer, kind, pick))
    };
    view! {
        <div class="questions">
            {cards}
            <p id="question-live" class="visually-hidden" aria-live="polite">{announcement}</p>
        </div>
    }
}

/// One stage's question, as a card.
struct Card {
    lesson: Arc<Lesson>,
    stage: usize,
    /// The stage's record, and the next stage's if it is here.
    record: Option<usize>,
    until: Option<usize>,
    /// The previous stage's, answered, above the active stage's.
    earlier: bool,
    picks: RwSignal<Picks>,
}

impl Card {
    fn question(&self) -> Question {
        self.lesson.stages[self.stage]
            .question
            .clone()
            .expect("only a stage with a question has a card")
    }

    fn key(&self) -> (String, usize) {
        (self.lesson.id.clone(), self.stage)
    }

    fn id(&self) -> &'static str {
        if self.earlier {
            "question-earlier"
        } else {
            "question"
        }
    }

    fn heading(&self) -> String {
        if self.earlier {
            format!("Stage {}'s question", self.stage + 1)
        } else {
            "This stage's question".to_string()
        }
    }

    /// The question with its choices as buttons, the pick pressed.
    fn open(self) -> impl IntoView {
        let question = self.question();
        let key = self.key();
        let picks = self.picks;
        let picked = {
            let key = key.clone();
            move || picks.with(|p| p.get(&key).copied())
        };
        let choices = question
            .choices
            .iter()
            .enumerate()
            .map(|(i, choice)| {
                let key = key.clone();
                let picked = picked.clone();
                view! {
                    <li>
                        <button
                            class="question-choice"
                            data-choice=i.to_string()
                            aria-keyshortcuts=(i + 1).to_string()
                            aria-pressed=move || (picked() == Some(i)).to_string()
                            on:click=move |_| picks.update(|p| _ = p.insert(key.clone(), i))
                        >
                            <kbd aria-hidden="true">{(i + 1).to_string()}</kbd>
                            <span>{choice.text.clone()}</span>
                        </button>
                    </li>
                }
            })
            .collect_view();
        let status = {
            let question = question.clone();
            move || match picked() {
                Some(i) => format!(
                    "Your pick: “{}”. Step on to see what the engine does; until then you can change it.",
                    question.choices[i].text
                ),
                None => format!(
                    "Pick an answer (or press 1–{}), then step on: the engine's next records show which is right.",
                    question.choices.len()
                ),
            }
        };
        let class_poll = QuestionInClass::of(&question, self.record, self.until);
        let in_class_poll = {
            let class_poll = class_poll.clone();
            move || class_poll.answered_in_poll()
        };
        let class = class_poll.into_view();
        let id = self.id();
        view! {
            <section id=id class="question-card" data-state="open" data-stage=(self.stage + 1).to_string() aria-labelledby=format!("{id}-heading")>
                <h3 id=format!("{id}-heading") class="question-heading">{self.heading()}</h3>
                <p id=format!("{id}-text") class="question-text">{question.text.clone()}</p>
                <div class="question-own" hidden=in_class_poll>
                    <div role="group" aria-labelledby=format!("{id}-text")>
                        <ol class="question-choices">{choices}</ol>
                    </div>
                    <p class="question-status">{status}</p>
                </div>
                {class}
            </section>
        }
    }

    /// The question answered: every choice marked in words, and why.
    fn answered(self, answer: Reveal) -> impl IntoView {
        let question = self.question();
        let pick = self.picks.with_untracked(|p| p.get(&self.key()).copied());
        let kind = use_player()
            .history
            .with_untracked(|h| h.records().get(answer.record).map(|r| r.event.kind_name()))
            .unwrap_or("record");
        let choices = question
            .choices
            .iter()
            .enumerate()
            .map(|(i, choice)| {
                let right = i == answer.choice;
                let mine = pick == Some(i);
                let (mark, verdict) = marks(right, mine);
                view! {
                    <li class="question-answer" class:right=right class:picked=mine data-choice=i.to_string()>
                        <span class="question-mark" aria-hidden="true">{mark}</span>
                        <span>{choice.text.clone()}</span>
                        {verdict.map(|words| view! { <strong class="question-verdict">{words}</strong> })}
                    </li>
                }
            })
            .collect_view();
        let id = self.id();
        view! {
            <section
                id=id
                class="question-card"
                data-state="answered"
                data-stage=(self.stage + 1).to_string()
                data-right=answer.choice.to_string()
                data-pick=pick.map(|p| p.to_string())
                aria-labelledby=format!("{id}-heading")
            >
                <h3 id=format!("{id}-heading") class="question-heading">{self.heading()}</h3>
                <p class="question-text">{question.text.clone()}</p>
                <ol class="question-choices">{choices}</ol>
                <p class="question-outcome">{outcome(&question, answer, kind, pick)}</p>
                <div class="question-why" inner_html=question.why.clone()></div>
            </section>
        }
    }
}

/// A choice's mark and words once answered: the right one, the pick.
fn marks(right: bool, mine: bool) -> (&'static str, Option<&'static str>) {
    match (right, mine) {
        (true, true) => ("✓", Some("Right: your pick")),
        (true, false) => ("✓", Some("The answer")),
        (false, true) => ("✗", Some("Your pick: not this one")),
        (false, false) => ("", None),
    }
}

/// How the prediction fared, and the record (of kind `kind`) that says so.
fn outcome(question: &Question, answer: Reveal, kind: &str, pick: Option<usize>) -> String {
    let right = &question.choices[answer.choice].text;
    let record = format!("record #{} ({kind})", answer.record);
    match pick {
        Some(p) if p == answer.choice => {
            format!("You picked “{right}”: right. The {record} shows it.")
        }
        Some(p) => format!(
            "You picked “{}”; the {record} shows the answer: “{right}”.",
            question.choices[p].text
        ),
        None => format!("The {record} shows the answer: “{right}”."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactor_protocol::Kind;
    use reactor_protocol::lesson::{Choice, Matcher};

    fn question() -> Question {
        let choice = |text: &str| Choice {
            text: text.into(),
            matcher: Matcher::kind(Kind::Park),
        };
        Question {
            text: "?".into(),
            choices: vec![choice("3 ms"), choice("forever")],
            why: String::new(),
        }
    }

    #[test]
    fn the_outcome_says_how_the_pick_fared_without_scolding() {
        let answer = Reveal {
            record: 42,
            choice: 0,
        };
        let q = question();
        assert_eq!(
            outcome(&q, answer, "park", Some(0)),
            "You picked “3 ms”: right. The record #42 (park) shows it."
        );
        assert_eq!(
            outcome(&q, answer, "park", Some(1)),
            "You picked “forever”; the record #42 (park) shows the answer: “3 ms”."
        );
        assert_eq!(
            outcome(&q, answer, "park", None),
            "The record #42 (park) shows the answer: “3 ms”."
        );
    }

    #[test]
    fn marks_are_words_not_only_colour() {
        assert_eq!(marks(true, true).1, Some("Right: your pick"));
        assert_eq!(marks(true, false).1, Some("The answer"));
        assert_eq!(marks(false, true).1, Some("Your pick: not this one"));
        assert_eq!(marks(false, false), ("", None));
    }
}
