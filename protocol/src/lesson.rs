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

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::record::{Direction, Event, Outcome, Record, TaskId, WakeCause};

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
    "run-queue",
    "registrations",
    "wheel",
    "park",
    "console",
    "log",
    "source",
];

/// A record kind, spelled as the record's `kind` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A `spawn` record.
    Spawn,
    /// A `schedule` record.
    Schedule,
    /// A `poll` record.
    Poll,
    /// A `pending` record.
    Pending,
    /// A `ready` record.
    Ready,
    /// A `complete` record.
    Complete,
    /// A `register` record.
    Register,
    /// A `deregister` record.
    Deregister,
    /// A `syscall` record.
    Syscall,
    /// A `waker_stored` record.
    WakerStored,
    /// A `readiness_cleared` record.
    ReadinessCleared,
    /// A `timer_insert` record.
    TimerInsert,
    /// A `timer_cascade` record.
    TimerCascade,
    /// A `timer_fire` record.
    TimerFire,
    /// A `timer_cancel` record.
    TimerCancel,
    /// A `park` record.
    Park,
    /// A `clock_advance` record.
    ClockAdvance,
    /// An `os_event` record.
    OsEvent,
    /// An `unpark` record.
    Unpark,
    /// A `wake` record.
    Wake,
    /// An `output` record.
    Output,
    /// An `error` record.
    Error,
}

impl Kind {
    /// The kind of an event.
    pub fn of(event: &Event) -> Kind {
        match event {
            Event::Spawn { .. } => Kind::Spawn,
            Event::Schedule { .. } => Kind::Schedule,
            Event::Poll { .. } => Kind::Poll,
            Event::Pending { .. } => Kind::Pending,
            Event::Ready { .. } => Kind::Ready,
            Event::Complete { .. } => Kind::Complete,
            Event::Register { .. } => Kind::Register,
            Event::Deregister { .. } => Kind::Deregister,
            Event::Syscall(_) => Kind::Syscall,
            Event::WakerStored { .. } => Kind::WakerStored,
            Event::ReadinessCleared { .. } => Kind::ReadinessCleared,
            Event::TimerInsert { .. } => Kind::TimerInsert,
            Event::TimerCascade { .. } => Kind::TimerCascade,
            Event::TimerFire { .. } => Kind::TimerFire,
            Event::TimerCancel { .. } => Kind::TimerCancel,
            Event::Park { .. } => Kind::Park,
            Event::ClockAdvance { .. } => Kind::ClockAdvance,
            Event::OsEvent { .. } => Kind::OsEvent,
            Event::Unpark { .. } => Kind::Unpark,
            Event::Wake { .. } => Kind::Wake,
            Event::Output { .. } => Kind::Output,
            Event::Error { .. } => Kind::Error,
        }
    }
}

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

#[path = "lesson_match.rs"]
mod lesson_match;

/// Task ids to the names they were spawned with, learnt from `spawn` records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskNames(BTreeMap<TaskId, String>);

impl TaskNames {
    /// The names spawned in `records`.
    pub fn from_records(records: &[Record]) -> TaskNames {
        let mut names = TaskNames::default();
        records.iter().for_each(|record| names.learn(record));
        names
    }

    /// Remember the name if `record` is a `spawn`.
    pub fn learn(&mut self, record: &Record) {
        if let Event::Spawn { task, name } = &record.event {
            self.0.insert(*task, name.clone());
        }
    }

    /// The name of task `id`, if it was spawned.
    pub fn name(&self, id: TaskId) -> Option<&str> {
        self.0.get(&id).map(String::as_str)
    }
}

/// A stage that matched no record where it should have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmatched {
    /// Index of the stage, from 0.
    pub stage: usize,
    /// Index of the record the previous stage was bound to (`None` for the first stage).
    pub after: Option<usize>,
    /// Indexes of records the matcher does accept, all at or before `after`.
    pub earlier: Vec<usize>,
}

/// Bind stages to records: stage `k` gets the first record after stage `k-1`'s
/// that its matcher accepts. Returns the record index of each stage bound so
/// far — every stage for a complete trace, a prefix for a partial one.
pub fn bind<'a>(matchers: impl IntoIterator<Item = &'a Matcher>, records: &[Record]) -> Vec<usize> {
    let mut names = TaskNames::default();
    let mut bound = Vec::new();
    let mut next = 0;
    let mut matchers = matchers.into_iter();
    let mut wanted = matchers.next();
    for (index, record) in records.iter().enumerate() {
        names.learn(record);
        let Some(matcher) = wanted else { break };
        if index >= next && matcher.matches(record, &names) {
            bound.push(index);
            next = index + 1;
            wanted = matchers.next();
        }
    }
    bound
}

/// [`bind`] over a complete trace, failing on the first stage left unbound.
///
/// # Errors
/// [`Unmatched`] names the stage and where the search began.
pub fn bind_all(matchers: &[Matcher], records: &[Record]) -> Result<Vec<usize>, Unmatched> {
    let bound = bind(matchers, records);
    if bound.len() == matchers.len() {
        return Ok(bound);
    }
    let stage = bound.len();
    let after = bound.last().copied();
    let names = TaskNames::from_records(records);
    let earlier = records
        .iter()
        .enumerate()
        .take(after.map_or(0, |a| a + 1))
        .filter(|(_, record)| matchers[stage].matches(record, &names))
        .map(|(index, _)| index)
        .collect();
    Err(Unmatched {
        stage,
        after,
        earlier,
    })
}

/// The stage shown when `position` records are shown (the current record is
/// `position - 1`): the last stage whose record is already on screen, or
/// `None` before the first stage's record.
pub fn active_stage(bound: &[usize], position: usize) -> Option<usize> {
    bound
        .partition_point(|&index| index < position)
        .checked_sub(1)
}

/// The position (records shown) at which stage `stage` becomes active: just
/// after its record.
pub fn stage_position(bound: &[usize], stage: usize) -> Option<usize> {
    bound.get(stage).map(|index| index + 1)
}

/// What an [`Outcome`] is, without its details.
pub fn outcome_kind(outcome: &Outcome) -> OutcomeKind {
    match outcome {
        Outcome::Ok { .. } => OutcomeKind::Ok,
        Outcome::WouldBlock => OutcomeKind::WouldBlock,
        Outcome::Failed { .. } => OutcomeKind::Failed,
    }
}

#[cfg(test)]
#[path = "lesson_tests.rs"]
mod tests;
