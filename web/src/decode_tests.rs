//! The hand decoder against the protocol's serde. A record, snapshot or
//! frame field added to the protocol fails here until the decoder reads it:
//!
//! - every sample below is built field by field (no `..Default::default()`),
//!   so a new field does not compile until the sample sets it;
//! - each sample is encoded by serde and decoded by hand: equal, and with
//!   every key serde wrote looked up ([`super::reads::unread`]);
//! - the variants serde knows (frame types, wake causes, task states, ...)
//!   are read from serde's own refusal, and each must have a sample.

use std::collections::BTreeSet;

use super::reads::{check, serde_names};
use super::*;
use pool_samples::{pool_samples, sample_pool};
use reactor_protocol::frame::{PollAsked, PollTally, RoomStatus, ViewPosition};
use reactor_protocol::{Diagnostic, Direction, LateTimer, Problem};
use wait_samples::{sample_spots, sample_waits};

#[path = "decode_pool_samples.rs"]
mod pool_samples;
#[path = "decode_wait_samples.rs"]
mod wait_samples;

/// A record of every kind, every optional field filled in (and left out).
fn samples(kind: Kind) -> Vec<Event> {
    match kind {
        Kind::Spawn => vec![Event::Spawn {
            task: 1,
            name: "handler".into(),
        }],
        Kind::Schedule => vec![Event::Schedule { task: 1 }],
        Kind::Poll => vec![Event::Poll { task: 1 }],
        Kind::Pending => vec![Event::Pending { task: 1 }],
        Kind::Ready => vec![Event::Ready { task: 1 }],
        Kind::Complete => vec![
            Event::Complete {
                task: 1,
                output: Some("42".into()),
            },
            Event::Complete {
                task: 1,
                output: None,
            },
        ],
        Kind::Register => vec![Event::Register {
            token: 2,
            resource: "TcpListener 127.0.0.1:<port>".into(),
            readable: true,
            writable: false,
            assumed_ready: true,
        }],
        Kind::Deregister => vec![Event::Deregister { token: 2 }],
        Kind::Syscall => vec![
            Event::syscall(Some(1), "read", Some(3), Outcome::Ok { bytes: Some(14) }),
            Event::syscall(None, "connect", None, Outcome::Ok { bytes: None }),
            Event::syscall(Some(1), "read", Some(3), Outcome::WouldBlock),
            Event::syscall(
                Some(1),
                "write",
                Some(3),
                Outcome::Failed {
                    error: "reset".into(),
                },
            ),
        ],
        Kind::WakerStored => vec![Event::WakerStored {
            token: 1,
            task: 0,
            direction: Direction::Write,
        }],
        Kind::ReadinessCleared => vec![Event::ReadinessCleared {
            token: 1,
            direction: Direction::Read,
            tick: 2,
        }],
        Kind::TimerInsert => vec![Event::TimerInsert {
            timer: 4,
            task: 1,
            deadline_ms: 1000,
            level: 1,
            slot: 15,
        }],
        Kind::TimerCascade => vec![Event::TimerCascade {
            timer: 4,
            from_level: 1,
            from_slot: 15,
            to_level: 0,
            to_slot: 40,
        }],
        Kind::TimerFire => vec![Event::TimerFire {
            timer: 4,
            task: 1,
            deadline_ms: 1000,
        }],
        Kind::TimerCancel => vec![Event::TimerCancel { timer: 5 }],
        Kind::Park => vec![
            Event::Park {
                timeout_ms: Some(960),
            },
            Event::Park { timeout_ms: None },
        ],
        Kind::ClockAdvance => vec![Event::ClockAdvance {
            from_ms: 0,
            to_ms: 960,
        }],
        Kind::OsEvent => vec![Event::OsEvent {
            token: 1,
            readable: true,
            writable: true,
        }],
        Kind::Unpark => vec![Event::Unpark { events: 2 }],
        Kind::Wake => WakeCause::ALL
            .map(|cause| Event::Wake { task: 0, cause })
            .to_vec(),
        Kind::Output => vec![Event::Output {
            task: 1,
            text: "Read 14 bytes".into(),
        }],
        Kind::Diagnostic => vec![
            Event::Diagnostic(Box::new(Diagnostic {
                problem: Problem::BlockingPoll,
                tasks: vec![1, 2],
                wakers: sample_spots(),
                held_ms: Some(200),
                late_timers: vec![LateTimer {
                    timer: 0,
                    task: 2,
                    deadline_ms: 50,
                    late_ms: 150,
                }],
                self_wakes: Some(3),
                ends_run: true,
                message: "held".into(),
            })),
            Event::Diagnostic(Box::new(Diagnostic {
                problem: Problem::LostWaker,
                tasks: vec![1],
                wakers: Vec::new(),
                held_ms: None,
                late_timers: Vec::new(),
                self_wakes: None,
                ends_run: false,
                message: "lost".into(),
            })),
        ],
        Kind::Error => vec![
            Event::Error {
                task: Some(2),
                message: "boom".into(),
            },
            Event::Error {
                task: None,
                message: "script".into(),
            },
        ],
        pool => pool_samples(pool),
    }
}

