//! A worker's local run queue: bounded, FIFO, robbed from the front.
//!
//! ```text
//!   front (oldest)                                back (newest)
//!   ┌────┬────┬────┬────┬────┬────┬─── … ───┬────┐
//!   │ t3 │ t4 │ t5 │ t6 │ t7 │ t8 │         │    │   at most LOCAL_QUEUE_CAPACITY
//!   └────┴────┴────┴────┴────┴────┴─── … ───┴────┘
//!    ▲ pop (the owner)        push_back (the owner) ▲
//!    └─ steal_half: a thief takes the older half (rounded up)
//!    └─ overflow: a full queue sends its older half to the inject queue
//! ```
//!
//! Tokio's queue (`runtime/scheduler/multi_thread/queue.rs`) is a lock-free
//! ring buffer, because its thieves run on other threads. The lab's workers
//! take turns on one thread, so a `VecDeque` with the same capacity and the
//! same rules serves.

use std::collections::VecDeque;

use reactor_protocol::TaskId;

/// Tasks one local queue holds: Tokio's `LOCAL_QUEUE_CAPACITY` (256 in
/// `runtime/scheduler/multi_thread/queue.rs`).
pub(crate) const LOCAL_QUEUE_CAPACITY: usize = 256;

/// Tasks a full queue sends to the inject queue: half of it, Tokio's
/// `NUM_TASKS_TAKEN` in `Local::push_overflow`.
pub(crate) const OVERFLOW_BATCH: usize = LOCAL_QUEUE_CAPACITY / 2;

/// One worker's local run queue.
#[derive(Debug, Default)]
pub(crate) struct LocalQueue {
    tasks: VecDeque<TaskId>,
}

impl LocalQueue {
    /// How many tasks wait.
    pub(crate) fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no task waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Whether a push must overflow first.
    pub(crate) fn is_full(&self) -> bool {
        self.tasks.len() >= LOCAL_QUEUE_CAPACITY
    }

    /// Room left before the queue is full.
    pub(crate) fn remaining(&self) -> usize {
        LOCAL_QUEUE_CAPACITY - self.tasks.len()
    }

    /// Add `task` at the back; returns how many tasks wait now. The
    /// caller overflows a full queue first.
    pub(crate) fn push_back(&mut self, task: TaskId) -> usize {
        debug_assert!(!self.is_full(), "overflow before pushing");
        self.tasks.push_back(task);
        self.tasks.len()
    }

    /// The oldest task, taken out.
    pub(crate) fn pop(&mut self) -> Option<TaskId> {
        self.tasks.pop_front()
    }

    /// The oldest `OVERFLOW_BATCH` tasks, taken out for the inject queue.
    pub(crate) fn take_overflow(&mut self) -> Vec<TaskId> {
        let count = OVERFLOW_BATCH.min(self.tasks.len());
        self.tasks.drain(..count).collect()
    }

    /// A thief's share: the older half, rounded up (Tokio's `steal_into2`:
    /// `n - n / 2`), so a queue of one task can be robbed of it.
    pub(crate) fn steal_half(&mut self) -> Vec<TaskId> {
        let count = self.tasks.len() - self.tasks.len() / 2;
        self.tasks.drain(..count).collect()
    }

    /// The tasks, front first (for the snapshot).
    pub(crate) fn view(&self) -> Vec<TaskId> {
        self.tasks.iter().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue_of(n: u64) -> LocalQueue {
        let mut queue = LocalQueue::default();
        for task in 0..n {
            queue.push_back(task);
        }
        queue
    }

    #[test]
    fn a_thief_takes_the_older_half_rounded_up() {
        let mut queue = queue_of(5);
        assert_eq!(queue.steal_half(), vec![0, 1, 2]);
        assert_eq!(queue.view(), vec![3, 4]);
        let mut single = queue_of(1);
        assert_eq!(single.steal_half(), vec![0]);
        assert!(LocalQueue::default().steal_half().is_empty());
    }

    #[test]
    fn a_full_queue_sends_its_older_half_to_overflow() {
        let mut queue = queue_of(LOCAL_QUEUE_CAPACITY as u64);
        assert!(queue.is_full());
        let moved = queue.take_overflow();
        assert_eq!(moved.len(), 128);
        assert_eq!(moved.first(), Some(&0));
        assert_eq!(queue.pop(), Some(128), "the newer half stays, oldest first");
        assert_eq!(queue.remaining(), 129);
    }
}
