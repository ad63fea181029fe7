//! Runs as files a learner takes away: our own trace file, which the app
//! opens again, and the Chrome Trace Event format, which Perfetto UI and
//! `chrome://tracing` open.
//!
//! Both are written from a [`RecordedRun`]: the state before the first
//! action, then every engine action's records and the state after it. That
//! is exactly what the browser's player needs to show any record, so a trace
//! file replays with no engine behind it.
//!
//! ```text
//!  RecordedRun ──▶ trace_file::write ──▶ .jsonl ──▶ browser: read, replay
//!      │
//!      └──────────▶ chrome::write ─────▶ .json  ──▶ Perfetto, chrome://tracing
//! ```

pub mod chrome;
pub mod lecture;
pub mod state_change;
pub mod trace_file;

use serde::{Deserialize, Serialize};

use crate::record::Record;
use crate::snapshot::Snapshot;

/// One whole run, as the engine stepped through it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRun {
    /// What ran.
    pub about: RunAbout,
    /// The state once loaded, before the first action.
    pub start: Snapshot,
    /// Every engine action, in order.
    pub actions: Vec<RecordedAction>,
}

/// One engine action (one `step`): its records and the state it left.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedAction {
    /// The records, in `seq` order (the first action also carries those made
    /// at load).
    pub records: Vec<Record>,
    /// The state after the action.
    pub after: Snapshot,
}

/// What a run is of: named in both formats' metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunAbout {
    /// The scenario id, or [`crate::api::PROGRAM`] for a playground program.
    pub scenario: String,
    /// The interleaving of a multi-thread run's workers (0: round-robin).
    #[serde(default)]
    pub seed: u64,
    /// A playground program's text and peer, when the run is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<ProgramText>,
}

/// A playground program, as the learner wrote it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramText {
    /// The program.
    pub source: String,
    /// Its peer description.
    #[serde(default)]
    pub peer: String,
}

/// The formats a run is served and saved in: `?format=` on the server's
/// `GET /api/trace/{id}` and `POST /api/run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// [`crate::Trace`]: the records and the final state.
    #[default]
    Json,
    /// Our trace file, JSON Lines ([`trace_file`]).
    Jsonl,
    /// The Chrome Trace Event format ([`chrome`]).
    Chrome,
}

impl Format {
    /// Every format.
    pub const ALL: &[Format] = &[Format::Json, Format::Jsonl, Format::Chrome];

    /// The `Content-Type` of a body in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json | Format::Chrome => "application/json",
            Format::Jsonl => "application/x-ndjson",
        }
    }
}

impl RecordedRun {
    /// Every record of the run, in `seq` order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.actions.iter().flat_map(|action| &action.records)
    }

    /// Records in the whole run.
    pub fn record_count(&self) -> u64 {
        self.actions.iter().map(|a| a.records.len() as u64).sum()
    }
}
