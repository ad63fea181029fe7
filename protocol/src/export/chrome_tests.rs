//! Tests of the Chrome trace, on small runs built by hand.

use serde_json::Value;

use super::*;
use crate::export::{ProgramText, RecordedAction, RunAbout};
use crate::pool::{PoolView, WorkerState, WorkerView};
use crate::record::{Event, Record, Source, WakeCause};
use crate::snapshot::{LevelView, SlotView, TaskState, TaskView, TimerView};

fn record(seq: u64, worker: u32, time_ms: u64, event: Event) -> Record {
    Record {
        seq,
        turn: 0,
        worker,
        time_ms,
        event,
        source: Source {
            file: "engine/src/runtime/poll.rs".into(),
            line: 35,
        },
        span: None,
    }
}

fn task(id: TaskId, name: &str) -> TaskView {
    TaskView {
        id,
        name: name.into(),
        state: TaskState::Idle,
        waiting_on: None,
        awaiting: None,
        at: None,
        waits: None,
    }
}

/// A run of `actions`, each `(worker, time_ms, event)`, numbered in order;
/// every snapshot lists tasks 0 `main`, 1 `handler` and 2 `sleeper`.
fn run(actions: Vec<Vec<(u32, u64, Event)>>) -> RecordedRun {
    let tasks = vec![task(0, "main"), task(1, "handler"), task(2, "sleeper")];
    let snapshot = Snapshot {
        tasks,
        ..Snapshot::default()
    };
    let mut seq = 0;
    let actions = actions.into_iter().map(|records| {
        let records = records.into_iter().map(|(worker, time_ms, event)| {
            seq += 1;
            record(seq - 1, worker, time_ms, event)
        });
        RecordedAction {
            records: records.collect(),
            after: snapshot.clone(),
        }
    });
    RecordedRun {
        about: RunAbout {
            scenario: "hand_made".into(),
            seed: 3,
            program: None,
        },
        start: snapshot.clone(),
        actions: actions.collect(),
    }
}

fn parse(run: &RecordedRun) -> (Value, Vec<Value>) {
    let file: Value = serde_json::from_str(&write(run)).expect("the trace is JSON");
    let events = file["traceEvents"].as_array().expect("a list").clone();
    (file, events)
}

/// The event that carries record `seq`.
fn of_record(events: &[Value], seq: u64) -> &Value {
    let found = events
        .iter()
        .find(|e| e["ph"] != "E" && e["args"].get("seq").and_then(Value::as_u64) == Some(seq));
    found.unwrap_or_else(|| panic!("no event for record {seq}"))
}

/// The first event with this `ph` and `name`.
fn find<'a>(events: &'a [Value], ph: &str, name: &str) -> Option<&'a Value> {
    events.iter().find(|e| e["ph"] == ph && e["name"] == name)
}

fn ts(event: &Value) -> f64 {
    event["ts"].as_f64().expect("a numeric ts")
}

fn poll_then_pending(task: TaskId) -> Vec<(u32, u64, Event)> {
    vec![
        (0, 0, Event::Poll { task }),
        (0, 0, Event::Pending { task }),
    ]
}

#[test]
fn a_record_spans_one_step_of_its_millisecond() {
    assert_eq!(cell(0, 3), (0, 1000));
    assert_eq!(cell(2, 3), (2000, 3000));
    assert_eq!(cell(999, 1000), (999_000, 1_000_000));
    assert_eq!(
        cell(1, 2000),
        (500, 1000),
        "2000 records: half a microsecond each"
    );
    assert_eq!(cell(1999, 2000), (999_500, 1_000_000));
    assert_eq!(
        cell(1, 3000),
        (333, 666),
        "rounded down to whole nanoseconds"
    );
    assert_eq!(cell(7, 3_000_000), (7, 8), "at least a nanosecond");
    assert_eq!(
        cell(2_999_999, 3_000_000),
        (999_999, 1_000_000),
        "never past the ms"
    );
}

#[test]
fn times_are_written_as_exact_microseconds() {
    assert_eq!(Ns(2000).to_string(), "2");
    assert_eq!(Ns(1500).to_string(), "1.5");
    assert_eq!(Ns(825).to_string(), "0.825");
    assert_eq!(Ns(5_000_000_010).to_string(), "5000000.01");
}

#[test]
fn ts_is_virtual_time_with_records_spread_in_order() {
    let mut records: Vec<_> = (0..3).map(|_| (0, 0, Event::Search)).collect();
    records.push((0, 5, Event::Search));
    records.extend((0..1500).map(|_| (0, 7, Event::Search)));
    records.push((0, 4, Event::Search));
    let run = run(vec![records]);
    let (_, events) = parse(&run);
    let at = |seq| ts(of_record(&events, seq));
    assert_eq!([at(0), at(1), at(2), at(3)], [0.0, 1.0, 2.0, 5000.0]);
    assert_eq!(at(4), 7000.0);
    assert_eq!(at(5), 7000.666, "1500 records share the ms: 666 ns apart");
    assert!(at(1503) < 8000.0, "the last of them stays in its ms");
    assert!(at(1504) > at(1503), "a time that goes back is held");
}

