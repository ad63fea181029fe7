//! The hang-diagnosis labs, through the public `LabRun` API: each lab's
//! `diagnostic` comes at the record right after the poll that makes it
//! certain, the snapshot of that step says where each waker is and who
//! fires it, a lab that hangs ends with `stuck`, and no other built-in
//! scenario has any diagnostic at all.

use reactor_engine::{LabRun, LabRunOptions, POLL_BUDGET, SELF_WAKES_REPORTED_AT, scenarios};
use reactor_protocol::{
    Diagnostic, Direction, DriverPart, Event, FiredBy, LateTimer, Problem, Record, Snapshot,
    TaskId, TaskState, TaskView, WaitTarget, Waits, WakerPlace, WakerSpot,
};

/// The scenarios written to show a diagnosis. Every other one is healthy.
const LABS: [&str; 5] = [
    "lost_waker",
    "blocking_poll",
    "self_wake",
    "deadlock",
    "cross_runtime",
];

/// A whole run, step by step: every record, and the snapshot after the
/// step that wrote each record.
struct Stepped {
    records: Vec<Record>,
    snapshots: Vec<Snapshot>,
}

impl Stepped {
    fn run(id: &str) -> Stepped {
        let mut engine = LabRun::load(id, LabRunOptions::default()).expect("scenario loads");
        let mut stepped = Stepped {
            records: Vec::new(),
            snapshots: Vec::new(),
        };
        while !engine.is_done() {
            let records = engine.step();
            let snapshot = engine.snapshot();
            stepped
                .snapshots
                .extend(records.iter().map(|_| snapshot.clone()));
            stepped.records.extend(records);
        }
        stepped
    }

    /// Every diagnostic, with the index of its record.
    fn diagnostics(&self) -> Vec<(usize, &Diagnostic)> {
        self.records
            .iter()
            .enumerate()
            .filter_map(|(at, record)| match &record.event {
                Event::Diagnostic(diagnostic) => Some((at, &**diagnostic)),
                _ => None,
            })
            .collect()
    }

    /// The one diagnostic of the run other than `stuck`.
    fn the_diagnostic(&self) -> (usize, &Diagnostic) {
        let found: Vec<_> = self
            .diagnostics()
            .into_iter()
            .filter(|(_, diagnostic)| diagnostic.problem != Problem::Stuck)
            .collect();
        assert_eq!(found.len(), 1, "{found:#?}");
        found[0]
    }

    /// The index of the first record that is `event`.
    fn index_of(&self, event: &Event) -> usize {
        self.records
            .iter()
            .position(|record| record.event == *event)
            .unwrap_or_else(|| panic!("no {event:?}"))
    }

    /// Task `id` in the snapshot after the step that wrote record `at`.
    fn task_at(&self, at: usize, id: TaskId) -> &TaskView {
        self.snapshots[at]
            .tasks
            .iter()
            .find(|task| task.id == id)
            .unwrap_or_else(|| panic!("no task {id} at record {at}"))
    }

    /// The `waits` of idle task `id` after the step that wrote record `at`.
    fn waits_at(&self, at: usize, id: TaskId) -> &Waits {
        let task = self.task_at(at, id);
        assert_eq!(task.state, TaskState::Idle, "{task:?}");
        task.waits.as_ref().expect("an idle task has waits")
    }

    /// The run's last record is the `stuck` diagnostic, which ends it.
    fn ends_stuck(&self) -> &Diagnostic {
        match &self.records.last().expect("records").event {
            Event::Diagnostic(last) => {
                assert_eq!((last.problem, last.ends_run), (Problem::Stuck, true));
                last
            }
            other => panic!("the run ends with {other:?}, not stuck"),
        }
    }
}

fn fired_by(part: DriverPart, foreign: bool, driven: bool) -> FiredBy {
    FiredBy {
        part,
        foreign,
        driven,
    }
}

fn spot(task: TaskId, place: WakerPlace, by: FiredBy) -> WakerSpot {
    WakerSpot {
        task,
        place,
        fired_by: by,
    }
}

fn join_spot(task: TaskId, of_task: TaskId, driven: bool) -> WakerSpot {
    let by = fired_by(DriverPart::Task, false, driven);
    spot(task, WakerPlace::JoinHandle { of_task }, by)
}

