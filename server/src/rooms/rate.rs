//! Guesses counted per key with `governor`'s keyed GCRA limiter: unknown room
//! codes per client address, wrong presenter keys per room.
//!
//! A guess that fails (a code that names no room, a wrong key) is a
//! *strike* against its key. A key may strike N times in a row; after that
//! it earns one strike back every W / N, so over any long stretch it gets N
//! per W. A strike with none left is refused, and the refusal says how long
//! until the next one is earned:
//!
//! ```text
//!  N = 3, W = 60 s: one strike earned back every 20 s
//!
//!  strikes left  3   2   1   0 ░░░ refused ░░░ 1   0 ░░░ refused ░░░ 1 …
//!                ✗   ✗   ✗                     ✗                     ✗
//!  time          0 s ───────────────────────── 20 s ──────────────── 40 s
//! ```
//!
//! Only a guess that already failed is ever counted: the callers look the
//! code up and check the key first, so a join that names a room, or the
//! presenter's right key, never meets this limiter and is never refused by
//! it (`super::http` says why that is the only choice that never locks a
//! class out).
//!
//! A key that stops striking earns every strike back within W of its last
//! one, and is then indistinguishable from a new one: governor's
//! `retain_recent` forgets it.
//!
//! Memory: the table holds one entry per key that has not earned all its
//! strikes back (a key and a 64-bit GCRA state), never more than
//! [`MAX_TRACKED`] (about 1 MiB for addresses). When a strike from a new key
//! finds the table full, the forgettable keys are swept out and the table
//! shrunk; if it is still full, the key closest to being forgotten gives way.

use std::collections::HashMap;
use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::ShrinkableKeyedStateStore;
use governor::state::{InMemoryState, NotKeyed, StateStore};
use governor::{Quota, RateLimiter};

/// Keys tracked at once. 16,384 addresses of 32 bytes with their state fill
/// a hash table of 32,768 slots (33 bytes each with its control byte): about 1 MiB.
pub(crate) const MAX_TRACKED: usize = 16 * 1024;

/// Longest window honoured. governor counts time in 64-bit nanoseconds; a
/// longer window would only make a guesser wait longer than anyone cares.
const LONGEST_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// Strikes per key, N per window W.
pub(crate) struct Strikes<K: Hash + Eq + Clone, C: Clock = DefaultClock> {
    limiter: RateLimiter<K, StrikeTable<K>, C, NoOpMiddleware<C::Instant>>,
    /// Keys the table holds at most ([`MAX_TRACKED`] but in tests).
    capacity: usize,
}

impl<K: Hash + Eq + Clone> Strikes<K> {
    /// `limit` strikes per key per `window`, as GCRA reads that (see the
    /// module docs). A `limit` of 0 acts as 1; a zero `window` earns a strike
    /// back every nanosecond, which is no limit in practice; windows past
    /// [`LONGEST_WINDOW`] count as that.
    pub(crate) fn new(limit: u32, window: Duration) -> Strikes<K> {
        Strikes::with_clock(limit, window, MAX_TRACKED, DefaultClock::default())
    }
}

impl<K: Hash + Eq + Clone, C: Clock> Strikes<K, C> {
    fn with_clock(limit: u32, window: Duration, capacity: usize, clock: C) -> Strikes<K, C> {
        let capacity = capacity.max(1);
        let table = StrikeTable {
            states: Mutex::default(),
            capacity,
        };
        Strikes {
            limiter: RateLimiter::new(quota(limit, window), table, clock),
            capacity,
        }
    }

    /// Count one strike against `key`: `Ok` while it had one left, else how
    /// long until it earns one back (a refused strike is not counted).
    pub(crate) fn strike(&self, key: &K) -> Result<(), Duration> {
        if self.limiter.len() >= self.capacity {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter
            .check_key(key)
            .map_err(|refused| refused.wait_time_from(self.limiter.clock().now()))
    }
}

/// GCRA's reading of "`limit` per `window`": a burst of `limit`, then one
/// more every `window / limit`.
fn quota(limit: u32, window: Duration) -> Quota {
    let burst = NonZeroU32::new(limit).unwrap_or(NonZeroU32::MIN);
    let period = (window.min(LONGEST_WINDOW) / burst.get()).max(Duration::from_nanos(1));
    Quota::with_period(period)
        .expect("the period is at least a nanosecond")
        .allow_burst(burst)
}

/// governor's GCRA state for each key with strikes to earn back, at most
/// `capacity` of them.
#[derive(Debug)]
struct StrikeTable<K> {
    states: Mutex<HashMap<K, InMemoryState>>,
    capacity: usize,
}

impl<K> StrikeTable<K> {
    fn lock(&self) -> MutexGuard<'_, HashMap<K, InMemoryState>> {
        self.states
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<K: Hash + Eq + Clone> StateStore for StrikeTable<K> {
    type Key = K;

    fn measure_and_replace<T, F, E>(&self, key: &K, decide: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        let mut states = self.lock();
        if !states.contains_key(key) && states.len() >= self.capacity {
            give_way(&mut states);
        }
        let state = states.entry(key.clone()).or_default();
        state.measure_and_replace(&NotKeyed::NonKey, decide)
    }
}

impl<K: Hash + Eq + Clone> ShrinkableKeyedStateStore<K> for StrikeTable<K> {
    fn retain_recent(&self, drop_below: Nanos) {
        self.lock()
            .retain(|_, state| arrival(state).is_some_and(|at| at > drop_below));
    }

    fn shrink_to_fit(&self) {
        self.lock().shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.lock().len()
    }

    fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

/// The GCRA state governor stored for a key: its theoretical arrival time,
/// read without changing it (a decision that refuses, carrying the stored
/// value out, replaces nothing).
fn arrival(state: &InMemoryState) -> Option<Nanos> {
    state
        .measure_and_replace(&NotKeyed::NonKey, Err::<((), Nanos), _>)
        .err()
        .flatten()
}

/// Drop the key closest to being forgotten (the earliest arrival time).
fn give_way<K: Hash + Eq + Clone>(states: &mut HashMap<K, InMemoryState>) {
    let first = states
        .iter()
        .min_by_key(|(_, state)| arrival(state))
        .map(|(key, _)| key.clone());
    if let Some(key) = first {
        states.remove(&key);
    }
}

#[cfg(test)]
#[path = "rate_tests.rs"]
mod tests;
