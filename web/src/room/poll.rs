//! Polls in a room: the presenter asks, students answer, a step reveals.
//!
//! The frames' effect on what this tab shows is the player's
//! ([`crate::player::poll`]); here are the commands. The presenter's tab
//! reveals a poll itself once the record that answers it is on screen
//! ([`answer_shown`]), with the same checks a learner alone gets: a lesson
//! question by [`reveal`], "which part acts next?" by [`Actor::of`].

use leptos::prelude::*;
use reactor_protocol::frame::{FollowerCommand, PollQuestion, PresenterCommand};
use reactor_protocol::lesson::{Question, reveal};
use reactor_protocol::{Actor, Record};

use super::{Classroom, Role, code};
use crate::player::poll::{Asked, RoomPoll};

/// The quick poll's question.
pub const NEXT_PART_QUESTION: &str = "Which part of the runtime acts next?";

impl Classroom {
    /// Ask the class a lesson stage's question (presenter only), asked with
    /// record `record` on screen; the next stage's record is `until`.
    pub fn ask_question(self, question: &Question, record: usize, until: Option<usize>) {
        let choices = question.choices.iter().map(|c| c.text.clone()).collect();
        let asked = Asked::Stage {
            question: Box::new(question.clone()),
            record,
            until,
        };
        self.ask(question.text.clone(), choices, asked);
    }

    /// Ask the class which part acts in the next step (presenter only).
    pub fn ask_next_part(self) {
        let position = self.player.position.get_untracked();
        let choices = Actor::ALL.iter().map(|a| a.label().to_string()).collect();
        self.ask(
            NEXT_PART_QUESTION.to_string(),
            choices,
            Asked::NextPart { position },
        );
    }

    fn ask(self, text: String, choices: Vec<String>, asked: Asked) {
        if !matches!(self.role.get_untracked(), Role::Presenting { .. }) {
            return;
        }
        let question = PollQuestion {
            text: text.clone(),
            choices: choices.clone(),
        };
        if self
            .player
            .send_text(&code::command(&PresenterCommand::Poll(question)))
        {
            let poll = RoomPoll::new(0, text, choices, Some(asked));
            self.player.link.poll.set(Some(poll));
        }
    }

    /// Close the open poll (presenter only): with the right choice once a
    /// step has shown it, or unanswered.
    pub fn reveal(self, right: Option<u8>) {
        if !matches!(self.role.get_untracked(), Role::Presenting { .. }) {
            return;
        }
        let command = code::command(&PresenterCommand::Reveal { right });
        if self.player.send_text(&command) {
            self.player.link.poll.update(|poll| {
                if let Some(poll) = poll {
                    poll.reveal_sent = true;
                }
            });
        }
    }

    /// Answer the open poll (following only), once.
    pub fn answer(self, choice: u8) {
        if !matches!(self.role.get_untracked(), Role::Following { .. }) {
            return;
        }
        let Some(id) = self
            .player
            .link
            .poll
            .with_untracked(|poll| poll.as_ref().filter(|p| p.is_open()).map(|p| p.id))
        else {
            return;
        };
        let command = FollowerCommand::Answer { poll: id, choice };
        let text = serde_json::to_string(&command).unwrap_or_default();
        if self.player.send_text(&text) {
            self.player.link.poll.update(|poll| {
                if let Some(poll) = poll {
                    poll.sending = Some(choice);
                }
            });
        }
    }

    /// Put the poll away (it stays closed for the room).
    pub fn dismiss_poll(self) {
        self.player.link.poll.set(None);
    }
}

/// The right choice of what the presenter asked, once the record that
/// answers it is among the first `shown` of `records`.
pub fn answer_shown(asked: &Asked, records: &[Record], shown: usize) -> Option<u8> {
    let shown = &records[..shown.min(records.len())];
    let right = match asked {
        Asked::Stage {
            question,
            record,
            until,
        } => reveal(question, shown, *record, *until)?.choice,
        Asked::NextPart { position } => {
            let actor = Actor::of(&shown.get(*position)?.event);
            Actor::ALL.iter().position(|a| *a == actor)?
        }
    };
    u8::try_from(right).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactor_protocol::Kind;
    use reactor_protocol::lesson::{Choice, Matcher};

    fn records() -> Vec<Record> {
        crate::fixture::tcp_read()
    }

    #[test]
    fn the_next_part_is_answered_by_the_next_record_once_shown() {
        let records = records();
        let asked = Asked::NextPart { position: 2 };
        assert_eq!(answer_shown(&asked, &records, 2), None, "not shown yet");
        let actor = Actor::of(&records[2].event);
        let right = Actor::ALL.iter().position(|a| *a == actor).unwrap();
        assert_eq!(answer_shown(&asked, &records, 3), Some(right as u8));
    }

    #[test]
    fn a_stage_question_is_answered_by_its_first_matching_record() {
        let records = records();
        let kinds: Vec<Kind> = records.iter().map(|r| r.event.kind()).collect();
        let question = Question {
            text: "What comes first?".into(),
            choices: vec![
                Choice {
                    text: "a park".into(),
                    matcher: Matcher::kind(Kind::Park),
                },
                Choice {
                    text: "a poll".into(),
                    matcher: Matcher::kind(Kind::Poll),
                },
            ],
            why: String::new(),
        };
        let asked = Asked::Stage {
            question: Box::new(question),
            record: 0,
            until: None,
        };
        let first = (1..records.len())
            .find(|&i| matches!(kinds[i], Kind::Park | Kind::Poll))
            .unwrap();
        assert_eq!(answer_shown(&asked, &records, first), None, "not shown yet");
        let expected = u8::from(kinds[first] == Kind::Poll);
        assert_eq!(answer_shown(&asked, &records, first + 1), Some(expected));
    }
}
