//! Rate-limiting failed joins, per client address, with `governor`'s keyed
//! GCRA limiter.
//!
//! A failed join (a code that names no room, a wrong presenter key) is a
//! *strike*; a successful join costs nothing. An address may strike
//! N = [`RoomLimits::failed_joins`] times in a row; after that it earns one
//! strike back every W / N (W = [`RoomLimits::failed_join_window`]), so over
//! any long stretch it gets N strikes per W. While it has none left, every join
//! and room creation from it is refused before the code is even looked up, so
//! a guesser learns nothing more:
//!
//! ```text
//!  N = 3, W = 60 s: one strike earned back every 20 s
//!
//!  strikes left  3   2   1   0 ░░░ refused ░░░ 1   0 ░░░ refused ░░░ 1 …
//!                ✗   ✗   ✗                     ✗                     ✗
//!  time          0 s ───────────────────────── 20 s ──────────────── 40 s
//! ```
//!
//! An address that stops striking earns every strike back within W of its
//! last one, and is then indistinguishable from a new one: governor's
//! `retain_recent` forgets it.
//!
//! Memory: the table holds one entry per address that has not earned all its
//! strikes back (an address and a 64-bit GCRA state: 32 bytes), never more
//! than [`MAX_TRACKED`], so it never takes more than about 1 MiB.
//! When a strike from a new address finds the table full, the forgettable
//! addresses are swept out and the table shrunk; if it is still full, the
//! address closest to being forgotten gives way.
//!
//! Asking whether an address is refused must not spend one of its strikes,
//! but governor's check spends a cell whenever it allows one. So the key says
//! which it is: a [`Join::Look`] is decided by governor on the stored state
//! like any check, and [`StrikeTable`] never stores the outcome.
//!
//! [`RoomLimits::failed_joins`]: super::RoomLimits::failed_joins
//! [`RoomLimits::failed_join_window`]: super::RoomLimits::failed_join_window

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::ShrinkableKeyedStateStore;
use governor::state::{InMemoryState, NotKeyed, StateStore};
use governor::{Quota, RateLimiter};

/// Addresses tracked at once. 16,384 entries of 32 bytes fill a hash table
/// of 32,768 slots (33 bytes each with its control byte): about 1 MiB.
pub(crate) const MAX_TRACKED: usize = 16 * 1024;

/// Longest window honoured. governor counts time in 64-bit nanoseconds; a
/// longer window would only lock out a class behind one address for longer.
const LONGEST_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// What the limiter is asked about an address: the limiter's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Join {
    /// A failed join: spends one of the address's strikes.
    Strike(IpAddr),
    /// Whether the address has a strike left; spends nothing.
    Look(IpAddr),
}

/// The failed-join limiter.
pub(crate) struct FailedJoins<C: Clock = DefaultClock> {
    limiter: RateLimiter<Join, StrikeTable, C, NoOpMiddleware<C::Instant>>,
    /// Addresses the table holds at most ([`MAX_TRACKED`] but in tests).
    capacity: usize,
}

impl FailedJoins {
    /// `limit` failed joins per address per `window`, as GCRA reads that (see
    /// the module docs). A `limit` of 0 acts as 1; a zero `window` earns a
    /// strike back every nanosecond, which is no limit in practice; windows
    /// past [`LONGEST_WINDOW`] count as that.
    pub(crate) fn new(limit: u32, window: Duration) -> FailedJoins {
        FailedJoins::with_clock(limit, window, MAX_TRACKED, DefaultClock::default())
    }
}

impl<C: Clock> FailedJoins<C> {
    fn with_clock(limit: u32, window: Duration, capacity: usize, clock: C) -> FailedJoins<C> {
        let capacity = capacity.max(1);
        let table = StrikeTable {
            states: Mutex::default(),
            capacity,
        };
        FailedJoins {
            limiter: RateLimiter::new(quota(limit, window), table, clock),
            capacity,
        }
    }

    /// Whether `addr` has no strike left; if so, how long until it earns one back.
    pub(crate) fn blocked(&self, addr: IpAddr) -> Option<Duration> {
        let refused = self.limiter.check_key(&Join::Look(addr)).err()?;
        Some(refused.wait_time_from(self.limiter.clock().now()))
    }

    /// Count one failed join from `addr`.
    pub(crate) fn strike(&self, addr: IpAddr) {
        if self.limiter.len() >= self.capacity {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        // A refused strike means the address has none left already: nothing
        // more to count (joins from it are refused before they can fail).
        let _ = self.limiter.check_key(&Join::Strike(addr));
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

/// governor's GCRA state for each address with strikes to earn back, at most
/// `capacity` of them.
#[derive(Debug)]
struct StrikeTable {
    states: Mutex<HashMap<IpAddr, InMemoryState>>,
    capacity: usize,
}

impl StrikeTable {
    fn lock(&self) -> MutexGuard<'_, HashMap<IpAddr, InMemoryState>> {
        self.states
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl StateStore for StrikeTable {
    type Key = Join;

    fn measure_and_replace<T, F, E>(&self, key: &Join, decide: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        let mut states = self.lock();
        match *key {
            Join::Look(addr) => {
                let stored = states.get(&addr).and_then(arrival);
                decide(stored).map(|(allowed, _unstored)| allowed)
            }
            Join::Strike(addr) => {
                if !states.contains_key(&addr) && states.len() >= self.capacity {
                    give_way(&mut states);
                }
                let state = states.entry(addr).or_default();
                state.measure_and_replace(&NotKeyed::NonKey, decide)
            }
        }
    }
}

impl ShrinkableKeyedStateStore<Join> for StrikeTable {
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

/// The GCRA state governor stored for an address: its theoretical arrival
/// time, read without changing it (a decision that refuses, carrying the
/// stored value out, replaces nothing).
fn arrival(state: &InMemoryState) -> Option<Nanos> {
    state
        .measure_and_replace(&NotKeyed::NonKey, Err::<((), Nanos), _>)
        .err()
        .flatten()
}

/// Drop the address closest to being forgotten (the earliest arrival time).
fn give_way(states: &mut HashMap<IpAddr, InMemoryState>) {
    let first = states
        .iter()
        .min_by_key(|(_, state)| arrival(state))
        .map(|(addr, _)| *addr);
    if let Some(addr) = first {
        states.remove(&addr);
    }
}

#[cfg(test)]
#[path = "rate_tests.rs"]
mod tests;
