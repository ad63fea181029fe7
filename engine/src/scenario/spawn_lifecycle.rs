//! `spawn_lifecycle`: the article's "life of a `tokio::spawn`".
//!
//! ```text
//!   main: spawn(sleeper) ─▶ await JoinHandle ─▶ Pending
//!   sleeper: sleep(1 s) ─▶ timer_insert(deadline 1000: level 1, slot 15) ─▶ Pending
//!   park(timeout 960) ─▶ clock 0 → 960, the slot's start ─▶ cascade to level 0
//!   park(timeout 40) ─▶ clock 960 → 1000 ─▶ timer fires ─▶ wake(timer)
//!   sleeper: "done!" ─▶ 42 ─▶ complete ─▶ wake(join) main ─▶ main checks 42
//! ```

use std::time::Duration;

use super::{MainResult, Setup};
use crate::{output, sleep, spawn_named};

/// How long the spawned task sleeps: 1 s, as in the article.
const SLEEP: Duration = Duration::from_secs(1);

/// Spawn a task that sleeps, prints and returns 42; await its handle.
async fn main() -> MainResult {
    let handle = spawn_named("sleeper", async {
        sleep(SLEEP).await;
        output("done!");
        42
    });
    let result = handle.await.map_err(|error| error.to_string())?;
    assert_eq!(result, 42);
    Ok(())
}

pub(crate) fn setup() -> Setup {
    Setup {
        main: Box::pin(main()),
        script: None,
    }
}
