//! What the wheel stores for one timer: a [`Line`] in the slot that holds
//! it, and nothing anywhere else. Whoever filed the timer keeps a [`Timer`],
//! the handle that removes it.
//!
//! ```text
//!   slot list (Vec<Line<T>>)                  the owner (a Sleep)
//!   ┌──────────┬─────┬───────┐                ┌───────────────────┐
//!   │ deadline │ key │ value │ ◀── finds ──── │ Timer: key,       │
//!   └──────────┴─────┴───────┘   by deadline  │        deadline   │
//!                                             └───────────────────┘
//! ```
//!
//! Processing a slot asks "is this timer due?", "in which order do the due
//! ones fire?" and "whom do I tell?" for every timer in it. All three
//! answers sit in the line itself, read in order: with a million timers, a
//! look elsewhere per timer (a table of entries, handed out in whatever
//! order earlier timers freed them) is a cache miss each, and was most of
//! the wheel's cost. Tokio gets the same effect another way: its entries
//! live inside the `Sleep` futures, linked into their slot's list.
//!
//! The owner finds its line without any index: a timer's line is wherever
//! its deadline files it *now* (see `Wheel::position_for`), so the
//! [`Timer`] handle only needs the key and the deadline.

use super::TimerKey;

/// One timer as its slot lists it: everything processing the slot needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Line<T> {
    /// The deadline it was filed with (never changes while the timer lives).
    pub(super) deadline: u64,
    /// Its insertion number: breaks ties between equal deadlines so the fire
    /// order never depends on slot layout, and names it (never reused).
    pub(super) key: TimerKey,
    /// The filer's payload, handed back when the timer fires.
    pub(super) value: T,
}

impl<T> Line<T> {
    /// The sort key for firing: by deadline, then by insertion order.
    pub(super) fn order(&self) -> (u64, TimerKey) {
        (self.deadline, self.key)
    }
}

/// A timer in the wheel, as whoever filed it holds it: what
/// [`Wheel::remove`](super::Wheel::remove) takes. It is not `Clone`, so a
/// timer is removed at most once.
#[derive(Debug, PartialEq, Eq)]
pub struct Timer {
    pub(super) key: TimerKey,
    pub(super) deadline: u64,
}

impl Timer {
    /// The timer's key: its insertion number, never reused.
    pub fn key(&self) -> TimerKey {
        self.key
    }

    /// The deadline it was filed with, in ms.
    pub fn deadline(&self) -> u64 {
        self.deadline
    }
}