#[test]
fn every_lab_is_a_built_in_scenario() {
    let ids: Vec<&str> = scenarios().iter().map(|info| info.id).collect();
    for lab in LABS {
        assert!(ids.contains(&lab), "{lab} is not in {ids:?}");
    }
}

#[test]
fn no_healthy_scenario_has_a_diagnostic() {
    for info in scenarios().iter().filter(|info| !LABS.contains(&info.id)) {
        let stepped = Stepped::run(info.id);
        assert_eq!(stepped.diagnostics(), [], "{}", info.id);
    }
}

/// The forgetful future's task (1) is lost right after its `pending`;
/// main, waiting in its join slot, is stuck with it.
#[test]
fn lost_waker_is_found_right_after_the_pending_and_the_run_ends_stuck() {
    let run = Stepped::run("lost_waker");
    let (at, lost) = run.the_diagnostic();
    assert_eq!(at, run.index_of(&Event::Pending { task: 1 }) + 1);
    assert_eq!(
        (lost.problem, &lost.tasks[..]),
        (Problem::LostWaker, &[1][..])
    );
    assert_eq!(lost.wakers, []);
    let worker = run.waits_at(at, 1);
    assert_eq!(worker.on, WaitTarget::Nothing);
    assert!(worker.no_waker(), "{worker:?}");
    // The engine cannot know the line a hand-written future is awaited at.
    assert_eq!(run.task_at(at, 1).awaiting, None);
    assert_eq!(run.waits_at(at, 0).wakers, [join_spot(0, 1, false)]);
    let stuck = run.ends_stuck();
    assert_eq!(stuck.tasks, [0, 1]);
    assert_eq!(stuck.wakers, [join_spot(0, 1, false)]);
    assert_eq!(run.records.len(), 11);
}

/// The blocker (2) holds the thread 200 ms; the ticker's 50 ms timer is
/// 150 ms late, fires at 200 ms, and the run completes.
#[test]
fn blocking_poll_names_the_holder_and_the_late_timer() {
    let run = Stepped::run("blocking_poll");
    let (at, blocking) = run.the_diagnostic();
    // Right after the blocker's poll ends (its completion wakes main).
    let complete = run.index_of(&Event::Complete {
        task: 2,
        output: None,
    });
    assert_eq!(at, complete + 2);
    assert!(matches!(
        run.records[at - 1].event,
        Event::Wake { task: 0, .. }
    ));
    assert_eq!(
        (blocking.problem, &blocking.tasks[..], blocking.held_ms),
        (Problem::BlockingPoll, &[2][..], Some(200))
    );
    let late = LateTimer {
        timer: 0,
        task: 1,
        deadline_ms: 50,
        late_ms: 150,
    };
    assert_eq!(blocking.late_timers, [late]);
    assert_eq!(run.records[at].time_ms, 200);
    let ticker = run.waits_at(at, 1);
    assert_eq!(ticker.on, WaitTarget::Timer { deadline_ms: 50 });
    let entry = WakerPlace::TimerEntry {
        timer: 0,
        deadline_ms: 50,
        level: 0,
        slot: 50,
    };
    let wheel = fired_by(DriverPart::TimerWheel, false, true);
    assert_eq!(ticker.wakers, [spot(1, entry, wheel)]);
    let fire = run.index_of(&Event::TimerFire {
        timer: 0,
        task: 1,
        deadline_ms: 50,
    });
    assert_eq!(run.records[fire].time_ms, 200);
    assert!(matches!(
        run.records.last().map(|record| &record.event),
        Some(Event::Complete { task: 0, .. })
    ));
    assert_eq!(run.records.len(), 35);
}

