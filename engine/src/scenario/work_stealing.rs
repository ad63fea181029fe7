//! `work_stealing`: one task spawns many short ones on its own worker, and
//! the idle workers steal them (4 workers).
//!
//! ```text
//!   main (block_on thread): spawn(spawner) ─▶ inject queue ─▶ a worker wakes
//!   spawner, on worker w: spawn part 0..16 ─▶ each into w's LIFO slot, the
//!     one before it to the back of w's local queue ─▶ a sleeper is notified
//!   a notified worker searches ─▶ steals the older half of w's queue
//!   each part returns n²; the spawner awaits every handle ─▶ its waker is
//!     fired by whichever worker finished the part, into that worker's LIFO
//! ```

use super::{MainResult, Setup};
use crate::{output, spawn_named};

/// The short tasks the spawner makes: enough that its queue is worth robbing.
pub(crate) const PARTS: u64 = 16;

/// Spawn the parts, then add up what they return.
async fn spawner() -> u64 {
    let parts: Vec<_> = (0..PARTS)
        .map(|n| spawn_named(&format!("part {n}"), async move { n * n }))
        .collect();
    let mut sum = 0;
    for part in parts {
        sum += part.await.expect("a part panicked");
    }
    sum
}

async fn main() -> MainResult {
    let sum = spawn_named("spawner", spawner())
        .await
        .map_err(|error| error.to_string())?;
    output(format!("{PARTS} parts add up to {sum}"));
    Ok(())
}

pub(crate) fn setup() -> Setup {
    Setup {
        main: Box::pin(main()),
        script: None,
    }
}
