use super::*;
use crate::fixture::{record as make, tcp_read};
use reactor_protocol::frame::{RoomStatus, ViewPosition};

/// Encode with the protocol's serde, decode by hand: they must agree.
fn round_trip(frame_: ServerFrame) {
    let json = serde_json::to_string(&frame_).expect("serde encodes");
    assert_eq!(frame(&json), Ok(frame_), "{json}");
}

fn every_kind() -> Vec<Event> {
    let mut events: Vec<Event> = tcp_read().into_iter().map(|r| r.event).collect();
    events.extend([
        Event::Complete {
            task: 1,
            output: Some("42".into()),
        },
        Event::Register {
            token: 2,
            resource: "TcpListener 127.0.0.1:<port>".into(),
            readable: true,
            writable: true,
            assumed_ready: true,
        },
        Event::Deregister { token: 2 },
        Event::syscall(None, "connect", None, Outcome::Ok { bytes: None }),
        Event::syscall(
            Some(1),
            "write",
            Some(3),
            Outcome::Failed {
                error: "reset".into(),
            },
        ),
        Event::WakerStored {
            token: 1,
            task: 0,
            direction: Direction::Write,
        },
        Event::TimerInsert {
            timer: 4,
            task: 1,
            deadline_ms: 1000,
            level: 1,
            slot: 15,
        },
        Event::TimerCascade {
            timer: 4,
            from_level: 1,
            from_slot: 15,
            to_level: 0,
            to_slot: 40,
        },
        Event::TimerFire {
            timer: 4,
            task: 1,
            deadline_ms: 1000,
        },
        Event::TimerCancel { timer: 5 },
        Event::Park {
            timeout_ms: Some(1000),
        },
        Event::ClockAdvance {
            from_ms: 0,
            to_ms: 1000,
        },
        Event::Wake {
            task: 0,
            cause: WakeCause::Timer,
        },
        Event::Wake {
            task: 0,
            cause: WakeCause::Join,
        },
        Event::Wake {
            task: 0,
            cause: WakeCause::Other,
        },
        Event::Error {
            task: Some(2),
            message: "boom".into(),
        },
        Event::Error {
            task: None,
            message: "script".into(),
        },
    ]);
    events
}

#[test]
fn every_record_kind_decodes_as_serde_does() {
    let events = every_kind();
    let kinds: std::collections::BTreeSet<_> = events.iter().map(crate::explain::kind).collect();
    assert_eq!(
        kinds.len(),
        22,
        "a record kind is missing from the test: {kinds:?}"
    );
    for (seq, event) in events.into_iter().enumerate() {
        round_trip(ServerFrame::Record {
            record: make(seq as u64, 3, event),
        });
    }
}

#[test]
fn a_full_snapshot_decodes_as_serde_does() {
    let state = Snapshot {
        time_ms: 1000,
        turn: 2,
        records: 17,
        park: Some(Park {
            timeout_ms: Some(1000),
        }),
        tasks: vec![
            TaskView {
                id: 0,
                name: "main".into(),
                state: TaskState::Idle,
                waiting_on: Some("join of task 1".into()),
            },
            TaskView {
                id: 1,
                name: "sleeper".into(),
                state: TaskState::Running,
                waiting_on: None,
            },
            TaskView {
                id: 2,
                name: "a".into(),
                state: TaskState::Scheduled,
                waiting_on: None,
            },
            TaskView {
                id: 3,
                name: "b".into(),
                state: TaskState::Complete,
                waiting_on: None,
            },
        ],
        run_queue: vec![2, 1],
        registrations: vec![RegistrationView {
            token: 1,
            resource: "TcpStream".into(),
            readable: true,
            writable: false,
            tick: 3,
            read_waker: Some(1),
            write_waker: None,
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
        done: false,
    };
    round_trip(ServerFrame::Snapshot { state });
    round_trip(ServerFrame::Snapshot {
        state: Snapshot {
            park: Some(Park { timeout_ms: None }),
            ..Snapshot::default()
        },
    });
    round_trip(ServerFrame::Snapshot {
        state: Snapshot::default(),
    });
}

#[test]
fn the_other_frames_decode_as_serde_does() {
    round_trip(ServerFrame::Loaded {
        scenario: "tcp_read".into(),
    });
    round_trip(ServerFrame::Done);
    round_trip(ServerFrame::Error {
        message: "unknown scenario `x`".into(),
    });
    round_trip(ServerFrame::Room(RoomStatus {
        code: "K7QX2MPD".into(),
        followers: 3,
        presenter: true,
        ended: true,
        reason: Some("the presenter ended it".into()),
        resync: true,
    }));
    round_trip(ServerFrame::View(ViewPosition {
        step: 12,
        lesson: Some("tcp-read".into()),
        stage: Some(4),
    }));
    round_trip(ServerFrame::View(ViewPosition::default()));
}

#[test]
fn the_engine_golden_traces_decode_as_serde_does() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/golden");
    let mut traces = 0;
    for entry in std::fs::read_dir(&dir).expect("engine/tests/golden exists") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("readable");
        for line in text.lines() {
            let value: Value = serde_json::from_str(line).expect("one JSON record per line");
            let by_serde: Record = serde_json::from_value(value.clone()).expect("serde decodes");
            assert_eq!(record(&value), Ok(by_serde));
        }
        traces += 1;
    }
    assert!(
        traces >= 4,
        "expected the four scenario traces in {}",
        dir.display()
    );
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
