//! Golden traces: each scenario's full record list, checked in under
//! `engine/tests/golden/<scenario>.jsonl` (JSON Lines: one record per line,
//! so a diff shows whole records) and compared exactly.
//!
//! After an intended change to the engine (even moving a line that records,
//! since records carry `file:line`), re-bless and review the diff:
//!
//! ```text
//! BLESS=1 cargo test -p reactor-engine --test golden
//! git diff engine/tests/golden
//! ```

use std::path::PathBuf;

use reactor_engine::{LabRun, LabRunOptions, scenarios};
use reactor_protocol::Record;

fn golden_path(id: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
        .join(format!("{id}.jsonl"))
}

fn trace(id: &str) -> Vec<Record> {
    let mut engine = LabRun::load(id, LabRunOptions::default()).expect("scenario loads");
    engine.run()
}

#[test]
fn every_scenario_matches_its_golden_trace() {
    let bless = std::env::var_os("BLESS").is_some_and(|value| value == "1");
    let mut stale = Vec::new();
    for info in scenarios() {
        let records = trace(info.id);
        let path = golden_path(info.id);
        let actual: String = records
            .iter()
            .map(|record| serde_json::to_string(record).expect("records serialise") + "\n")
            .collect();
        if bless {
            std::fs::write(&path, &actual)
                .unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "{}: {error}; create it with BLESS=1 cargo test -p reactor-engine --test golden",
                path.display()
            )
        });
        // Records parse back to the same values: the checked-in JSON is valid protocol.
        let parsed: Vec<Record> = expected
            .lines()
            .map(|line| serde_json::from_str(line).expect("golden record parses"))
            .collect();
        if parsed != records || expected != actual {
            let first = parsed
                .iter()
                .zip(&records)
                .position(|(want, got)| want != got);
            stale.push(format!(
                "{} (first difference at seq {first:?}, {} vs {} records)",
                info.id,
                parsed.len(),
                records.len()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "traces differ from the golden files: {stale:?}\nif the change is intended: BLESS=1 cargo test -p reactor-engine --test golden"
    );
}

/// Every record kind, as spelled in JSON.
const KINDS: [&str; 22] = [
    "spawn",
    "schedule",
    "poll",
    "pending",
    "ready",
    "complete",
    "register",
    "deregister",
    "syscall",
    "waker_stored",
    "readiness_cleared",
    "timer_insert",
    "timer_cascade",
    "timer_fire",
    "timer_cancel",
    "park",
    "clock_advance",
    "unpark",
    "os_event",
    "wake",
    "output",
    "error",
];

#[test]
fn the_trace_format_doc_has_a_valid_example_of_every_kind() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/trace-format.md");
    let doc = std::fs::read_to_string(&path).expect("docs/trace-format.md exists");
    let mut documented = std::collections::BTreeSet::new();
    for block in doc.split("```json\n").skip(1) {
        let json = block.split("\n```").next().unwrap_or_default();
        let record: Record = serde_json::from_str(json)
            .unwrap_or_else(|error| panic!("example {json} is not a record: {error}"));
        let value = serde_json::to_value(&record).expect("serialises");
        documented.insert(value["kind"].as_str().unwrap_or_default().to_string());
    }
    let expected: std::collections::BTreeSet<String> =
        KINDS.iter().map(|kind| kind.to_string()).collect();
    assert_eq!(documented, expected);
}
