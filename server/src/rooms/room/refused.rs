//! Why a follower's answer to a poll was not counted, in words the
//! follower's `error` frame carries.

use std::fmt;

/// Why an answer was not counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AnswerRefused {
    /// No poll is open, or another one is.
    NotOpen {
        /// The poll answered.
        poll: u32,
        /// The poll open now, if any.
        open: Option<u32>,
    },
    /// The choice is past the poll's choices.
    NoSuchChoice {
        /// The poll answered.
        poll: u32,
        /// How many choices it has.
        choices: usize,
        /// The choice sent.
        choice: u8,
    },
    /// This connection answered this poll already.
    AlreadyAnswered {
        /// The poll answered.
        poll: u32,
        /// The answer counted.
        choice: u8,
    },
    /// The poll took its share of answers from this client address.
    AddressShare {
        /// The poll answered.
        poll: u32,
        /// The share.
        cap: usize,
    },
    /// The poll took all the answers it keeps.
    PollFull {
        /// The poll answered.
        poll: u32,
        /// Answers it keeps at most.
        cap: usize,
    },
    /// A student exploring on their own watches the room; it does not answer.
    Watching,
}

impl fmt::Display for AnswerRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerRefused::NotOpen { poll, open: None } => {
                write!(f, "poll {poll} is not open: no poll is open now")
            }
            AnswerRefused::NotOpen {
                poll,
                open: Some(open),
            } => write!(f, "poll {poll} is not open: the open poll is {open}"),
            AnswerRefused::NoSuchChoice {
                poll,
                choices,
                choice,
            } => write!(
                f,
                "poll {poll} has {choices} choices, 0 to {}: there is no choice {choice}",
                choices - 1
            ),
            AnswerRefused::AlreadyAnswered { poll, choice } => write!(
                f,
                "you answered poll {poll} already (choice {choice}): one answer per poll"
            ),
            AnswerRefused::AddressShare { poll, cap } => write!(
                f,
                "poll {poll} has taken {cap} answers from your address, the most it takes from one"
            ),
            AnswerRefused::PollFull { poll, cap } => {
                write!(f, "poll {poll} has taken {cap} answers, the most it takes")
            }
            AnswerRefused::Watching => f.write_str(
                "you are exploring on your own: follow the presenter again to answer its poll",
            ),
        }
    }
}
