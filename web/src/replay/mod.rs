//! Replaying a saved run with no engine behind it: a trace file dropped on
//! the app, opened on `/replay`, or, on a static site, each built-in
//! scenario's run.
//!
//! ```text
//!  file / fetch ─▶ replay::read (checked) ─▶ Player::load_file ─▶ the usual views
//! ```
//!
//! This module is pure, below the player: the reader, and what a file
//! says; `player::local` plays it.
//!
//! Saving goes the other way: the server writes a run's trace file
//! (`/api/trace/{id}?format=jsonl`, `POST /api/run?format=jsonl`), and the
//! app sets where it was when saved ([`TraceFile::with_position`]).

mod file;

pub use file::{FileError, MAX_FILE_BYTES, TraceFile, too_large, with_position};

use wasm_split_helpers::{SplitLoaderError, wasm_split};

/// What the learner reads when the replay's module cannot be fetched.
pub const NOT_LOADED: &str = "The replay could not be loaded: reload the page and try again.";

/// Read and check a trace file. The reader, and the code that answers a
/// replay's steps (`player::local`), live in `split_replay-<hash>.wasm`,
/// fetched on the first file: the first screen does not carry them.
pub async fn read(text: String) -> Result<TraceFile, FileError> {
    read_split(text).await.map_err(|_| NOT_LOADED.to_string())?
}

/// The split point: see [`read`].
#[wasm_split(replay, fallible)]
fn read_split(text: String) -> Result<Result<TraceFile, FileError>, SplitLoaderError> {
    Ok(TraceFile::read(text))
}

#[cfg(test)]
pub(crate) mod tests;
