//! `multi_thread_spawn`: the article's spawn flow on 4 workers.
//!
//! ```text
//!   main (block_on thread): spawn 4 sleepers ─▶ inject queue, a sleeper
//!     worker notified for the first ─▶ it wakes, takes a share, polls
//!   each sleeper files a timer in the runtime's one wheel ─▶ Pending
//!   the worker that parks first holds the driver: it waits in the OS
//!     until the wheel's next expiration, fires the timers, and the
//!     woken sleepers land in its own queues; it wakes others to steal
//!   each sleeper returns; main, woken by the last JoinHandle, prints
//! ```

use std::time::Duration;

use super::{MainResult, Setup};
use crate::{output, sleep, spawn_named};

/// How many tasks main spawns.
const SLEEPERS: u64 = 4;

/// Sleeper `n` sleeps `(n + 1) × NAP` (10, 20, 30, 40 ms).
const NAP: Duration = Duration::from_millis(10);

async fn main() -> MainResult {
    let sleepers: Vec<_> = (0..SLEEPERS)
        .map(|n| {
            spawn_named(&format!("sleeper {n}"), async move {
                sleep(NAP * (n as u32 + 1)).await;
                n
            })
        })
        .collect();
    let mut finished = 0;
    for sleeper in sleepers {
        sleeper.await.map_err(|error| error.to_string())?;
        finished += 1;
    }
    output(format!("{finished} sleepers finished"));
    Ok(())
}

pub(crate) fn setup() -> Setup {
    Setup {
        main: Box::pin(main()),
        script: None,
    }
}
