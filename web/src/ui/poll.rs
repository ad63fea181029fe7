//! The classroom poll on the workbench: the presenter's question and live
//! histogram, a student's choices and, after the reveal, right or wrong.
//!
//! ```text
//!  presenter  [Ask the class] (in the controls)          student (phone)
//!             ┌ Which part of the runtime acts next? ┐   ┌ Which part … next? ┐
//!             │ The executor      ████████  2        │   │ [The executor]      │
//!             │ The I/O driver    ████      1        │   │ [The I/O driver] …  │
//!             │ 3 of 4 answered · step to reveal     │   └─────────────────────┘
//!             └──────────────────────────────────────┘   after the reveal: ✓ / ✗
//! ```
//!
//! A lesson stage's question card (`super::question`) asks through
//! [`QuestionInClass`]: "Ask the class" for the presenter, and for a student
//! a pointer to the poll in place of the card's own choices.
//!
//! Nothing here decides what is right: the presenter's tab reveals a poll
//! once the record that answers it is on screen
//! ([`crate::room::poll::answer_shown`]), and the room tells everyone.

use std::sync::Arc;

use leptos::prelude::*;
use reactor_protocol::frame::PollTally;
use reactor_protocol::lesson::Question;

use super::context::use_player;
use crate::player::Player;
use crate::player::poll::RoomPoll;
use crate::room::poll::answer_shown;
use crate::room::{Classroom, Role};

/// The poll for this tab's role in the room, if any.
#[component]
pub fn ClassPoll() -> impl IntoView {
    let classroom = expect_context::<Classroom>();
    let player = use_player();
    // The presenter reveals as soon as a step shows the answer.
    Effect::new(move |_| {
        let shown = player.position.get();
        let presenting = matches!(classroom.role.get(), Role::Presenting { .. });
        let waiting = player.link.poll.with(|poll| {
            poll.as_ref()
                .filter(|p| p.is_open() && !p.reveal_sent && p.id != 0)
                .and_then(|p| p.asked.clone())
        });
        let (true, Some(asked)) = (presenting, waiting) else {
            return;
        };
        let right = player
            .history
            .with(|history| answer_shown(&asked, history.records(), shown));
        if right.is_some() {
            classroom.reveal(right);
        }
    });
    move || match classroom.role.get() {
        Role::Presenting { .. } => view! { <PresenterPoll /> }.into_any(),
        Role::Following { .. } => view! { <StudentPoll /> }.into_any(),
        Role::Alone | Role::Exploring { .. } => ().into_any(),
    }
}

/// The presenter's side: a way to ask, then the live histogram.
#[component]
fn PresenterPoll() -> impl IntoView {
    let classroom = expect_context::<Classroom>();
    let player = use_player();
    let followers = move || {
        player
            .link
            .status
            .with(|room| room.as_ref().map_or(0, |r| r.followers))
    };
    move || {
        match player.link.poll.get() {
            // Asking is in the controls (`AskTheClass`).
            None => ().into_any(),
            Some(poll) => {
                let open = poll.is_open();
                let tally = poll.revealed.clone().or_else(|| poll.tally.clone());
                let answered = tally.as_ref().map_or(0, |t| t.answered);
                let state = if open { "open" } else { "revealed" };
                view! {
                <section id="poll" class="poll" data-role="presenter" data-state=state aria-label="Class poll">
                    <h2 class="poll-question">{poll.text.clone()}</h2>
                    <Histogram poll=poll.clone() tally=tally.clone() />
                    <p id="poll-answered" class="poll-note" aria-live="polite" data-answered=answered.to_string()>
                        {move || format!("{answered} of {} answered", followers())}
                        {if open { " · the step that shows the answer reveals it" } else { "" }}
                    </p>
                    {if open {
                        view! { <button id="poll-close" on:click=move |_| classroom.reveal(None)>"Close without an answer"</button> }.into_any()
                    } else {
                        view! { <button id="poll-dismiss" on:click=move |_| classroom.dismiss_poll()>"Done"</button> }.into_any()
                    }}
                </section>
            }
            .into_any()
            }
        }
    }
}

/// The presenter's way to ask "which part acts next?", in the controls
/// where predict mode's toggle is for one learner.
#[component]
pub fn AskTheClass() -> impl IntoView {
    let classroom = expect_context::<Classroom>();
    let player = use_player();
    let open = move || {
        player
            .link
            .poll
            .with(|p| p.as_ref().is_some_and(RoomPoll::is_open))
    };
    view! {
        <button id="poll-ask-next" title="Ask the class which part of the runtime acts next"
            disabled=open on:click=move |_| classroom.ask_next_part()>
            "Ask the class"
        </button>
    }
}

