//! Diagnoses: the engine says why a future hangs, the moment it is certain.
//!
//! The article ends with three questions for a future that hangs: is the
//! waker being registered, is the I/O driver running, is the timer wheel
//! being processed? The engine hands out every waker and drives every
//! part, so it answers them exactly. After each poll the loop asks:
//!
//! ```text
//!   poll task ─▶ Pending / Ready
//!      │
//!      ├─ did the poll hold the thread (block_thread_for)? ─▶ blocking_poll
//!      ├─ did the task wake itself, again and again?       ─▶ self_wake
//!      ├─ Pending, and no waker of it stored anywhere?      ─▶ lost_waker
//!      └─ Pending on a join, and a closed circle of joins?  ─▶ deadlock
//!
//!   park with no task queued, no timer filed, no socket
//!   of this runtime awaited and no script step left        ─▶ stuck (last record)
//! ```
//!
//! Each finding is one `diagnostic` record (`reactor_protocol::Diagnostic`)
//! naming the tasks, where their wakers are (or that there are none) and
//! whether what must fire them is being driven. The snapshot's
//! `tasks[].waits` gives the same answers for every idle task, every step
//! (`WakerIndex`).
//!
//! Nothing here guesses: a task's waker is one `Arc` and its count says how
//! many clones exist (`task/inspect.rs`); a self-wake is the task's id in
//! the woken list when its own poll ends (nothing else runs meanwhile).

mod blocking;
mod deadlock;
mod stuck;
mod wakers;

use std::collections::{BTreeSet, HashMap};

use reactor_protocol::{Diagnostic, Event, POLL_BUDGET, Problem, TaskId, TaskState};

use crate::runtime::core::Core;
use crate::task::WaitingOn;

pub use blocking::block_thread_for;
pub(crate) use stuck::stuck;
pub(crate) use wakers::WakerIndex;

/// A task has woken itself this many times, in over half of its wakes,
/// before it is reported (tokio-console's `SelfWakePercent` warns at over
/// 50 % of wakes; a single self-wake is an ordinary way to yield).
pub const SELF_WAKES_REPORTED_AT: u64 = 3;

/// What the diagnoses remember between polls.
#[derive(Debug, Default)]
pub(crate) struct Watch {
    /// Polls of each task so far.
    polls: HashMap<TaskId, u64>,
    /// Self-wakes of each task so far.
    self_wakes: HashMap<TaskId, u64>,
    /// Tasks whose self-wakes were reported.
    self_wake_reported: BTreeSet<TaskId>,
    /// Tasks already reported deadlocked.
    deadlocked: BTreeSet<TaskId>,
    /// Milliseconds the running poll held the thread in blocking calls,
    /// and the clock when the first began.
    pub(crate) held: Option<(u64, u64)>,
}

/// What the loop tells the diagnoses about a poll that just ended.
pub(crate) struct PollEnded {
    /// The task polled.
    pub(crate) task: TaskId,
    /// Its waker fired during its own poll (only found out while
    /// recording, when the diagnoses run).
    pub(crate) woke_itself: bool,
    /// It returned `Pending`.
    pub(crate) pending: bool,
}

/// Everything the loop asks after a poll; see the module docs. A finding's
/// record has the line below that asked for it as its source.
pub(crate) fn after_poll(core: &Core, ended: &PollEnded) {
    if !core.recorder.borrow().enabled() {
        core.watch.borrow_mut().held = None;
        return;
    }
    // A run that has just been ended (a program's limit) needs no diagnosis.
    if core.state.borrow().failure.is_some() {
        return;
    }
    blocking::check(core, ended.task);
    check_self_wake(core, ended);
    if !ended.pending || ended.woke_itself {
        return;
    }
    let (state, stored, joins_lead_back) = {
        let executor = core.executor.borrow();
        (
            executor.state_of(ended.task),
            executor.stored_wakers(ended.task),
            joins_lead_back(&executor, ended.task),
        )
    };
    if state != Some(TaskState::Idle) {
        return;
    }
    if stored == Some(0) {
        lost_waker(core, ended.task);
    } else if joins_lead_back {
        check_deadlock(core);
    }
}

