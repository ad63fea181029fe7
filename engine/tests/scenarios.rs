//! Each built-in scenario, run through the public `LabRun` API: the records
//! tell the article's story, every run is identical, and step, turn and run
//! agree.

use reactor_engine::{LabRun, LabRunOptions, scenarios};
use reactor_protocol::{Direction, Event, Outcome, Record, WakeCause};

fn engine(id: &str) -> LabRun {
    LabRun::load(id, LabRunOptions::default()).expect("scenario loads")
}

fn run(id: &str) -> Vec<Record> {
    let mut engine = engine(id);
    let records = engine.run();
    assert!(engine.is_done(), "{id} finished");
    records
}

fn events(records: &[Record]) -> Vec<Event> {
    records.iter().map(|record| record.event.clone()).collect()
}

/// Whether `wanted` appears in `events` in this order (other events may lie between).
fn in_order(events: &[Event], wanted: &[Event]) -> bool {
    let mut rest = events.iter();
    wanted.iter().all(|want| rest.any(|event| event == want))
}

fn index_of(events: &[Event], wanted: &Event) -> usize {
    events
        .iter()
        .position(|event| event == wanted)
        .unwrap_or_else(|| panic!("no {wanted:?} in {events:#?}"))
}

#[test]
fn lists_the_four_scenarios_the_five_labs_then_the_multi_thread_three() {
    let ids: Vec<_> = scenarios().iter().map(|info| info.id).collect();
    assert_eq!(
        ids,
        [
            "tcp_read",
            "spawn_lifecycle",
            "timers",
            "crowd",
            "lost_waker",
            "blocking_poll",
            "self_wake",
            "deadlock",
            "cross_runtime",
            "multi_thread_spawn",
            "work_stealing",
            "multi_thread_tcp_read"
        ]
    );
    assert!(
        scenarios()
            .iter()
            .all(|info| !info.title.is_empty() && !info.summary.is_empty())
    );
}

#[test]
fn unknown_scenario_is_a_load_error() {
    let error = LabRun::load("nope", LabRunOptions::default())
        .err()
        .expect("unknown id fails");
    assert_eq!(error.to_string(), "unknown scenario `nope`");
}

#[test]
fn records_are_numbered_without_gaps_and_come_from_engine_sources() {
    for info in scenarios() {
        let records = run(info.id);
        for (index, record) in records.iter().enumerate() {
            assert_eq!(record.seq, index as u64);
            // One worker, 0, unless the scenario runs a pool.
            if !info.id.starts_with("multi_thread") && info.id != "work_stealing" {
                assert_eq!(record.worker, 0);
            }
            assert!(
                record.source.file.starts_with("engine/src/"),
                "{:?}",
                record.source
            );
            assert!(record.source.line > 0);
        }
        assert!(
            records
                .windows(2)
                .all(|pair| pair[0].time_ms <= pair[1].time_ms && pair[0].turn <= pair[1].turn)
        );
        assert!(
            !records
                .iter()
                .any(|record| matches!(record.event, Event::Error { .. })),
            "{}",
            info.id
        );
    }
}

