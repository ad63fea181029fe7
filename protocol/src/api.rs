//! Bodies of the server's JSON HTTP API (`/api/...`), shared so the web app
//! and the tests read exactly what the server writes.

use serde::{Deserialize, Serialize};

use crate::record::Record;
use crate::snapshot::Snapshot;

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

/// The body of every non-2xx answer from `/api/...`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// What went wrong, in words a person can act on.
    pub error: String,
}
