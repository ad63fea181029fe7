//! The "Why is it stuck?" answers, on the waits and diagnostics the labs
//! really produce (`engine/tests/diagnostics.rs` checks the same values).

use reactor_protocol::{
    Diagnostic, Direction, DriverPart, Event, FiredBy, Snapshot, TaskId, TaskState, TaskView,
    WaitTarget, Waits, WakerPlace, WakerSpot,
};

use super::*;
use crate::fixture::golden_trace;

fn task(id: TaskId, name: &str, waits: Option<Waits>) -> TaskView {
    TaskView {
        id,
        name: name.into(),
        state: if waits.is_some() {
            TaskState::Idle
        } else {
            TaskState::Complete
        },
        waiting_on: None,
        awaiting: None,
        waits,
        at: None,
    }
}

fn waits(on: WaitTarget, wakers: Vec<WakerSpot>, unseen_wakers: u32) -> Waits {
    Waits {
        on,
        wakers,
        unseen_wakers,
    }
}

fn spot(
    task: TaskId,
    place: WakerPlace,
    part: DriverPart,
    foreign: bool,
    driven: bool,
) -> WakerSpot {
    WakerSpot {
        task,
        place,
        fired_by: FiredBy {
            part,
            foreign,
            driven,
        },
    }
}

/// The `diagnostic` of `problem` in a golden trace.
fn golden_diagnostic(scenario: &str, problem: Problem) -> Diagnostic {
    golden_trace(scenario)
        .into_iter()
        .find_map(|record| match record.event {
            Event::Diagnostic(d) if d.problem == problem => Some(*d),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no {problem:?} in {scenario}"))
}

/// `lost_waker` at its diagnostic: main awaits worker, worker has no waker.
fn lost_waker_tasks() -> Vec<TaskView> {
    let join = spot(
        0,
        WakerPlace::JoinHandle { of_task: 1 },
        DriverPart::Task,
        false,
        false,
    );
    vec![
        task(
            0,
            "main",
            Some(waits(WaitTarget::Join { task: 1 }, vec![join], 0)),
        ),
        task(1, "worker", Some(waits(WaitTarget::Nothing, Vec::new(), 0))),
    ]
}

#[test]
fn a_lost_waker_is_stored_nowhere_and_nothing_fires_it() {
    let tasks = lost_waker_tasks();
    let worker = answer(1, tasks[1].waits.as_ref().unwrap(), &tasks);
    assert_eq!(worker.label, "worker (#1)");
    assert_eq!(worker.waits_on, "nothing it told the runtime about");
    assert_eq!(worker.waker, "none anywhere: nothing can ever wake it");
    assert_eq!(worker.fired_by, "nothing: there is no waker to fire");
    assert!(worker.never_wakes);
}

#[test]
fn a_join_on_a_task_that_never_finishes_names_it() {
    let tasks = lost_waker_tasks();
    let main = answer(0, tasks[0].waits.as_ref().unwrap(), &tasks);
    assert_eq!(main.waits_on, "worker (#1) to finish");
    assert_eq!(main.waker, "the JoinHandle of worker (#1)");
    assert_eq!(main.fired_by, "worker (#1) finishing, which it never can");
    assert!(main.never_wakes);
}

#[test]
fn a_socket_of_another_runtime_waits_on_a_driver_nobody_polls() {
    let registration = WakerPlace::Registration {
        token: 0,
        direction: Direction::Read,
    };
    let on = WaitTarget::Readiness {
        direction: Direction::Read,
        token: 0,
        runtime: Some(1),
    };
    let stored = spot(0, registration, DriverPart::IoDriver, true, false);
    let tasks = vec![task(0, "main", Some(waits(on, vec![stored], 0)))];
    let main = answer(0, tasks[0].waits.as_ref().unwrap(), &tasks);
    assert_eq!(
        main.waits_on,
        "read readiness of token 0 (runtime 1, not this one)"
    );
    assert_eq!(main.waker, "token 0's read slot");
    assert_eq!(
        main.fired_by,
        "another runtime's I/O driver, which no loop polls: it never fires"
    );
    assert!(main.never_wakes);
}

#[test]
fn a_timer_in_a_driven_wheel_can_still_fire() {
    let entry = WakerPlace::TimerEntry {
        timer: 0,
        deadline_ms: 50,
        level: 0,
        slot: 50,
    };
    let stored = spot(1, entry, DriverPart::TimerWheel, false, true);
    let on = WaitTarget::Timer { deadline_ms: 50 };
    let tasks = vec![task(1, "ticker", Some(waits(on, vec![stored], 0)))];
    let ticker = answer(1, tasks[0].waits.as_ref().unwrap(), &tasks);
    assert_eq!(ticker.waits_on, "a timer due at 50 ms");
    assert_eq!(
        ticker.waker,
        "timer 0's entry, level 0 slot 50, due at 50 ms"
    );
    assert_eq!(ticker.fired_by, "this runtime's timer wheel (driven)");
    assert!(!ticker.never_wakes);
}

#[test]
fn a_clone_the_program_keeps_may_still_wake_the_task() {
    let tasks = vec![task(
        2,
        "keeper",
        Some(waits(WaitTarget::Nothing, Vec::new(), 1)),
    )];
    let keeper = answer(2, tasks[0].waits.as_ref().unwrap(), &tasks);
    assert!(
        keeper
            .waker
            .starts_with("1 clone kept by the program's own code")
    );
    assert_eq!(
        keeper.fired_by,
        "the program's own code, if it ever calls wake"
    );
    assert!(!keeper.never_wakes);
}

#[test]
fn tasks_that_never_wake_come_first_and_only_a_few_are_answered() {
    let timer = |id| {
        let entry = WakerPlace::TimerEntry {
            timer: id,
            deadline_ms: 5,
            level: 0,
            slot: 5,
        };
        let stored = spot(id, entry, DriverPart::TimerWheel, false, true);
        task(
            id,
            "sleeper",
            Some(waits(WaitTarget::Timer { deadline_ms: 5 }, vec![stored], 0)),
        )
    };
    let mut tasks: Vec<TaskView> = (0..8).map(timer).collect();
    tasks.push(task(
        8,
        "lost",
        Some(waits(WaitTarget::Nothing, Vec::new(), 0)),
    ));
    tasks.push(task(9, "done", None));
    let state = Snapshot {
        tasks,
        ..Snapshot::default()
    };
    let (shown, left_out) = answers(&state);
    assert_eq!(shown.len(), MOST_ANSWERED);
    assert_eq!(left_out, 9 - MOST_ANSWERED);
    assert_eq!(shown[0].task, 8);
    assert_eq!(shown[1].task, 0);
}

#[test]
fn a_lost_waker_diagnostic_names_the_task_and_its_missing_waker() {
    let tasks = lost_waker_tasks();
    let found = finding(&golden_diagnostic("lost_waker", Problem::LostWaker), &tasks);
    assert_eq!(found.title, "Lost waker");
    assert_eq!(found.tasks, "worker (#1)");
    assert_eq!(found.facts, ["worker (#1): no waker stored anywhere"]);
    assert!(!found.ends_run);
    let stuck = finding(&golden_diagnostic("lost_waker", Problem::Stuck), &tasks);
    assert_eq!(stuck.tasks, "main (#0) and worker (#1)");
    assert_eq!(
        stuck.facts,
        [
            "main (#0): waker in the JoinHandle of worker (#1), fired by worker (#1) finishing, which it never can",
            "worker (#1): no waker the runtime holds",
        ]
    );
    assert!(stuck.ends_run);
}

#[test]
fn a_blocking_poll_says_how_long_and_which_timer_is_late() {
    let tasks = vec![task(1, "ticker", None), task(2, "blocker", None)];
    let found = finding(
        &golden_diagnostic("blocking_poll", Problem::BlockingPoll),
        &tasks,
    );
    assert_eq!(found.tasks, "blocker (#2)");
    assert_eq!(
        found.facts,
        [
            "held the thread 200 ms in a blocking call",
            "timer 0 of ticker (#1), due at 50 ms, fires 150 ms late",
        ]
    );
}

#[test]
fn a_self_wake_counts_its_wakes() {
    let tasks = vec![task(1, "spinner", None)];
    let found = finding(&golden_diagnostic("self_wake", Problem::SelfWake), &tasks);
    assert_eq!(found.facts, ["woke itself 3 times by this record"]);
}

#[test]
fn the_diagnostic_shown_is_the_latest_one_on_screen() {
    let records = golden_trace("lost_waker");
    assert_eq!(latest_diagnostic(&records, 8), None);
    let lost = latest_diagnostic(&records, 9).map(|(seq, d)| (seq, d.problem));
    assert_eq!(lost, Some((8, Problem::LostWaker)));
    assert_eq!(latest_diagnostic(&records, 10).unwrap().0, 8);
    let last = latest_diagnostic(&records, 99).map(|(seq, d)| (seq, d.problem));
    assert_eq!(last, Some((10, Problem::Stuck)));
}
