//! What the executor can tell about its tasks: for the snapshot, and
//! about their wakers for the diagnoses (`crate::diagnose`).
//!
//! A task's waker is one `Arc<TaskWaker>`; every `Waker` handed to its
//! future is a clone of it. So the `Arc`'s strong count, less the task's
//! own references (the slab's, and until it completes the `Waker` lent to
//! its polls), is exactly how many of its wakers are stored somewhere: in
//! a registration, a timer entry, a join slot, the deferred list, or the
//! program's own code. A timer entry or a deferred wake may keep the own
//! waker as the task's id instead (`KeptWaker::Own`); the header counts
//! those. Zero after a `Pending` means nothing can ever wake the task
//! again.
//!
//! ```text
//!   Task.waker: Arc<TaskWaker> ──clone──▶ registration's read slot
//!        count = 2 + clones     ──clone──▶ a JoinHandle's join slot
//!   Header.kept                 ──by id──▶ timer entry, deferred wake
//!   stored = count − 2 + kept   (0 after a Pending: a lost waker)
//! ```
//!
//! The 2 are the executor's `Arc` and the `Waker` the task lends its polls.

use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::Waker;

use reactor_protocol::{Source, TaskId, TaskState, TaskView};

use super::cell::Run;
use super::{Executor, WaitingOn};

impl Executor {
    /// How many of the task's wakers are stored anywhere (its own
    /// references not counted). `None` for an unknown task.
    pub(crate) fn stored_wakers(&self, id: TaskId) -> Option<usize> {
        let task = self.task(id)?;
        let header = task.header();
        let lent = usize::from(header.state.get() != TaskState::Complete);
        Some(Arc::strong_count(&task.waker) - 1 - lent + header.kept.get())
    }

    /// Whether `waker` is a clone of task `id`'s own waker: made from the
    /// same `Arc`. (`Waker::will_wake` may miss that: it also compares the
    /// function tables, which the compiler may have made twice.)
    pub(crate) fn is_own_waker(&self, id: TaskId, waker: &Waker) -> bool {
        self.task(id)
            .is_some_and(|task| std::ptr::eq(waker.data(), Arc::as_ptr(&task.waker).cast()))
    }

    /// The task's lifecycle state.
    pub(crate) fn state_of(&self, id: TaskId) -> Option<TaskState> {
        self.task(id).map(|task| task.header().state.get())
    }

    /// What the task said it waits on at its last `Pending`.
    pub(crate) fn waiting_on_of(&self, id: TaskId) -> Option<WaitingOn> {
        self.task(id)
            .and_then(|task| task.header().waiting_on.get())
    }

    /// Every idle task, by id.
    pub(crate) fn idle_tasks(&self) -> Vec<TaskId> {
        self.tasks
            .iter()
            .filter(|(_, task)| task.header().state.get() == TaskState::Idle)
            .map(|(_, task)| task.id)
            .collect()
    }

    /// Every task's join slot that holds a waiting task of this runtime:
    /// `(waiter, awaited task, the stored waker is the waiter's own)`.
    pub(crate) fn join_waiters(&self) -> Vec<(TaskId, TaskId, bool)> {
        let cells: Vec<(TaskId, Pin<Rc<dyn Run>>)> = self
            .tasks
            .iter()
            .filter(|(_, task)| task.header().state.get() != TaskState::Complete)
            .map(|(_, task)| (task.id, task.cell.clone()))
            .collect();
        let is_own = |id: TaskId, waker: &Waker| self.is_own_waker(id, waker);
        cells
            .into_iter()
            .filter_map(|(awaited, cell)| {
                let (waiter, own) = cell.join().waiter(&is_own)?;
                Some((waiter, awaited, own))
            })
            .collect()
    }

    /// Whether the task's waker fired during the poll that is ending: it
    /// woke itself (nothing else runs during a poll).
    pub(crate) fn woke_itself(&self, id: TaskId) -> bool {
        self.woken.contains(id)
    }

    /// Tasks for the snapshot, by id.
    pub(crate) fn views(&self) -> Vec<TaskView> {
        self.tasks
            .iter()
            .map(|(_, task)| {
                let header = task.header();
                TaskView {
                    id: task.id,
                    name: header.name.clone(),
                    state: header.state.get(),
                    waiting_on: header.waiting_on.get().map(|what| what.to_string()),
                    awaiting: header.awaiting.get().map(|at| Source {
                        file: at.file().into(),
                        line: at.line(),
                    }),
                    at: header.at.get(),
                    // Filled in by the runtime, which sees every waker.
                    waits: None,
                }
            })
            .collect()
    }

    /// The run queue for the snapshot, front first.
    pub(crate) fn queue_view(&self) -> Vec<TaskId> {
        self.run_queue.iter().copied().collect()
    }
}
