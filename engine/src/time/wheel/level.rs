//! One level of the wheel: 64 slots, an occupancy bitmap, and the arithmetic
//! that says where a deadline belongs.
//!
//! A level is a ring of [`SLOTS_PER_LEVEL`] buckets. On level `n` each slot
//! spans `64^n` ms, so the whole ring spans `64^(n+1)` ms:
//!
//! ```text
//!   level 1 (one slot = 64 ms, the ring = 4096 ms)
//!
//!     slot:   0     1     2    ...    15    ...    63
//!          +-----+-----+-----+-----+-------+-----+-----+
//!          |     |     |  ●  |     |  ● ●  |     |     |
//!          +-----+-----+-----+-----+-------+-----+-----+
//!   starts:  0    64    128          960          4032   (+ a multiple of 4096)
//!
//!   occupied = 0b...1000_0000_0000_0100   (bit i set <=> slot i holds a timer)
//! ```
//!
//! Finding the next occupied slot never walks the ring: rotate the bitmap so
//! the slot to start from becomes bit 0, then `trailing_zeros` counts how many
//! slots ahead the first occupied one is. Two instructions, whatever the load.

use super::entry::Line;
use super::{BITS_PER_LEVEL, NUM_LEVELS, SLOTS_PER_LEVEL, WHEEL_RANGE_MS};

/// The low bits that select a slot on one level (`0b11_1111`).
const SLOT_MASK: u64 = SLOTS_PER_LEVEL as u64 - 1;

/// The highest level; deadlines too far away to fit are filed here.
const TOP_LEVEL: u32 = NUM_LEVELS as u32 - 1;

/// The level that holds a timer due at `when`, seen from time `elapsed`.
///
/// Write both times in base 64, one digit per level. The timer goes on the
/// level of the highest digit where they differ: every higher digit agrees,
/// so the deadline falls in the slot `elapsed` is in on every level above.
/// `| SLOT_MASK` makes equal times (and times differing only in the lowest
/// digit) land on level 0. A difference above the top digit (a deadline more
/// than the wheel's range away) is clamped to the top level.
pub(super) fn level_for(elapsed: u64, when: u64) -> u32 {
    let masked = (elapsed ^ when) | SLOT_MASK;
    if masked >= WHEEL_RANGE_MS {
        return TOP_LEVEL;
    }
    masked.ilog2() / BITS_PER_LEVEL
}

/// The slot of `level` that time `when` falls in: its base-64 digit number
/// `level`. On the top level this wraps around every [`WHEEL_RANGE_MS`].
pub(super) fn slot_for(when: u64, level: u32) -> u32 {
    // The mask keeps the value below 64, so the cast cannot truncate.
    ((when >> (level * BITS_PER_LEVEL)) & SLOT_MASK) as u32
}

/// One ring of 64 slots.
///
/// Invariants, with `elapsed` the wheel's time:
/// - bit `i` of `occupied` is set exactly when `slots[i]` is non-empty;
/// - the slot `elapsed` falls in is empty (a timer is always due later,
///   so filed in a later slot, and the wheel processes a slot when its
///   start arrives) — except on the top level, which may hold clamped
///   timers there, to be revisited one full rotation later;
/// - `stale[i]` lines of `slots[i]` are stale, fewer than it holds.
#[derive(Debug)]
pub(super) struct Level<T> {
    /// 0 for the millisecond ring, up to `NUM_LEVELS - 1`.
    number: u32,
    /// Bit `i` set when `slots[i]` holds at least one timer.
    occupied: u64,
    /// The timer lines of each slot, in no particular order.
    slots: [Vec<Line<T>>; SLOTS_PER_LEVEL],
    /// How many lines of each slot belong to cancelled timers.
    stale: [usize; SLOTS_PER_LEVEL],
}

impl<T> Level<T> {
    /// An empty ring for level `number`.
    pub(super) fn new(number: u32) -> Self {
        Level {
            number,
            occupied: 0,
            slots: std::array::from_fn(|_| Vec::new()),
            stale: [0; SLOTS_PER_LEVEL],
        }
    }

    /// Milliseconds one slot of this level spans: `64^number`.
    pub(super) fn slot_ms(&self) -> u64 {
        1 << (self.number * BITS_PER_LEVEL)
    }

    /// The slot time `when` falls in on this level.
    pub(super) fn slot_of(&self, when: u64) -> u32 {
        slot_for(when, self.number)
    }

    /// The occupancy bitmap.
    pub(super) fn occupied(&self) -> u64 {
        self.occupied
    }

    /// The timers filed in `slot`.
    pub(super) fn timers(&self, slot: u32) -> &[Line<T>] {
        &self.slots[slot as usize]
    }

