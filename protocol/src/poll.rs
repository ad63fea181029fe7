//! Classroom polls on the wire: the presenter's question, a follower's
//! answer, the presenter's tally and everyone's reveal (the frames
//! themselves are [`ServerFrame`](crate::ServerFrame)'s `poll`, `tally`,
//! `answered` and `revealed`, and [`PresenterCommand`](crate::frame::PresenterCommand)'s
//! `poll` and `reveal`; `docs/protocol.md` has the exchange).

use serde::{Deserialize, Serialize};

/// The one command a room's follower may send: `{"cmd":"answer","poll":3,"choice":1}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case", deny_unknown_fields)]
pub enum FollowerCommand {
    /// Answer the open poll: once per poll and connection.
    Answer {
        /// The poll's id, from its `poll` frame.
        poll: u32,
        /// The choice, from 0.
        choice: u8,
    },
}

/// Most characters in a poll's question.
pub const MAX_POLL_TEXT: usize = 300;
/// Most characters in one of a poll's choices.
pub const MAX_POLL_CHOICE: usize = 120;

/// The body of a `{"cmd":"poll", ...}` presenter command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollQuestion {
    /// The question, plain text.
    pub text: String,
    /// The answers, plain text, between
    /// [`MIN_CHOICES`](crate::lesson::question::MIN_CHOICES) and
    /// [`MAX_CHOICES`](crate::lesson::question::MAX_CHOICES).
    pub choices: Vec<String>,
}

impl PollQuestion {
    /// Whether the question fits the limits above.
    ///
    /// # Errors
    /// What is wrong, in words for the presenter.
    pub fn check(&self) -> Result<(), String> {
        use crate::lesson::question::{MAX_CHOICES, MIN_CHOICES};
        let count = self.choices.len();
        if !(MIN_CHOICES..=MAX_CHOICES).contains(&count) {
            return Err(format!(
                "a poll has {MIN_CHOICES} to {MAX_CHOICES} choices, not {count}"
            ));
        }
        if self.text.trim().is_empty() || self.text.chars().count() > MAX_POLL_TEXT {
            return Err(format!(
                "a poll's question is 1 to {MAX_POLL_TEXT} characters"
            ));
        }
        if self
            .choices
            .iter()
            .any(|choice| choice.trim().is_empty() || choice.chars().count() > MAX_POLL_CHOICE)
        {
            return Err(format!(
                "each of a poll's choices is 1 to {MAX_POLL_CHOICE} characters"
            ));
        }
        Ok(())
    }
}

/// The body of a `{"type":"poll", ...}` frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollAsked {
    /// The poll's id in its room, counted from 1; answers name it.
    pub id: u32,
    /// The question.
    pub text: String,
    /// The choices, in order.
    pub choices: Vec<String>,
}

/// The body of `{"type":"tally", ...}` and `{"type":"revealed", ...}` frames.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollTally {
    /// The poll's id.
    pub poll: u32,
    /// Answers per choice, in the choices' order.
    pub counts: Vec<u32>,
    /// Answers in all (the sum of `counts`).
    pub answered: u32,
    /// `revealed` only: the right choice, if the presenter's step revealed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right: Option<u8>,
}

/// How often, at most, the presenter is sent a poll's tally while answers
/// come: ten histograms a second look live, and a class of thousands
/// answering at once costs the presenter's socket ten frames a second.
pub const TALLY_INTERVAL_MS: u64 = 100;
