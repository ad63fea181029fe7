//! Polling one task: the executor's half of the single most important action.
//!
//! The loop drives a poll (`runtime/poll.rs`: it records, sets the task's
//! context, wakes whoever awaits the task); the executor, here, only moves
//! the task between its states and reports what the future did.
//!
//! ```text
//!   the loop                                 the executor (here)
//!   ────────                                 ───────────────────
//!   start_poll(id) ─────────────────────────▶ Running; hand out its cell
//!   set the current task, record `poll`
//!   polling.poll() ─────────────────────────▶ poll it inside catch_unwind,
//!                                             with the task's own waker
//!   record `pending` / `ready` / `error`
//!   Pending:
//!     pending(polling) ─────────────────────▶ Idle (or straight back in the
//!                                             queue if its waker fired
//!                                             during the poll)
//!   Ready / panic:
//!     polling.drop_future()                   drop it, a panic contained
//!     complete(id) ─────────────────────────▶ Complete; hand back its join
//!   record `complete`, the join gets the panic, wake its waiter (join)
//! ```
//!
//! The poll runs on a clone of the task's `Rc`, with the executor not
//! borrowed, so the code inside it may freely spawn tasks or touch the
//! executor. `Running` keeps anyone from polling the task re-entrantly.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use reactor_protocol::{TaskId, TaskState};

use super::cell::Run;
use super::{Executor, Task};
use crate::trace::Recorder;

/// A task being polled: its cell and its waker.
pub(crate) struct Polling {
    id: TaskId,
    cell: Pin<Rc<dyn Run>>,
    waker: Waker,
}

/// What one poll of a task's future gave.
#[derive(Debug)]
pub(crate) enum Polled {
    /// Not finished yet: the future waits for a waker to fire.
    Pending,
    /// Finished, with the `Debug` text of its output if worth showing.
    Ready(Option<String>),
    /// The future panicked, with this message.
    Panicked(String),
}

impl Polling {
    /// Poll the future once with the task's own waker. A panic is caught
    /// and reported as [`Polled::Panicked`]. `describe`: write the output's
    /// text for the `complete` record.
    pub(crate) fn poll(&mut self, describe: bool) -> Polled {
        let mut cx = Context::from_waker(&self.waker);
        let cell = self.cell.as_ref();
        match catch_unwind(AssertUnwindSafe(|| cell.poll(&mut cx, describe))) {
            Ok(Poll::Pending) => Polled::Pending,
            Ok(Poll::Ready(output)) => Polled::Ready(output),
            Err(payload) => Polled::Panicked(panic_message(payload.as_ref())),
        }
    }

    /// Drop what is left of the future (after a panic, all of it); a panic
    /// in its destructor is contained too. The task's waker goes back to
    /// its header, for `complete` to hand on to a task spawned later.
    pub(crate) fn drop_future(self) {
        drop_future(self.cell.as_ref());
        self.cell.header().waker.set(Some(self.waker));
    }
}

/// Drop a task's future, containing a panic in its destructor.
pub(crate) fn drop_future(cell: Pin<&dyn Run>) {
    let _ = catch_unwind(AssertUnwindSafe(|| cell.drop_future()));
}

impl Executor {
    /// Start polling task `id`: `Running`, no longer notified, waiting on
    /// nothing. `None` if it cannot be polled now (complete, already
    /// running, or unknown).
    pub(crate) fn start_poll(&mut self, id: TaskId) -> Option<Polling> {
        let task = self.task(id)?;
        let header = task.header();
        if matches!(header.state.get(), TaskState::Running | TaskState::Complete) {
            return None;
        }
        header.state.set(TaskState::Running);
        header.notified.set(false);
        header.waiting_on.set(None);
        header.awaiting.set(None);
        let waker = header
            .waker
            .take()
            .unwrap_or_else(|| Waker::from(Arc::clone(&task.waker)));
        Some(Polling {
            id,
            cell: task.cell.clone(),
            waker,
        })
    }

    /// The poll returned `Pending`: the task is `Idle` — or queued at once
    /// (a `schedule` record) if its waker fired while it ran (recorded at
    /// the caller's line).
    #[track_caller]
    pub(crate) fn pending(&mut self, polling: Polling, recorder: &mut Recorder) {
        let header = polling.cell.header();
        header.state.set(TaskState::Idle);
        header.waker.set(Some(polling.waker));
        // Woken during its own poll: back of the queue, as Tokio's
        // harness does (`yield_now` on its scheduler).
        if header.notified.replace(false) {
            self.schedule(polling.id, true, recorder);
        }
    }

    /// The task finished (its future is gone): mark it `Complete`, forget it
    /// unless finished tasks are kept, and hand back its cell, through whose
    /// join slot the caller delivers a panic and wakes whoever awaits it.
    pub(crate) fn complete(&mut self, id: TaskId) -> Option<Pin<Rc<dyn Run>>> {
        let task = self.task(id)?;
        let header = task.header();
        header.state.set(TaskState::Complete);
        header.awaiting.set(None);
        let own = header.waker.take();
        if self.keep_finished {
            return Some(task.cell.clone());
        }
        let slot = super::slot_of(id);
        let Task { cell, waker, .. } = self.tasks.remove(slot)?;
        if let Some(own) = own {
            self.tasks.keep(slot, (waker, own));
        }
        Some(cell)
    }
}

/// The text of a panic payload (`panic!("...")` gives `&str` or `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a non-text panic payload".to_string()
    }
}
