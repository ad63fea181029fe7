//! Who sleeps, who searches: the pool's idle bookkeeping, as Tokio's
//! `runtime/scheduler/multi_thread/idle.rs` keeps it.
//!
//! ```text
//!   unparked   workers not asleep (running or searching)
//!   searching  workers looking for work to steal; at most half of all
//!              workers may search at once, so a burst of idle workers
//!              does not hammer the others' queues
//!   sleepers   parked workers, a stack: the last to sleep is woken first
//! ```
//!
//! Tokio packs the two counters into one atomic word; the lab's workers take
//! turns on one thread, so two plain counters do.

/// The pool's idle state.
#[derive(Debug)]
pub(crate) struct Idle {
    workers: usize,
    unparked: usize,
    searching: usize,
    sleepers: Vec<u32>,
}

impl Idle {
    /// Every worker starts unparked, none searching.
    pub(crate) fn new(workers: usize) -> Idle {
        Idle {
            workers,
            unparked: workers,
            searching: 0,
            sleepers: Vec::with_capacity(workers),
        }
    }

    /// The worker to wake for new work, if one should be woken: only when
    /// nobody is searching already (a searcher will find the work) and
    /// somebody sleeps. The woken worker counts as searching at once.
    pub(crate) fn worker_to_notify(&mut self) -> Option<u32> {
        if self.searching != 0 || self.unparked >= self.workers {
            return None;
        }
        let worker = self.sleepers.pop()?;
        self.searching += 1;
        self.unparked += 1;
        Some(worker)
    }

    /// `worker` goes to sleep. Returns whether it was the last searcher,
    /// which must then look once more for work nobody will otherwise see.
    pub(crate) fn parks(&mut self, worker: u32, was_searching: bool) -> bool {
        self.unparked -= 1;
        let last_searcher = was_searching && self.searching == 1;
        if was_searching {
            self.searching -= 1;
        }
        self.sleepers.push(worker);
        last_searcher
    }

    /// Whether one more worker may search: fewer than half search now.
    pub(crate) fn start_searching(&mut self) -> bool {
        if 2 * self.searching >= self.workers {
            return false;
        }
        self.searching += 1;
        true
    }

    /// A searcher found work. Returns whether it was the last searcher
    /// (then another sleeper should be woken to keep looking).
    pub(crate) fn stop_searching(&mut self) -> bool {
        self.searching -= 1;
        self.searching == 0
    }

    /// `worker` woke with work of its own: take it off the sleepers if it
    /// is still there (it was not notified). Returns whether it was.
    pub(crate) fn unpark_by_id(&mut self, worker: u32) -> bool {
        let Some(index) = self.sleepers.iter().position(|&w| w == worker) else {
            return false;
        };
        self.sleepers.swap_remove(index);
        self.unparked += 1;
        true
    }

    /// Whether `worker` is still asleep (nobody notified it).
    pub(crate) fn is_parked(&self, worker: u32) -> bool {
        self.sleepers.contains(&worker)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_half_the_workers_search() {
        let mut idle = Idle::new(4);
        assert!(idle.start_searching());
        assert!(idle.start_searching());
        assert!(!idle.start_searching(), "two of four already search");
        assert!(!idle.stop_searching());
        assert!(idle.stop_searching(), "the last searcher");
    }

    #[test]
    fn nobody_is_notified_while_somebody_searches_or_nobody_sleeps() {
        let mut idle = Idle::new(2);
        assert_eq!(idle.worker_to_notify(), None, "everyone is awake");
        assert!(!idle.parks(0, false));
        assert!(idle.start_searching());
        assert_eq!(idle.worker_to_notify(), None, "worker 1 searches");
        assert!(idle.parks(1, true), "the last searcher parks");
        assert_eq!(idle.worker_to_notify(), Some(1), "the last to sleep");
        assert!(!idle.is_parked(1));
        assert!(idle.is_parked(0));
        assert_eq!(idle.worker_to_notify(), None, "worker 1 now searches");
    }

    #[test]
    fn a_worker_woken_by_its_own_work_leaves_the_sleepers() {
        let mut idle = Idle::new(2);
        idle.parks(0, false);
        assert!(idle.unpark_by_id(0));
        assert!(!idle.unpark_by_id(0));
        assert_eq!(idle.worker_to_notify(), None, "everyone is awake again");
    }
}
