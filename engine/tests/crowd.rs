//! `crowd`: 240 tasks on one thread. The records show the run queue serving
//! them first in first out, one park per distinct deadline, and the poll
//! budget ending a busy turn with a zero-timeout look at the OS.

use std::collections::BTreeSet;

use reactor_engine::{LabRun, LabRunOptions, POLL_BUDGET};
use reactor_protocol::{Event, Record, WakeCause};

fn crowd() -> Vec<Record> {
    let mut engine = LabRun::load("crowd", LabRunOptions::default()).expect("crowd loads");
    let records = engine.run();
    assert!(engine.is_done());
    records
}

#[test]
fn every_worker_finishes_and_main_prints_the_total() {
    let records = crowd();
    assert!(records.len() >= 5_000, "a long trace: {}", records.len());
    let completed = records
        .iter()
        .filter(|record| matches!(record.event, Event::Complete { .. }))
        .count();
    assert_eq!(completed, 241, "240 workers and main");
    let outputs: Vec<_> = records
        .iter()
        .filter_map(|record| match &record.event {
            Event::Output { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    // 0 + 1 + … + 239 = 28,680.
    assert_eq!(outputs, ["240 workers took 720 naps; ids sum to 28680"]);
}

#[test]
fn the_loop_parks_once_per_wheel_expiration() {
    let records = crowd();
    let deadlines: BTreeSet<u64> = records
        .iter()
        .filter_map(|record| match record.event {
            Event::TimerInsert { deadline_ms, .. } => Some(deadline_ms),
            _ => None,
        })
        .collect();
    assert_eq!(
        deadlines.iter().copied().collect::<Vec<_>>(),
        [10, 20, 30, 40, 50, 60, 80, 90, 100, 120, 150]
    );
    // The loop wakes at every deadline, and also at the start of each
    // level-1 slot that holds a timer to cascade (64 and 128 ms here).
    let expirations: BTreeSet<u64> = records
        .iter()
        .filter_map(|record| match record.event {
            Event::TimerFire { deadline_ms, .. } => Some(deadline_ms),
            Event::TimerCascade { .. } => Some(record.time_ms),
            _ => None,
        })
        .collect();
    assert!(expirations.is_superset(&deadlines));
    assert!(expirations.contains(&64) && expirations.contains(&128));
    let advances: Vec<u64> = records
        .iter()
        .filter_map(|record| match record.event {
            Event::ClockAdvance { to_ms, .. } => Some(to_ms),
            _ => None,
        })
        .collect();
    assert_eq!(advances, expirations.iter().copied().collect::<Vec<_>>());
    let waiting_parks = records
        .iter()
        .filter(|record| matches!(record.event, Event::Park { timeout_ms: Some(ms) } if ms > 0))
        .count();
    assert_eq!(waiting_parks, expirations.len());
}

#[test]
fn a_zero_timeout_park_means_work_was_waiting() {
    let records = crowd();
    // `main` (task 0) is polled outside the budget, as Tokio's block_on is.
    let mut polls_this_turn = 0;
    let mut main_woken = false;
    let mut budget_parks = 0;
    let mut budget_yields = 0;
    for (at, record) in records.iter().enumerate() {
        match record.event {
            Event::Poll { task: 0 } => main_woken = false,
            Event::Poll { .. } => polls_this_turn += 1,
            Event::Wake { task: 0, .. } => main_woken = true,
            Event::Park { timeout_ms } => {
                assert!(polls_this_turn <= POLL_BUDGET, "seq {}", record.seq);
                // A yield deferred before this park is woken right after it.
                let deferred = records[at + 1..]
                    .iter()
                    .take_while(|later| !matches!(later.event, Event::Poll { .. }))
                    .any(|later| {
                        matches!(
                            later.event,
                            Event::Wake {
                                cause: WakeCause::Yield,
                                ..
                            }
                        )
                    });
                let full_budget = polls_this_turn == POLL_BUDGET;
                let must_not_block = full_budget || main_woken || deferred;
                assert_eq!(timeout_ms == Some(0), must_not_block, "seq {}", record.seq);
                budget_parks += usize::from(full_budget);
                budget_yields += usize::from(deferred);
                polls_this_turn = 0;
            }
            _ => {}
        }
    }
    assert!(budget_parks > 0, "240 runnable tasks exceed one budget");
    // Main collects 240 JoinHandles, most already finished: after 128 ready
    // ones in one poll its cooperative budget is spent and it yields.
    assert!(budget_yields > 0, "main's cooperative budget runs out");
}

#[test]
fn woken_tasks_are_polled_in_the_order_they_were_woken() {
    let records = crowd();
    // The first deadline, 10 ms: every worker on the 10 ms rhythm wakes.
    let fired_at_10 = |record: &&Record| record.time_ms == 10;
    let woken: Vec<u64> = records
        .iter()
        .filter(fired_at_10)
        .filter_map(|record| match record.event {
            Event::Wake { task, .. } => Some(task),
            _ => None,
        })
        .collect();
    let polled: Vec<u64> = records
        .iter()
        .filter(fired_at_10)
        .filter_map(|record| match record.event {
            Event::Poll { task } => Some(task),
            _ => None,
        })
        .collect();
    assert_eq!(woken.len(), 48, "every fifth of 240 workers naps 10 ms");
    assert_eq!(polled, woken, "first woken, first polled");
}