    /// The timers filed in `slot`, to change their values.
    pub(super) fn timers_mut(&mut self, slot: u32) -> &mut [Line<T>] {
        &mut self.slots[slot as usize]
    }

    /// How many lines of `slot` belong to cancelled timers.
    pub(super) fn stale(&self, slot: u32) -> usize {
        self.stale[slot as usize]
    }

    /// Files `timer` in `slot`.
    pub(super) fn push(&mut self, slot: u32, timer: Line<T>) {
        self.slots[slot as usize].push(timer);
        self.occupied |= 1 << slot;
    }

    /// One more line of `slot` belongs to a cancelled timer. Returns whether
    /// that was its last live one: then the caller must empty the slot.
    pub(super) fn mark_stale(&mut self, slot: u32) -> bool {
        let index = slot as usize;
        self.stale[index] += 1;
        self.stale[index] == self.slots[index].len()
    }

    /// Keep only the lines `live` accepts, in every slot: no stale line is
    /// left (the wheel's sweep).
    pub(super) fn retain(&mut self, live: impl Fn(&Line<T>) -> bool) {
        for (slot, timers) in self.slots.iter_mut().enumerate() {
            if std::mem::take(&mut self.stale[slot]) > 0 {
                timers.retain(&live);
                if timers.is_empty() {
                    self.occupied &= !(1 << slot);
                }
            }
        }
    }

    /// Empties `slot` into `out` (which must be empty); returns how many of
    /// its lines are stale. The slot keeps the allocation `out` had, so a
    /// busy wheel stops allocating.
    pub(super) fn take_into(&mut self, slot: u32, out: &mut Vec<Line<T>>) -> usize {
        debug_assert!(out.is_empty());
        std::mem::swap(&mut self.slots[slot as usize], out);
        self.occupied &= !(1 << slot);
        std::mem::take(&mut self.stale[slot as usize])
    }

    /// The occupied slots in the order the wheel reaches them after time
    /// `elapsed`, each with the instant its start arrives.
    ///
    /// On level 0 the walk starts at the current slot (timers due now). On
    /// higher levels the current slot has already begun, so the walk starts
    /// at the next one and a timer in the current slot (a clamped one on the
    /// top level) waits a full rotation. Each step costs O(1): rotate the
    /// bitmap so the start slot is bit 0, count trailing zeros, clear the bit.
    pub(super) fn occupied_from(&self, elapsed: u64) -> impl Iterator<Item = (u32, u64)> {
        let slots = SLOTS_PER_LEVEL as u32;
        let current = self.slot_of(elapsed);
        let first_step = u32::from(self.number > 0);
        let slot_ms = self.slot_ms();
        let current_start = elapsed & !(slot_ms - 1);
        let mut ahead = self.occupied.rotate_right((current + first_step) % slots);
        std::iter::from_fn(move || {
            if ahead == 0 {
                return None;
            }
            let steps = first_step + ahead.trailing_zeros();
            ahead &= ahead - 1;
            let slot = (current + steps) % slots;
            let start = current_start.saturating_add(u64::from(steps) * slot_ms);
            Some((slot, start))
        })
    }

