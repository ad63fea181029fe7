//! Cancelling a timer: its line turns stale.
//!
//! Where is a timer now? Its line is wherever filing its deadline *now*
//! would put it: a timer on level `n` stays there, in the slot of its digit
//! `n`, until time reaches that slot's start, and then it is filed again
//! from there. So the wheel needs no note of each timer's slot (a note that
//! every cascade would have to update). [`Wheel::remove`] takes the entry
//! out of the slab and only counts the timer's line, in that slot, as stale:
//! processing the slot skips it, and a slot whose lines are all stale is
//! emptied at once, so the next expiration never counts a cancelled timer.
//! Should stale lines come to outnumber the live timers (by more than
//! [`STALE_SLACK`]), one sweep of every slot drops them all, so cancelling
//! stays O(1) on average and the lines never take more than about twice
//! the live timers' memory. Tokio unlinks a cancelled entry from its slot's
//! list instead, which needs pointers from the entry into the list.

use slab::Slab;

use super::entry::{Entry, Filed};
use super::level::Level;
use super::{Position, TimerKey, Wheel};

/// Stale lines allowed beyond the number of live timers before one sweep
/// drops them all (see the module docs). Large enough that a sweep is
/// rare and pays for itself; small enough to be a few pages of lines.
pub const STALE_SLACK: usize = 1024;

/// Largest slot whose lines a debug build searches on each cancel, to
/// check that the timer's line is where its deadline says.
const DEBUG_CHECK_MAX_LINES: usize = 256;

impl<T> Wheel<T> {
    /// Cancels a timer in O(1) on average; returns its value, or `None` if
    /// `key` is not in the wheel (it fired or was removed). Its line in the
    /// slot turns stale (see the module docs).
    pub fn remove(&mut self, key: TimerKey) -> Option<T> {
        let entry = self.entries.try_remove(key)?;
        let Position { level, slot } = self.position_for(entry.deadline);
        let level = &mut self.levels[level as usize];
        // Checked in debug builds, but only on slots small enough that the
        // look does not make cancelling O(n) (the model tests' slots are).
        debug_assert!(
            level.timers(slot).len() > DEBUG_CHECK_MAX_LINES
                || level
                    .timers(slot)
                    .iter()
                    .any(|line| line.key == key && line.seq == entry.seq),
            "a live timer's line is where its deadline files it now"
        );
        self.stale += 1;
        self.stale -= level.mark_stale(slot);
        if self.stale > self.entries.len() + STALE_SLACK {
            self.sweep();
        }
        Some(entry.value)
    }

    /// Drop every stale line from every slot.
    fn sweep(&mut self) {
        let entries = &self.entries;
        for level in &mut self.levels {
            level.retain(|line| is_live(entries, line));
        }
        self.stale = 0;
    }

    /// The lines of `slot` on `level` that belong to live timers (looking
    /// in the slab only when the slot holds stale ones).
    pub(super) fn live_lines<'a>(
        &'a self,
        level: &'a Level,
        slot: u32,
    ) -> impl Iterator<Item = &'a Filed> {
        let check = level.stale(slot) > 0;
        level
            .timers(slot)
            .iter()
            .filter(move |line| !check || is_live(&self.entries, line))
    }
}

/// Whether `line` belongs to a timer still in the wheel: its key holds
/// the entry with its `seq`, not nothing or a later timer.
pub(super) fn is_live<T>(entries: &Slab<Entry<T>>, line: &Filed) -> bool {
    entries
        .get(line.key)
        .is_some_and(|entry| entry.seq == line.seq)
}