#[test]
fn tcp_read_shows_the_six_steps_of_the_article() {
    let events = events(&run("tcp_read"));
    // The handler is task 1; its accepted stream is token 1.
    let steps = [
        // 1. the stream is registered with the driver under a token
        Event::Register {
            token: 1,
            resource: "TcpStream 127.0.0.1:<port> (accepted)".into(),
            readable: true,
            writable: true,
            assumed_ready: true,
        },
        // 2. the first read hits WouldBlock, the waker is stored, Pending
        Event::Poll { task: 1 },
        Event::syscall(Some(1), "read", Some(1), Outcome::WouldBlock),
        Event::ReadinessCleared {
            token: 1,
            direction: Direction::Read,
            tick: 0,
        },
        Event::WakerStored {
            token: 1,
            task: 1,
            direction: Direction::Read,
        },
        Event::Pending { task: 1 },
        // 3. nothing to run and no timer: the loop parks with no timeout.
        //    The fresh stream reports "writable" at once, which wakes nobody.
        Event::Park { timeout_ms: None },
        Event::OsEvent {
            token: 1,
            readable: false,
            writable: true,
        },
        // ... and parks again until the peer's write at 5 ms.
        Event::Park { timeout_ms: None },
        Event::ClockAdvance {
            from_ms: 0,
            to_ms: 5,
        },
        // 4. the bytes arrive: the OS event wakes the stored waker
        Event::OsEvent {
            token: 1,
            readable: true,
            writable: true,
        },
        Event::Wake {
            task: 1,
            cause: WakeCause::Io,
        },
        // 5. the task is scheduled and polled again
        Event::Schedule { task: 1 },
        Event::Poll { task: 1 },
        // 6. the read succeeds and the task completes
        Event::syscall(Some(1), "read", Some(1), Outcome::Ok { bytes: Some(14) }),
        Event::Output {
            task: 1,
            text: "Read 14 bytes".into(),
        },
        Event::Ready { task: 1 },
        Event::Complete {
            task: 1,
            output: None,
        },
        Event::Wake {
            task: 0,
            cause: WakeCause::Join,
        },
        Event::Complete {
            task: 0,
            output: None,
        },
    ];
    assert!(in_order(&events, &steps), "{events:#?}");
    // Both sockets are closed again by the end.
    assert!(in_order(
        &events,
        &[
            Event::Deregister { token: 1 },
            Event::Deregister { token: 0 }
        ]
    ));
}

#[test]
fn spawn_lifecycle_follows_the_article() {
    let records = run("spawn_lifecycle");
    let events = events(&records);
    let insert = events
        .iter()
        .find_map(|event| match event {
            Event::TimerInsert {
                timer,
                task: 1,
                deadline_ms: 1000,
                level,
                slot,
            } => Some((*timer, *level, *slot)),
            _ => None,
        })
        .expect("the sleeper files a 1000 ms timer");
    // 1000 ms seen from 0 differs first in base-64 digit 1: level 1, slot 1000 / 64 = 15.
    assert_eq!((insert.1, insert.2), (1, 15));
    let timer = insert.0;
    let story = [
        Event::Spawn {
            task: 1,
            name: "sleeper".into(),
        },
        Event::Poll { task: 1 },
        Event::Pending { task: 1 },
        // The timer sits in level 1, slot 15 (960..1023 ms): the loop parks
        // until that slot starts, cascades the timer to level 0, parks again.
        Event::Park {
            timeout_ms: Some(960),
        },
        Event::ClockAdvance {
            from_ms: 0,
            to_ms: 960,
        },
        Event::Unpark { events: 0 },
        Event::TimerCascade {
            timer,
            from_level: 1,
            from_slot: 15,
            to_level: 0,
            to_slot: 40,
        },
        Event::Park {
            timeout_ms: Some(40),
        },
        Event::ClockAdvance {
            from_ms: 960,
            to_ms: 1000,
        },
        Event::TimerFire {
            timer,
            task: 1,
            deadline_ms: 1000,
        },
        Event::Wake {
            task: 1,
            cause: WakeCause::Timer,
        },
        Event::Schedule { task: 1 },
        Event::Poll { task: 1 },
        Event::Output {
            task: 1,
            text: "done!".into(),
        },
        Event::Ready { task: 1 },
        Event::Complete {
            task: 1,
            output: Some("42".into()),
        },
        Event::Wake {
            task: 0,
            cause: WakeCause::Join,
        },
        Event::Poll { task: 0 },
        Event::Complete {
            task: 0,
            output: None,
        },
    ];
    assert!(in_order(&events, &story), "{events:#?}");
    let fire = index_of(
        &events,
        &Event::TimerFire {
            timer,
            task: 1,
            deadline_ms: 1000,
        },
    );
    assert_eq!(records[fire].time_ms, 1000);
}

