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
//!
//! Three things keep this cheap, since it happens for nearly every action:
//!
//! - the loop looks at the list after each action, and most of the time
//!   nothing was woken: a flag beside the lock answers "anything?" without
//!   taking it;
//! - a waker the runtime keeps itself (in a timer entry, or deferred by a
//!   yield) is kept as the task's id when it is the task's own
//!   ([`KeptWaker`]): keeping it and firing it touch no reference count,
//!   and firing it queues the task without the list;
//! - a finished task's `Arc` (with the `Waker` its polls borrowed) goes
//!   to the next task spawned, if nothing holds a clone of it any more: a
//!   task then costs one allocation, its cell (`cell.rs`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Wake, Waker};

use reactor_protocol::TaskId;

use super::Executor;
use crate::trace::Recorder;

/// Task ids whose wakers fired and that the executor has not looked at yet.
#[derive(Clone, Debug, Default)]
pub(crate) struct WokenList {
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    ids: Mutex<Vec<TaskId>>,
    /// Set, under the lock, when an id is pushed; cleared when drained.
    any: AtomicBool,
}

impl WokenList {
    /// Add a woken task id.
    pub(crate) fn push(&self, task: TaskId) {
        let mut ids = self.lock();
        ids.push(task);
        self.shared.any.store(true, Ordering::Release);
    }

    /// Whether some waker fired since the list was last drained.
    pub(crate) fn any(&self) -> bool {
        self.shared.any.load(Ordering::Acquire)
    }

    /// Whether `task`'s waker fired since the list was last drained.
    pub(crate) fn contains(&self, task: TaskId) -> bool {
        self.shared.any.load(Ordering::Acquire) && self.lock().contains(&task)
    }

