//! [`RuntimeId`]: a short name for each runtime alive on this thread.
//!
//! A program may build several runtimes, and a socket belongs to the one
//! that was current when it was created (see `runtime::handle`). When a
//! task of one runtime waits on a socket of another, the snapshot says
//! whose driver holds that socket: "token 0 of runtime 1".
//!
//! Ids are numbered per thread, the lowest free one first, and freed when
//! the runtime is dropped. A runtime never leaves its thread (it is not
//! `Send`), so two live runtimes that can meet never share an id, and the
//! same program always numbers its runtimes the same way: the first one
//! alive is runtime 0, the next runtime 1. Tokio's `runtime::Id` is a
//! process-wide counter instead; a per-thread number keeps the lab's
//! snapshots the same from run to run.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;

thread_local! {
    /// The ids of the runtimes alive on this thread.
    static LIVE: RefCell<BTreeSet<u32>> = const { RefCell::new(BTreeSet::new()) };
}

/// Which runtime: unique among the runtimes alive on this thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct RuntimeId(u32);

impl RuntimeId {
    /// The number, as the snapshot gives it.
    pub(crate) fn number(self) -> u32 {
        self.0
    }
}

impl fmt::Display for RuntimeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "runtime {}", self.0)
    }
}

/// A runtime's id, held for as long as the runtime lives; dropping it
/// frees the number.
#[derive(Debug)]
pub(crate) struct IdSlot {
    id: RuntimeId,
}

impl IdSlot {
    /// Take the lowest id no live runtime of this thread holds.
    pub(crate) fn take() -> IdSlot {
        let id = LIVE.with(|live| {
            let mut live = live.borrow_mut();
            let free = (0..).find(|n| !live.contains(n)).unwrap_or(u32::MAX);
            live.insert(free);
            free
        });
        IdSlot { id: RuntimeId(id) }
    }

    /// The id.
    pub(crate) fn id(&self) -> RuntimeId {
        self.id
    }
}

impl Drop for IdSlot {
    fn drop(&mut self) {
        // `try_with`: a runtime dropped while the thread's locals are being
        // destroyed has nobody left to tell.
        let _ = LIVE.try_with(|live| live.borrow_mut().remove(&self.id.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_lowest_free_on_the_thread_and_come_back_when_freed() {
        let first = IdSlot::take();
        let second = IdSlot::take();
        assert_ne!(first.id(), second.id());
        let freed = first.id();
        drop(first);
        let third = IdSlot::take();
        assert_eq!(third.id(), freed);
        assert_eq!(third.id().to_string(), format!("runtime {}", freed.0));
    }

    #[test]
    fn another_thread_numbers_its_own_runtimes() {
        let here = IdSlot::take();
        let there = std::thread::spawn(|| IdSlot::take().id())
            .join()
            .expect("the thread runs");
        assert_eq!(there, RuntimeId(0));
        drop(here);
    }
}