#[test]
fn a_poll_is_a_slice_named_by_its_task() {
    let run = run(vec![poll_then_pending(1)]);
    let (_, events) = parse(&run);
    let begin = of_record(&events, 0);
    assert_eq!(begin["ph"], "B");
    assert_eq!(begin["name"], "handler (task 1)");
    assert_eq!(begin["args"]["task_name"], "handler");
    let end = events.iter().find(|e| e["ph"] == "E").expect("an end");
    assert_eq!(end["name"], begin["name"]);
    assert_eq!(end["tid"], begin["tid"]);
    assert_eq!(end["args"]["result"], "pending");
    assert!(ts(end) > ts(of_record(&events, 1)), "the pending is inside");
}

#[test]
fn a_wake_flows_to_the_next_poll_of_its_task() {
    let io = WakeCause::Io;
    let readable = Event::OsEvent {
        token: 1,
        readable: true,
        writable: false,
    };
    let dispatch = vec![
        (0, 0, readable),
        (0, 0, Event::Wake { task: 1, cause: io }),
        (0, 0, Event::Schedule { task: 1 }),
        (0, 0, Event::Wake { task: 2, cause: io }),
    ];
    let run = run(vec![dispatch, poll_then_pending(1)]);
    let (_, events) = parse(&run);
    let flows: Vec<_> = events
        .iter()
        .filter(|e| e["ph"] == "s" || e["ph"] == "f")
        .collect();
    assert_eq!(flows.len(), 2, "task 1's wake has an arrow; task 2's none");
    let (start, finish) = (flows[0], flows[1]);
    assert_eq!((&start["ph"], &start["id"]), (&"s".into(), &1.into()));
    assert_eq!(
        (&finish["ph"], &finish["id"], &finish["bp"]),
        (&"f".into(), &1.into(), &"e".into())
    );
    assert_eq!(ts(start), ts(of_record(&events, 1)));
    assert_eq!(ts(finish), ts(of_record(&events, 4)), "at the poll's start");
    let dispatch = events.iter().find(|e| e["ph"] == "B").expect("a slice");
    assert_eq!(dispatch["name"], "dispatch", "the wake is inside a slice");
    assert_eq!(of_record(&events, 0)["name"], "os_event token 1 (readable)");
    assert_eq!(of_record(&events, 1)["ph"], "i");
    assert_eq!(of_record(&events, 1)["s"], "t");
}

#[test]
fn every_record_is_one_event_and_the_file_runs_forwards() {
    let timer = Event::TimerFire {
        timer: 0,
        task: 2,
        deadline_ms: 9,
    };
    let wake = Event::Wake {
        task: 2,
        cause: WakeCause::Timer,
    };
    let park = Event::Park {
        timeout_ms: Some(9),
    };
    let actions = vec![
        poll_then_pending(2),
        vec![(0, 0, park), (0, 9, Event::Unpark { events: 0 })],
        vec![
            (0, 9, timer),
            (0, 9, wake),
            (0, 9, Event::Schedule { task: 2 }),
        ],
    ];
    let run = run(actions);
    let (_, events) = parse(&run);
    for seq in 0..run.record_count() {
        let carrying = events
            .iter()
            .filter(|e| e["ph"] != "E" && e["args"].get("seq") == Some(&seq.into()));
        assert_eq!(carrying.count(), 1, "record {seq}");
    }
    assert!(events.windows(2).all(|pair| ts(&pair[0]) <= ts(&pair[1])));
    let park = of_record(&events, 2);
    assert_eq!((&park["ph"], &park["name"]), (&"B".into(), &"park".into()));
    let park_end = find(&events, "E", "park").expect("the park ends");
    assert!(ts(park_end) > 9000.0, "the wait lasts 9 ms");
    assert!(find(&events, "B", "fire timers").is_some());
}

