//! Questions: a stage may ask the learner to predict what the runtime does
//! next, and the engine's own records say which answer was right.
//!
//! A [`Question`] is asked while its stage's record is on screen. Each
//! [`Choice`] carries a [`Matcher`], as stages do; the question is
//! *revealed* by the first later record that some choice's matcher accepts,
//! and that choice (the first in order that accepts it) is the right one:
//!
//! ```text
//!  records:   …  41 park(3 ms)   42 timer_fire(3)   43 wake   44 schedule …   57 park …
//!  stage 3 bound here ^41, its question asked
//!    choice A  match = { kind = "timer_fire" }          ◀── accepts 42 first: A is right, 42 reveals it
//!    choice B  match = { kind = "timer_cascade" }       (accepts nothing before 42)
//!  stage 4 bound at 57: the reveal must come at or before it
//! ```
//!
//! The server checks at start-up that the choice a lesson file marks right
//! is the one [`reveal`] finds before the next stage's record; the browser
//! runs the same [`reveal`] on the records it has received, so what it shows
//! as right is what the engine did.

use serde::{Deserialize, Serialize};

use super::{Matcher, TaskNames};
use crate::record::Record;

/// Fewest choices a question offers.
pub const MIN_CHOICES: usize = 2;
/// Most choices a question offers: more do not fit a phone's screen as
/// buttons, nor a projector's as a histogram.
pub const MAX_CHOICES: usize = 5;

/// A prediction a stage asks for, as `"question"` in `GET /api/lessons/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// The question, plain text, such as `How long will the loop park?`.
    pub text: String,
    /// Between [`MIN_CHOICES`] and [`MAX_CHOICES`] answers.
    pub choices: Vec<Choice>,
    /// Why the right answer is right, as HTML rendered from the lesson's
    /// Markdown; shown once the answer is revealed.
    pub why: String,
}

/// One answer to a [`Question`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// The answer as the learner reads it, plain text.
    pub text: String,
    /// The record this answer predicts. `match` in JSON and in lesson files.
    #[serde(rename = "match")]
    pub matcher: Matcher,
}

/// Where a question's answer shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reveal {
    /// Index of the record that answers the question.
    pub record: usize,
    /// Index of the right choice.
    pub choice: usize,
}

/// The answer to `question`, asked when record `asked` is on screen: the
/// first record after it, up to and including record `until` (the next
/// stage's, if any), that a choice accepts, and the first choice that
/// accepts it. `None` while no such record is among `records`.
pub fn reveal(
    question: &Question,
    records: &[Record],
    asked: usize,
    until: Option<usize>,
) -> Option<Reveal> {
    let last = until.map_or(records.len(), |until| (until + 1).min(records.len()));
    let mut names = TaskNames::default();
    for (index, record) in records.iter().enumerate().take(last) {
        names.learn(record);
        if index <= asked {
            continue;
        }
        let accepted = question
            .choices
            .iter()
            .position(|choice| choice.matcher.matches(record, &names));
        if let Some(choice) = accepted {
            return Some(Reveal {
                record: index,
                choice,
            });
        }
    }
    None
}
