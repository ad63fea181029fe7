//! Snapshots taken between steps: tasks, wakers, registrations, the wheel
//! and the park, as the browser draws them.

use reactor_engine::{LabRun, LabRunOptions};
use reactor_protocol::{Event, Record, TaskState};

fn engine(id: &str) -> LabRun {
    LabRun::load(id, LabRunOptions::default()).expect("scenario loads")
}

fn events(records: &[Record]) -> Vec<Event> {
    records.iter().map(|record| record.event.clone()).collect()
}

#[test]
fn snapshot_shows_the_waiting_handler_and_its_stored_waker() {
    let mut engine = engine("tcp_read");
    // Step until the handler has stored its read waker.
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|event| matches!(event, Event::Pending { task: 1 }))
    {
        assert!(!engine.is_done());
        seen.extend(events(&engine.step()));
    }
    let snapshot = engine.snapshot();
    let handler = snapshot
        .tasks
        .iter()
        .find(|task| task.id == 1)
        .expect("handler task");
    assert_eq!(handler.name, "handler");
    assert_eq!(handler.state, TaskState::Idle);
    assert_eq!(
        handler.waiting_on.as_deref(),
        Some("read readiness on token 1")
    );
    let stream = snapshot
        .registrations
        .iter()
        .find(|reg| reg.token == 1)
        .expect("stream registration");
    assert_eq!(stream.read_waker, Some(1));
    assert!(!stream.readable);
    assert!(!snapshot.done);
    assert_eq!(snapshot.records, seen.len() as u64);

    // Park with no timer: no timeout. The first park returns at once with
    // the stream's writable event; the second waits until the peer writes
    // at 5 ms. The snapshot shows the park until its events are dispatched.
    let mut last = Vec::new();
    while !last.iter().any(|event| {
        matches!(event, Event::Park { timeout_ms: None }) && engine.snapshot().time_ms == 5
    }) {
        assert!(!engine.is_done());
        last = events(&engine.step());
    }
    let snapshot = engine.snapshot();
    assert_eq!(snapshot.park.map(|park| park.timeout_ms), Some(None));
    assert_eq!(snapshot.time_ms, 5);

    engine.run();
    let snapshot = engine.snapshot();
    assert!(snapshot.done);
    assert!(
        snapshot.registrations.is_empty(),
        "every socket is deregistered"
    );
    assert!(
        snapshot
            .tasks
            .iter()
            .all(|task| task.state == TaskState::Complete)
    );
    assert_eq!(snapshot.console, ["Read 14 bytes"]);
}

#[test]
fn snapshot_shows_the_timer_in_the_wheel() {
    let mut engine = engine("spawn_lifecycle");
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|event| matches!(event, Event::TimerInsert { .. }))
    {
        assert!(!engine.is_done());
        seen.extend(events(&engine.step()));
    }
    let wheel = engine.snapshot().wheel;
    assert_eq!(
        engine.snapshot().park,
        None,
        "not parked before the park step"
    );
    let level = &wheel.levels[1];
    assert_eq!(level.occupied, 1 << 15);
    assert_eq!(level.slots[0].timers[0].deadline_ms, 1000);
    assert_eq!(level.slots[0].timers[0].task, 1);
}

#[test]
fn snapshot_shows_the_park_after_its_step_until_the_next_action() {
    let mut engine = engine("spawn_lifecycle");
    let mut last = Vec::new();
    while !last.iter().any(|event| matches!(event, Event::Park { .. })) {
        assert!(!engine.is_done());
        last = events(&engine.step());
    }
    // The timer sits in level 1, slot 15: the loop parks until that slot
    // starts, at 960 ms, not until the deadline.
    let snapshot = engine.snapshot();
    assert_eq!(snapshot.park.map(|park| park.timeout_ms), Some(Some(960)));
    assert_eq!(snapshot.time_ms, 960);
    engine.step();
    assert_eq!(engine.snapshot().park, None);
}
