//! Lessons: narration bound to the records of a real run.
//!
//! A lesson names a scenario and tells its story in [`Stage`]s. Each stage
//! carries a [`Matcher`] — a record kind plus optional fields — and is *bound*
//! to the first record after the previous stage's record that the matcher
//! accepts:
//!
//! ```text
//!  records:  0 spawn  1 schedule  2 poll  3 register  4 syscall  5 waker_stored  6 pending  7 park ...
//!  stage 1 (kind = "register")               ^3
//!  stage 2 (kind = "waker_stored")                                ^5
//!  stage 3 (kind = "park")                                                                  ^7
//! ```
//!
//! Binding is greedy and in order, which finds a match for every stage whenever
//! any in-order match exists. The server uses [`bind`] to refuse a lesson whose
//! stages no longer fit the engine's trace; the browser uses the same [`bind`]
//! and [`active_stage`] on the records it has received, so the text shown is
//! always the one whose record is on screen. There is one implementation.
//!
//! These types are the JSON of `GET /api/lessons` and `GET /api/lessons/{id}`.
//! The lesson *files* (TOML) are parsed by the server, which renders each
//! stage's Markdown to [`Stage::html`].

use serde::{Deserialize, Serialize};

use crate::kind::Kind;
use crate::record::{Direction, Outcome, WakeCause};

/// One entry of `GET /api/lessons`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonSummary {
    /// Stable id, the file name without `.toml`, such as `tcp-read`.
    pub id: String,
    /// Title for people.
    pub title: String,
    /// One-line summary.
    pub summary: String,
    /// The scenario it walks through, such as `tcp_read`.
    pub scenario: String,
    /// How many stages it has.
    pub stages: usize,
}

/// `GET /api/lessons/{id}`: a whole lesson, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    /// Stable id, such as `tcp-read`.
    pub id: String,
    /// Title for people.
    pub title: String,
    /// One-line summary.
    pub summary: String,
    /// The scenario it walks through.
    pub scenario: String,
    /// The stages, in the order their records occur.
    pub stages: Vec<Stage>,
    /// The glossary terms its text links to, in first-use order.
    pub glossary: Vec<Term>,
}

/// One stage of a lesson: a piece of narration and the record it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Short heading, such as `The executor parks`.
    pub title: String,
    /// Which record this stage explains. `match` in JSON and in lesson files.
    #[serde(rename = "match")]
    pub matcher: Matcher,
    /// Diagram parts and panels to draw attention to (see [`POINT_AT_TARGETS`]).
    pub point_at: Vec<String>,
    /// The engine source file that implements what the stage explains.
    pub source: Option<String>,
    /// The narration, as HTML rendered from the lesson's Markdown.
    pub html: String,
    /// The `seq` of the record the server bound this stage to in the full trace.
    /// A hint for jumping ahead; what is *shown* is always decided by [`bind`]
    /// on the records actually received.
    pub seq: Option<u64>,
    /// What the learner is asked to predict while this stage is shown, if
    /// anything (see [`question`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
}

/// A glossary entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// Link id, such as `waker` (lessons link with `[text](glossary:waker)`).
    pub id: String,
    /// The term as written, such as `Waker`.
    pub term: String,
    /// The definition, as HTML.
    pub html: String,
}

/// The ids a stage may point at: the four diagram parts (`data-part`) and the
/// state panels (element ids) of the web app.
pub const POINT_AT_TARGETS: &[&str] = &[
    "futures",
    "reactor",
    "os",
    "executor",
    "tasks",
    "why-stuck",
    "run-queue",
    "registrations",
    "wheel",
    "park",
    "console",
    "log",
    "source",
];

/// The three answers a syscall can get, without their details.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// It succeeded.
    Ok,
    /// `EWOULDBLOCK`.
    WouldBlock,
    /// Any other error.
    Failed,
}

impl OutcomeKind {
    /// Every answer.
    pub const ALL: [OutcomeKind; 3] = [
        OutcomeKind::Ok,
        OutcomeKind::WouldBlock,
        OutcomeKind::Failed,
    ];

    /// The name on the wire (`"ok"`, `"would_block"`, `"failed"`).
    pub fn name(self) -> &'static str {
        match self {
            OutcomeKind::Ok => "ok",
            OutcomeKind::WouldBlock => "would_block",
            OutcomeKind::Failed => "failed",
        }
    }
}

/// Which records a stage explains: a kind, and optional fields that must all agree.
///
/// In a lesson file: `match = { kind = "syscall", task = "handler", op = "read", outcome = "would_block" }`.
/// A field that a kind does not have (`op` on a `poll`) is refused by [`Matcher::check`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matcher {
    /// The record kind.
    pub kind: Kind,
    /// The task's *name* (as given at `spawn`), such as `handler`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// The I/O token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<usize>,
    /// The syscall, such as `read`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// The syscall's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<OutcomeKind>,
    /// Read or write side (waker_stored, readiness_cleared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Why a task was woken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<WakeCause>,
    /// Timer wheel level (timer_insert: where it was filed; timer_cascade: the level it left).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u32>,
    /// The level a cascading timer entered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_level: Option<u32>,
    /// A timer's deadline in ms (timer_insert, timer_fire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_ms: Option<u64>,
    /// A park's timeout in ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Readable flag (register interest, os_event readiness).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readable: Option<bool>,
    /// Writable flag (register interest, os_event readiness).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writable: Option<bool>,
    /// Text the record must contain (output text, complete output, error message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// What an [`Outcome`] is, without its details.
pub fn outcome_kind(outcome: &Outcome) -> OutcomeKind {
    match outcome {
        Outcome::Ok { .. } => OutcomeKind::Ok,
        Outcome::WouldBlock => OutcomeKind::WouldBlock,
        Outcome::Failed { .. } => OutcomeKind::Failed,
    }
}

mod binding;
mod matcher;
pub mod question;

pub use binding::{TaskNames, Unmatched, active_stage, bind, bind_all, stage_position};
pub use question::{Choice, Question, Reveal, reveal};

#[cfg(test)]
mod tests;