fn sample_record(seq: u64, event: Event) -> Record {
    Record {
        seq,
        turn: 3,
        worker: 0,
        time_ms: 960,
        event,
        source: Source {
            file: "engine/src/runtime/park.rs".into(),
            line: 42,
        },
        span: None,
    }
}

fn full_snapshot() -> Snapshot {
    let task = |id, state, waiting_on: Option<&str>| TaskView {
        id,
        name: format!("task{id}"),
        state,
        waiting_on: waiting_on.map(str::to_string),
        awaiting: Some(Source {
            file: "engine/src/scenario/tcp_read.rs".into(),
            line: 60,
        }),
        waits: sample_waits()[id as usize % sample_waits().len()].clone(),
        at: None,
    };
    Snapshot {
        time_ms: 1000,
        turn: 2,
        records: 17,
        park: Some(Park {
            timeout_ms: Some(1000),
        }),
        tasks: TaskState::ALL
            .iter()
            .chain([TaskState::Idle; 4].iter())
            .enumerate()
            .map(|(id, state)| task(id as u64, *state, Some("join of task 1")))
            .collect(),
        run_queue: vec![2, 1],
        registrations: vec![RegistrationView {
            token: 1,
            resource: "TcpStream".into(),
            readable: true,
            writable: false,
            tick: 3,
            read_waker: Some(1),
            write_waker: Some(2),
        }],
        wheel: WheelView {
            elapsed_ms: 999,
            next_expiration_ms: Some(960),
            earliest_deadline_ms: Some(1000),
            levels: vec![LevelView {
                level: 1,
                slot_ms: 64,
                current_slot: 15,
                occupied: 1 << 15,
                slots: vec![SlotView {
                    slot: 15,
                    timers: vec![TimerView {
                        id: 0,
                        task: 1,
                        deadline_ms: 1000,
                    }],
                }],
            }],
        },
        console: vec!["done!".into()],
        done: true,
        pool: Some(sample_pool()),
    }
}

/// One frame of every type, every optional field filled in.
fn frames() -> Vec<ServerFrame> {
    let records = Kind::ALL.into_iter().flat_map(samples).enumerate();
    let records: Vec<Record> = records
        .map(|(seq, event)| sample_record(seq as u64, event))
        .collect();
    let mut frames: Vec<ServerFrame> = (records.iter().cloned())
        .map(|record| ServerFrame::Record { record })
        .collect();
    frames.extend([
        ServerFrame::Records { records },
        ServerFrame::Records {
            records: Vec::new(),
        },
        ServerFrame::Loaded {
            scenario: "tcp_read".into(),
        },
        ServerFrame::Outline(Outline {
            records: 9,
            actions: vec![3, 9],
            turns: vec![0, 7],
            marks: MarkKind::ALL
                .into_iter()
                .map(|kind| Mark {
                    seq: 4,
                    kind,
                    waited_ms: (kind == MarkKind::Park).then_some(5),
                })
                .collect(),
        }),
        ServerFrame::Snapshot {
            state: full_snapshot(),
        },
        ServerFrame::Snapshot {
            state: Snapshot::default(),
        },
        ServerFrame::Done,
        ServerFrame::error("unknown scenario `x`"),
        ServerFrame::Error {
            message: "expected `;`".into(),
            line: Some(3),
            column: Some(14),
            in_peer: true,
        },
        ServerFrame::Room(RoomStatus {
            code: "K7QX2MPD".into(),
            followers: 3,
            presenter: true,
            ended: true,
            reason: Some("the presenter ended it".into()),
            resync: true,
            exploring: 4,
        }),
        ServerFrame::Gather,
        ServerFrame::View(ViewPosition {
            step: 12,
            lesson: Some("tcp-read".into()),
            stage: Some(4),
        }),
        ServerFrame::View(ViewPosition::default()),
        ServerFrame::Poll(PollAsked {
            id: 2,
            text: "What happens next?".into(),
            choices: vec!["The executor".into(), "The OS".into()],
        }),
        ServerFrame::Tally(PollTally {
            poll: 2,
            counts: vec![2, 1],
            answered: 3,
            right: None,
        }),
        ServerFrame::Answered { poll: 2, choice: 1 },
        ServerFrame::Revealed(PollTally {
            poll: 2,
            counts: vec![2, 1],
            answered: 3,
            right: Some(1),
        }),
    ]);
    frames
}