/// One bar per choice: the count, and after the reveal which was right.
#[component]
fn Histogram(poll: RoomPoll, tally: Option<PollTally>) -> impl IntoView {
    let counts = tally.as_ref().map(|t| t.counts.clone()).unwrap_or_default();
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    let right = tally.as_ref().and_then(|t| t.right);
    let mine = poll.mine;
    let bars = poll
        .choices
        .iter()
        .enumerate()
        .map(|(index, choice)| {
            let count = counts.get(index).copied().unwrap_or(0);
            let width = format!("width: {}%", count * 100 / most);
            let is_right = right.is_some_and(|r| usize::from(r) == index);
            let is_mine = mine.is_some_and(|m| usize::from(m) == index);
            let marks = match (is_right, is_mine) {
                (true, true) => " — right, your answer",
                (true, false) => " — right",
                (false, true) => " — your answer",
                (false, false) => "",
            };
            view! {
                <li class="poll-bar" data-choice=index.to_string() data-count=count.to_string()
                    data-right=is_right.to_string() data-mine=is_mine.to_string()>
                    <span class="poll-choice-text">{choice.clone()}<strong>{marks}</strong></span>
                    <span class="poll-bar-track"><span class="poll-bar-fill" style=width></span></span>
                    <span class="poll-count">{count}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ol class="poll-bars">{bars}</ol> }
}

/// A student's side: the choices, then the answer sent, then the reveal.
#[component]
fn StudentPoll() -> impl IntoView {
    let classroom = expect_context::<Classroom>();
    let player = use_player();
    move || {
        let poll = player.link.poll.get()?;
        let body = match &poll.revealed {
            None => choices(classroom, &poll),
            Some(tally) => view! {
                <p id="poll-verdict" class="poll-verdict" role="status">{verdict(&poll, tally)}</p>
                <Histogram poll=poll.clone() tally=Some(tally.clone()) />
                <button id="poll-dismiss" on:click=move |_| classroom.dismiss_poll()>"Done"</button>
            }
            .into_any(),
        };
        let state = if poll.is_open() { "open" } else { "revealed" };
        Some(view! {
            <section id="poll" class="poll" data-role="student" data-state=state aria-label="Class poll">
                <h2 class="poll-question">{poll.text.clone()}</h2>
                {body}
            </section>
        })
    }
}

/// The open poll's choices as buttons, and what became of the answer.
fn choices(classroom: Classroom, poll: &RoomPoll) -> AnyView {
    let picked = poll.mine.or(poll.sending);
    let buttons = poll
        .choices
        .iter()
        .enumerate()
        .map(|(index, choice)| {
            let number = u8::try_from(index).unwrap_or(u8::MAX);
            let pressed = picked == Some(number);
            view! {
                <li>
                    <button class="poll-choice" data-choice=index.to_string()
                        aria-pressed=pressed.to_string() disabled=picked.is_some()
                        on:click=move |_| classroom.answer(number)>
                        {choice.clone()}
                    </button>
                </li>
            }
        })
        .collect_view();
    let note = match (poll.mine, poll.sending) {
        (Some(_), _) => "Your answer is in. The presenter's next steps reveal the right one.",
        (None, Some(_)) => "Sending your answer…",
        (None, None) => "Pick one: everyone's answers show after the reveal.",
    };
    view! {
        <ol class="poll-choices" role="group" aria-label="Your answer">{buttons}</ol>
        <p id="poll-note" class="poll-note" aria-live="polite">{note}</p>
    }
    .into_any()
}

/// What a student reads once the poll is closed.
fn verdict(poll: &RoomPoll, tally: &PollTally) -> String {
    let Some(right) = tally.right else {
        return "The presenter closed the poll without an answer.".to_string();
    };
    let answer = poll
        .choices
        .get(usize::from(right))
        .cloned()
        .unwrap_or_default();
    match poll.mine {
        Some(mine) if mine == right => format!("Right! The answer: {answer}."),
        Some(_) => format!("Not this time. The answer: {answer}."),
        None => format!("The answer: {answer}."),
    }
}

/// A question and the classroom: the presenter may ask it of the class; a
/// student sees it in the class poll once the presenter has.
#[derive(Clone)]
pub(super) struct QuestionInClass {
    classroom: Option<Classroom>,
    player: Player,
    question: Arc<Question>,
    record: Option<usize>,
    until: Option<usize>,
}

impl QuestionInClass {
    pub(super) fn of(
        question: &Question,
        record: Option<usize>,
        until: Option<usize>,
    ) -> QuestionInClass {
        QuestionInClass {
            classroom: use_context::<Classroom>(),
            player: use_player(),
            question: Arc::new(question.clone()),
            record,
            until,
        }
    }

    /// A student following the class, with this question open as the
    /// class's poll: it is answered there, once for the room.
    pub(super) fn answered_in_poll(&self) -> bool {
        let Some(classroom) = self.classroom else {
            return false;
        };
        matches!(classroom.role.get(), Role::Following { .. })
            && self.player.link.poll.with(|poll| {
                poll.as_ref()
                    .is_some_and(|p| p.is_open() && p.text == self.question.text)
            })
    }

    /// What the card adds in a room: the presenter's "Ask the class", a
    /// student's pointer to the poll.
    pub(super) fn into_view(self) -> impl IntoView {
        move || {
            let classroom = self.classroom?;
            let asked = self.player.link.poll.with(|poll| {
                poll.as_ref()
                    .is_some_and(|p| p.is_open() && p.text == self.question.text)
            });
            match classroom.role.get() {
                Role::Presenting { .. } if asked => Some(
                    view! { <p class="question-status">"The class is answering: the histogram is above."</p> }
                        .into_any(),
                ),
                Role::Presenting { .. } => {
                    let this = self.clone();
                    let record = self.record?;
                    Some(
                        view! {
                            <button id="question-ask" class="question-ask" on:click=move |_| {
                                classroom.ask_question(&this.question, record, this.until);
                            }>"Ask the class"</button>
                        }
                        .into_any(),
                    )
                }
                Role::Following { .. } if asked => Some(
                    view! { <p class="question-status">"Answer in the class poll above: the presenter's step reveals it."</p> }
                        .into_any(),
                ),
                _ => None,
            }
        }
    }
}
