//! Reading a trace file (`reactor_protocol::export::trace_file`) back: the
//! header, every record, the run's outline, and the state after any action,
//! rebuilt on demand from the nearest whole state and the changes after it.
//!
//! Everything a file could be instead of ours gets its own message: an
//! empty file, one too large, a Chrome trace, another JSON, a newer format
//! version, a line cut short, records out of order, a file that ends before
//! the run its header announces.

use reactor_protocol::export::trace_file::{FORMAT, VERSION};
use reactor_protocol::export::{ProgramText, RunAbout, state_change};
use reactor_protocol::{Outline, OutlineBuilder, Record, Snapshot};
use serde_json::{Map, Value};

use crate::decode::{self, Object};
use crate::decode_fields::{field, text, uint};

/// The largest file the app opens, in bytes: the biggest built-in run
/// (`crowd`, 6.9 MB) four times over, and a bound on what a tab holds.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// A trace file, read and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceFile {
    /// What ran.
    pub about: RunAbout,
    /// Records shown when it was saved.
    pub position: Option<u64>,
    /// Every record, in `seq` order.
    pub records: Vec<Record>,
    /// Where actions end and turns start.
    pub outline: Outline,
    /// The file's text: states are rebuilt from it when asked for.
    text: String,
    /// Each state line: where it is in `text`, and whether it is whole.
    /// The first is the start state; then one per action.
    states: Vec<StateLine>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct StateLine {
    start: usize,
    end: usize,
    whole: bool,
}

/// Why a file cannot be replayed: one sentence for the learner.
pub type FileError = String;

/// The message for a file of `bytes` bytes, if it is too large to open.
pub fn too_large(bytes: u64) -> Option<FileError> {
    (bytes > MAX_FILE_BYTES).then(|| {
        let tenths = bytes / 100_000;
        format!(
            "This file is {}.{} MB; Reactor Lab opens trace files of up to {} MB.",
            tenths / 10,
            tenths % 10,
            MAX_FILE_BYTES / (1024 * 1024)
        )
    })
}

impl TraceFile {
    /// Read and check a whole file.
    ///
    /// # Errors
    /// A sentence naming what is wrong (see the module docs).
    pub fn read(text: String) -> Result<TraceFile, FileError> {
        if let Some(error) = too_large(text.len() as u64) {
            return Err(error);
        }
        if text.trim().is_empty() {
            return Err(
                "This file is empty: a Reactor Lab trace starts with a header line.".into(),
            );
        }
        let mut lines = text.split_inclusive('\n').scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line))
        });
        let (_, first) = lines.next().unwrap_or((0, ""));
        let header = header(first)?;
        let mut file = TraceFile {
            about: header.about,
            position: header.position,
            records: Vec::new(),
            outline: Outline::default(),
            text: String::new(),
            states: Vec::new(),
        };
        let mut builder = OutlineBuilder::default();
        let mut action = Vec::new();
        let mut state = Map::new();
        for (number, (start, line)) in lines.enumerate() {
            let number = number + 2;
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                continue;
            }
            let value: Value = serde_json::from_str(trimmed).map_err(|error| {
                format!("Line {number} is not complete JSON ({error}): the file may have been cut short.")
            })?;
            let Value::Object(object) = value else {
                return Err(format!("Line {number} is not a JSON object."));
            };
            let (line_state, whole) = match (object.get("state"), object.get("change")) {
                (Some(Value::Object(whole)), None) => (whole, true),
                (None, Some(Value::Object(change))) if !file.states.is_empty() => (change, false),
                (None, Some(_)) => {
                    return Err(format!(
                        "Line {number}: the first state is a change, not a whole state."
                    ));
                }
                _ => {
                    let record = decode::record(&Value::Object(object))
                        .map_err(|error| format!("Line {number} is not a record: {error}."))?;
                    let expected = file.records.len() as u64;
                    if record.seq != expected {
                        return Err(format!(
                            "Line {number}: record {} where record {expected} should come.",
                            record.seq
                        ));
                    }
                    if file.states.is_empty() {
                        return Err(format!("Line {number}: a record before the start state."));
                    }
                    file.records.push(record.clone());
                    action.push(record);
                    continue;
                }
            };
            if whole {
                state = line_state.clone();
                decode::snapshot(&Value::Object(state.clone()))
                    .map_err(|error| format!("Line {number} is not a state: {error}."))?;
            } else {
                state_change::apply(&mut state, line_state)
                    .map_err(|error| format!("Line {number}: {error}."))?;
            }
            if !file.states.is_empty() {
                builder.add_action(&action);
                action.clear();
            }
            let end = start + line.len();
            file.states.push(StateLine { start, end, whole });
        }
        let (records, actions) = (
            file.records.len() as u64,
            file.states.len().saturating_sub(1) as u64,
        );
        if records != header.records || actions != header.actions || !action.is_empty() {
            return Err(format!(
                "The file ends early: its header announces {} records in {} actions, and it holds {records} in {actions}; it may have been cut short.",
                header.records, header.actions
            ));
        }
        file.outline = builder.finish();
        if let Some(error) = decode::snapshot(&Value::Object(state)).err() {
            return Err(format!("The last state is not a state: {error}."));
        }
        file.text = text;
        Ok(file)
    }

    /// The state once loaded (`None`) or after action `action` (0-based).
    ///
    /// # Errors
    /// Only for an action past the run's end: [`TraceFile::read`] checked
    /// every state.
    pub fn state(&self, action: Option<usize>) -> Result<Snapshot, FileError> {
        let index = action.map_or(0, |a| a + 1);
        if index >= self.states.len() {
            return Err(format!("The run has no action {index}."));
        }
        // The first state line is whole: `read` refuses a file whose is not.
        let whole = self.states[..=index]
            .iter()
            .rposition(|line| line.whole)
            .unwrap_or(0);
        let mut state = Map::new();
        for line in &self.states[whole..=index] {
            let value: Value = serde_json::from_str(&self.text[line.start..line.end])
                .map_err(|error| error.to_string())?;
            let key = if line.whole { "state" } else { "change" };
            match value.get(key) {
                Some(Value::Object(part)) if line.whole => state = part.clone(),
                Some(Value::Object(part)) => state_change::apply(&mut state, part)?,
                _ => return Err(format!("a `{key}` line is not an object")),
            }
        }
        decode::snapshot(&Value::Object(state))
    }

    /// The file's text with its header's `position` set to `position`:
    /// what saving the replay again writes.
    pub fn with_position(&self, position: u64) -> String {
        with_position(&self.text, position)
    }
}

