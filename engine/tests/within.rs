//! `reactor_protocol::state_within` against the engine itself: replaying an
//! action's records onto the snapshot before it must give the engine's own
//! snapshot after it, for every action of every scenario; and the states
//! partway through an action must make sense record by record.

use reactor_engine::{LabRun, LabRunOptions, scenarios};
use reactor_protocol::{Event, Record, Snapshot, TaskState, state_within};

/// Steps a scenario may take before the test calls it stuck.
const MAX_STEPS: usize = 100_000;

/// Every action of `id`: the snapshot before it, its records, the snapshot after.
fn actions(id: &str) -> Vec<(Snapshot, Vec<Record>, Snapshot)> {
    let mut engine = LabRun::load(id, LabRunOptions::default()).expect("scenario loads");
    let mut before = engine.snapshot();
    let mut actions = Vec::new();
    while !engine.is_done() {
        assert!(actions.len() < MAX_STEPS, "{id} did not finish");
        let records = engine.step();
        let after = engine.snapshot();
        actions.push((before, records, after.clone()));
        before = after;
    }
    actions
}

#[test]
fn all_of_an_actions_records_lead_to_the_engines_snapshot() {
    for info in scenarios() {
        for (before, records, after) in actions(info.id) {
            let mut replayed = state_within(&before, &after, &records);
            // Not in the records: that the run has ended, and the turn ending
            // after the last event's dispatch (the web shows `after` itself
            // once an action's records are all shown).
            replayed.done = after.done;
            replayed.turn = after.turn;
            let first = records.first().map(|r| r.seq);
            assert_eq!(
                replayed, after,
                "{}: replaying the action from record {first:?} differs from the engine's snapshot",
                info.id
            );
        }
    }
}

#[test]
fn partway_through_an_action_the_state_matches_the_record_shown() {
    for info in scenarios() {
        for (before, records, after) in actions(info.id) {
            for shown in 1..=records.len() {
                let state = state_within(&before, &after, &records[..shown]);
                let current = &records[shown - 1];
                let task_state = |id| state.tasks.iter().find(|t| t.id == id).map(|t| t.state);
                match current.event {
                    Event::Poll { task } => {
                        assert_eq!(task_state(task), Some(TaskState::Running));
                        assert!(!state.run_queue.contains(&task));
                    }
                    Event::Schedule { task } => {
                        assert_eq!(task_state(task), Some(TaskState::Scheduled));
                        assert_eq!(state.run_queue.last(), Some(&task));
                    }
                    Event::Register { token, .. } => {
                        assert!(state.registrations.iter().any(|r| r.token == token));
                    }
                    _ => {}
                }
                // The run queue holds scheduled tasks only, and each once.
                for (i, id) in state.run_queue.iter().enumerate() {
                    assert_eq!(task_state(*id), Some(TaskState::Scheduled), "{}", info.id);
                    assert!(!state.run_queue[..i].contains(id), "{}", info.id);
                }
                assert_eq!(state.records, before.records.max(current.seq + 1));
            }
        }
    }
}