/// Whether following the joins from `task` (the task it waits on, the one
/// that task waits on, …, each idle) comes back to a task already passed.
///
/// Only a deadlock that takes in `task`'s new wait can have appeared, and
/// in a deadlock every task is idle and waits on another's join, so this
/// walk from `task` would go round it. When it ends instead (at a task
/// that is queued, running, done, or waiting on something else), there is
/// none, and the whole runtime need not be searched: a task that waits in
/// turn for a thousand sleeping tasks costs a step or two per poll.
fn joins_lead_back(executor: &crate::task::Executor, task: TaskId) -> bool {
    let mut passed = vec![task];
    let mut at = task;
    while let Some(WaitingOn::Join { task: next }) = executor.waiting_on_of(at) {
        if passed.contains(&next) {
            return true;
        }
        if executor.state_of(next) != Some(TaskState::Idle) {
            return false;
        }
        passed.push(next);
        at = next;
    }
    false
}

#[track_caller]
fn check_self_wake(core: &Core, ended: &PollEnded) {
    let mut watch = core.watch.borrow_mut();
    let polls = *watch
        .polls
        .entry(ended.task)
        .and_modify(|n| *n += 1)
        .or_insert(1);
    if !ended.woke_itself {
        return;
    }
    let wakes = watch.self_wakes.entry(ended.task).or_insert(0);
    *wakes += 1;
    let wakes = *wakes;
    // Every poll but the first followed a wake; this self-wake leads to the next.
    if wakes < SELF_WAKES_REPORTED_AT
        || wakes * 2 <= polls
        || !watch.self_wake_reported.insert(ended.task)
    {
        return;
    }
    drop(watch);
    let task = ended.task;
    record(
        core,
        Diagnostic {
            problem: Problem::SelfWake,
            tasks: vec![task],
            wakers: Vec::new(),
            held_ms: None,
            late_timers: Vec::new(),
            self_wakes: Some(wakes),
            ends_run: false,
            message: format!(
                "task {task} has woken itself {wakes} times in {polls} polls, over half \
                 of its wakes: each self-wake puts it straight back on the run queue, so \
                 it spins instead of waiting; the driver still gets its turn only every \
                 {POLL_BUDGET} polls"
            ),
        },
    );
}

#[track_caller]
fn lost_waker(core: &Core, task: TaskId) {
    record(
        core,
        Diagnostic {
            problem: Problem::LostWaker,
            tasks: vec![task],
            wakers: Vec::new(),
            held_ms: None,
            late_timers: Vec::new(),
            self_wakes: None,
            ends_run: false,
            message: format!(
                "task {task} returned Pending, but no waker of it is stored anywhere (no \
                 registration, timer, JoinHandle or deferred wake, and none kept by the \
                 program): nothing can ever wake it, so it is never polled again"
            ),
        },
    );
}

#[track_caller]
fn check_deadlock(core: &Core) {
    let index = WakerIndex::build(core);
    let mut watch = core.watch.borrow_mut();
    if index.deadlocked.is_subset(&watch.deadlocked) {
        return;
    }
    watch.deadlocked.extend(index.deadlocked.iter().copied());
    drop(watch);
    let tasks: Vec<TaskId> = index.deadlocked.iter().copied().collect();
    let named = list(&tasks);
    record(
        core,
        Diagnostic {
            problem: Problem::Deadlock,
            wakers: index.spots_of(&tasks),
            tasks,
            held_ms: None,
            late_timers: Vec::new(),
            self_wakes: None,
            ends_run: false,
            message: format!(
                "{named} wait only on each other's JoinHandles: each waker is stored in \
                 the join slot of a task that can itself only finish once woken, so none \
                 of them ever finishes"
            ),
        },
    );
}

/// Record `diagnostic` at the caller's line.
#[track_caller]
fn record(core: &Core, diagnostic: Diagnostic) {
    core.recorder
        .borrow_mut()
        .record(Event::Diagnostic(Box::new(diagnostic)));
}

/// "task 1", "tasks 1 and 2", "tasks 0, 1 and 2".
fn list(tasks: &[TaskId]) -> String {
    let ids: Vec<String> = tasks.iter().map(TaskId::to_string).collect();
    match ids.as_slice() {
        [] => "no task".into(),
        [one] => format!("task {one}"),
        [init @ .., last] => format!("tasks {} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests;
