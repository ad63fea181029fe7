//! `timers`: sleeps at four scales, in parallel tasks.
//!
//! Filed from time 0, the deadlines land on different wheel levels:
//!
//! ```text
//!   3 ms       level 0   (1 ms slots)
//!   150 ms     level 1   (64 ms slots)    cascades once
//!   5 s        level 2   (4.096 s slots)  cascades twice
//!   5 min      level 3   (≈4.4 min slots) cascades three times
//! ```
//!
//! Each task prints when it wakes; main awaits them all, in order.

use std::time::Duration;

use super::{MainResult, Setup};
use crate::{output, sleep, spawn_named};

/// The sleeps, shortest first, with the names their tasks get.
const SLEEPS: [(&str, Duration); 4] = [
    ("sleep 3 ms", Duration::from_millis(3)),
    ("sleep 150 ms", Duration::from_millis(150)),
    ("sleep 5 s", Duration::from_secs(5)),
    ("sleep 5 min", Duration::from_secs(300)),
];

/// One task per sleep, each printing when it wakes; then await them all.
async fn main() -> MainResult {
    let handles: Vec<_> = SLEEPS
        .iter()
        .map(|&(name, duration)| {
            spawn_named(name, async move {
                sleep(duration).await;
                output(format!("{name}: woke up"));
            })
        })
        .collect();
    for handle in handles {
        handle.await.map_err(|error| error.to_string())?;
    }
    Ok(())
}

pub(crate) fn setup() -> Setup {
    Setup {
        main: Box::pin(main()),
        script: None,
    }
}
