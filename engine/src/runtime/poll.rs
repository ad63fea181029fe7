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
//!   start_poll ─▶ poll_future: current task = id, fresh budget ─▶ record poll
//!                 ─▶ poll the future ─▶ current task = none
//!                 ─▶ record pending / ready / error (a panic)
//!   Pending ─▶ Idle (or queued again if woken meanwhile)
//!   then the diagnoses look at the poll (crate::diagnose): lost waker,
//!   self-wake, blocking poll, deadlock
//!   Ready, panic ─▶ drop the future ─▶ complete ─▶ record complete
//!                                 ─▶ JoinHandle gets the panic ─▶ wake(join) its waiter
//! ```

use reactor_protocol::{Event, TaskId, WakeCause};

use super::core::Core;
use crate::diagnose;
use crate::task::{JoinError, Polled, Polling, coop};
use crate::trace::located;

/// Poll task `id` once, recording everything it does. Nothing happens if
/// the task has no future to poll.
pub(crate) fn poll_task(core: &Core, id: TaskId) {
    let polling = core.executor.borrow_mut().start_poll(id);
    let Some(mut polling) = polling else {
        return;
    };
    let recording = core.recorder.borrow().enabled();
    let polled = poll_future(core, id, &mut polling, recording);
    // The diagnoses only look while recording; asking costs a lock.
    let ended = diagnose::PollEnded {
        task: id,
        woke_itself: recording && core.executor.borrow().woke_itself(id),
        pending: matches!(polled, Polled::Pending),
    };
    match polled {
        Polled::Pending => {
            let mut recorder = core.recorder.borrow_mut();
            core.executor.borrow_mut().pending(polling, &mut recorder);
        }
        Polled::Ready(output) => {
            polling.drop_future();
            complete(core, id, output, None);
        }
        Polled::Panicked(message) => {
            polling.drop_future();
            complete(core, id, None, Some(JoinError { task: id, message }));
        }
    }
    diagnose::after_poll(core, &ended);
    // Wakers fired directly by the task's code (not through the driver, the
    // wheel or a JoinHandle) are picked up here.
    core.schedule_woken();
    if recording {
        core.recorder.borrow_mut().set_span(None);
    }
}

/// Poll the future once, with its task and a fresh budget current for the
/// code inside. `poll` is recorded before, and what the poll gave after
/// (`pending`, `ready`, or an `error` for a panic): both at the caller's
/// line, the one that polls. An output's text is only written `recording`.
#[track_caller]
fn poll_future(core: &Core, id: TaskId, polling: &mut Polling, recording: bool) -> Polled {
    core.current_task.set(Some(id));
    core.budget.set(coop::BUDGET);
    if recording {
        // A playground task's records carry its program position: where it resumes.
        let resumes_at = core.executor.borrow().at(id);
        core.recorder.borrow_mut().set_span(resumes_at);
    }
    core.recorder.borrow_mut().record(Event::Poll { task: id });
    let polled = polling.poll(recording);
    core.current_task.set(None);
    let outcome = match &polled {
        Polled::Pending => Event::Pending { task: id },
        Polled::Ready(_) => Event::Ready { task: id },
        Polled::Panicked(message) => Event::Error {
            task: Some(id),
            message: format!("task {id} panicked: {message}"),
        },
    };
    core.recorder.borrow_mut().record(outcome);
    polled
}

/// Mark the task complete, hand over a failure, and wake whoever awaits it.
fn complete(core: &Core, id: TaskId, output: Option<String>, failure: Option<JoinError>) {
    let (cell, at) = located(core.executor.borrow_mut().complete(id));
    let Some(cell) = cell else {
        return;
    };
    let join = cell.join();
    core.recorder
        .borrow_mut()
        .record_at(Event::Complete { task: id, output }, at);
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
