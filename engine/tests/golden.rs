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
//!
//! The record examples in `docs/` quote engine lines too; a second test
//! names every example whose line no golden record has any more.

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

/// The record examples in `docs/trace-format.md` and `docs/protocol.md`
/// quote engine lines. Each example of a kind the golden traces hold must
/// quote a line some golden record of that kind has, so moving a recording
/// line without updating the docs fails here.
#[test]
fn documented_records_quote_the_engines_current_lines() {
    use std::collections::BTreeSet;
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let mut golden = BTreeSet::new();
    let mut golden_kinds = BTreeSet::new();
    for info in scenarios() {
        let text = std::fs::read_to_string(golden_path(info.id)).expect("golden file");
        for line in text.lines() {
            let record: Record = serde_json::from_str(line).expect("golden record");
            let kind = record.event.kind_name();
            golden_kinds.insert(kind);
            golden.insert((kind, record.source.file, record.source.line));
        }
    }
    let mut examples = Vec::new();
    let trace_format = std::fs::read_to_string(docs.join("trace-format.md")).expect("doc");
    for block in trace_format.split("```json\n").skip(1) {
        let json = block.split("\n```").next().unwrap_or_default();
        examples.push(serde_json::from_str::<Record>(json).expect("a record"));
    }
    let protocol = std::fs::read_to_string(docs.join("protocol.md")).expect("doc");
    for line in protocol.lines() {
        if let Some(frame) = line.strip_prefix("<< ")
            && let Ok(value) = serde_json::from_str::<serde_json::Value>(frame)
            && value["type"] == "record"
        {
            examples.push(serde_json::from_value(value["record"].clone()).expect("a record"));
        }
    }
    assert!(examples.len() > 20, "found {} examples", examples.len());
    let stale: Vec<String> = examples
        .iter()
        .filter(|record| golden_kinds.contains(record.event.kind_name()))
        .filter(|record| {
            let key = (
                record.event.kind_name(),
                record.source.file.clone(),
                record.source.line,
            );
            !golden.contains(&key)
        })
        .map(|record| {
            let source = &record.source;
            let kind = record.event.kind_name();
            format!("{kind} at {}:{}", source.file, source.line)
        })
        .collect();
    assert!(
        stale.is_empty(),
        "docs quote lines no golden record has: {stale:?}"
    );
}