    /// The level's number, 0 to `NUM_LEVELS - 1`.
    pub(super) fn number(&self) -> u32 {
        self.number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A timer with key `key` (deadline and value do not matter to a level).
    fn timer(key: super::super::TimerKey) -> Line<()> {
        Line {
            deadline: 0,
            key,
            value: (),
        }
    }

    #[test]
    fn equal_and_nearby_times_go_to_level_zero() {
        assert_eq!(level_for(0, 0), 0);
        assert_eq!(level_for(0, 63), 0);
        assert_eq!(level_for(100, 127), 0);
    }

    #[test]
    fn level_is_the_highest_differing_base_64_digit() {
        assert_eq!(level_for(0, 64), 1);
        assert_eq!(level_for(0, 1000), 1);
        // 63 and 64 are one millisecond apart but differ in digit 1.
        assert_eq!(level_for(63, 64), 1);
        assert_eq!(level_for(0, 4096), 2);
        assert_eq!(level_for(1000, 5000), 2);
        assert_eq!(level_for(0, 150), 1);
        assert_eq!(level_for(0, 5_000), 2);
        assert_eq!(level_for(0, 300_000), 3);
        assert_eq!(level_for(0, 1 << 24), 4);
        assert_eq!(level_for(0, 1 << 30), 5);
        assert_eq!(level_for(0, WHEEL_RANGE_MS - 1), 5);
    }

    #[test]
    fn far_deadlines_clamp_to_the_top_level() {
        assert_eq!(level_for(0, WHEEL_RANGE_MS), TOP_LEVEL);
        assert_eq!(level_for(0, u64::MAX), TOP_LEVEL);
        // Crossing a 2^36 boundary counts as far even when close in time.
        assert_eq!(level_for(WHEEL_RANGE_MS - 1, WHEEL_RANGE_MS), TOP_LEVEL);
    }

    #[test]
    fn slot_is_the_digit_of_the_level() {
        assert_eq!(slot_for(1000, 0), 40); // 1000 = 15 * 64 + 40
        assert_eq!(slot_for(1000, 1), 15);
        assert_eq!(slot_for(5000, 2), 1); // 5000 = 1 * 4096 + 14 * 64 + 8
        assert_eq!(slot_for(5000, 1), 14);
        assert_eq!(slot_for(5000, 0), 8);
        // The top level wraps: 64 top slots later is the same slot again.
        assert_eq!(slot_for(WHEEL_RANGE_MS + (3 << 30), 5), 3);
    }

    #[test]
    fn a_slot_empties_once_all_its_lines_are_stale() {
        let mut level = Level::new(1);
        level.push(15, timer(7));
        level.push(15, timer(8));
        assert_eq!(level.occupied(), 1 << 15);
        assert!(!level.mark_stale(15));
        assert_eq!(level.stale(15), 1);
        assert_eq!(level.timers(15).len(), 2);
        // The second cancel leaves nothing live: the slot must go.
        assert!(level.mark_stale(15));
        let mut out = Vec::new();
        assert_eq!(level.take_into(15, &mut out), 2);
        assert!(level.timers(15).is_empty());
        assert_eq!((level.stale(15), level.occupied()), (0, 0));
    }

    #[test]
    fn retain_drops_the_stale_lines_and_clears_emptied_slots() {
        let mut level = Level::new(0);
        level.push(3, timer(1));
        level.push(3, timer(2));
        level.push(9, timer(3));
        level.push(9, timer(4));
        level.mark_stale(3);
        level.mark_stale(9);
        level.retain(|line| line.key != 1 && line.key != 4);
        assert_eq!(level.timers(3), &[timer(2)]);
        assert_eq!(level.timers(9), &[timer(3)]);
        assert_eq!((level.stale(3), level.stale(9)), (0, 0));
    }

    #[test]
    fn take_into_empties_the_slot() {
        let mut level = Level::new(0);
        level.push(3, timer(1));
        level.push(3, timer(2));
        level.mark_stale(3);
        let mut out = Vec::new();
        assert_eq!(level.take_into(3, &mut out), 1);
        assert_eq!(out, vec![timer(1), timer(2)]);
        assert_eq!(level.stale(3), 0);
        assert_eq!(level.occupied(), 0);
        assert!(level.timers(3).is_empty());
    }

    #[test]
    fn slots_come_in_the_order_the_wheel_reaches_them() {
        let mut level = Level::new(1);
        level.push(40, timer(0));
        level.push(15, timer(1));
        let walk: Vec<_> = level.occupied_from(0).collect();
        assert_eq!(walk, vec![(15, 960), (40, 40 * 64)]);
        // From 1000 (in slot 15) the ring wraps: slot 15 is a rotation away.
        let walk: Vec<_> = level.occupied_from(1000).collect();
        assert_eq!(walk, vec![(40, 40 * 64), (15, 4096 + 960)]);
        assert_eq!(Level::<()>::new(2).occupied_from(0).next(), None);
    }

    #[test]
    fn level_zero_finds_a_timer_due_now() {
        let mut level = Level::new(0);
        level.push(slot_for(70, 0), timer(0));
        assert_eq!(level.occupied_from(70).next(), Some((6, 70)));
    }

    #[test]
    fn top_level_wraps_around_and_waits_a_rotation_for_its_current_slot() {
        let top_slot_ms = 1u64 << 30;
        let mut level = Level::new(TOP_LEVEL);
        // Elapsed sits in top slot 60; slot 2 is reached 6 slots later.
        level.push(2, timer(0));
        let elapsed = 60 * top_slot_ms + 5;
        let next = level.occupied_from(elapsed).next();
        assert_eq!(next, Some((2, 66 * top_slot_ms)));
        // A clamped timer in the current slot is revisited a rotation later.
        let mut level = Level::new(TOP_LEVEL);
        level.push(60, timer(0));
        let next = level.occupied_from(60 * top_slot_ms).next();
        assert_eq!(next, Some((60, 124 * top_slot_ms)));
    }

    #[test]
    fn slot_starts_saturate_instead_of_overflowing() {
        let mut level = Level::new(TOP_LEVEL);
        level.push(slot_for(u64::MAX, TOP_LEVEL), timer(0));
        let (_, start) = level.occupied_from(u64::MAX).next().expect("occupied");
        assert_eq!(start, u64::MAX);
    }
}