/// A trace file's `text` with its header's `position` set to `position`
/// (a text that is no trace file is returned as it is).
pub fn with_position(text: &str, position: u64) -> String {
    let first_end = text.find('\n').map_or(text.len(), |end| end + 1);
    let Ok(Value::Object(mut header)) = serde_json::from_str::<Value>(&text[..first_end]) else {
        return text.to_string();
    };
    header.insert("position".into(), Value::from(position));
    let mut out = Value::Object(header).to_string();
    out.push('\n');
    out.push_str(&text[first_end..]);
    out
}

/// What the header line says.
struct Header {
    about: RunAbout,
    records: u64,
    actions: u64,
    position: Option<u64>,
}

fn header(line: &str) -> Result<Header, FileError> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('[') || (trimmed.starts_with('{') && trimmed.contains("\"traceEvents\""))
    {
        return Err("This is a Chrome trace, which Perfetto UI (ui.perfetto.dev) opens; Reactor Lab replays its own trace files (.jsonl), saved with “Save trace”.".into());
    }
    let value: Value = serde_json::from_str(line.trim_end()).map_err(|_| {
        "This is not a Reactor Lab trace: its first line is not a JSON header.".to_string()
    })?;
    let Some(object) = value.as_object() else {
        return Err("This is not a Reactor Lab trace: its first line is not a JSON header.".into());
    };
    if object.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(format!(
            "This is not a Reactor Lab trace: its header has no \"format\": \"{FORMAT}\"."
        ));
    }
    let version = uint(object, "version").map_err(|error| format!("The header's {error}."))?;
    if version > u64::from(VERSION) {
        return Err(format!(
            "This trace is in format version {version}, newer than this Reactor Lab reads (version {VERSION}): open it with a newer Reactor Lab."
        ));
    }
    let read = |object: &Object| -> Result<Header, String> {
        Ok(Header {
            about: RunAbout {
                scenario: text(object, "scenario")?,
                seed: uint(object, "seed")?,
                program: program(object)?,
            },
            records: uint(object, "records")?,
            actions: uint(object, "actions")?,
            position: object.get("position").and_then(Value::as_u64),
        })
    };
    read(object).map_err(|error| format!("The header is not complete: {error}."))
}

fn program(object: &Object) -> Result<Option<ProgramText>, String> {
    match object.get("program") {
        None | Some(Value::Null) => Ok(None),
        Some(value) => {
            let program = crate::decode_fields::object(value, "program")?;
            let _ = field(program, "source")?;
            Ok(Some(ProgramText {
                source: text(program, "source")?,
                peer: text(program, "peer").unwrap_or_default(),
            }))
        }
    }
}