#[test]
fn timers_use_several_levels_and_cascade_before_firing() {
    let events = events(&run("timers"));
    let mut levels: Vec<u32> = events
        .iter()
        .filter_map(|event| match event {
            Event::TimerInsert { level, .. } => Some(*level),
            _ => None,
        })
        .collect();
    levels.dedup();
    assert_eq!(levels, [0, 1, 2, 3]);
    let cascades = events
        .iter()
        .filter(|event| matches!(event, Event::TimerCascade { .. }))
        .count();
    assert!(cascades >= 3, "{cascades} cascades");
    // The 5-minute timer moves down level by level before it fires.
    let five_minutes = events
        .iter()
        .find_map(|event| match event {
            Event::TimerInsert {
                timer,
                deadline_ms: 300_000,
                ..
            } => Some(*timer),
            _ => None,
        })
        .expect("a 5 min timer");
    let path: Vec<(u32, u32)> = events
        .iter()
        .filter_map(|event| match event {
            Event::TimerCascade {
                timer,
                from_level,
                to_level,
                ..
            } if *timer == five_minutes => Some((*from_level, *to_level)),
            _ => None,
        })
        .collect();
    assert_eq!(path, [(3, 2), (2, 1), (1, 0)]);
    let last_cascade = events.iter().rposition(
        |event| matches!(event, Event::TimerCascade { timer, .. } if *timer == five_minutes),
    );
    let fire = events.iter().position(|event| {
        matches!(
            event,
            Event::TimerFire {
                deadline_ms: 300_000,
                ..
            }
        )
    });
    assert!(last_cascade < fire && fire.is_some());
    let outputs: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Event::Output { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        outputs,
        [
            "sleep 3 ms: woke up",
            "sleep 150 ms: woke up",
            "sleep 5 s: woke up",
            "sleep 5 min: woke up"
        ]
    );
}

#[test]
fn step_turn_and_run_give_identical_records() {
    for info in scenarios() {
        let by_run = run(info.id);

        let mut stepped = engine(info.id);
        let mut by_step = Vec::new();
        while !stepped.is_done() {
            let records = stepped.step();
            assert!(!records.is_empty(), "{}: every step acts", info.id);
            by_step.extend(records);
        }
        assert!(
            stepped.step().is_empty(),
            "a step after the end does nothing"
        );

        let mut turned = engine(info.id);
        let mut by_turn = Vec::new();
        while !turned.is_done() {
            let records = turned.turn();
            // A turn never spans two turn numbers.
            assert!(
                records.windows(2).all(|pair| pair[0].turn == pair[1].turn),
                "{}",
                info.id
            );
            by_turn.extend(records);
        }
        assert_eq!(by_step, by_run, "{}: step vs run", info.id);
        assert_eq!(by_turn, by_run, "{}: turn vs run", info.id);
    }
}

/// How many times each scenario is re-run for the determinism check.
const RUNS: usize = 1_000;

#[test]
fn every_scenario_gives_the_same_records_a_thousand_times() {
    for info in scenarios() {
        let first = run(info.id);
        for attempt in 1..RUNS {
            let again = run(info.id);
            assert!(again == first, "{} differs on run {attempt}", info.id);
        }
    }
}

#[test]
fn reaching_max_records_ends_with_one_error() {
    let options = LabRunOptions {
        max_records: 10,
        ..LabRunOptions::default()
    };
    let mut engine = LabRun::load("timers", options).expect("loads");
    let records = engine.run();
    assert!(engine.is_done());
    assert_eq!(records.len(), 11);
    assert!(
        matches!(&records[10].event, Event::Error { task: None, message } if message.contains("limit of 10"))
    );
    assert!(engine.snapshot().done);
}

#[test]
fn an_engine_runs_on_a_plain_thread() {
    let trace = std::thread::spawn(|| run("tcp_read"))
        .join()
        .expect("the thread does not panic");
    assert_eq!(trace, run("tcp_read"));
}

#[test]
fn tcp_read_also_runs_on_the_real_clock() {
    let options = LabRunOptions {
        clock: reactor_engine::ClockMode::Real,
        ..LabRunOptions::default()
    };
    let mut engine = LabRun::load("tcp_read", options).expect("loads");
    let started = std::time::Instant::now();
    let records = engine.run();
    assert!(engine.is_done());
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(5),
        "the peer writes at 5 real ms"
    );
    assert!(records.iter().any(|record| record.event
        == Event::Output {
            task: 1,
            text: "Read 14 bytes".into()
        }));
    assert!(
        !records
            .iter()
            .any(|record| matches!(record.event, Event::Error { .. }))
    );
}
