//! Building a [`Snapshot`]: every part of the core describes itself.
//!
//! Except the park: whether the loop counts as parked is decided from the
//! records by the protocol's one rule ([`Park::after`]), which the caller
//! that sees each action's records applies.

use reactor_protocol::{Park, Snapshot, TaskView};

use super::core::Core;
use crate::diagnose::WakerIndex;

/// Each idle task's `waits`: what it waits on, where its wakers are.
fn with_waits(mut tasks: Vec<TaskView>, index: &WakerIndex) -> Vec<TaskView> {
    for task in &mut tasks {
        task.waits = index.waits(task.id);
    }
    tasks
}

/// The whole visible state of `core` now, with `park` in force.
pub(crate) fn snapshot(core: &Core, park: Option<Park>, done: bool) -> Snapshot {
    let index = WakerIndex::build(core);
    let state = core.state.borrow();
    let executor = core.executor.borrow();
    Snapshot {
        time_ms: core.clock.borrow_mut().now(),
        turn: state.turn,
        records: core.recorder.borrow().count(),
        park,
        tasks: with_waits(executor.views(), &index),
        run_queue: executor.queue_view(),
        registrations: core.driver.borrow().views(),
        wheel: core.timers.borrow().view(),
        console: core.console.borrow().clone(),
        done,
        pool: core.pool.as_ref().map(|pool| pool.borrow().view()),
    }
}
