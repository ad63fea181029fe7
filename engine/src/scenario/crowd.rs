//! `crowd`: many tasks, one thread.
//!
//! The point of a reactor is that one thread can serve far more tasks than it
//! could run threads. Here main spawns [`WORKERS`] tasks that each nap
//! [`NAPS`] times, to one of five rhythms ([`RHYTHMS`]):
//!
//! ```text
//!   worker n naps RHYTHMS[n % 5] ms, NAPS times, then returns n
//!
//!   deadline (ms)    10   20   30   40   50   60   80   90  100  120  150
//!   10 ms naps        ●    ●    ●
//!   20 ms naps             ●         ●         ●
//!   30 ms naps                  ●              ●         ●
//!   40 ms naps                       ●              ●              ●
//!   50 ms naps                            ●                   ●         ●
//! ```
//!
//! Workers whose naps end together file their timers in the same wheel
//! slot, so at each deadline one clock advance fires the whole slot and the
//! wakes fill the run queue in filing order, to be polled first in first out.
//! With every worker asleep the loop parks until the wheel's next
//! expiration: one park per distinct deadline, however many tasks sleep,
//! plus one at the start of each level-1 slot whose timers must cascade (64
//! and 128 ms). With hundreds runnable, a turn still ends after
//! [`POLL_BUDGET`] polls with a zero-timeout park, a quick look at the OS, so
//! a crowd never starves I/O (Tokio checks every 61 polls for the same
//! reason). Last, main awaits each `JoinHandle` in spawn order and prints
//! the total; collecting more than 128 finished handles in one poll spends
//! its cooperative budget, so it yields once on the way.
//!
//! The trace is long on purpose (about 6,000 records): it is the one to
//! scrub through, and the one the browser tests use to check that a long
//! event log stays responsive.
//!
//! [`POLL_BUDGET`]: crate::runtime::POLL_BUDGET

use std::time::Duration;

use super::{MainResult, Setup};
use crate::{output, sleep, spawn_named};

/// Tasks main spawns.
const WORKERS: u64 = 240;

/// Naps each worker takes before it returns.
const NAPS: u32 = 3;

/// The nap lengths in ms; worker `n` uses `RHYTHMS[n % 5]`.
const RHYTHMS: [u64; 5] = [10, 20, 30, 40, 50];

/// Spawn the workers, then await each one's handle in spawn order.
async fn main() -> MainResult {
    let handles: Vec<_> = (0..WORKERS)
        .map(|n| {
            let nap = Duration::from_millis(RHYTHMS[(n % 5) as usize]);
            spawn_named(&format!("worker {n}"), async move {
                for _ in 0..NAPS {
                    sleep(nap).await;
                }
                n
            })
        })
        .collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.map_err(|error| error.to_string())?;
    }
    output(format!(
        "{WORKERS} workers took {} naps; ids sum to {sum}",
        WORKERS * u64::from(NAPS)
    ));
    Ok(())
}

pub(crate) fn setup() -> Setup {
    Setup {
        main: Box::pin(main()),
        script: None,
    }
}
