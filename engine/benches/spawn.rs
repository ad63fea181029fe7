//! Spawn and run 100,000 tasks: ours vs Tokio's current-thread runtime.
//!
//! ```text
//!   main ──spawn×100k──▶ run queue ──poll──▶ each task returns its number
//!   main ◀──await every JoinHandle, in spawn order── sums them
//! ```
//!
//! Measures the executor's bookkeeping: a task allocation, a run-queue push
//! and pop, one poll, completing the join slot and waking main.
//!
//! `cargo bench -p reactor-engine --bench spawn`

mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Tasks per iteration (a speed goal in docs/benchmarks.md: "spawn+run 100k tasks").
const TASKS: u64 = 100_000;

/// What the tasks' numbers add up to: checked, so the work cannot be skipped.
const EXPECTED_SUM: u64 = TASKS * (TASKS - 1) / 2;

async fn ours_spawn_all(tasks: u64) -> u64 {
    let handles: Vec<_> = (0..tasks)
        .map(|number| reactor_engine::spawn(async move { black_box(number) }))
        .collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.expect("a bench task does not panic");
    }
    sum
}

async fn tokio_spawn_all(tasks: u64) -> u64 {
    let handles: Vec<_> = (0..tasks)
        .map(|number| tokio::spawn(async move { black_box(number) }))
        .collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.expect("a bench task does not panic");
    }
    sum
}

fn spawn_100k(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_100k");
    group.sampling_mode(common::SAMPLING);
    group.throughput(Throughput::Elements(TASKS));

    let mut ours = common::ours(false);
    group.bench_function("ours", |b| {
        b.iter(|| {
            let sum = ours
                .block_on(ours_spawn_all(TASKS))
                .expect("main completes");
            assert_eq!(sum, EXPECTED_SUM);
        })
    });

    let tokio = common::tokio_current_thread();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            let sum = tokio.block_on(tokio_spawn_all(TASKS));
            assert_eq!(sum, EXPECTED_SUM);
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = spawn_100k
}
criterion_main!(benches);
