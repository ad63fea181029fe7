//! Building a [`Snapshot`]: every part of the core describes itself.

use reactor_protocol::{Park, Snapshot};

use super::core::Core;

/// The whole visible state of `core` now.
pub(crate) fn snapshot(core: &Core, done: bool) -> Snapshot {
    let state = core.state.borrow();
    let executor = core.executor.borrow();
    Snapshot {
        time_ms: core.clock.borrow_mut().now(),
        turn: state.turn,
        records: core.recorder.borrow().count(),
        park: state.parked.map(|timeout_ms| Park { timeout_ms }),
        tasks: executor.views(),
        run_queue: executor.queue_view(),
        registrations: core.driver.borrow().views(),
        wheel: core.timers.borrow().view(),
        console: core.console.borrow().clone(),
        done,
    }
}
