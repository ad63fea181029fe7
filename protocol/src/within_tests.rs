//! Tests of [`state_within`](super::state_within).

use super::*;
use crate::Source;

fn record(seq: u64, event: Event) -> Record {
    Record {
        seq,
        turn: 1,
        worker: 0,
        time_ms: 0,
        event,
        source: Source {
            file: "engine/src/runtime/poll.rs".into(),
            line: 1,
        },
        span: None,
    }
}

fn at(line: u32) -> Option<Source> {
    Some(Source {
        file: "engine/src/scenario/tcp_read.rs".into(),
        line,
    })
}

fn with_task(records: u64, state: TaskState, awaiting: Option<Source>) -> Snapshot {
    Snapshot {
        records,
        tasks: vec![TaskView {
            id: 1,
            name: "handler".into(),
            state,
            waiting_on: None,
            awaiting,
            waits: None,
            at: None,
        }],
        ..Snapshot::default()
    }
}

#[test]
fn a_polled_task_resumes_from_its_await_and_parks_on_the_next() {
    let before = with_task(5, TaskState::Scheduled, at(39));
    let after = with_task(7, TaskState::Idle, at(60));
    let poll = record(5, Event::Poll { task: 1 });
    let pending = record(6, Event::Pending { task: 1 });

    let running = state_within(&before, &after, std::slice::from_ref(&poll));
    assert_eq!(running.tasks[0].state, TaskState::Running);
    assert_eq!(running.tasks[0].awaiting, at(39), "resumes from there");

    let parked = state_within(&before, &after, &[poll, pending]);
    assert_eq!(
        parked.tasks[0].awaiting,
        at(60),
        "parked on the next .await"
    );
}

#[test]
fn a_complete_task_awaits_nothing() {
    let before = with_task(5, TaskState::Scheduled, at(60));
    let after = with_task(7, TaskState::Complete, None);
    let records = [
        record(5, Event::Poll { task: 1 }),
        record(
            6,
            Event::Complete {
                task: 1,
                output: None,
            },
        ),
    ];
    let done = state_within(&before, &after, &records);
    assert_eq!(done.tasks[0].awaiting, None);
}
