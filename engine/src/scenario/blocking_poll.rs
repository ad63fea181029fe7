//! `blocking_poll`: a blocking call inside a task stops the whole loop.
//!
//! ```text
//!   t=0    ticker: sleep(50 ms) ─▶ timer filed, deadline 50 ─▶ Pending
//!          blocker: block_thread_for(200 ms) ─▶ clock 0 → 200 inside the poll
//!          diagnostic blocking_poll: held 200 ms; the ticker's timer is 150 ms late
//!   t=200  park(0) ─▶ the 50 ms timer fires now ─▶ ticker wakes, 150 ms late
//! ```

use std::time::Duration;

use super::{MainResult, Setup};
use crate::{block_thread_for, output, sleep, spawn_named};

/// What the ticker waits for.
const TICK: Duration = Duration::from_millis(50);
/// How long the blocker holds the thread.
const BLOCKED: Duration = Duration::from_millis(200);

/// A ticker that should wake at 50 ms, and a task that blocks the thread.
async fn main() -> MainResult {
    let ticker = spawn_named("ticker", async {
        sleep(TICK).await;
        output("ticker: woke up");
    });
    let blocker = spawn_named("blocker", async {
        // BUG: a blocking call in async code (here: std::thread::sleep).
        // Nothing else runs until it returns — not the ticker's timer.
        block_thread_for(BLOCKED);
        output("blocker: done");
    });
    blocker.await.map_err(|error| error.to_string())?;
    ticker.await.map_err(|error| error.to_string())
}

pub(crate) fn setup() -> Setup {
    Setup {
        main: Box::pin(main()),
        script: None,
    }
}
