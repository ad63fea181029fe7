//! The hierarchical timer wheel: where every `sleep` waits for its deadline.
//!
//! # Why a wheel
//!
//! A runtime may hold millions of timers and must answer two questions fast:
//! "when is the next one due?" (that becomes the park timeout) and "which are
//! due now?". A sorted map answers both in O(log n). A wheel answers in O(1)
//! by filing each timer in a bucket by *when* it is due, like a clock face.
//!
//! # Shape
//!
//! Six levels of 64 slots. A slot on level 0 spans 1 ms; each level up, a
//! slot spans 64 times more, so one level's whole ring is one slot of the
//! level above:
//!
//! | level | one slot spans        | the whole ring spans      |
//! |-------|-----------------------|---------------------------|
//! | 0     | 1 ms                  | 64 ms                     |
//! | 1     | 64 ms                 | 4.096 s                   |
//! | 2     | 4.096 s               | ≈ 4.4 min (262 144 ms)    |
//! | 3     | ≈ 4.4 min             | ≈ 4.7 h                   |
//! | 4     | ≈ 4.7 h               | ≈ 12.4 days               |
//! | 5     | ≈ 12.4 days           | ≈ 2.2 years (2^36 ms)     |
//!
//! # Where a timer goes
//!
//! Write times in milliseconds in base 64: each digit is 6 bits, one digit
//! per level. A timer is filed on the level of the **highest digit where its
//! deadline differs from `elapsed`** (the wheel's current time), in the slot
//! given by the deadline's digit on that level:
//!
//! ```text
//!                 digit:   5      4      3      2      1      0
//!   elapsed =  1000 ms:    0      0      0      0     15     40
//!   deadline = 5000 ms:    0      0      0      1     14      8
//!                                               ^ highest difference
//!   => level 2, slot 1 (the slot spanning 4096..8192 ms)
//! ```
//!
//! Finding that digit takes one XOR and one `ilog2`, as in Tokio (see
//! `level::level_for`): `ilog2((elapsed ^ deadline) | 63) / 6`. The `| 63`
//! sends deadlines that differ only in digit 0 (or not at all) to level 0.
//! A deadline at or before `elapsed` is not filed at all: it is due
//! already (see "Where a timer lives" below).
//!
//! This gives the wheel its key property. A timer on level `n` shares every
//! digit above `n` with `elapsed`, and its digit `n` is larger: it is due in
//! a *later* level-`n` slot. A timer below level `n` shares digit `n` too: it
//! is due within the *current* level-`n` slot. So every timer on level `n` is
//! later than every timer below it, the earliest work is on the lowest
//! non-empty level, and each level's 64-bit occupancy bitmap finds its next
//! slot in O(1): at most six bitmap lookups in all.

