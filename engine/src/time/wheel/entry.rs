//! What the wheel stores for one timer.

use super::Position;

/// One timer, kept in the wheel's slab under its [`TimerKey`](super::TimerKey).
///
/// Invariant: while the entry is in the slab, `levels[position.level]` holds
/// its key in slot `position.slot` at index `index`. Every move of the key
/// (filing, a neighbour's removal, a cascade) updates these two fields.
#[derive(Debug)]
pub(super) struct Entry<T> {
    /// The instant the caller asked for, exactly as given (it may already
    /// have passed when the timer was inserted).
    pub(super) deadline: u64,
    /// The caller's payload, handed back when the timer fires.
    pub(super) value: T,
    /// Where the key is filed now.
    pub(super) position: Position,
    /// Index of the key inside its slot's list.
    pub(super) index: usize,
    /// Insertion number: breaks ties between equal deadlines so the fire
    /// order never depends on slot layout. Slab keys are reused, so they
    /// cannot serve.
    pub(super) seq: u64,
}

impl<T> Entry<T> {
    /// The sort key for firing: by deadline, then by insertion order.
    pub(super) fn order(&self) -> (u64, u64) {
        (self.deadline, self.seq)
    }
}
