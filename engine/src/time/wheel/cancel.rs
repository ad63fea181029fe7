//! Changing a filed timer: cancelling it (its line turns stale), or
//! giving it another value.
//!
//! Where is a timer now? Its line is wherever filing its deadline *now*
//! would put it: a timer on level `n` stays there, in the slot of its digit
//! `n`, until time reaches that slot's start, and then it is filed again
//! from there. So the wheel needs no note of each timer's slot (a note that
//! every cascade would have to update). [`Wheel::remove`] notes the timer's
//! key as cancelled and counts its line, in that slot, as stale: processing
//! the slot drops it, and a slot whose lines are all stale is emptied at
//! once, so the next expiration never counts a cancelled timer. Should
//! stale lines come to outnumber the live timers (by more than
//! [`STALE_SLACK`]), one sweep of every slot drops them all, so cancelling
//! stays O(1) on average and the lines never take more than about twice the
//! live timers' memory. Tokio unlinks a cancelled entry from its slot's list
//! instead, which needs pointers from the entry into the list.

use super::entry::{Line, Timer};
use super::level::Level;
use super::{Position, Wheel};

/// Stale lines allowed beyond the number of live timers before one sweep
/// drops them all (see the module docs). Large enough that a sweep is
/// rare and pays for itself; small enough to be a few pages of lines.
pub const STALE_SLACK: usize = 1024;

/// Largest slot whose lines a debug build searches on each cancel, to
/// check that the timer's line is where its deadline says.
const DEBUG_CHECK_MAX_LINES: usize = 256;

impl<T> Wheel<T> {
    /// Cancels a timer in O(1) on average; returns `false` if it had
    /// already fired. Its line in the slot turns stale (see the module docs);
    /// its value is dropped with the line, later.
    pub fn remove(&mut self, timer: Timer) -> bool {
        let Some(Position { level, slot }) = self.position(&timer) else {
            return false;
        };
        let level = &mut self.levels[level as usize];
        // Checked in debug builds, but only on slots small enough that the
        // look does not make cancelling O(n) (the model tests' slots are).
        debug_assert!(
            level.timers(slot).len() > DEBUG_CHECK_MAX_LINES
                || level.timers(slot).iter().any(|line| line.key == timer.key),
            "a live timer's line is where its deadline files it now"
        );
        self.len -= 1;
        self.cancelled.insert(timer.key);
        if level.mark_stale(slot) {
            // Nothing live is left in the slot: empty it now.
            let mut lines = std::mem::take(&mut self.scratch);
            level.take_into(slot, &mut lines);
            for line in lines.drain(..) {
                self.cancelled.remove(&line.key);
            }
            self.scratch = lines;
        }
        if self.cancelled.len() > self.len + STALE_SLACK {
            self.sweep();
        }
        true
    }

    /// Gives a timer that has not fired a new value; returns the old one,
    /// or `None` (and drops `value`) once it has fired. This looks through
    /// the timer's slot for its line, so it costs as many steps as the slot
    /// holds timers: for the rare timer whose owner changes.
    pub fn replace(&mut self, timer: &Timer, value: T) -> Option<T> {
        let Position { level, slot } = self.position(timer)?;
        let line = self.levels[level as usize]
            .timers_mut(slot)
            .iter_mut()
            .find(|line| line.key == timer.key)?;
        Some(std::mem::replace(&mut line.value, value))
    }

    /// Drop every stale line from every slot.
    fn sweep(&mut self) {
        let cancelled = &self.cancelled;
        for level in &mut self.levels {
            level.retain(|line| !cancelled.contains(&line.key));
        }
        self.cancelled.clear();
    }

    /// How many stale lines wait in their slots.
    #[cfg(test)]
    pub(super) fn stale(&self) -> usize {
        self.cancelled.len()
    }

    /// The lines of `slot` on `level` that belong to live timers (looking
    /// at the cancelled keys only when the slot holds stale lines).
    pub(super) fn live_lines<'a>(
        &'a self,
        level: &'a Level<T>,
        slot: u32,
    ) -> impl Iterator<Item = &'a Line<T>> {
        let check = level.stale(slot) > 0;
        level
            .timers(slot)
            .iter()
            .filter(move |line| !check || !self.cancelled.contains(&line.key))
    }
}
