//! `GET /api/trace/{id}`: each scenario run once, to completion, then cached.
//!
//! A scenario is deterministic (virtual clock, scripted peer), so its trace is
//! the same every time: the first request runs the engine on a blocking thread
//! and every later one gets the same bytes. A failed run is not cached.

use std::collections::HashMap;

use axum::body::Bytes;
use reactor_engine::{LabRun, LabRunOptions};
use reactor_protocol::Trace;
use tokio::sync::OnceCell;

/// One lazily filled, serialised trace per built-in scenario.
pub(crate) struct TraceCache {
    max_records: u64,
    traces: HashMap<&'static str, OnceCell<Bytes>>,
}

impl TraceCache {
    /// An empty cache for every scenario the engine knows; runs stop at `max_records`.
    pub(crate) fn new(max_records: u64) -> TraceCache {
        let traces = reactor_engine::scenarios()
            .iter()
            .map(|info| (info.id, OnceCell::new()));
        TraceCache {
            max_records,
            traces: traces.collect(),
        }
    }

    /// The JSON trace of scenario `id`, or `None` for an unknown id.
    pub(crate) async fn get(&self, id: &str) -> Option<Result<Bytes, String>> {
        let (&id, cell) = self.traces.get_key_value(id)?;
        let max_records = self.max_records;
        let body = cell
            .get_or_try_init(|| async move {
                tokio::task::spawn_blocking(move || run_to_completion(id, max_records))
                    .await
                    .map_err(|error| format!("the `{id}` run failed: {error}"))?
            })
            .await;
        Some(body.cloned())
    }
}

/// Run scenario `id` from start to end, on the calling (blocking) thread.
fn run_to_completion(id: &str, max_records: u64) -> Result<Bytes, String> {
    let options = LabRunOptions {
        max_records,
        ..LabRunOptions::default()
    };
    let mut engine = LabRun::load(id, options).map_err(|error| error.to_string())?;
    let records = engine.run();
    let trace = Trace {
        scenario: id.to_owned(),
        records,
        final_state: engine.snapshot(),
    };
    serde_json::to_vec(&trace)
        .map(Bytes::from)
        .map_err(|error| error.to_string())
}