/// The spinner (1) is reported at its third self-wake, right after that
/// poll's `pending`; it is queued, not idle, so it has no `waits`: its
/// waker already fired. Main and the client wait on sockets meanwhile.
#[test]
fn self_wake_is_reported_at_the_third_and_io_waits_for_the_budget() {
    let run = Stepped::run("self_wake");
    let (at, spinning) = run.the_diagnostic();
    let spinner_pendings: Vec<usize> = (0..run.records.len())
        .filter(|&index| run.records[index].event == Event::Pending { task: 1 })
        .collect();
    let third = spinner_pendings[SELF_WAKES_REPORTED_AT as usize - 1];
    assert_eq!(at, third + 1);
    assert_eq!(
        (spinning.problem, &spinning.tasks[..], spinning.self_wakes),
        (Problem::SelfWake, &[1][..], Some(SELF_WAKES_REPORTED_AT))
    );
    let spinner = run.task_at(at, 1);
    assert_ne!(spinner.state, TaskState::Idle);
    assert_eq!(spinner.waits, None);
    assert!(run.snapshots[at].run_queue.contains(&1));
    let io = fired_by(DriverPart::IoDriver, false, true);
    let slot = |token, direction| WakerPlace::Registration { token, direction };
    let main = run.waits_at(at, 0);
    assert_eq!(main.wakers, [spot(0, slot(0, Direction::Read), io.clone())]);
    let client = run.waits_at(at, 2);
    assert_eq!(client.wakers, [spot(2, slot(1, Direction::Write), io)]);
    // The loop parks only after POLL_BUDGET task polls, and never waits.
    let first_park = run.index_of(&Event::Park {
        timeout_ms: Some(0),
    });
    let task_polls = run.records[..first_park]
        .iter()
        .filter(|record| matches!(record.event, Event::Poll { task } if task != 0))
        .count();
    assert_eq!(task_polls, POLL_BUDGET as usize);
    let parks: Vec<Option<u64>> = run
        .records
        .iter()
        .filter_map(|record| match record.event {
            Event::Park { timeout_ms } => Some(timeout_ms),
            _ => None,
        })
        .collect();
    assert_eq!(parks, [Some(0), Some(0), Some(0)]);
    assert_eq!(run.diagnostics().len(), 1);
    assert_eq!(run.records.len(), 416);
}

/// pong's `pending` closes the circle: ping (1) waits in pong's join slot
/// and pong (2) in ping's, and nothing fires either.
#[test]
fn deadlock_is_found_when_the_circle_closes() {
    let run = Stepped::run("deadlock");
    let (at, deadlock) = run.the_diagnostic();
    assert_eq!(at, run.index_of(&Event::Pending { task: 2 }) + 1);
    assert_eq!(
        (deadlock.problem, &deadlock.tasks[..]),
        (Problem::Deadlock, &[1, 2][..])
    );
    let circle = [join_spot(1, 2, false), join_spot(2, 1, false)];
    assert_eq!(deadlock.wakers, circle);
    assert_eq!(run.waits_at(at, 1).wakers, [circle[0].clone()]);
    assert_eq!(run.waits_at(at, 2).wakers, [circle[1].clone()]);
    assert_eq!(run.waits_at(at, 2).on, WaitTarget::Join { task: 1 });
    // main, outside the circle (no handle of theirs left to await), gives up
    // after its sleep; ping and pong never printed.
    let outputs: Vec<&str> = run
        .records
        .iter()
        .filter_map(|record| match &record.event {
            Event::Output { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(outputs, ["main: neither ping nor pong finished"]);
    assert_eq!(run.records.len(), 27);
}

/// main (0) awaits a listener of runtime A from runtime B's loop: its
/// waker waits in A's driver, which nothing drives, and the run ends
/// stuck at its first park.
#[test]
fn cross_runtime_ends_stuck_on_a_driver_nobody_drives() {
    let run = Stepped::run("cross_runtime");
    let pending = run.index_of(&Event::Pending { task: 0 });
    let main = run.waits_at(pending, 0);
    let WaitTarget::Readiness {
        direction: Direction::Read,
        token,
        runtime: Some(_),
    } = main.on
    else {
        panic!("main waits on {:?}", main.on);
    };
    let foreign = fired_by(DriverPart::IoDriver, true, false);
    let place = WakerPlace::Registration {
        token,
        direction: Direction::Read,
    };
    let in_a = [spot(0, place, foreign)];
    assert_eq!(main.wakers, in_a);
    assert!(matches!(
        run.records[pending + 1].event,
        Event::Park { timeout_ms: None }
    ));
    let stuck = run.ends_stuck();
    assert_eq!(run.records.len(), pending + 3);
    assert_eq!((&stuck.tasks[..], &stuck.wakers[..]), (&[0][..], &in_a[..]));
    assert!(
        stuck
            .message
            .contains("another runtime, which no loop is polling"),
        "{}",
        stuck.message
    );
    assert_eq!(run.diagnostics().len(), 1);
}
