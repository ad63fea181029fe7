//! Bodies of the server's JSON HTTP API (`/api/...`), shared so the web app
//! and the tests read exactly what the server writes.

use serde::{Deserialize, Serialize};

use crate::record::Record;
use crate::snapshot::Snapshot;

/// Longest scenario or lesson id. Ids are short words that appear in URLs
/// (`/scenario/tcp_read`, `/lesson/tcp-read`); anything longer is a typo or
/// an attack, not a name. The server refuses to serve or present a lesson
/// with a longer id, and the browser refuses such a URL.
pub const MAX_ID_LEN: usize = 64;

/// Whether `id` can name a scenario or a lesson: 1 to [`MAX_ID_LEN`] bytes
/// of `a-z`, `0-9`, `-` and `_`, so it is safe in a URL path and a file name.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// One entry of `GET /api/scenarios`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioSummary {
    /// Stable id, such as `tcp_read`.
    pub id: String,
    /// Title for people.
    pub title: String,
    /// One-sentence summary.
    pub summary: String,
}

/// `GET /api/trace/{scenario}`: a whole run of a scenario, start to finish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    /// Scenario id.
    pub scenario: String,
    /// Every record, in `seq` order.
    pub records: Vec<Record>,
    /// The state after the last record. `final` in JSON.
    #[serde(rename = "final")]
    pub final_state: Snapshot,
}

/// `GET /api/scenarios/{id}/program`: the async program a scenario runs,
/// as the learner would write it against Tokio, shown beside the picture.
/// The lines are the scenario's source file from its first line of code
/// (the module's docs and imports left out), so line numbers stay the
/// file's own: the ones in records' `source` and tasks' `awaiting`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioProgram {
    /// Scenario id.
    pub scenario: String,
    /// The source file, such as `engine/src/scenario/tcp_read.rs`.
    pub file: String,
    /// The file's line number of `lines[0]` (1-based).
    pub first_line: u32,
    /// The program's lines, without line endings.
    pub lines: Vec<String>,
}

/// The body of every non-2xx answer from `/api/...`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// What went wrong, in words a person can act on.
    pub error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_short_lowercase_url_words() {
        assert!(valid_id("tcp-read"));
        assert!(valid_id("tcp_read"));
        assert!(valid_id(&"a".repeat(MAX_ID_LEN)));
        assert!(!valid_id(&"a".repeat(MAX_ID_LEN + 1)));
        assert!(!valid_id(""));
        assert!(!valid_id("../etc"));
        assert!(!valid_id("TCP-read"));
        assert!(!valid_id("a b"));
    }
}