//! # Cascading
//!
//! When time reaches the start of a slot on level `n > 0` (4096 ms above),
//! the slot is emptied and each timer is filed again relative to the new
//! time: `5000` seen from `4096` differs first in digit 1, so it moves to
//! level 1, slot 14 (4992..5056); at 4992 it moves to level 0, slot 8; at
//! 5000 it fires. A timer whose deadline is exactly the slot start fires
//! straight away instead of moving. Each timer cascades at most once per
//! level, so its total cost stays O(levels) whatever the load.
//!
//! # Far deadlines
//!
//! The wheel spans [`WHEEL_RANGE_MS`] (2^36 ms ≈ 2.2 years). A deadline
//! that differs from `elapsed` above digit 5 (too far away, or just across a
//! 2^36 ms boundary) is clamped to the top level, in the slot of its digit 5,
//! which comes round every 2^36 ms. When that slot comes round the timer is
//! filed again from the new time: nearer levels once it is in range,
//! otherwise the same top slot for one more rotation. It never fires early
//! and costs one cascade per rotation.
//!
//! # Processing time
//!
//! [`Wheel::poll_at`] handles **one instant** per call: the next one at which
//! some slot starts. It empties that one slot, fires the timers that are due
//! and cascades the rest. The caller loops while it returns events, so each
//! step of the runtime shows one instant. Timers are removed from the wheel
//! before they are returned, so a fired timer can never fire again.
//!
//! One instant can move a great many timers: with a million timers spread
//! over ten seconds, one level-2 slot holds hundreds of thousands. A hot loop
//! therefore calls [`Wheel::poll_at_into`] with a `Vec` it keeps, so those
//! events fill memory already there instead of a fresh multi-megabyte `Vec`
//! per instant; `poll_at` is the one-line convenience on top.
//!
//! # Where a timer lives
//!
//! Only in its slot: each line holds the timer's deadline, its key and the
//! value to hand back (see `entry`), all that processing a slot needs to
//! read, in order. There is no table of entries on the side: with a million
//! timers, one look into such a table per timer at every fire (its entries
//! in whatever order earlier timers freed them) was most of the wheel's
//! cost. Whoever filed a timer keeps a [`Timer`] handle (key and deadline);
//! the deadline says which slot holds the line. Cancelling leaves the line
//! in its slot, stale (`cancel.rs`), so it needs no search either.
//!
//! A deadline the wheel has already reached is refused, as Tokio's
//! `Wheel::insert` refuses it (`InsertError::Elapsed`): the caller fires it
//! on the spot. So every timer in the wheel is due after
//! [`elapsed`](Wheel::elapsed), and a timer whose deadline the wheel's time
//! has reached has fired: [`Wheel::has_fired`] needs no look at any slot.

mod cancel;
mod entry;
mod level;
mod view;

use std::collections::HashSet;

use entry::Line;
use level::{Level, level_for, slot_for};

pub use cancel::STALE_SLACK;
pub use entry::Timer;

/// Slots per level: one per bit of the `u64` occupancy bitmap, as in Tokio.
pub const SLOTS_PER_LEVEL: usize = 64;

/// Bits of a time value one level consumes: log2 of [`SLOTS_PER_LEVEL`].
pub const BITS_PER_LEVEL: u32 = SLOTS_PER_LEVEL.trailing_zeros();

/// Number of levels, as in Tokio: 6 levels x 6 bits cover 2^36 ms.
pub const NUM_LEVELS: usize = 6;

/// Milliseconds the wheel can represent without clamping: `64^6` = 2^36 ms,
/// about 2.2 years. Deadlines farther away go to the top level (see "Far deadlines" above).
pub const WHEEL_RANGE_MS: u64 = 1 << (BITS_PER_LEVEL * NUM_LEVELS as u32);

/// Names a timer: its insertion number, unique for the wheel's lifetime.
pub type TimerKey = u64;

/// Where a timer is filed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// 0 (1 ms slots) to 5.
    pub level: u32,
    /// 0 to 63 within the level.
    pub slot: u32,
}

/// What [`Wheel::poll_at`] did to one timer.
#[derive(Debug)]
pub enum WheelEvent<T> {
    /// The timer moved to a finer slot (or, when clamped, round the top level).
    Cascade {
        /// The timer.
        key: TimerKey,
        /// The slot it left.
        from: Position,
        /// The slot it is filed in now.
        to: Position,
    },
    /// The timer is due; it has left the wheel.
    Fire {
        /// The timer's former key (free for reuse from now on).
        key: TimerKey,
        /// The deadline it was inserted with.
        deadline: u64,
        /// The value it was inserted with.
        value: T,
    },
}

