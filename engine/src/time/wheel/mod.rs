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
//! A deadline at or before `elapsed` is filed as if due at `elapsed`: level
//! 0, the current slot, so the next poll fires it.
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
//! The wheel stores timers in a [`Slab`]; slots hold each key with a copy
//! of its deadline and insertion number (see `entry`), all that processing
//! a slot needs to read. Cascading moves those lines from slot to slot and
//! never looks in the slab: with a million timers, the slab entries sit all
//! over memory, and a look at each one at every cascade was most of the
//! wheel's cost. Cancelling a timer leaves its line in its slot, stale
//! (`cancel.rs`), for the same reason.

mod cancel;
mod entry;
mod level;
mod view;

use slab::Slab;

use cancel::is_live;
use entry::{Entry, Filed};
use level::{Level, level_for, slot_for};

pub use cancel::STALE_SLACK;

/// Slots per level: one per bit of the `u64` occupancy bitmap, as in Tokio.
pub const SLOTS_PER_LEVEL: usize = 64;

/// Bits of a time value one level consumes: log2 of [`SLOTS_PER_LEVEL`].
pub const BITS_PER_LEVEL: u32 = SLOTS_PER_LEVEL.trailing_zeros();

/// Number of levels, as in Tokio: 6 levels x 6 bits cover 2^36 ms.
pub const NUM_LEVELS: usize = 6;

/// Milliseconds the wheel can represent without clamping: `64^6` = 2^36 ms,
/// about 2.2 years. Deadlines farther away go to the top level (see "Far deadlines" above).
pub const WHEEL_RANGE_MS: u64 = 1 << (BITS_PER_LEVEL * NUM_LEVELS as u32);

/// Identifies a timer while it is in the wheel. It is a slab key: once the
/// timer fires or is removed, a new timer may get the same key.
pub type TimerKey = usize;

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
/// - every entry in `entries` has exactly one line in the slots, at the
///   position [`position_for`](Self::position_for) gives its deadline now;
/// - every other line is stale: its key is gone from `entries` or holds a
///   later timer (another `seq`); `stale` counts them, and so does each
///   level per slot;
/// - `elapsed` only grows, and never passes the start of an occupied slot
///   without that slot being processed (so nothing is ever skipped);
/// - no slot holds only stale lines.
#[derive(Debug)]
pub struct Wheel<T> {
    /// Level `n` has slots of `64^n` ms.
    levels: [Level; NUM_LEVELS],
    /// The timers, by key.
    entries: Slab<Entry<T>>,
    /// Milliseconds processed so far: the wheel's "now".
    elapsed: u64,
    /// Insertion counter for deterministic fire order.
    next_seq: u64,
    /// Reused buffer for the timers of the slot being processed.
    scratch: Vec<Filed>,
    /// Lines of cancelled timers still in their slots.
    stale: usize,
}

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
            entries: Slab::new(),
            elapsed: 0,
            next_seq: 0,
            scratch: Vec::new(),
            stale: 0,
        }
    }

    /// Milliseconds the wheel has processed up to.
    pub fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Number of timers in the wheel.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the wheel holds no timer.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Files a timer due at `deadline` (ms) carrying `value`; returns its key
    /// and where it was filed. A deadline at or before [`elapsed`](Self::elapsed)
    /// goes to level 0 in the current slot and fires at the next poll.
    pub fn insert(&mut self, deadline: u64, value: T) -> (TimerKey, Position) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let key = self.entries.insert(Entry {
            deadline,
            seq,
            value,
        });
        let position = self.file(Filed { deadline, seq, key });
        (key, position)
    }

    /// The value of a timer still in the wheel.
    pub fn get_mut(&mut self, key: TimerKey) -> Option<&mut T> {
        self.entries.get_mut(key).map(|entry| &mut entry.value)
    }

    /// The deadline a timer still in the wheel was inserted with.
    pub fn deadline(&self, key: TimerKey) -> Option<u64> {
        self.entries.get(key).map(|entry| entry.deadline)
    }

    /// Where a timer still in the wheel is filed now.
    pub fn position(&self, key: TimerKey) -> Option<Position> {
        let entry = self.entries.get(key)?;
        Some(self.position_for(entry.deadline))
    }

    /// Where a timer due at `deadline` is filed if filed now: on the level
    /// of the highest base-64 digit in which it differs from `elapsed`, in
    /// the slot of its digit there. Since a timer only moves when time
    /// reaches its slot, this is also where every live timer *is*.
    fn position_for(&self, deadline: u64) -> Position {
        let due = deadline.max(self.elapsed);
        let level = level_for(self.elapsed, due);
        Position {
            level,
            slot: slot_for(due, level),
        }
    }

    /// The earliest instant at which [`poll_at`](Self::poll_at) has work: a
    /// timer to fire or a slot to cascade. `None` when the wheel is empty.
    /// O(levels).
    pub fn next_expiration(&self) -> Option<u64> {
        self.next_work().map(|(_, instant)| instant)
    }

    /// The earliest deadline of any timer in the wheel (it may have passed,
    /// for a timer inserted late). Unlike [`next_expiration`](Self::next_expiration)
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
            timers.retain(|line| is_live(&self.entries, line));
            self.stale -= stale;
        }
        // Only the due timers need sorting; the rest just move down.
        let due = move_due_to_front(&mut timers, self.elapsed);
        timers[..due].sort_unstable_by_key(Filed::order);
        events.reserve(timers.len());
        for timer in &timers[..due] {
            let Entry { value, .. } = self.entries.remove(timer.key);
            events.push(WheelEvent::Fire {
                key: timer.key,
                deadline: timer.deadline,
                value,
            });
        }
        for &timer in &timers[due..] {
            let to = self.file(timer);
            events.push(WheelEvent::Cascade {
                key: timer.key,
                from,
                to,
            });
        }
        timers.clear();
        self.scratch = timers;
    }

    /// Files `timer`'s line (its entry is in the slab) relative to
    /// `elapsed`, and returns where.
    fn file(&mut self, timer: Filed) -> Position {
        let position = self.position_for(timer.deadline);
        self.levels[position.level as usize].push(position.slot, timer);
        position
    }
}

/// Reorders `timers` so those due by `now` come first; returns how many
/// there are. O(len), no allocation, no slab lookup.
fn move_due_to_front(timers: &mut [Filed], now: u64) -> usize {
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
