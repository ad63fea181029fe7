//! [`JoinHandle`]: a future for a spawned task's output.
//!
//! The task and its handle share one [`JoinSlot`]. When the task finishes, the
//! executor stores its output (or the panic) in the slot and wakes the task
//! that is awaiting the handle, if any: that is the `wake` with cause `join`.
//!
//! ```text
//!   spawned task ──output──▶ JoinSlot ◀──poll── JoinHandle (awaited by main)
//!                               │
//!                               └── waiter: (main, main's waker) ──wake(join)──▶
//! ```
//!
//! A handle belongs to the runtime its task was spawned on and keeps that
//! runtime's `Handle` (as a socket does, see `runtime::handle`): the task
//! awaiting it is named in its join slot only when it is a task of that
//! same runtime, so the `wake` (cause `join`) its completion records always
//! names one of the runtime's own tasks.
//!
//! A handle is awaited through [`IntoFuture`]: `handle.await` turns it into a
//! [`Join`] that knows the line of its `.await` (`#[track_caller]` on
//! `into_future`), so a task waiting for the join is shown parked there.
//!
//! Dropping a handle detaches the task: it keeps running, and its output is
//! dropped the moment it finishes (Tokio's harness drops the output of a
//! task nobody joins as it completes). A handle awaited outside any task —
//! by a future polled with some other waker — still stores that waker, and
//! is woken like any other.

use std::cell::RefCell;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use reactor_protocol::TaskId;

use super::cell::Joinable;
use super::{WaitingOn, coop};
use crate::runtime::context;
use crate::runtime::handle::Handle;

/// Why awaiting a [`JoinHandle`] gave no output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinError {
    /// The task that failed.
    pub task: TaskId,
    /// The panic message.
    pub message: String,
}

impl JoinError {
    /// Whether the task panicked (the only way a task fails today).
    pub fn is_panic(&self) -> bool {
        true
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {} panicked: {}", self.task, self.message)
    }
}

impl std::error::Error for JoinError {}

/// Whoever awaits a join: the task's id, if a task of this runtime (for the
/// `wake` record), and the waker.
pub(crate) type Waiter = (Option<TaskId>, Waker);

/// The executor's type-erased view of a task's join slot.
pub(crate) trait JoinNotify {
    /// The task panicked: store the error for the handle.
    fn fail(&self, error: JoinError);
    /// Take the task waiting on the handle, to wake it.
    fn take_waiter(&self) -> Option<Waiter>;
    /// The task of this runtime waiting on the handle, if any, and whether
    /// `is_own` says the stored waker is that task's own.
    fn waiter(&self, is_own: &dyn Fn(TaskId, &Waker) -> bool) -> Option<(TaskId, bool)>;
}

/// Output of one task, shared by the task and its handle.
///
/// Invariants: `result` is set exactly once, when the task finishes; `waiter`
/// is only set while `result` is empty (a handle that finds a result returns
/// it instead of waiting).
pub(crate) struct JoinSlot<T> {
    state: RefCell<JoinState<T>>,
}

struct JoinState<T> {
    result: Option<Result<T, JoinError>>,
    waiter: Option<Waiter>,
    /// The handle was dropped: nobody will take the result.
    detached: bool,
}

impl<T> JoinSlot<T> {
    pub(crate) fn new() -> Self {
        JoinSlot {
            state: RefCell::new(JoinState {
                result: None,
                waiter: None,
                detached: false,
            }),
        }
    }

    /// Whether nothing holds the slot borrowed (a read that fetches it).
    pub(crate) fn is_free(&self) -> bool {
        self.state.try_borrow_mut().is_ok()
    }

    /// Store the task's output, or drop it at once if the task is detached.
    pub(crate) fn complete(&self, output: T) {
        let mut state = self.state.borrow_mut();
        if state.detached {
            drop(state);
            drop(output);
        } else {
            state.result = Some(Ok(output));
        }
    }
}

impl<T> JoinNotify for JoinSlot<T> {
    fn fail(&self, error: JoinError) {
        self.state.borrow_mut().result = Some(Err(error));
    }

    fn take_waiter(&self) -> Option<Waiter> {
        self.state.borrow_mut().waiter.take()
    }

    fn waiter(&self, is_own: &dyn Fn(TaskId, &Waker) -> bool) -> Option<(TaskId, bool)> {
        let state = self.state.borrow();
        let (Some(task), waker) = state.waiter.as_ref()? else {
            return None;
        };
        Some((*task, is_own(*task, waker)))
    }
}

/// Awaits a spawned task's output. `Err` when the task panicked.
pub struct JoinHandle<T> {
    task: TaskId,
    /// The task's cell, seen as the slot its output arrives in.
    cell: Pin<Rc<dyn Joinable<T>>>,
    /// The runtime the task was spawned on.
    runtime: Handle,
    /// The result was already handed out.
    taken: bool,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new(task: TaskId, cell: Pin<Rc<dyn Joinable<T>>>, runtime: Handle) -> Self {
        JoinHandle {
            task,
            cell,
            runtime,
            taken: false,
        }
    }

    /// The id of the task this handle belongs to.
    pub fn id(&self) -> TaskId {
        self.task
    }

    /// Whether the task has finished (with output or panic).
    pub fn is_finished(&self) -> bool {
        self.taken || self.slot().state.borrow().result.is_some()
    }

    /// Take the result if the task has finished, without waiting.
    pub(crate) fn try_take(&mut self) -> Option<Result<T, JoinError>> {
        let result = self.slot().state.borrow_mut().result.take();
        self.taken |= result.is_some();
        result
    }

    fn slot(&self) -> &JoinSlot<T> {
        self.cell.join_slot()
    }
}

impl<T> IntoFuture for JoinHandle<T> {
    type Output = Result<T, JoinError>;
    type IntoFuture = Join<T>;

    /// `handle.await`: the caller's line is that `.await`.
    #[track_caller]
    fn into_future(self) -> Join<T> {
        Join {
            handle: self,
            at: Location::caller(),
        }
    }
}

/// A [`JoinHandle`] being awaited: resolves to the task's output, or the
/// panic that ended it.
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Join<T> {
    handle: JoinHandle<T>,
    /// The line of the `.await`.
    at: &'static Location<'static>,
}

impl<T> Future for Join<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let handle = &mut this.handle;
        let poll = coop::budgeted(cx, |cx| handle.poll_result(cx));
        context::awaiting_at(this.at, poll)
    }
}

impl<T> JoinHandle<T> {
    /// The result if the task has finished; otherwise store the waker.
    fn poll_result(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        if let Some(result) = self.try_take() {
            return Poll::Ready(result);
        }
        // Named only to its own runtime: a task id of another runtime
        // would name some other task here.
        let own = self.runtime.is_current();
        let waiter = own.then(context::current_task).flatten();
        self.slot().state.borrow_mut().waiter = Some((waiter, cx.waker().clone()));
        if own {
            context::set_waiting_on(WaitingOn::Join { task: self.task });
        }
        Poll::Pending
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        let mut state = self.slot().state.borrow_mut();
        state.detached = true;
        state.waiter = None;
        // A finished task's output goes with the handle.
        let result = state.result.take();
        drop(state);
        drop(result);
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("task", &self.task)
            .finish()
    }
}