/// A hierarchical timer wheel with 1 ms resolution holding values of type `T`.
///
/// Invariants:
/// - every live timer has exactly one line in the slots, at the position
///   [`position_for`](Self::position_for) gives its deadline now, and its
///   deadline is after `elapsed`;
/// - every other line is stale: its key is in `cancelled`, and each level
///   counts a slot's stale lines;
/// - `elapsed` only grows, and never passes the start of an occupied slot
///   without that slot being processed (so nothing is ever skipped);
/// - no slot holds only stale lines.
#[derive(Debug)]
pub struct Wheel<T> {
    /// Level `n` has slots of `64^n` ms.
    levels: [Level<T>; NUM_LEVELS],
    /// Milliseconds processed so far: the wheel's "now".
    elapsed: u64,
    /// The next timer's key; keys count insertions, so they also order
    /// equal deadlines deterministically.
    next_key: TimerKey,
    /// Live timers.
    len: usize,
    /// Reused buffer for the timers of the slot being processed.
    scratch: Vec<Line<T>>,
    /// Keys of cancelled timers whose lines are still in their slots.
    cancelled: HashSet<TimerKey>,
}

/// A deadline the wheel has already reached, refused by [`Wheel::insert`]
/// with the value it came with: the caller fires it now.
#[derive(Debug, PartialEq, Eq)]
pub struct AlreadyDue<T>(pub T);

impl<T> Default for Wheel<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Wheel<T> {
    /// An empty wheel at time 0.
    pub fn new() -> Self {
        Wheel {
            levels: std::array::from_fn(|number| Level::new(number as u32)),
            elapsed: 0,
            next_key: 0,
            len: 0,
            scratch: Vec::new(),
            cancelled: HashSet::new(),
        }
    }

    /// Milliseconds the wheel has processed up to.
    pub fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Number of timers in the wheel.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the wheel holds no timer.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Files a timer due at `deadline` (ms) carrying `value`; returns its
    /// handle and where it was filed. A deadline at or before
    /// [`elapsed`](Self::elapsed) is refused: it is due already.
    pub fn insert(&mut self, deadline: u64, value: T) -> Result<(Timer, Position), AlreadyDue<T>> {
        if deadline <= self.elapsed {
            return Err(AlreadyDue(value));
        }
        let key = self.next_key;
        self.next_key += 1;
        self.len += 1;
        let position = self.file(Line {
            deadline,
            key,
            value,
        });
        Ok((Timer { key, deadline }, position))
    }

    /// Whether `timer` has fired: the wheel's time has reached its
    /// deadline (see "Where a timer lives" above).
    pub fn has_fired(&self, timer: &Timer) -> bool {
        timer.deadline <= self.elapsed
    }

    /// Where `timer` is filed now, or `None` once it has fired.
    pub fn position(&self, timer: &Timer) -> Option<Position> {
        (!self.has_fired(timer)).then(|| self.position_for(timer.deadline))
    }

    /// Where a timer due at `deadline` is filed if filed now: on the level
    /// of the highest base-64 digit in which it differs from `elapsed`, in
    /// the slot of its digit there. Since a timer only moves when time
    /// reaches its slot, this is also where every live timer *is*.
    fn position_for(&self, deadline: u64) -> Position {
        let level = level_for(self.elapsed, deadline);
        Position {
            level,
            slot: slot_for(deadline, level),
        }
    }

    /// The earliest instant at which [`poll_at`](Self::poll_at) has work: a
    /// timer to fire or a slot to cascade. `None` when the wheel is empty.
    /// O(levels).
    pub fn next_expiration(&self) -> Option<u64> {
        self.next_work().map(|(_, instant)| instant)
    }

    /// The earliest deadline of any timer in the wheel. Unlike [`next_expiration`](Self::next_expiration)
    /// this ignores cascades: a caller may sleep until this instant and then
    /// call `poll_at` in a loop to catch up (cascades done late change no
    /// fire time). It reads the timers of the first occupied slot (rarely a
    /// few slots of the top level): the same order of work as processing
    /// that slot, but repeated on every call, so a hot loop with a huge wheel
    /// should prefer the O(levels) `next_expiration`.
    pub fn earliest_deadline(&self) -> Option<u64> {
        let level = self.levels.iter().find(|level| level.occupied() != 0)?;
        let mut best: Option<u64> = None;
        for (slot, start) in level.occupied_from(self.elapsed) {
            // Timers in later slots are due at or after their slot's start
            // (only top-level clamped ones are due later still).
            if best.is_some_and(|best| best <= start) {
                break;
            }
            let slot_best = self.live_lines(level, slot).map(|timer| timer.deadline);
            best = best.into_iter().chain(slot_best).min();
        }
        best
    }

