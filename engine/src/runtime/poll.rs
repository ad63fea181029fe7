//! Phases 1 and 2 of the loop: polling one task (`main` or a queued one).
//!
//! The executor (`task/harness.rs`) takes the task's future out, polls it
//! and puts it back; it does not know which runtime it belongs to. What
//! surrounds the poll is the runtime's, here, as in Tokio's scheduler
//! (`runtime/scheduler/current_thread/mod.rs`, `Context::run_task`): the
//! records, the current task and its cooperative budget for the code inside
//! the poll, and the wake of whoever awaits a task that finished.
//!
//! ```text
//!   start_poll ─▶ current task = id, fresh budget ─▶ record poll
//!              ─▶ poll the future ─▶ current task = none
//!   Pending ─▶ record pending ─▶ Idle (or queued again if woken meanwhile)
//!   Ready   ─▶ record ready   ─┐
//!   panic   ─▶ record error   ─┴▶ drop the future ─▶ complete ─▶ record complete
//!                                 ─▶ JoinHandle gets the panic ─▶ wake(join) its waiter
//! ```

use reactor_protocol::{Event, TaskId, WakeCause};

use super::core::Core;
use crate::task::{JoinError, Polled, coop};

/// Poll task `id` once, recording everything it does. Nothing happens if
/// the task has no future to poll.
pub(crate) fn poll_task(core: &Core, id: TaskId) {
    let polling = core.executor.borrow_mut().start_poll(id);
    let Some(mut polling) = polling else {
        return;
    };
    // The code inside the poll finds its task and budget through `context`.
    core.current_task.set(Some(id));
    core.budget.set(coop::BUDGET);
    core.recorder.borrow_mut().record(Event::Poll { task: id });
    let polled = polling.poll();
    core.current_task.set(None);

    match polled {
        Polled::Pending => {
            core.recorder
                .borrow_mut()
                .record(Event::Pending { task: id });
            let mut recorder = core.recorder.borrow_mut();
            core.executor.borrow_mut().pending(polling, &mut recorder);
        }
        Polled::Ready(output) => {
            core.recorder.borrow_mut().record(Event::Ready { task: id });
            polling.drop_future();
            complete(core, id, output, None);
        }
        Polled::Panicked(message) => {
            core.recorder.borrow_mut().record(Event::Error {
                task: Some(id),
                message: format!("task {id} panicked: {message}"),
            });
            polling.drop_future();
            complete(core, id, None, Some(JoinError { task: id, message }));
        }
    }
    // Wakers fired directly by the task's code (not through the driver, the
    // wheel or a JoinHandle) are picked up here.
    core.schedule_woken();
}

/// Mark the task complete, hand over a failure, and wake whoever awaits it.
fn complete(core: &Core, id: TaskId, output: Option<String>, failure: Option<JoinError>) {
    let join = core.executor.borrow_mut().complete(id);
    let Some(join) = join else {
        return;
    };
    core.recorder
        .borrow_mut()
        .record(Event::Complete { task: id, output });
    if let Some(failure) = failure {
        join.fail(failure);
    }
    match join.take_waiter() {
        Some((Some(waiter), waker)) => core.wake(waiter, WakeCause::Join, &waker),
        // Awaited outside any task of this runtime: no `wake` record.
        Some((None, waker)) => waker.wake(),
        None => {}
    }
}
