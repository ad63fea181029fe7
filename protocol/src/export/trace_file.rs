//! Our trace file: JSON Lines, one header, then the run.
//!
//! ```text
//!  {"format":"reactor-lab-trace","version":1,"scenario":"tcp_read",…}   header
//!  {"state":{…}}                                 the state once loaded
//!  {"seq":0,"kind":"spawn",…}                    an action's records, as in
//!  {"seq":1,"kind":"wake",…}                     docs/trace-format.md
//!  {"change":{…}}                                the state after the action
//!  {"seq":2,"kind":"poll",…}                       (a change from the one
//!  …                                               before, see `state_change`;
//!  {"state":{…}}                                   whole every 64 actions)
//! ```
//!
//! A record line is exactly the record of `docs/trace-format.md`; a state
//! line closes the action whose records precede it. The header says how many
//! records and actions follow, so a file cut short is told apart from a
//! whole one. Times are the run's milliseconds (`time_ms`): virtual time.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{RecordedRun, RunAbout, state_change};

/// The header's `format`: what tells our file from any other JSON.
pub const FORMAT: &str = "reactor-lab-trace";
/// The version this build writes and reads. A reader refuses a newer one.
pub const VERSION: u32 = 1;
/// A whole state, not a change, every this many actions: a reader rebuilds
/// any state from at most this many changes.
pub const WHOLE_STATE_EVERY: usize = 64;
/// The unit of every `time_ms`.
pub const TIME_UNIT: &str = "ms";

/// The first line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// The version of the format, [`VERSION`] when written by this build.
    pub version: u32,
    /// What ran.
    #[serde(flatten)]
    pub about: RunAbout,
    /// Records in the run.
    pub records: u64,
    /// Engine actions in the run: state lines after the first.
    pub actions: u64,
    /// The unit of `time_ms`, [`TIME_UNIT`].
    pub time_unit: String,
    /// Records shown when the file was saved: where a replay opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
}

impl Header {
    /// The header of `run`, opening at `position`.
    pub fn of(run: &RecordedRun, position: Option<u64>) -> Header {
        Header {
            format: FORMAT.to_string(),
            version: VERSION,
            about: run.about.clone(),
            records: run.record_count(),
            actions: run.actions.len() as u64,
            time_unit: TIME_UNIT.to_string(),
            position,
        }
    }
}

/// `run` as a trace file, opening at `position` records shown.
pub fn write(run: &RecordedRun, position: Option<u64>) -> String {
    let mut out = String::new();
    push_line(&mut out, &Header::of(run, position));
    let mut before = object(&run.start);
    push_line(&mut out, &StateLine::State(before.clone()));
    for (index, action) in run.actions.iter().enumerate() {
        for record in &action.records {
            push_line(&mut out, record);
        }
        let after = object(&action.after);
        let line = if (index + 1) % WHOLE_STATE_EVERY == 0 {
            StateLine::State(after.clone())
        } else {
            StateLine::Change(state_change::between(&before, &after))
        };
        push_line(&mut out, &line);
        before = after;
    }
    out
}

/// A line that closes an action.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum StateLine {
    /// The whole state.
    State(Map<String, Value>),
    /// What changed since the state before.
    Change(Map<String, Value>),
}

fn object<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn push_line<T: Serialize>(out: &mut String, value: &T) {
    // Plain data with string keys: serialising cannot fail.
    if let Ok(line) = serde_json::to_string(value) {
        out.push_str(&line);
        out.push('\n');
    }
}