    /// Processes the next instant `<= now` that has work, and only that one.
    ///
    /// Sets [`elapsed`](Self::elapsed) to that instant, empties its slot,
    /// fires the timers due by then (removing them first) in order of
    /// deadline then insertion, and files the rest again relative to the new
    /// time (a [`WheelEvent::Cascade`] each). Fires come before cascades.
    ///
    /// With nothing due by `now`, returns no events and sets `elapsed` to
    /// `now`. A `now` before `elapsed` is read as `elapsed`: the wheel's time
    /// never runs backwards.
    pub fn poll_at(&mut self, now: u64) -> Vec<WheelEvent<T>> {
        let mut events = Vec::new();
        self.poll_at_into(now, &mut events);
        events
    }

    /// [`poll_at`](Self::poll_at), appending the events to `events` instead
    /// of returning a new `Vec`. A caller that keeps `events` (cleared)
    /// across calls allocates nothing once it has grown to the busiest
    /// instant: the form for hot loops.
    pub fn poll_at_into(&mut self, now: u64, events: &mut Vec<WheelEvent<T>>) {
        let now = now.max(self.elapsed);
        match self.next_work() {
            Some((position, instant)) if instant <= now => {
                self.elapsed = instant;
                self.process(position, events);
            }
            _ => self.elapsed = now,
        }
    }

    /// The first slot the wheel reaches and the instant it starts: on the
    /// lowest occupied level, since every level is later than those below.
    fn next_work(&self) -> Option<(Position, u64)> {
        self.levels.iter().find_map(|level| {
            let (slot, start) = level.occupied_from(self.elapsed).next()?;
            let position = Position {
                level: level.number(),
                slot,
            };
            Some((position, start))
        })
    }

    /// Empties the slot at `from` (whose start is `elapsed`), firing or
    /// cascading each of its timers; appends what it did to `events`.
    fn process(&mut self, from: Position, events: &mut Vec<WheelEvent<T>>) {
        let mut timers = std::mem::take(&mut self.scratch);
        let stale = self.levels[from.level as usize].take_into(from.slot, &mut timers);
        if stale > 0 {
            // Each cancelled line leaves the wheel for good here.
            timers.retain(|line| !self.cancelled.remove(&line.key));
        }
        // Only the due timers need sorting; the rest just move down.
        let due = move_due_to_front(&mut timers, self.elapsed);
        timers[..due].sort_unstable_by_key(Line::order);
        self.len -= due;
        events.reserve(timers.len());
        for line in timers.drain(..due) {
            events.push(WheelEvent::Fire {
                key: line.key,
                deadline: line.deadline,
                value: line.value,
            });
        }
        for line in timers.drain(..) {
            let key = line.key;
            let to = self.file(line);
            events.push(WheelEvent::Cascade { key, from, to });
        }
        self.scratch = timers;
    }

    /// Files `line` relative to `elapsed`, and returns where.
    fn file(&mut self, line: Line<T>) -> Position {
        let position = self.position_for(line.deadline);
        self.levels[position.level as usize].push(position.slot, line);
        position
    }
}

/// Reorders `timers` so those due by `now` come first; returns how many
/// there are. O(len), no allocation, no slab lookup.
fn move_due_to_front<T>(timers: &mut [Line<T>], now: u64) -> usize {
    let mut due = 0;
    for index in 0..timers.len() {
        if timers[index].deadline <= now {
            timers.swap(due, index);
            due += 1;
        }
    }
    due
}

#[cfg(test)]
mod tests;
