use super::*;
use crate::fixture::{record, snapshot, tcp_read};
use reactor_protocol::{Event, Park, Snapshot, TaskState, TaskView, WakeCause};

/// A history of tcp_read's first records in actions of `groups` records,
/// each closed by its snapshot.
pub(crate) fn filled(groups: &[usize]) -> History {
    let mut history = History::new();
    history.push_snapshot(snapshot(0));
    let mut records = tcp_read().into_iter();
    for &size in groups {
        for record in records.by_ref().take(size) {
            assert_eq!(history.push_record(record), Ok(Pushed::Appended));
        }
        history.push_snapshot(snapshot(history.len() as u64));
    }
    history
}

#[test]
fn position_zero_shows_the_start_state_only() {
    let history = filled(&[2, 5]);
    assert_eq!(history.snapshot_at(0).map(|s| s.records), Some(0));
    assert!(history.current(0).is_none());
    assert!(History::new().snapshot_at(0).is_none());
}

#[test]
fn a_record_shows_the_snapshot_closing_its_action() {
    let history = filled(&[2, 5]);
    assert_eq!(history.snapshot_at(1).map(|s| s.records), Some(2));
    assert_eq!(history.snapshot_at(2).map(|s| s.records), Some(2));
    assert_eq!(history.snapshot_at(3).map(|s| s.records), Some(7));
    assert_eq!(history.snapshot_at(7).map(|s| s.records), Some(7));
    assert_eq!(history.current(3).map(|r| r.seq), Some(2));
}

#[test]
fn a_record_inside_an_action_shows_the_state_it_left() {
    let task = |state, waiting_on: Option<&str>| TaskView {
        id: 0,
        name: "handler".into(),
        state,
        waiting_on: waiting_on.map(String::from),
        awaiting: None,
        waits: None,
        at: None,
    };
    let records = tcp_read();
    let mut history = History::new();
    history.push_snapshot(snapshot(0));
    for record in &records[..2] {
        history.push_record(record.clone()).unwrap();
    }
    let mut queued = snapshot(2);
    queued.tasks = vec![task(TaskState::Scheduled, None)];
    queued.run_queue = vec![0];
    history.push_snapshot(queued.clone());
    for record in &records[2..7] {
        history.push_record(record.clone()).unwrap();
    }
    let mut idle = snapshot(7);
    idle.tasks = vec![task(TaskState::Idle, Some("read readiness on token 1"))];
    history.push_snapshot(idle.clone());

    // Record 2 is `poll #0`: the task runs and has left the queue; the
    // pending that ends the action is not shown yet.
    let polling = history.state_at(3).expect("a state");
    assert_eq!(polling.tasks, vec![task(TaskState::Running, None)]);
    assert!(polling.run_queue.is_empty());
    assert_eq!(polling.records, 3);
    assert_eq!(history.state_at(2).as_deref(), Some(&queued));
    assert_eq!(history.state_at(7).as_deref(), Some(&idle));
}

#[test]
fn records_past_the_last_snapshot_show_the_latest_state() {
    let mut history = filled(&[2]);
    history.push_record(tcp_read().remove(2)).unwrap();
    assert_eq!(history.snapshot_at(3).map(|s| s.records), Some(2));
}

#[test]
fn a_gap_is_refused() {
    let mut history = History::new();
    let gap = history.push_record(record(3, 0, Event::Schedule { task: 1 }));
    assert_eq!(
        gap,
        Err(Gap {
            expected: 0,
            got: 3
        })
    );
    assert!(history.is_empty());
}

#[test]
fn a_replay_after_reconnect_keeps_what_is_known() {
    let mut history = filled(&[2, 5]);
    let before = history.clone();
    for record in tcp_read().into_iter().take(7) {
        assert_eq!(history.push_record(record), Ok(Pushed::Known));
    }
    history.push_snapshot(snapshot(2));
    history.push_snapshot(snapshot(7));
    assert_eq!(history, before);
}

#[test]
fn a_replay_that_differs_replaces_the_rest() {
    let mut history = filled(&[2, 5]);
    history.set_done();
    let changed = record(1, 0, Event::Schedule { task: 9 });
    assert_eq!(history.push_record(changed.clone()), Ok(Pushed::Replaced));
    assert_eq!(history.len(), 2);
    assert_eq!(history.records()[1], changed);
    assert!(!history.is_done());
    assert_eq!(history.snapshot_at(2).map(|s| s.records), Some(0));
}

