//! A stage's `[stage.question]`: a prediction the learner makes before the
//! step that shows the answer, checked against the engine's real trace.
//!
//! ```text
//!  [stage.question]  text, why (Markdown)
//!  [[stage.question.choice]]  text, match, right = true (exactly one)
//!        │
//!        ├─ parse: 2–5 choices, texts that fit a classroom poll, distinct, matchers checked
//!        └─ after binding: reveal(question, records, this stage's record, next stage's record)
//!              must find the choice marked right
//! ```
//!
//! The choice marked `right` stays on the server: the browser finds the
//! right answer itself with [`reveal`] on the records it has, and this
//! check proves that what it finds is what the lesson file says.

use std::collections::BTreeMap;

use reactor_protocol::Record;
use reactor_protocol::frame::{MAX_POLL_CHOICE, MAX_POLL_TEXT};
use reactor_protocol::lesson::question::{MAX_CHOICES, MIN_CHOICES};
use reactor_protocol::lesson::{Choice, Matcher, Question, TaskNames, reveal};
use serde::Deserialize;

use super::glossary::{GlossaryEntry, render_linked};

/// One `[stage.question]` table as a teacher writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct QuestionFile {
    /// Plain text: it is also a classroom poll's question.
    text: String,
    /// Markdown: why the right answer is right.
    why: String,
    #[serde(rename = "choice", default)]
    choices: Vec<ChoiceFile>,
}

/// One `[[stage.question.choice]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoiceFile {
    /// Plain text: it is also a classroom poll's choice.
    text: String,
    #[serde(rename = "match")]
    matcher: Matcher,
    /// The answer the engine must prove right; exactly one choice has it.
    #[serde(default)]
    right: bool,
}

/// A question checked on its own, before the trace is known.
#[derive(Debug)]
pub(super) struct Built {
    /// What is served.
    pub question: Question,
    /// The index of the choice marked `right` (never served).
    pub right: usize,
    /// The glossary terms `why` links to.
    pub terms: Vec<String>,
}

/// Check a question's fields and render its `why`.
///
/// # Errors
/// What is wrong, starting `question: ` (the caller names the stage).
pub(super) fn build(
    file: QuestionFile,
    glossary: &BTreeMap<String, GlossaryEntry>,
) -> Result<Built, String> {
    fields(&file).map_err(|e| format!("question: {e}"))?;
    let rendered = render_linked(&file.why, glossary)
        .map_err(|e| format!("question {:?}: why {e}", file.text))?;
    let right = file
        .choices
        .iter()
        .position(|choice| choice.right)
        .unwrap_or_default();
    let question = Question {
        text: file.text,
        choices: file
            .choices
            .into_iter()
            .map(|choice| Choice {
                text: choice.text,
                matcher: choice.matcher,
            })
            .collect(),
        why: rendered.html,
    };
    Ok(Built {
        question,
        right,
        terms: rendered.terms,
    })
}

/// Every check that needs no trace.
fn fields(file: &QuestionFile) -> Result<(), String> {
    let count = file.choices.len();
    if !(MIN_CHOICES..=MAX_CHOICES).contains(&count) {
        return Err(format!(
            "{:?} has {count} choices; a question has {MIN_CHOICES} to {MAX_CHOICES}",
            file.text
        ));
    }
    let length = file.text.chars().count();
    if file.text.trim().is_empty() || length > MAX_POLL_TEXT {
        return Err(format!(
            "its text is {length} characters; it must be 1 to {MAX_POLL_TEXT}, to fit a classroom poll"
        ));
    }
    if file.why.trim().is_empty() {
        return Err(format!("{:?} has no `why`", file.text));
    }
    let rights = file.choices.iter().filter(|choice| choice.right).count();
    if rights != 1 {
        return Err(format!(
            "{:?} marks {rights} choices `right = true`; exactly one must be",
            file.text
        ));
    }
    for (index, choice) in file.choices.iter().enumerate() {
        let name = format!("choice {} {:?}", index + 1, choice.text);
        let length = choice.text.chars().count();
        if choice.text.trim().is_empty() || length > MAX_POLL_CHOICE {
            return Err(format!(
                "{name} is {length} characters; a choice is 1 to {MAX_POLL_CHOICE}, to fit a classroom poll"
            ));
        }
        if file.choices[..index].iter().any(|c| c.text == choice.text) {
            return Err(format!("{name} is written twice; choices must differ"));
        }
        choice
            .matcher
            .check()
            .map_err(|e| format!("{name}: match {}: {e}", choice.matcher))?;
    }
    Ok(())
}

/// Check that the engine proves the choice marked right: the first record
/// after `asked` (this stage's), up to and including `until` (the next
/// stage's), that some choice accepts is one the right choice accepts first.
///
/// # Errors
/// Which record answers instead, and which choice it proves, or that no
/// choice's record comes in time.
pub(super) fn check_answer(
    built: &Built,
    records: &[Record],
    asked: usize,
    until: Option<usize>,
) -> Result<(), String> {
    let question = &built.question;
    let name = |index: usize| format!("choice {} {:?}", index + 1, question.choices[index].text);
    let right = &question.choices[built.right];
    match reveal(question, records, asked, until) {
        Some(found) if found.choice == built.right => Ok(()),
        Some(found) if accepts(right, records, found.record) => Err(format!(
            "question {:?}: record {} (`{}`) answers it, and the right choice {:?} accepts it, but {} is listed before it and accepts it too: the first choice that accepts the record is the answer",
            question.text,
            found.record,
            records[found.record].event.kind_name(),
            right.text,
            name(found.choice),
        )),
        Some(found) => Err(format!(
            "question {:?}: the right choice {:?} does not happen first: record {} (`{}`) answers it, which {} predicts",
            question.text,
            right.text,
            found.record,
            records[found.record].event.kind_name(),
            name(found.choice),
        )),
        None => {
            let window = match until {
                Some(until) => format!("up to record {until} (the next stage's)"),
                None => format!("up to the end of the {} records", records.len()),
            };
            Err(format!(
                "question {:?}: no choice's record happens after record {asked} (this stage's) and {window}",
                question.text
            ))
        }
    }
}

/// Whether `choice` accepts record `index`, with the task names spawned up to it.
fn accepts(choice: &Choice, records: &[Record], index: usize) -> bool {
    let names = TaskNames::from_records(&records[..=index]);
    choice.matcher.matches(&records[index], &names)
}

#[cfg(test)]
#[path = "question_tests.rs"]
mod tests;
