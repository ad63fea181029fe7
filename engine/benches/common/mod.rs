//! Set-up shared by the engine-vs-Tokio benches.
//!
//! Every group builds its two runtimes here, the same way each time:
//!
//! ```text
//!   ours   reactor_engine::Runtime   recording off, no record limit, virtual clock
//!   tokio  current_thread            enable_all (I/O and timer drivers, like ours)
//! ```
//!
//! Both are built once per benchmark and reused by every iteration, and both
//! run the same workload shape: the work happens in spawned tasks that the
//! main future awaits through their join handles.

// Each bench binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::time::Duration;

use criterion::{Criterion, SamplingMode};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use reactor_engine::{Runtime, RuntimeOptions};

/// Seed of the random deadlines: the same timers in every run and for both runtimes.
pub const SEED: u64 = 0x5EED_2026;

/// Longest random deadline: ten seconds of (virtual) time, so the timers
/// spread over the wheel's levels 0 to 2 (1 ms, 64 ms and 4.096 s slots).
pub const MAX_DEADLINE_MS: u64 = 10_000;

/// Criterion settings sized for a shared 2-core machine: criterion's
/// minimum of 10 samples, a short warm-up and a short measurement.
pub fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// Flat sampling: every sample runs the same number of iterations. Our
/// iterations take milliseconds to seconds, where criterion's default
/// linear sampling would run far past the measurement time.
pub const SAMPLING: SamplingMode = SamplingMode::Flat;

/// Our runtime: recording `on` or off, no record limit, virtual clock.
pub fn ours(recording: bool) -> Runtime {
    Runtime::new(RuntimeOptions {
        recording,
        max_records: None,
        ..RuntimeOptions::default()
    })
    .expect("the engine runtime starts")
}

/// Tokio's single-threaded runtime with its I/O and timer drivers.
pub fn tokio_current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the tokio runtime starts")
}

/// The same, with Tokio's clock paused: when every task waits, time jumps to
/// the next timer (auto-advance), like our virtual clock.
pub fn tokio_paused() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("the paused tokio runtime starts")
}

/// `count` deadlines in milliseconds, uniform in `1..=MAX_DEADLINE_MS`, from [`SEED`].
pub fn random_deadlines(count: usize) -> Vec<u64> {
    let mut rng = SmallRng::seed_from_u64(SEED);
    (0..count)
        .map(|_| rng.random_range(1..=MAX_DEADLINE_MS))
        .collect()
}
