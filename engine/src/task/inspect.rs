//! What the executor can tell about a task's wakers, for the diagnoses
//! (`crate::diagnose`).
//!
//! A task's waker is one `Arc<TaskWaker>`; every `Waker` handed to its
//! future is a clone of it. So the `Arc`'s strong count, less the task's
//! own reference, is exactly how many of its wakers are stored somewhere:
//! in a registration, a timer entry, a join slot, the deferred list, or
//! the program's own code. Zero after a `Pending` means nothing can ever
//! wake the task again.
//!
//! ```text
//!   Task.waker: Arc<TaskWaker> ──clone──▶ registration's read slot
//!        count = 1 + stored     ──clone──▶ timer entry
//!                               ──clone──▶ (none: a lost waker, count = 1)
//! ```

use std::rc::Rc;
use std::sync::Arc;
use std::task::Waker;

use reactor_protocol::{TaskId, TaskState};

use super::join::JoinNotify;
use super::{Executor, WaitingOn};

impl Executor {
    /// How many of the task's wakers are stored anywhere (its own
    /// reference not counted). `None` for an unknown task.
    pub(crate) fn stored_wakers(&self, id: TaskId) -> Option<usize> {
        let task = self.tasks.get(id as usize)?;
        Some(Arc::strong_count(&task.waker) - 1)
    }

    /// A waker of the task, to compare stored wakers with (`will_wake`).
    /// Drop it before counting with [`Executor::stored_wakers`].
    pub(crate) fn waker_of(&self, id: TaskId) -> Option<Waker> {
        let task = self.tasks.get(id as usize)?;
        Some(Waker::from(Arc::clone(&task.waker)))
    }

    /// The task's lifecycle state.
    pub(crate) fn state_of(&self, id: TaskId) -> Option<TaskState> {
        self.tasks.get(id as usize).map(|task| task.state)
    }

    /// What the task said it waits on at its last `Pending`.
    pub(crate) fn waiting_on_of(&self, id: TaskId) -> Option<WaitingOn> {
        self.tasks.get(id as usize).and_then(|task| task.waiting_on)
    }

    /// Every idle task, by id.
    pub(crate) fn idle_tasks(&self) -> Vec<TaskId> {
        self.tasks
            .iter()
            .filter(|(_, task)| task.state == TaskState::Idle)
            .map(|(id, _)| id as TaskId)
            .collect()
    }

    /// Every task's join slot that holds a waiting task of this runtime:
    /// `(waiter, awaited task, the stored waker is the waiter's own)`.
    pub(crate) fn join_waiters(&self) -> Vec<(TaskId, TaskId, bool)> {
        let slots: Vec<(TaskId, Rc<dyn JoinNotify>)> = self
            .tasks
            .iter()
            .filter(|(_, task)| task.state != TaskState::Complete)
            .map(|(id, task)| (id as TaskId, Rc::clone(&task.join)))
            .collect();
        let waker_of = |id: TaskId| self.waker_of(id);
        slots
            .into_iter()
            .filter_map(|(awaited, join)| {
                let (waiter, own) = join.waiter(&waker_of)?;
                Some((waiter, awaited, own))
            })
            .collect()
    }

    /// Whether the task's waker fired during the poll that is ending: it
    /// woke itself (nothing else runs during a poll).
    pub(crate) fn woke_itself(&self, id: TaskId) -> bool {
        self.woken.contains(id)
    }
}
