//! What the wheel stores for one timer: an [`Entry`] in the slab, and a
//! [`Filed`] copy of its sort key in the slot that holds it.
//!
//! ```text
//!   slot list (Vec<Filed>)                        slab (Slab<Entry<T>>)
//!   ┌──────────┬─────┬─────┐                     ┌───────────────────────────┐
//!   │ deadline │ seq │ key ├──── key ──────────▶ │ deadline, value,          │
//!   └──────────┴─────┴─────┘                     │ position, index ──▶ slot  │
//!                                                └───────────────────────────┘
//! ```
//!
//! Processing a slot asks "is this timer due?" and "in which order do the
//! due ones fire?" for every timer in it. Both answers sit in the slot list
//! itself, read in order, instead of one slab lookup per timer: with a
//! million timers those lookups jump all over memory (keys are handed out
//! in whatever order earlier timers freed them) and each one is a cache
//! miss. The slab is touched once per timer, to fire it or to note where it
//! moved.

use super::{Position, TimerKey};

/// One timer, kept in the wheel's slab under its [`TimerKey`].
///
/// Invariant: while the entry is in the slab, `levels[position.level]` holds
/// its [`Filed`] in slot `position.slot` at index `index`. Every move of it
/// (filing, a neighbour's removal, a cascade) updates these two fields.
#[derive(Debug)]
pub(super) struct Entry<T> {
    /// The instant the caller asked for, exactly as given (it may already
    /// have passed when the timer was inserted).
    pub(super) deadline: u64,
    /// The caller's payload, handed back when the timer fires.
    pub(super) value: T,
    /// Where the timer is filed now.
    pub(super) position: Position,
    /// Index of the timer inside its slot's list.
    pub(super) index: usize,
}

/// A timer as its slot lists it: the key plus copies of what processing the
/// slot needs to know, so that needs no slab lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Filed {
    /// The entry's deadline (never changes while the timer lives).
    pub(super) deadline: u64,
    /// Insertion number: breaks ties between equal deadlines so the fire
    /// order never depends on slot layout. Slab keys are reused, so they
    /// cannot serve.
    pub(super) seq: u64,
    /// Where the entry is in the slab.
    pub(super) key: TimerKey,
}

impl Filed {
    /// The sort key for firing: by deadline, then by insertion order.
    pub(super) fn order(&self) -> (u64, u64) {
        (self.deadline, self.seq)
    }
}
