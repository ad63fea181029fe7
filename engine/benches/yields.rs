//! One million `yield_now`s: ours vs Tokio's current-thread runtime.
//!
//! Two shapes, each 1,000,000 yields in all:
//!
//! ```text
//!   one_task   1 task  × 1,000,000 yields   the task is alone in the queue
//!   ten_tasks  10 tasks ×  100,000 yields   each yield lets the other nine run
//! ```
//!
//! A yield is a wake of the task's own waker, a `Pending`, a trip to the
//! back of the run queue and a poll. Tokio defers a yielded task's wake until
//! its next (zero-timeout) park in the I/O driver, so both runtimes also
//! make regular `epoll_wait` calls here.
//!
//! `cargo bench -p reactor-engine --bench yields`

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Yields per iteration in all (a speed goal in docs/benchmarks.md: "1M yields").
const TOTAL_YIELDS: u64 = 1_000_000;

/// The shapes: a name and the number of tasks sharing the yields.
const SHAPES: [(&str, u64); 2] = [("one_task", 1), ("ten_tasks", 10)];

async fn ours_yields(tasks: u64) -> u64 {
    let per_task = TOTAL_YIELDS / tasks;
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            reactor_engine::spawn(async move {
                for _ in 0..per_task {
                    reactor_engine::yield_now().await;
                }
                per_task
            })
        })
        .collect();
    let mut done = 0;
    for handle in handles {
        done += handle.await.expect("a bench task does not panic");
    }
    done
}

async fn tokio_yields(tasks: u64) -> u64 {
    let per_task = TOTAL_YIELDS / tasks;
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            tokio::spawn(async move {
                for _ in 0..per_task {
                    tokio::task::yield_now().await;
                }
                per_task
            })
        })
        .collect();
    let mut done = 0;
    for handle in handles {
        done += handle.await.expect("a bench task does not panic");
    }
    done
}

fn yields_1m(c: &mut Criterion) {
    let mut group = c.benchmark_group("yield_1m");
    group.sampling_mode(common::SAMPLING);
    group.throughput(Throughput::Elements(TOTAL_YIELDS));

    let mut ours = common::ours(false);
    let tokio = common::tokio_current_thread();
    for (shape, tasks) in SHAPES {
        group.bench_function(format!("ours/{shape}"), |b| {
            b.iter(|| {
                let done = ours.block_on(ours_yields(tasks)).expect("main completes");
                assert_eq!(done, TOTAL_YIELDS);
            })
        });
        group.bench_function(format!("tokio/{shape}"), |b| {
            b.iter(|| assert_eq!(tokio.block_on(tokio_yields(tasks)), TOTAL_YIELDS))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = yields_1m
}
criterion_main!(benches);
