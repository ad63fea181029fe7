//! Polling one task: the executor's half of the single most important action.
//!
//! The loop drives a poll (`runtime/poll.rs`: it records, sets the task's
//! context, wakes whoever awaits the task); the executor, here, only moves
//! the task between its states and reports what the future did.
//!
//! ```text
//!   the loop                                 the executor (here)
//!   ────────                                 ───────────────────
//!   start_poll(id) ─────────────────────────▶ Running; take the future out
//!   set the current task, record `poll`
//!   polling.poll() ─────────────────────────▶ poll it inside catch_unwind,
//!                                             with the task's own waker
//!   record `pending` / `ready` / `error`
//!   Pending:
//!     pending(polling) ─────────────────────▶ put the future back, Idle (or
//!                                             straight back in the queue if
//!                                             its waker fired during the poll)
//!   Ready / panic:
//!     polling.drop_future()                   drop it, a panic contained
//!     complete(id) ─────────────────────────▶ Complete; hand back its join
//!   record `complete`, the join gets the panic, wake its waiter (join)
//! ```
//!
//! The future is out of the slab while it runs, so the code inside it may
//! freely spawn tasks or touch the executor without a double borrow.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use reactor_protocol::{TaskId, TaskState};

use super::join::JoinNotify;
use super::{Executor, TaskFuture};
use crate::trace::Recorder;

/// A task taken out of the slab for one poll: its future and its waker.
pub(crate) struct Polling {
    id: TaskId,
    future: TaskFuture,
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
    /// and reported as [`Polled::Panicked`].
    pub(crate) fn poll(&mut self) -> Polled {
        let mut cx = Context::from_waker(&self.waker);
        match catch_unwind(AssertUnwindSafe(|| self.future.as_mut().poll(&mut cx))) {
            Ok(Poll::Pending) => Polled::Pending,
            Ok(Poll::Ready(output)) => Polled::Ready(output),
            Err(payload) => Polled::Panicked(panic_message(payload.as_ref())),
        }
    }

    /// Drop a finished future; a panic in its destructor is contained too.
    pub(crate) fn drop_future(self) {
        let future = self.future;
        let _ = catch_unwind(AssertUnwindSafe(move || drop(future)));
    }
}

impl Executor {
    /// Take task `id`'s future out to poll it: `Running`, no longer
    /// notified, waiting on nothing. `None` if the task has no future to
    /// poll (complete, or unknown).
    pub(crate) fn start_poll(&mut self, id: TaskId) -> Option<Polling> {
        let task = self.tasks.get_mut(id as usize)?;
        let future = task.future.take()?;
        task.state = TaskState::Running;
        task.notified = false;
        task.waiting_on = None;
        task.awaiting = None;
        Some(Polling {
            id,
            future,
            waker: Waker::from(Arc::clone(&task.waker)),
        })
    }

    /// The poll returned `Pending`: store the future again and make the task
    /// `Idle` — or queue it at once (a `schedule` record) if its waker fired
    /// while it ran (recorded at the caller's line).
    #[track_caller]
    pub(crate) fn pending(&mut self, polling: Polling, recorder: &mut Recorder) {
        let id = polling.id;
        // A running task is always in the slab: only `complete` removes one.
        if let Some(task) = self.tasks.get_mut(id as usize) {
            task.future = Some(polling.future);
            task.state = TaskState::Idle;
            // Woken during its own poll: back of the queue, as Tokio's
            // harness does (`yield_now` on its scheduler).
            if std::mem::take(&mut task.notified) {
                self.schedule(id, true, recorder);
            }
        }
    }

    /// The task finished (its future is gone): mark it `Complete`, forget it
    /// unless finished tasks are kept, and hand back its join side, through
    /// which the caller delivers a panic and wakes whoever awaits the task.
    pub(crate) fn complete(&mut self, id: TaskId) -> Option<Rc<dyn JoinNotify>> {
        let keep = self.keep_finished;
        let task = self.tasks.get_mut(id as usize)?;
        task.state = TaskState::Complete;
        task.awaiting = None;
        let join = Rc::clone(&task.join);
        if !keep {
            self.tasks.remove(id as usize);
        }
        Some(join)
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
