//! Rate-limiting failed joins, per client address.
//!
//! A failed join (a code that names no room, a wrong presenter key) is a
//! *strike*. An address with [`RoomLimits::failed_joins`] strikes inside one
//! window is refused every join until its window ends, without the server even
//! looking the code up, so a guesser learns nothing more:
//!
//! ```text
//!  strikes ▏▏▏ … ▏(limit)  → blocked ──────────────▶ window over → counts from 0
//!          ├──────── failed_join_window ──────────┤
//! ```
//!
//! Invariants: an entry exists only for an address with at least one strike in
//! its current window; the table never holds more than [`MAX_TRACKED`]
//! addresses (expired windows are purged first; if still full, the entry whose
//! window is oldest gives way), so an attacker with many addresses costs a
//! bounded amount of memory.
//!
//! [`RoomLimits::failed_joins`]: super::RoomLimits::failed_joins

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Addresses tracked at once: 16,384 entries of ~40 bytes, under 1 MiB.
pub(crate) const MAX_TRACKED: usize = 16 * 1024;

/// Strikes of one address in its current window.
#[derive(Clone, Copy, Debug)]
struct Strikes {
    since: Instant,
    count: u32,
}

/// The strike table.
#[derive(Debug)]
pub(crate) struct FailedJoins {
    limit: u32,
    window: Duration,
    capacity: usize,
    table: Mutex<HashMap<IpAddr, Strikes>>,
}

impl FailedJoins {
    /// At most `limit` failed joins per address per `window`.
    pub(crate) fn new(limit: u32, window: Duration) -> FailedJoins {
        FailedJoins::with_capacity(limit, window, MAX_TRACKED)
    }

    fn with_capacity(limit: u32, window: Duration, capacity: usize) -> FailedJoins {
        FailedJoins {
            limit,
            window,
            capacity: capacity.max(1),
            table: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `addr` has used up its strikes; if so, for how much longer.
    pub(crate) fn blocked(&self, addr: IpAddr, now: Instant) -> Option<Duration> {
        let table = self
            .table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let strikes = table.get(&addr)?;
        let ends = strikes.since + self.window;
        (strikes.count >= self.limit && now < ends).then(|| ends - now)
    }

    /// Count one failed join from `addr`.
    pub(crate) fn strike(&self, addr: IpAddr, now: Instant) {
        let mut table = self
            .table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = self.window;
        if !table.contains_key(&addr) && table.len() >= self.capacity {
            table.retain(|_, strikes| now < strikes.since + window);
            if table.len() >= self.capacity {
                let oldest = table
                    .iter()
                    .min_by_key(|(_, strikes)| strikes.since)
                    .map(|(addr, _)| *addr);
                if let Some(oldest) = oldest {
                    table.remove(&oldest);
                }
            }
        }
        let strikes = table.entry(addr).or_insert(Strikes {
            since: now,
            count: 0,
        });
        if now >= strikes.since + window {
            *strikes = Strikes {
                since: now,
                count: 0,
            };
        }
        strikes.count = strikes.count.saturating_add(1);
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.table.lock().map(|table| table.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(60);

    fn addr(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn blocks_after_the_limit_until_the_window_ends() {
        let joins = FailedJoins::new(3, WINDOW);
        let start = Instant::now();
        for _ in 0..2 {
            joins.strike(addr(1), start);
        }
        assert_eq!(joins.blocked(addr(1), start), None, "two strikes of three");
        joins.strike(addr(1), start);
        assert_eq!(joins.blocked(addr(1), start), Some(WINDOW));
        let later = start + Duration::from_secs(45);
        assert_eq!(joins.blocked(addr(1), later), Some(Duration::from_secs(15)));
        assert_eq!(
            joins.blocked(addr(2), later),
            None,
            "other addresses are not affected"
        );
        assert_eq!(
            joins.blocked(addr(1), start + WINDOW),
            None,
            "the window ended"
        );
    }

    #[test]
    fn a_new_window_counts_from_zero() {
        let joins = FailedJoins::new(2, WINDOW);
        let start = Instant::now();
        joins.strike(addr(1), start);
        joins.strike(addr(1), start + WINDOW);
        assert_eq!(joins.blocked(addr(1), start + WINDOW), None);
        joins.strike(addr(1), start + WINDOW);
        assert!(joins.blocked(addr(1), start + WINDOW).is_some());
    }

    #[test]
    fn the_table_stays_bounded_and_forgets_the_oldest_first() {
        let joins = FailedJoins::with_capacity(1, WINDOW, 4);
        let start = Instant::now();
        for last in 0..4u8 {
            joins.strike(addr(last), start + Duration::from_secs(u64::from(last)));
        }
        joins.strike(addr(9), start + Duration::from_secs(10));
        assert_eq!(joins.tracked(), 4);
        let now = start + Duration::from_secs(10);
        assert_eq!(
            joins.blocked(addr(0), now),
            None,
            "the oldest entry gave way"
        );
        assert!(joins.blocked(addr(1), now).is_some());
        assert!(joins.blocked(addr(9), now).is_some());
        let much_later = start + WINDOW * 2;
        joins.strike(addr(20), much_later);
        assert_eq!(
            joins.tracked(),
            1,
            "expired windows are purged before evicting"
        );
    }
}
