//! A classroom poll as this tab sees it: the question, this student's
//! answer, the presenter's live tally and the reveal — kept from the room's
//! `poll`, `answered`, `tally` and `revealed` frames (`docs/protocol.md`).
//!
//! ```text
//!  presenter                            server                       follower
//!  ask ─{"cmd":"poll"}────────────────▶ opens poll 7 ─{"type":"poll"}──▶ RoomPoll { id 7 }
//!  RoomPoll { id 0 } ◀─{"type":"tally"}─ counts (≤ 10/s)  ◀─{"cmd":"answer"}─ pick
//!        id learnt: 7                                    ─{"type":"answered"}─▶ mine
//!  a step shows the answer ─{"cmd":"reveal","right":1}─▶ ─{"type":"revealed"}─▶ right / wrong
//! ```
//!
//! The presenter's tab knows what it asked and so what reveals it
//! ([`Asked`]); a follower knows only the question until the reveal.

use reactor_protocol::ServerFrame;
use reactor_protocol::frame::PollTally;
use reactor_protocol::lesson::Question;

/// What a presenter asked, and so which record answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    /// A lesson stage's question, asked with record `record` on screen; the
    /// next stage's record, if any, is `until`.
    Stage {
        /// The question, with the matchers that check it.
        question: Box<Question>,
        /// The stage's record.
        record: usize,
        /// The next stage's record.
        until: Option<usize>,
    },
    /// "Which part acts next?", asked with `position` records shown: the
    /// record at index `position` answers it.
    NextPart {
        /// Records shown when it was asked.
        position: usize,
    },
}

/// One poll, from its asking to its reveal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomPoll {
    /// The poll's id in its room; 0 at the presenter until the first tally.
    pub id: u32,
    /// The question.
    pub text: String,
    /// Its choices.
    pub choices: Vec<String>,
    /// Follower: the answer the room counted.
    pub mine: Option<u8>,
    /// Follower: the choice sent and not yet counted.
    pub sending: Option<u8>,
    /// Presenter: the answers so far.
    pub tally: Option<PollTally>,
    /// Everyone, once closed: every count, and the right choice if revealed.
    pub revealed: Option<PollTally>,
    /// Presenter: what was asked, to reveal it when a step shows the answer.
    pub asked: Option<Asked>,
    /// Presenter: the reveal was sent.
    pub reveal_sent: bool,
}

impl RoomPoll {
    /// A poll this tab sees asked: by the room (`id` known) or by itself
    /// as presenter (`id` 0 until the room's first tally names it).
    pub fn new(id: u32, text: String, choices: Vec<String>, asked: Option<Asked>) -> RoomPoll {
        RoomPoll {
            id,
            text,
            choices,
            mine: None,
            sending: None,
            tally: None,
            revealed: None,
            asked,
            reveal_sent: false,
        }
    }

    /// Whether answers are still taken.
    pub fn is_open(&self) -> bool {
        self.revealed.is_none()
    }
}

/// Apply a poll frame to the poll this tab shows; other frames change nothing.
pub fn apply(poll: &mut Option<RoomPoll>, frame: ServerFrame) {
    match frame {
        ServerFrame::Poll(asked) => {
            *poll = Some(RoomPoll::new(asked.id, asked.text, asked.choices, None));
        }
        ServerFrame::Tally(tally) => {
            if let Some(shown) = poll.as_mut().filter(|p| p.is_open()) {
                // A presenter's own poll learns its id from its first tally.
                if shown.id == 0 {
                    shown.id = tally.poll;
                }
                if shown.id == tally.poll {
                    shown.tally = Some(tally);
                }
            }
        }
        ServerFrame::Answered { poll: id, choice } => {
            if let Some(shown) = poll.as_mut().filter(|p| p.id == id) {
                shown.mine = Some(choice);
                shown.sending = None;
            }
        }
        ServerFrame::Revealed(tally) => {
            if let Some(shown) = poll.as_mut().filter(|p| p.id == tally.poll) {
                shown.sending = None;
                shown.revealed = Some(tally);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactor_protocol::frame::PollAsked;

    fn tally(poll: u32, counts: Vec<u32>, right: Option<u8>) -> PollTally {
        let answered = counts.iter().sum();
        PollTally {
            poll,
            counts,
            answered,
            right,
        }
    }

    #[test]
    fn a_follower_sees_the_question_its_answer_and_the_reveal() {
        let mut poll = None;
        apply(
            &mut poll,
            ServerFrame::Poll(PollAsked {
                id: 3,
                text: "Next?".into(),
                choices: vec!["A".into(), "B".into()],
            }),
        );
        apply(&mut poll, ServerFrame::Answered { poll: 2, choice: 0 });
        assert_eq!(poll.as_ref().unwrap().mine, None, "another poll's answer");
        apply(&mut poll, ServerFrame::Answered { poll: 3, choice: 1 });
        assert_eq!(poll.as_ref().unwrap().mine, Some(1));
        apply(
            &mut poll,
            ServerFrame::Revealed(tally(3, vec![2, 1], Some(0))),
        );
        let shown = poll.unwrap();
        assert!(!shown.is_open());
        assert_eq!(shown.revealed.unwrap().right, Some(0));
    }

    #[test]
    fn a_presenter_learns_its_polls_id_from_the_first_tally_only() {
        let mut poll = Some(RoomPoll::new(
            0,
            "Next?".into(),
            vec!["A".into(), "B".into()],
            Some(Asked::NextPart { position: 4 }),
        ));
        // The reveal of the poll this one replaced is not about it.
        apply(&mut poll, ServerFrame::Revealed(tally(6, vec![1, 1], None)));
        assert!(poll.as_ref().unwrap().is_open());
        apply(&mut poll, ServerFrame::Tally(tally(7, vec![0, 0], None)));
        apply(&mut poll, ServerFrame::Tally(tally(7, vec![2, 1], None)));
        apply(&mut poll, ServerFrame::Tally(tally(8, vec![9, 9], None)));
        let shown = poll.unwrap();
        assert_eq!(shown.id, 7);
        assert_eq!(shown.tally.unwrap().counts, vec![2, 1]);
    }
}
