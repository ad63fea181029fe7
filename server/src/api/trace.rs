//! `GET /api/trace/{id}`: a scenario's whole run, in one of three formats.
//!
//! | `?format=`       | body                                                   | type |
//! |------------------|--------------------------------------------------------|------|
//! | `json` (default) | `{scenario, records, final}` ([`Trace`])               | `application/json` |
//! | `jsonl`          | our trace file, which the app replays (`docs/trace-format.md`) | `application/x-ndjson` |
//! | `chrome`         | the Chrome Trace Event format, for Perfetto UI         | `application/json` |
//!
//! `?seed=N` picks a multi-thread scenario's interleaving (a one-thread
//! scenario ignores it). A scenario is deterministic (virtual clock, scripted
//! peer), so its run is the same every time: the first request for a format
//! of the round-robin run runs the engine on a blocking thread and every
//! later one gets the same bytes; other seeds are run for each request. A
//! failed run is not cached.

use std::collections::HashMap;

use axum::body::Bytes;
use reactor_engine::{LabRun, LabRunOptions};
use reactor_protocol::Trace;
pub(crate) use reactor_protocol::export::Format;
use reactor_protocol::export::{RunAbout, chrome, trace_file};
use serde::Deserialize;
use tokio::sync::OnceCell;

/// The query a trace request takes.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TraceQuery {
    /// The format (`json` when absent).
    #[serde(default)]
    pub(crate) format: Format,
    /// The interleaving (0 when absent).
    #[serde(default)]
    pub(crate) seed: u64,
}

/// One lazily filled body per built-in scenario and format, round-robin.
pub(crate) struct TraceCache {
    max_records: u64,
    traces: HashMap<(&'static str, Format), OnceCell<Bytes>>,
}

impl TraceCache {
    /// An empty cache for every scenario the engine knows; runs stop at `max_records`.
    pub(crate) fn new(max_records: u64) -> TraceCache {
        let traces = reactor_engine::scenarios().iter().flat_map(|info| {
            Format::ALL
                .iter()
                .copied()
                .map(move |format| ((info.id, format), OnceCell::new()))
        });
        TraceCache {
            max_records,
            traces: traces.collect(),
        }
    }

    /// Scenario `id`'s run as `query` asks, or `None` for an unknown id.
    pub(crate) async fn get(&self, id: &str, query: TraceQuery) -> Option<Result<Bytes, String>> {
        let info = reactor_engine::scenarios()
            .iter()
            .find(|info| info.id == id)?;
        let (id, cell) = (info.id, self.traces.get(&(info.id, query.format))?);
        let max_records = self.max_records;
        let render = move || async move {
            tokio::task::spawn_blocking(move || render(id, query, max_records))
                .await
                .map_err(|error| format!("the `{id}` run failed: {error}"))?
        };
        if query.seed != 0 {
            return Some(render().await);
        }
        Some(cell.get_or_try_init(render).await.cloned())
    }
}

/// Run scenario `id` from start to end, on the calling (blocking) thread,
/// and write it in the format `query` asks.
pub(crate) fn render(id: &str, query: TraceQuery, max_records: u64) -> Result<Bytes, String> {
    let options = LabRunOptions {
        max_records,
        seed: query.seed,
        ..LabRunOptions::default()
    };
    let engine = LabRun::load(id, options).map_err(|error| error.to_string())?;
    let about = RunAbout {
        scenario: id.to_owned(),
        seed: query.seed,
        program: None,
    };
    Ok(Bytes::from(write(engine, about, query.format)))
}

/// Run `engine` to its end and write the run in `format`.
pub(crate) fn write(mut engine: LabRun, about: RunAbout, format: Format) -> Vec<u8> {
    match format {
        Format::Json => {
            let records = engine.run();
            let trace = Trace {
                scenario: about.scenario,
                records,
                final_state: engine.snapshot(),
            };
            // Plain data: serialising cannot fail.
            serde_json::to_vec(&trace).unwrap_or_default()
        }
        Format::Jsonl => trace_file::write(&engine.run_recorded(about), None).into_bytes(),
        Format::Chrome => chrome::write(&engine.run_recorded(about)).into_bytes(),
    }
}
