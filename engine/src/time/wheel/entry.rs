//! What the wheel stores for one timer: an [`Entry`] in the slab, and a
//! [`Filed`] copy of its sort key in the slot that holds it.
//!
//! ```text
//!   slot list (Vec<Filed>)                        slab (Slab<Entry<T>>)
//!   ┌──────────┬─────┬─────┐                     ┌──────────────────────┐
//!   │ deadline │ seq │ key ├──── key ──────────▶ │ deadline, seq, value │
//!   └──────────┴─────┴─────┘                     └──────────────────────┘
//! ```
//!
//! Processing a slot asks "is this timer due?" and "in which order do the
//! due ones fire?" for every timer in it. Both answers sit in the slot list
//! itself, read in order, instead of one slab lookup per timer: with a
//! million timers those lookups jump all over memory (keys are handed out
//! in whatever order earlier timers freed them) and each one is a cache
//! miss. A cascade only moves the line; the slab is touched when the timer
//! is filed, fired or cancelled. A line whose key no longer holds an entry
//! with its `seq` is stale: its timer was cancelled.

use super::TimerKey;

/// One timer, kept in the wheel's slab under its [`TimerKey`].
///
/// Invariant: while the entry is in the slab, exactly one slot holds a
/// [`Filed`] line with its key and `seq`.
#[derive(Debug)]
pub(super) struct Entry<T> {
    /// The instant the caller asked for, exactly as given (it may already
    /// have passed when the timer was inserted).
    pub(super) deadline: u64,
    /// Its insertion number, as its line has it.
    pub(super) seq: u64,
    /// The caller's payload, handed back when the timer fires.
    pub(super) value: T,
}

/// A timer as its slot lists it: the key plus copies of what processing the
/// slot needs to know, so that needs no slab lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Filed {
    /// The entry's deadline (never changes while the timer lives).
    pub(super) deadline: u64,
    /// Insertion number: breaks ties between equal deadlines so the fire
    /// order never depends on slot layout, and tells a line from a later
    /// timer under the same key. Slab keys are reused, so they cannot serve.
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