#[test]
fn a_multi_thread_run_has_a_track_per_thread() {
    let block_on = BLOCK_ON_THREAD;
    let actions = vec![
        vec![(0, 0, Event::WorkerPark), (0, 0, Event::DriverAcquired)],
        vec![
            (block_on, 0, Event::Poll { task: 0 }),
            (block_on, 0, Event::Pending { task: 0 }),
        ],
        vec![
            (1, 0, Event::Poll { task: 1 }),
            (1, 0, Event::Pending { task: 1 }),
        ],
        vec![
            (0, 0, Event::Park { timeout_ms: None }),
            (0, 0, Event::Unpark { events: 0 }),
        ],
        vec![(0, 0, Event::DriverReleased), (0, 0, Event::WorkerUnpark)],
    ];
    let mut run = run(actions);
    let worker = |id| WorkerView {
        id,
        state: WorkerState::Running,
        driver: false,
        notified: false,
        lifo: None,
        queue: vec![],
    };
    run.start.pool = Some(PoolView {
        workers: vec![worker(0), worker(1), worker(2)],
        ..PoolView::default()
    });
    let (_, events) = parse(&run);
    let thread = |name: &str| {
        let named = events
            .iter()
            .find(|e| e["name"] == "thread_name" && e["args"]["name"] == name);
        named.unwrap_or_else(|| panic!("no thread {name}"))["tid"].clone()
    };
    let tids = [
        thread("worker 0"),
        thread("worker 1"),
        thread("worker 2"),
        thread("block_on thread"),
    ];
    let distinct: BTreeSet<_> = tids.iter().map(Value::to_string).collect();
    assert_eq!(distinct.len(), 4, "{tids:?}");
    assert_eq!(of_record(&events, 2)["tid"], tids[3]);
    assert_eq!(of_record(&events, 4)["tid"], tids[1]);
    let on_worker_0: Vec<_> = events
        .iter()
        .filter(|e| e["tid"] == tids[0] && (e["ph"] == "B" || e["ph"] == "E"))
        .map(|e| {
            format!(
                "{} {}",
                e["ph"].as_str().unwrap_or(""),
                e["name"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(on_worker_0, ["B asleep", "B park", "E park", "E asleep"]);
}

#[test]
fn counters_follow_the_snapshot_after_each_step() {
    let mut run = run(vec![
        poll_then_pending(0),
        poll_then_pending(1),
        poll_then_pending(2),
    ]);
    run.actions[0].after.run_queue = vec![1, 2];
    run.actions[0].after.wheel.levels = vec![LevelView {
        level: 0,
        slot_ms: 1,
        current_slot: 0,
        occupied: 1 << 5,
        slots: vec![SlotView {
            slot: 5,
            timers: vec![TimerView {
                id: 0,
                task: 2,
                deadline_ms: 5,
            }],
        }],
    }];
    run.actions[1].after = run.actions[0].after.clone();
    let (_, events) = parse(&run);
    let series = |name: &str, key: &str| -> Vec<(f64, u64)> {
        let counters = events
            .iter()
            .filter(|e| e["ph"] == "C" && e["name"] == name);
        counters
            .map(|e| (ts(e), e["args"][key].as_u64().expect("a count")))
            .collect()
    };
    let after_first = ts(of_record(&events, 1)) + 1.0;
    let after_last = ts(of_record(&events, 5)) + 1.0;
    assert_eq!(
        series("run queue", "tasks"),
        [(0.0, 0), (after_first, 2), (after_last, 0)]
    );
    assert_eq!(
        series("timers in wheel", "timers"),
        [(0.0, 0), (after_first, 1), (after_last, 0)]
    );
    assert!(series("inject queue", "tasks").is_empty(), "no pool");
}

#[test]
fn metadata_names_the_run_and_its_program() {
    let mut run = run(vec![poll_then_pending(1)]);
    run.about.program = Some(ProgramText {
        source: "#[tokio::main]\nasync fn main() {}\n".into(),
        peer: "at 5 ms close".into(),
    });
    let (file, events) = parse(&run);
    let other = &file["otherData"];
    assert_eq!(other["source"], "Reactor Lab");
    assert_eq!(other["scenario"], "hand_made");
    assert_eq!(other["seed"], 3);
    assert_eq!(other["records"], 2);
    assert_eq!(other["program"], "#[tokio::main]\nasync fn main() {}\n");
    assert_eq!(other["peer"], "at 5 ms close");
    assert_eq!(other["time_rule"], TIME_RULE);
    assert_eq!(file["displayTimeUnit"], "ms");
    let process = events
        .iter()
        .find(|e| e["name"] == "process_name")
        .expect("named");
    assert_eq!(process["args"]["name"], "Reactor Lab: hand_made");
    assert!(
        events
            .iter()
            .all(|e| e.get("pid").is_some() && e.get("tid").is_some())
    );
}

#[test]
fn what_the_run_leaves_open_closes_at_its_end() {
    let actions = vec![
        vec![(1, 0, Event::WorkerPark)],
        vec![(0, 0, Event::Poll { task: 1 }), (0, 2, Event::Search)],
    ];
    let (_, events) = parse(&run(actions));
    let ends: Vec<_> = events.iter().filter(|e| e["ph"] == "E").collect();
    assert_eq!(ends.len(), 2);
    assert_eq!(ends[0]["args"]["result"], "unfinished");
    assert_eq!(ends[1]["name"], "asleep");
    assert!(
        ends.iter().all(|e| ts(e) == 2001.0),
        "where the last record ends"
    );
}

#[test]
fn the_same_run_gives_the_same_bytes() {
    let first = run(vec![poll_then_pending(0), poll_then_pending(1)]);
    assert_eq!(write(&first), write(&first.clone()));
    let mut other = first.clone();
    other.about.seed = 4;
    assert_ne!(write(&first), write(&other));
}