#[test]
fn turn_end_needs_the_next_turn_or_done() {
    let mut history = History::new();
    for record in tcp_read().into_iter().take(12) {
        history.push_record(record).unwrap();
    }
    assert_eq!(history.turn_end(0), None, "turn 0 might go on");
    history.push_record(tcp_read().remove(12)).unwrap();
    assert_eq!(history.turn_end(0), Some(12));
    assert_eq!(history.turn_end(5), Some(12));
    assert_eq!(history.turn_end(12), None);
    history.set_done();
    assert_eq!(history.turn_end(12), Some(13));
    assert_eq!(history.turn_end(13), Some(13));
}

#[test]
fn a_done_snapshot_marks_the_history_done() {
    let mut history = History::new();
    let mut last = snapshot(0);
    last.done = true;
    history.push_snapshot(last);
    assert!(history.is_done());
}

/// The park shown at each position is the protocol's one rule
/// ([`reactor_protocol::Park::after`]): from the `park` record through its
/// action and the dispatch of its events, over until the next action.
#[test]
fn the_park_shows_from_its_record_until_its_events_are_dispatched() {
    let parked = Some(Park {
        timeout_ms: Some(1000),
    });
    let mut history = History::new();
    let closing = |records, park: &Option<Park>| Snapshot {
        park: park.clone(),
        ..snapshot(records)
    };
    history.push_snapshot(snapshot(0));
    let actions = [
        (
            vec![
                Event::Park {
                    timeout_ms: Some(1000),
                },
                Event::ClockAdvance {
                    from_ms: 0,
                    to_ms: 1000,
                },
                Event::Unpark { events: 1 },
            ],
            &parked,
        ),
        (
            vec![
                Event::OsEvent {
                    token: 1,
                    readable: true,
                    writable: false,
                },
                Event::Wake {
                    task: 0,
                    cause: WakeCause::Io,
                },
            ],
            &parked,
        ),
        (
            vec![Event::Poll { task: 0 }, Event::Pending { task: 0 }],
            &None,
        ),
    ];
    for (events, park) in actions {
        for event in events {
            let seq = history.len() as u64;
            history.push_record(record(seq, 0, event)).unwrap();
        }
        history.push_snapshot(closing(history.len() as u64, park));
    }
    let shown: Vec<bool> = (0..=history.len())
        .map(|position| history.state_at(position).unwrap().park.is_some())
        .collect();
    // start, park, clock jump, unpark, os_event, wake, poll, pending
    let expected = [false, true, true, true, true, true, false, false];
    assert_eq!(shown, expected);
}

/// tcp_read's first 12 records in three actions of 2, 5 and 5, with the
/// outline that says so.
pub(crate) fn outlined() -> History {
    let mut outline = reactor_protocol::OutlineBuilder::default();
    let records = tcp_read();
    outline.add_action(&records[..2]);
    outline.add_action(&records[2..7]);
    outline.add_action(&records[7..12]);
    let mut history = History::new();
    history.set_outline(outline.finish());
    history
}

#[test]
fn with_an_outline_the_whole_run_is_known_before_its_records() {
    let mut history = outlined();
    assert_eq!((history.len(), history.total()), (0, 12));
    history.push_snapshot(snapshot(0));
    assert!(history.shows(0));
    assert!(!history.at_end(11) && history.at_end(12));
    assert_eq!(history.action_end(5), Some(7));
    assert_eq!(history.action_start(5), Some(2));
}

#[test]
fn a_step_shows_only_with_both_snapshots_around_its_action() {
    let mut history = outlined();
    history.push_snapshot(snapshot(0));
    for record in tcp_read().into_iter().take(12) {
        history.push_record(record).unwrap();
    }
    // A seek to 9 brought every record, and snapshots only around its action.
    history.push_snapshot(snapshot(12));
    history.push_snapshot(snapshot(7));
    assert!(history.shows(9) && history.shows(12));
    assert!(
        !history.shows(3),
        "no snapshot closes the second action's start (2)"
    );
    assert!(!history.shows(1), "nor the first action's end");
    history.push_snapshot(snapshot(2));
    assert!(history.shows(1) && history.shows(3));
}

#[test]
fn an_idle_player_keeps_the_next_actions_fetched() {
    let mut history = outlined();
    history.push_snapshot(snapshot(0));
    // At the start, with nothing fetched: all three actions (fewer than the
    // prefetch depth) are asked for.
    assert_eq!(history.prefetch(0, 0), 3);
    for record in tcp_read().into_iter().take(7) {
        history.push_record(record).unwrap();
    }
    history.push_snapshot(snapshot(2));
    history.push_snapshot(snapshot(7));
    // Shown at 3, the engine at 7: one action left to fetch.
    assert_eq!(history.prefetch(3, 7), 1);
    // The engine behind what is shown (after a seek back): a seek will move it.
    assert_eq!(history.prefetch(7, 2), 0);
    assert_eq!(History::new().prefetch(0, 0), 0, "no outline, no prefetch");
}
