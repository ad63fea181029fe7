//! A task's one allocation: what the executor knows of it, its join slot
//! and its future, side by side in one [`TaskCell`].
//!
//! ```text
//!   executor slab ──┐                      JoinHandle ──┐
//!                   ▼                                   ▼
//!   Rc ─▶ TaskCell<F> ┌─────────────────────────────────────────────┐
//!                     │ Header     name, state, notified, waits on… │
//!                     │ JoinSlot   the output (or panic), the waiter│
//!                     │ future     F, pinned here until it finishes │
//!                     └─────────────────────────────────────────────┘
//! ```
//!
//! Tokio allocates each task once (`runtime/task/core.rs`: a `Cell` with a
//! header, the future or its output, and a trailer), and a timer's entry
//! lives inside the `Sleep` future, so inside that allocation too. Every
//! extra heap object costs a `malloc`, a `free` and, with 100k tasks that
//! wake in deadline order, a cache miss each time it is touched. So here
//! the executor and the `JoinHandle` share one `Rc` of the same cell, seen
//! through two traits: [`Run`] (the executor's view: poll it, read its
//! header) and [`Joinable`] (the handle's view: its output).
//!
//! The future is pinned inside the cell: once the cell is made, its
//! memory never moves, so `Rc::pin` may hand out `Pin<&mut F>` for
//! polling. A `PinCell` (a `RefCell` that only lends the value pinned)
//! does that without `unsafe`; Tokio, which also packs the waker in,
//! writes the pointer work by hand.
//!
//! The waker is the one part that cannot live here: a `Waker` made safely
//! is an `Arc` of something `Send + Sync`, and a task's future is usually
//! neither. So each task's waker is its own small `Arc`, and the executor
//! reuses those of finished tasks (`SpareWaker`, kept in the task table).

use std::cell::Cell;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use pin_cell::{PinCell, PinMut};
use pin_project_lite::pin_project;
use reactor_protocol::{Span, TaskState};

use super::WaitingOn;
use super::join::{JoinNotify, JoinSlot};

/// What the executor keeps for one task, besides its future.
///
/// Invariants of the state flags:
/// - `state == Scheduled` exactly when the task is in a run queue, once:
///   the runtime's, or in a multi-thread runtime a worker's or the list
///   not yet placed (for `main`: when its woken flag is set).
/// - `state == Running` only during its poll: nothing else may poll it.
/// - `state == Idle`: the future waits for a waker.
/// - `state == Complete`: the future is gone for good.
/// - `notified` is only set while `Running`: a waker fired during the poll,
///   so a `Pending` result puts the task straight back on the queue.
pub(crate) struct Header {
    /// For the picture; empty when not recording.
    pub(crate) name: String,
    pub(crate) state: Cell<TaskState>,
    pub(crate) notified: Cell<bool>,
    pub(crate) waiting_on: Cell<Option<WaitingOn>>,
    /// The `.await` in the program the task last returned `Pending` at (the
    /// leaf future's own line, from `#[track_caller]`): where it is parked,
    /// and where it resumes when polled again.
    pub(crate) awaiting: Cell<Option<&'static Location<'static>>>,
    /// A playground program's task: the program position it last reached.
    pub(crate) at: Cell<Option<Span>>,
    /// The task's own `Waker`, lent to each poll and handed back after:
    /// made once, so a poll costs no reference count. `None` during a poll
    /// and once the task is complete.
    pub(crate) waker: Cell<Option<Waker>>,
    /// How many times the runtime keeps the task's own waker by id
    /// (`KeptWaker::Own`): stored wakers, as much as the `Arc`'s clones.
    pub(crate) kept: Cell<usize>,
}

impl Header {
    /// A new task's header: `Scheduled`, waiting on nothing.
    pub(crate) fn new(name: String, waker: Waker) -> Self {
        Header {
            name,
            waker: Cell::new(Some(waker)),
            kept: Cell::new(0),
            state: Cell::new(TaskState::Scheduled),
            notified: Cell::new(false),
            waiting_on: Cell::new(None),
            awaiting: Cell::new(None),
            at: Cell::new(None),
        }
    }
}

pin_project! {
    /// One task: header, join slot and future in one allocation.
    pub(crate) struct TaskCell<F: Future> {
        header: Header,
        join: JoinSlot<F::Output>,
        // Turns the output into the `complete` record's text.
        describe: fn(&F::Output) -> Option<String>,
        // `None` once the future has finished (or was dropped).
        #[pin]
        future: PinCell<Option<F>>,
    }
}

impl<F: Future> TaskCell<F> {
    /// A scheduled task running `future`, woken through `waker`.
    pub(crate) fn new(
        name: String,
        waker: Waker,
        future: F,
        describe: fn(&F::Output) -> Option<String>,
    ) -> Self {
        TaskCell {
            header: Header::new(name, waker),
            join: JoinSlot::new(),
            describe,
            future: PinCell::new(Some(future)),
        }
    }
}

/// The executor's view of a task cell, whatever its future's type.
pub(crate) trait Run {
    /// The task's state and notes.
    fn header(&self) -> &Header;
    /// The task's join slot, without its output's type.
    fn join(&self) -> &dyn JoinNotify;
    /// Poll the future once. When it finishes, it is dropped here, its
    /// output goes to the join slot, and the result is the output's text
    /// for the `complete` record (only when `describe` is set).
    fn poll(self: Pin<&Self>, cx: &mut Context<'_>, describe: bool) -> Poll<Option<String>>;
    /// Drop the future if it is still there (a panicked poll, a shutdown).
    fn drop_future(self: Pin<&Self>);
    /// Read the words a poll reads first (the header's, the future's and
    /// the join slot's), so their memory is fetched now (see
    /// `Executor::warm`).
    fn warm(&self) -> usize;
}

impl<F: Future> Run for TaskCell<F> {
    fn header(&self) -> &Header {
        &self.header
    }

    fn join(&self) -> &dyn JoinNotify {
        &self.join
    }

    fn poll(self: Pin<&Self>, cx: &mut Context<'_>, describe: bool) -> Poll<Option<String>> {
        let this = self.project_ref();
        let mut slot = this.future.borrow_mut();
        let Some(future) = PinMut::as_mut(&mut slot).as_pin_mut() else {
            return Poll::Pending;
        };
        let Poll::Ready(output) = future.poll(cx) else {
            return Poll::Pending;
        };
        PinMut::as_mut(&mut slot).set(None);
        drop(slot);
        let text = describe.then(|| (this.describe)(&output)).flatten();
        this.join.complete(output);
        Poll::Ready(text)
    }

    fn drop_future(self: Pin<&Self>) {
        let mut slot = self.project_ref().future.borrow_mut();
        PinMut::as_mut(&mut slot).set(None);
    }

    fn warm(&self) -> usize {
        self.header.kept.get()
            ^ (self.future.try_borrow()).map_or(0, |future| usize::from(future.is_some()))
            ^ usize::from(self.join.is_free())
    }
}

/// A `JoinHandle`'s view of a task cell: the slot its output arrives in.
pub(crate) trait Joinable<T> {
    /// The task's join slot.
    fn join_slot(&self) -> &JoinSlot<T>;
}

impl<F: Future> Joinable<F::Output> for TaskCell<F> {
    fn join_slot(&self) -> &JoinSlot<F::Output> {
        &self.join
    }
}
