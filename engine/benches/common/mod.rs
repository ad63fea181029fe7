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

use std::rc::Rc;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, SamplingMode};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use reactor_engine::{Runtime, RuntimeOptions};
use rustix::time::{ClockId, clock_gettime};

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

/// A criterion measurement that counts the bench thread's **CPU time**
/// (`CLOCK_THREAD_CPUTIME_ID`) instead of wall-clock time.
///
/// The benches run on a small VM shared with builds and browser tests; at a
/// load average of 6–9 on 2 cores a thread waits for a core longer than it
/// runs, and wall time measures the scheduler more than the code. CPU time
/// counts only what the thread itself executed (kernel work done on its
/// behalf, such as page faults, included). It is used where all the work
/// runs on the bench thread, as it does for both runtimes in `recording`
/// and `timer_scaling` (our runtime is single-threaded; Tokio's
/// `current_thread` runs tasks and timers on the thread calling `block_on`).
pub struct CpuTime;

/// A criterion measurement that counts the CPU time **all threads of the
/// process** have used (`CLOCK_PROCESS_CPUTIME_ID`): for a runtime with
/// worker threads (Tokio's `multi_thread`), what its workers do as well as
/// the bench thread. Unlike wall time it does not count the wait for a core
/// on a loaded machine, nor credit a runtime for running two at once.
pub struct ProcessCpuTime;

/// Reports values in ns, µs, ms or s like criterion's wall-clock measurement.
static DURATION_FORMAT: WallTime = WallTime;

/// `Measurement` for a unit struct that reads CPU time from `$clock`.
macro_rules! cpu_time_measurement {
    ($measurement:ty, $clock:expr) => {
        impl Measurement for $measurement {
            type Intermediate = Duration;
            type Value = Duration;

            fn start(&self) -> Duration {
                cpu_time($clock)
            }

            fn end(&self, start: Duration) -> Duration {
                cpu_time($clock).saturating_sub(start)
            }

            fn add(&self, v1: &Duration, v2: &Duration) -> Duration {
                *v1 + *v2
            }

            fn zero(&self) -> Duration {
                Duration::ZERO
            }

            fn to_f64(&self, value: &Duration) -> f64 {
                value.as_nanos() as f64
            }

            fn formatter(&self) -> &dyn ValueFormatter {
                DURATION_FORMAT.formatter()
            }
        }
    };
}

cpu_time_measurement!(CpuTime, ClockId::ThreadCPUTime);
cpu_time_measurement!(ProcessCpuTime, ClockId::ProcessCPUTime);

/// CPU time `clock` (the calling thread's, or the process's) has counted so far.
fn cpu_time(clock: ClockId) -> Duration {
    let now = clock_gettime(clock);
    let seconds = u64::try_from(now.tv_sec).unwrap_or(0);
    let nanos = u32::try_from(now.tv_nsec).unwrap_or(0);
    Duration::new(seconds, nanos)
}

/// [`config`] measuring thread CPU time; see [`CpuTime`].
pub fn cpu_config() -> Criterion<CpuTime> {
    config().with_measurement(CpuTime)
}

/// The sleep workload on our runtime: one task per deadline, all joined.
pub async fn ours_sleep_all(deadlines: Rc<Vec<u64>>) -> usize {
    let handles: Vec<_> = deadlines
        .iter()
        .map(|&ms| reactor_engine::spawn(reactor_engine::sleep(Duration::from_millis(ms))))
        .collect();
    let count = handles.len();
    for handle in handles {
        handle.await.expect("a bench task does not panic");
    }
    count
}

/// The same workload on Tokio.
pub async fn tokio_sleep_all(deadlines: Rc<Vec<u64>>) -> usize {
    let handles: Vec<_> = deadlines
        .iter()
        .map(|&ms| tokio::spawn(tokio::time::sleep(Duration::from_millis(ms))))
        .collect();
    let count = handles.len();
    for handle in handles {
        handle.await.expect("a bench task does not panic");
    }
    count
}
