//! [`ScheduledIo`]: what the driver knows about one registered socket.
//!
//! It caches the readiness the OS reported, so a task that polls later still
//! sees it, and it holds the wakers of the tasks waiting for more.
//!
//! Readiness bits (`readiness: u8`):
//!
//! ```text
//!   bit 0  READABLE   a read/accept may succeed (also set on EOF and errors,
//!                     so the reader wakes up and sees them)
//!   bit 1  WRITABLE   a write/connect may succeed
//! ```
//!
//! ## The tick
//!
//! Every OS event for the socket bumps `tick`. A task that saw readiness at
//! tick `t`, tried the syscall and got `WouldBlock`, clears the bit *only if
//! the tick is still `t`*. If an event arrived in between (tick `t + 1`), the
//! bit stays set: clearing it would lose that event, and with edge-triggered
//! epoll the OS would never report it again. Tokio does the same.
//!
//! ```text
//!   poll_ready → Ready(tick 3) ─▶ read() → WouldBlock ─▶ clear(tick 3)
//!                                   ▲ OS event: tick 4     └─ 4 ≠ 3: keep the bit
//! ```
//!
//! A new registration starts with no readiness, as Tokio's `ScheduledIo`
//! does: the first read waits for the OS to report the socket readable.
//! (Registering with edge-triggered epoll makes the kernel report the
//! socket's current state once, so a writable socket sends a first event
//! at once.) The exception is an accepted stream, which Tokio 1.x assumes
//! readable and writable (`TcpStream::new_accepted` →
//! `Registration::assume_ready`): the peer's first bytes are usually there
//! already, so its first read is simply tried, and a `WouldBlock` clears
//! the guess.

use std::task::Waker;

use reactor_protocol::{Direction, TaskId};

/// A read/accept may succeed.
pub(crate) const READABLE: u8 = 0b01;
/// A write/connect may succeed.
pub(crate) const WRITABLE: u8 = 0b10;

/// The readiness bit for a direction.
pub(crate) fn bit(direction: Direction) -> u8 {
    match direction {
        Direction::Read => READABLE,
        Direction::Write => WRITABLE,
    }
}

/// A task waiting for readiness, and its waker. The task is `None` when it
/// is not one of the driver's own runtime (a task of another runtime, or
/// code outside any task): its wake is not the driver's runtime's to record.
pub(crate) type Waiter = (Option<TaskId>, Waker);

/// One registration's readiness and waiters; see the module docs.
///
/// Invariants: `tick` only grows; `read_waiter` / `write_waiter` are set only
/// while the matching bit is clear (a task that finds the bit set proceeds
/// instead of waiting), and taken when an event sets it.
#[derive(Debug)]
pub(crate) struct ScheduledIo {
    pub(crate) resource: String,
    pub(crate) readiness: u8,
    pub(crate) tick: u64,
    pub(crate) read_waiter: Option<Waiter>,
    pub(crate) write_waiter: Option<Waiter>,
}

impl ScheduledIo {
    /// A fresh registration: not ready, or ready both ways if `assumed_ready`.
    pub(crate) fn new(resource: String, assumed_ready: bool) -> Self {
        ScheduledIo {
            resource,
            readiness: if assumed_ready {
                READABLE | WRITABLE
            } else {
                0
            },
            tick: 0,
            read_waiter: None,
            write_waiter: None,
        }
    }

    /// The tick if `direction` is ready now.
    pub(crate) fn ready(&self, direction: Direction) -> Option<u64> {
        (self.readiness & bit(direction) != 0).then_some(self.tick)
    }

    /// Park a waiter for `direction`, handing back the older one it replaces.
    pub(crate) fn store_waiter(&mut self, direction: Direction, waiter: Waiter) -> Option<Waiter> {
        match direction {
            Direction::Read => self.read_waiter.replace(waiter),
            Direction::Write => self.write_waiter.replace(waiter),
        }
    }

    /// An OS event: bump the tick, set the bits, hand back the waiters to wake.
    pub(crate) fn set_readiness(&mut self, readable: bool, writable: bool) -> [Option<Waiter>; 2] {
        self.tick += 1;
        let mut woken = [None, None];
        if readable {
            self.readiness |= READABLE;
            woken[0] = self.read_waiter.take();
        }
        if writable {
            self.readiness |= WRITABLE;
            woken[1] = self.write_waiter.take();
        }
        woken
    }

    /// Clear `direction` after a `WouldBlock` seen at `tick`; returns whether
    /// it was cleared (it is not if an event came since).
    pub(crate) fn clear_readiness(&mut self, direction: Direction, tick: u64) -> bool {
        if self.tick != tick {
            return false;
        }
        self.readiness &= !bit(direction);
        true
    }

    /// The waiting task per direction, for the snapshot.
    pub(crate) fn waiter_task(&self, direction: Direction) -> Option<TaskId> {
        let waiter = match direction {
            Direction::Read => &self.read_waiter,
            Direction::Write => &self.write_waiter,
        };
        waiter.as_ref().and_then(|(task, _)| *task)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_not_ready() {
        let io = ScheduledIo::new("test".into(), false);
        assert_eq!(io.ready(Direction::Read), None);
        assert_eq!(io.ready(Direction::Write), None);
    }

    #[test]
    fn an_assumed_readiness_is_cleared_by_would_block() {
        let mut io = ScheduledIo::new("test".into(), true);
        let tick = io.ready(Direction::Read).expect("assumed ready");
        assert!(io.clear_readiness(Direction::Read, tick));
        assert_eq!(io.ready(Direction::Read), None);
        assert_eq!(io.ready(Direction::Write), Some(0));
    }

    #[test]
    fn an_event_during_the_read_survives_the_clear() {
        let mut io = ScheduledIo::new("test".into(), true);
        let seen = io.ready(Direction::Read).expect("ready");
        // The OS reports new data after the task saw readiness but before it
        // cleared it (the read itself raced with the arrival).
        let _ = io.set_readiness(true, false);
        assert!(!io.clear_readiness(Direction::Read, seen));
        assert_eq!(io.ready(Direction::Read), Some(seen + 1));
    }

    #[test]
    fn an_event_takes_the_waiter_of_its_direction_only() {
        let mut io = ScheduledIo::new("test".into(), false);
        io.store_waiter(Direction::Read, (Some(1), Waker::noop().clone()));
        io.store_waiter(Direction::Write, (Some(2), Waker::noop().clone()));
        let [read, write] = io.set_readiness(true, false);
        assert_eq!(read.and_then(|(task, _)| task), Some(1));
        assert!(write.is_none());
        assert_eq!(io.waiter_task(Direction::Write), Some(2));
        assert_eq!(io.waiter_task(Direction::Read), None);
    }
}