    /// Move every woken id into `into` (cleared first), releasing the lock at once.
    pub(crate) fn drain_into(&self, into: &mut Vec<TaskId>) {
        into.clear();
        if !self.shared.any.load(Ordering::Acquire) {
            return;
        }
        let mut ids = self.lock();
        std::mem::swap(&mut *ids, into);
        self.shared.any.store(false, Ordering::Release);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<TaskId>> {
        self.shared
            .ids
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// A waker the runtime keeps until something happens: in a timer entry,
/// or in the deferred list of `yield_now`.
///
/// A task's own waker is kept as the task's id: keeping and firing it then
/// touch no reference count (an atomic operation, on memory that may be
/// far from the task's), and firing it queues the task directly. The
/// task's header counts these (`Header::kept`), so the diagnoses still
/// know every place its wakers are.
#[derive(Debug)]
pub(crate) enum KeptWaker {
    /// The own waker of this task of the runtime.
    Own(TaskId),
    /// Any other waker: a combinator's, or one from another runtime.
    Other(Waker),
}

impl Executor {
    /// Keep `waker`, handed to task `task` (if a task of this runtime is
    /// running): as the task's id if it is the task's own.
    pub(crate) fn keep(&self, task: Option<TaskId>, waker: &Waker) -> KeptWaker {
        if let Some(id) = task
            && self.is_own_waker(id, waker)
            && let Some(own) = self.task(id)
        {
            let kept = &own.header().kept;
            kept.set(kept.get() + 1);
            return KeptWaker::Own(id);
        }
        KeptWaker::Other(waker.clone())
    }

    /// Let go of a kept waker without firing it.
    pub(crate) fn forget(&self, kept: KeptWaker) {
        if let KeptWaker::Own(id) = kept
            && let Some(task) = self.task(id)
        {
            let count = &task.header().kept;
            count.set(count.get().saturating_sub(1));
        }
    }

    /// Whether a kept waker would wake the same task as `waker`.
    pub(crate) fn kept_will_wake(&self, kept: &KeptWaker, waker: &Waker) -> bool {
        match kept {
            KeptWaker::Own(id) => self.is_own_waker(*id, waker),
            KeptWaker::Other(other) => other.will_wake(waker),
        }
    }

    /// Whether a kept waker is task `id`'s own.
    pub(crate) fn kept_is_own(&self, id: TaskId, kept: &KeptWaker) -> bool {
        match kept {
            KeptWaker::Own(own) => *own == id,
            KeptWaker::Other(waker) => self.is_own_waker(id, waker),
        }
    }

    /// Wake task `id` through `waker` by queueing it directly, when
    /// `waker` is the task's own. Returns `false` when the caller must
    /// fire the waker instead: a waker made by some other future (a
    /// combinator's) must run its own code.
    #[track_caller]
    pub(crate) fn wake_own(&mut self, id: TaskId, waker: &Waker, recorder: &mut Recorder) -> bool {
        if !self.is_own_waker(id, waker) {
            return false;
        }
        self.wake_task(id, recorder);
        true
    }

    /// Fetch the memory of the tasks in `tasks` before any is woken.
    ///
    /// The tasks one timer instant fires were made in any order and sleep
    /// scattered through memory; with 100k of them asleep, each is a cache
    /// miss away. Woken and polled one by one, the CPU would wait for each
    /// miss in turn. The reads here do not depend on each other, so the CPU
    /// fetches them side by side, and the wakes and polls that follow find
    /// them in cache ("A timer instant's tasks, fetched together" in
    /// `docs/benchmarks.md`). Tokio does not: its wheel's slots are lists
    /// linked through entries that live inside the tasks, so firing a slot
    /// walks from task to task.
    pub(crate) fn warm(&self, tasks: impl IntoIterator<Item = TaskId>) {
        for id in tasks {
            if let Some(task) = self.task(id) {
                std::hint::black_box(task.cell.warm());
                // A poll starts by cloning the cell's `Rc`: fetch its count.
                drop(std::hint::black_box(task.cell.clone()));
            }
        }
    }

    /// Fire task `id`'s own waker, kept by id: what waking it would do.
    /// Straight to the queue, unless other wakes wait in the woken list
    /// (from another thread): then behind them, in order.
    #[track_caller]
    pub(crate) fn wake_task(&mut self, id: TaskId, recorder: &mut Recorder) {
        if self.woken.any() {
            self.woken.push(id);
            self.schedule_woken(recorder);
        } else {
            self.schedule(id, false, recorder);
        }
    }
}

/// A finished task's waker pair (the `Arc` and the `Waker` its polls
/// borrowed), kept in its slot of the task table for the next task there.
/// Neither is looked at when it is kept: the `Arc` was last touched when
/// the task started, long ago with many tasks alive, so a look (or dropping
/// the `Waker`, a reference count) would be a cache miss per task. The one
/// look comes in [`Executor::waker_for`], when the pair is reused; the
/// table hands out its slots in memory order, so a burst of spawns meets
/// the kept `Arc`s in order too.
pub(super) type SpareWaker = (Arc<TaskWaker>, Waker);

/// Reusing the wakers of finished tasks.
impl Executor {
    /// A waker for task `id`: the `Arc` the executor keeps and the `Waker`
    /// made from it that the task lends to its polls. The pair its slot
    /// kept is reused when nothing else holds a clone of it (a clone may
    /// still be woken, so it must keep naming its old task).
    pub(super) fn waker_for(
        &mut self,
        id: TaskId,
        spare: Option<SpareWaker>,
    ) -> (Arc<TaskWaker>, Waker) {
        if let Some((spare, own)) = spare
            && Arc::strong_count(&spare) == 2
        {
            // The pair's own two references are all that is left. A clone
            // dropped on another thread was dropped after its last wake:
            // this fence (as in `Arc::get_mut`) orders that wake before
            // the new id, so it cannot have named the new task.
            fence(Ordering::Acquire);
            spare.task.store(id, Ordering::Relaxed);
            return (spare, own);
        }
        let waker = Arc::new(TaskWaker {
            task: AtomicU64::new(id),
            woken: self.woken.clone(),
        });
        let own = Waker::from(Arc::clone(&waker));
        (waker, own)
    }
}

/// The waker of one task: remembers which task, and where to report it.
#[derive(Debug)]
pub(crate) struct TaskWaker {
    /// Set when the waker is given to a task; a spare one is given again.
    pub(crate) task: AtomicU64,
    pub(crate) woken: WokenList,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.push(self.task.load(Ordering::Relaxed));
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
            task: AtomicU64::new(7),
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
