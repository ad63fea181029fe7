//! Cost per timer from 1,000 to 1,000,000 timers.
//!
//! The speed goals (docs/benchmarks.md) ask that at 1M timers one timer
//! costs no more than Tokio's, and that its cost grows no more than Tokio's
//! from 1k to 1M live timers. Three views, all with deadlines uniform in
//! 1..=10 000 ms from a fixed seed (so more timers means fuller slots, not
//! more levels):
//!
//! ```text
//!   runtime       N tasks each sleep once; main joins them    ours and Tokio (paused clock)
//!   wheel_fresh   a new Wheel: insert N timers, then poll     ours only: the bare data
//!                 until empty (every cascade and fire)        structure, no tasks, no OS
//!   wheel_reused  the same on one Wheel kept across iterations
//! ```
//!
//! The two wheel views differ in memory: a fresh wheel grows its slot
//! lists as it fills; a reused one keeps their capacity from its last drain
//! (the steady state of a long-running runtime) and starts from a later
//! time, so its levels split the timers a little differently. The wheel
//! keeps nothing per timer outside its slots (`time/wheel/entry.rs`), so
//! neither view jumps around memory to reach a timer.
//!
//! Criterion reports each size's throughput (timers per second); per-timer
//! cost is its inverse.
//!
//! Times are the bench thread's CPU time (`common::CpuTime`): every
//! workload here runs on that one thread, and on a loaded machine wall time
//! would mostly measure the wait for a core.
//!
//! `cargo bench -p reactor-engine --bench timer_scaling`

mod common;

use std::rc::Rc;

use common::CpuTime;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use reactor_engine::time::wheel::{Wheel, WheelEvent};

/// Live timers per iteration: 1k to 1M, a factor of ten apart.
const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// File every deadline (relative to the wheel's time), then drain the
/// wheel instant by instant into one reused event buffer, as the runtime
/// does; returns the fires.
fn fill_and_drain(wheel: &mut Wheel<usize>, deadlines: &[u64]) -> usize {
    let now = wheel.elapsed();
    for (number, &deadline) in deadlines.iter().enumerate() {
        // Every deadline is at least 1 ms ahead, so the wheel takes it.
        let filed = wheel.insert(now + deadline, number);
        assert!(filed.is_ok(), "a deadline ahead of the wheel is filed");
    }
    let mut fired = 0;
    let mut events = Vec::new();
    while !wheel.is_empty() {
        events.clear();
        wheel.poll_at_into(u64::MAX, &mut events);
        fired += events
            .iter()
            .filter(|event| matches!(event, WheelEvent::Fire { .. }))
            .count();
    }
    fired
}

fn runtime_timers(c: &mut Criterion<CpuTime>) {
    let mut group = c.benchmark_group("timers_runtime");
    group.sampling_mode(common::SAMPLING);
    let mut ours = common::ours(false);
    let tokio = common::tokio_paused();
    for size in SIZES {
        let deadlines = Rc::new(common::random_deadlines(size));
        group.throughput(Throughput::Elements(size as u64));
        group.bench_with_input(
            BenchmarkId::new("ours", size),
            &deadlines,
            |b, deadlines| {
                b.iter(|| {
                    let slept = ours.block_on(common::ours_sleep_all(Rc::clone(deadlines)));
                    assert_eq!(slept, Ok(size));
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("tokio", size),
            &deadlines,
            |b, deadlines| {
                b.iter(|| {
                    assert_eq!(
                        tokio.block_on(common::tokio_sleep_all(Rc::clone(deadlines))),
                        size
                    )
                })
            },
        );
    }
    group.finish();
}

fn wheel_timers(c: &mut Criterion<CpuTime>) {
    let mut group = c.benchmark_group("timers_wheel");
    group.sampling_mode(common::SAMPLING);
    for size in SIZES {
        let deadlines = common::random_deadlines(size);
        group.throughput(Throughput::Elements(size as u64));
        let id = BenchmarkId::new("ours_fresh", size);
        group.bench_with_input(id, &deadlines, |b, deadlines| {
            b.iter(|| assert_eq!(fill_and_drain(&mut Wheel::new(), deadlines), size))
        });
        let mut wheel = Wheel::new();
        let id = BenchmarkId::new("ours_reused", size);
        group.bench_with_input(id, &deadlines, |b, deadlines| {
            b.iter(|| assert_eq!(fill_and_drain(&mut wheel, deadlines), size))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::cpu_config();
    targets = wheel_timers, runtime_timers
}
criterion_main!(benches);
