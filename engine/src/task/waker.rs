//! Wakers: how a sleeping task gets back onto the run queue.
//!
//! A [`std::task::Waker`] must be `Send + Sync`, because a future may hand it to
//! another thread. Our executor is single-threaded and keeps its tasks in
//! `RefCell`s, which are neither. So a waker does not touch the executor at
//! all: it only pushes its task id onto a shared "woken" list behind a mutex.
//! The executor drains that list right after the action that woke someone
//! (collecting the ids under the lock, acting on them after releasing it).
//!
//! ```text
//!   driver / timer / JoinHandle        executor
//!   ───────────────────────────        ────────
//!   waker.wake() ──push id──▶ [ woken ] ──drain──▶ run queue (schedule)
//! ```
//!
//! `std::task::Wake` on an `Arc` turns this little struct into a real `Waker`
//! without any unsafe code.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::Wake;

use reactor_protocol::TaskId;

/// Task ids whose wakers fired and that the executor has not looked at yet.
#[derive(Clone, Debug, Default)]
pub(crate) struct WokenList {
    ids: Arc<Mutex<Vec<TaskId>>>,
}

impl WokenList {
    /// Add a woken task id.
    pub(crate) fn push(&self, task: TaskId) {
        self.ids
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(task);
    }

    /// Whether `task`'s waker fired since the list was last drained.
    pub(crate) fn contains(&self, task: TaskId) -> bool {
        self.ids
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&task)
    }

    /// Move every woken id into `into` (cleared first), releasing the lock at once.
    pub(crate) fn drain_into(&self, into: &mut Vec<TaskId>) {
        into.clear();
        let mut ids = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::swap(&mut *ids, into);
    }
}

/// The waker of one task: remembers which task, and where to report it.
#[derive(Debug)]
pub(crate) struct TaskWaker {
    pub(crate) task: TaskId,
    pub(crate) woken: WokenList,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.push(self.task);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn waking_pushes_the_task_id_and_draining_empties_the_list() {
        let woken = WokenList::default();
        let waker = Waker::from(Arc::new(TaskWaker {
            task: 7,
            woken: woken.clone(),
        }));
        waker.wake_by_ref();
        let other = std::thread::spawn(move || waker.wake());
        other.join().expect("the waker thread does not panic");
        let mut ids = Vec::new();
        woken.drain_into(&mut ids);
        assert_eq!(ids, vec![7, 7]);
        woken.drain_into(&mut ids);
        assert!(ids.is_empty());
    }
}
