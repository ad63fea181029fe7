//! Hand-made records for the unit tests (never shipped: the app only shows
//! what the real server sends).

use reactor_protocol::{Direction, Event, Outcome, Record, Snapshot, Source, WakeCause};

/// A record with `seq`, `turn` and `event`, from a made-up source line.
pub fn record(seq: u64, turn: u64, event: Event) -> Record {
    Record {
        seq,
        turn,
        worker: 0,
        time_ms: 0,
        event,
        source: Source {
            file: "engine/src/runtime/mod.rs".into(),
            line: 10 + seq as u32,
        },
        span: None,
    }
}

/// A snapshot taken after `records` records.
pub fn snapshot(records: u64) -> Snapshot {
    Snapshot {
        records,
        ..Snapshot::default()
    }
}

/// The shape of a TCP read: the task blocks, the OS wakes it, it reads.
pub fn tcp_read() -> Vec<Record> {
    let events = [
        (
            0,
            Event::Spawn {
                task: 0,
                name: "handler".into(),
            },
        ),
        (0, Event::Schedule { task: 0 }),
        (0, Event::Poll { task: 0 }),
        (
            0,
            Event::syscall(Some(0), "read", Some(1), Outcome::WouldBlock),
        ),
        (
            0,
            Event::ReadinessCleared {
                token: 1,
                direction: Direction::Read,
                tick: 0,
            },
        ),
        (
            0,
            Event::WakerStored {
                token: 1,
                task: 0,
                direction: Direction::Read,
            },
        ),
        (0, Event::Pending { task: 0 }),
        (0, Event::Park { timeout_ms: None }),
        (0, Event::Unpark { events: 1 }),
        (
            0,
            Event::OsEvent {
                token: 1,
                readable: true,
                writable: false,
            },
        ),
        (
            0,
            Event::Wake {
                task: 0,
                cause: WakeCause::Io,
            },
        ),
        (0, Event::Schedule { task: 0 }),
        (1, Event::Poll { task: 0 }),
        (
            1,
            Event::syscall(Some(0), "read", Some(1), Outcome::Ok { bytes: Some(14) }),
        ),
        (
            1,
            Event::Output {
                task: 0,
                text: "Read 14 bytes".into(),
            },
        ),
        (1, Event::Ready { task: 0 }),
        (
            1,
            Event::Complete {
                task: 0,
                output: None,
            },
        ),
    ];
    events
        .into_iter()
        .enumerate()
        .map(|(seq, (turn, event))| record(seq as u64, turn, event))
        .collect()
}

/// Every golden trace of the engine (`engine/tests/golden/*.jsonl`, its
/// current behaviour), by scenario name. Read with serde: the decoder's
/// tests check that the app reads every one of these records the same.
pub fn golden() -> Vec<(String, Vec<Record>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/golden");
    let mut traces: Vec<(String, Vec<Record>)> = std::fs::read_dir(&dir)
        .expect("engine/tests/golden exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "jsonl"))
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("a readable trace");
            let records = text
                .lines()
                .map(|line| serde_json::from_str(line).expect("a record"))
                .collect();
            (name, records)
        })
        .collect();
    traces.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(traces.len() >= 4, "golden traces missing in {dir:?}");
    traces
}

/// The golden trace of scenario `name`.
pub fn golden_trace(name: &str) -> Vec<Record> {
    golden()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no golden trace {name}"))
        .1
}
