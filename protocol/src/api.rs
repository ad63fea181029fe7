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

/// A playground program to start from (`GET /api/playground/examples`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaygroundExample {
    /// Stable id, as in `/playground?example=article-spawn`.
    pub id: String,
    /// Title for people.
    pub title: String,
    /// The built-in scenario whose work the program does, if any: the
    /// scenario view's "Open in playground" opens this example.
    pub scenario: Option<String>,
    /// The program.
    pub program: String,
    /// Its peer description (empty: none).
    pub peer: String,
}

/// What a playground program's run calls itself where a scenario id goes:
/// the `scenario` of `POST /api/run`'s [`Trace`] and of the `loaded` frame
/// a program's `load` is answered with. No scenario has this id.
pub const PROGRAM: &str = "program";

/// The body of `POST /api/run`: a playground program to compile and run
/// to its end, answered with its [`Trace`] (whose `scenario` is [`PROGRAM`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// The program's source text.
    pub program: String,
    /// Its peer description: what the other end of its sockets does, and
    /// when. Empty (the default) when it needs none.
    #[serde(default)]
    pub peer: String,
    /// A multi-thread program's interleaving of its workers' actions (0,
    /// the default: round-robin), as for a scenario's `load`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub seed: u64,
}

/// Where and why a playground program (or its peer description) was
/// refused: the `error` of a `400` answer to `POST /api/run`, as
/// [`ProgramRefused`]. The WebSocket's `error` frame carries the same
/// `line`, `column` and `in_peer` beside its `message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramFault {
    /// What is wrong and what is supported instead.
    pub message: String,
    /// 1-based line of the construct at fault (1 when the whole text is).
    pub line: u32,
    /// 1-based column of the construct at fault, in characters.
    pub column: u32,
    /// The peer description, not the program, is at fault. Absent when false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub in_peer: bool,
}

/// The body of `POST /api/run`'s `400` for a program that does not
/// compile: `{"error":{"message":…,"line":…,"column":…}}`. Every other
/// failure of the route is an [`ApiError`], whose `error` is a string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramRefused {
    /// Where and why.
    pub error: ProgramFault,
}

/// The body of every non-2xx answer from `/api/...` (but
/// [`ProgramRefused`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// What went wrong, in words a person can act on.
    pub error: String,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_request_needs_only_its_program() {
        let plain: RunRequest = serde_json::from_str(r#"{"program":"x"}"#).expect("decodes");
        assert_eq!(plain.program, "x");
        assert_eq!((plain.peer.as_str(), plain.seed), ("", 0));
        assert!(serde_json::from_str::<RunRequest>(r#"{"source":"x"}"#).is_err());
        assert!(serde_json::from_str::<RunRequest>(r#"{"program":"x","pear":""}"#).is_err());
    }

    #[test]
    fn a_refused_program_says_where() {
        let refused = ProgramRefused {
            error: ProgramFault {
                message: "no".into(),
                line: 2,
                column: 5,
                in_peer: false,
            },
        };
        assert_eq!(
            serde_json::to_string(&refused).expect("encodes"),
            r#"{"error":{"message":"no","line":2,"column":5}}"#
        );
    }

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