#[test]
fn every_frame_reads_back_equal_with_every_key_read() {
    for frame in frames() {
        check(&frame, frame_value);
        let json = serde_json::to_string(&frame).expect("serde encodes");
        assert_eq!(super::frame(&json), Ok(frame), "{json}");
    }
}

#[test]
fn the_samples_cover_every_variant_serde_knows() {
    let frames = frames();
    let values: Vec<Value> = frames
        .iter()
        .map(|f| serde_json::to_value(f).unwrap())
        .collect();
    let spelled = |key: &str, inner: Option<&str>| -> BTreeSet<String> {
        values
            .iter()
            .filter_map(|v| inner.map_or(Some(v), |inner| v.get("record")?.get(inner)))
            .filter_map(|v| v.get(key)?.as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(
        spelled("type", None),
        serde_names::<ServerFrame>(r#"{"type":"?"}"#)
    );
    let outcomes: BTreeSet<String> = values
        .iter()
        .filter_map(|v| {
            v["record"]["outcome"]["result"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert_eq!(outcomes, serde_names::<Outcome>(r#"{"result":"?"}"#));
}

#[test]
fn the_engine_golden_traces_read_as_serde_reads_them() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/golden");
    let mut traces = 0;
    for entry in std::fs::read_dir(&dir).expect("engine/tests/golden exists") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("readable");
        for line in text.lines() {
            let value: Value = serde_json::from_str(line).expect("one JSON record per line");
            let by_serde: Record = serde_json::from_value(value.clone()).expect("serde decodes");
            let mut decoded = None;
            let unread = reads::unread(&value, |value| decoded = Some(record(value)));
            assert_eq!(decoded, Some(Ok(by_serde)), "{line}");
            assert!(unread.is_empty(), "the decoder skips {unread:?} of {line}");
        }
        traces += 1;
    }
    assert!(
        traces >= 4,
        "expected the scenario traces in {}",
        dir.display()
    );
}

#[test]
fn a_key_the_decoder_does_not_read_is_reported() {
    let mut value = serde_json::to_value(sample_record(0, Event::Poll { task: 1 })).unwrap();
    value["source"]["column"] = 7.into();
    value["new_field"] = true.into();
    let unread = reads::unread(&value, |value| {
        let _ = record(value);
    });
    assert_eq!(unread, ["new_field", "source.column"]);
}

#[test]
fn bad_frames_say_what_is_wrong() {
    assert!(frame("not json").unwrap_err().starts_with("not JSON"));
    assert_eq!(
        frame(r#"{"type":"hello"}"#),
        Err("unknown frame type `hello`".into())
    );
    assert_eq!(
        frame(r#"{"type":"loaded"}"#),
        Err("missing field `scenario`".into())
    );
    let bad_kind = r#"{"type":"record","record":{"seq":0,"turn":0,"worker":0,"time_ms":0,"kind":"teleport","source":{"file":"f","line":1}}}"#;
    assert_eq!(
        frame(bad_kind),
        Err("unknown record kind `teleport`".into())
    );
    let negative = r#"{"type":"record","record":{"seq":-1,"turn":0,"worker":0,"time_ms":0,"kind":"poll","task":0,"source":{"file":"f","line":1}}}"#;
    assert_eq!(frame(negative), Err("`seq` is not a whole number".into()));
}
