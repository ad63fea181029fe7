//! The multi-thread flavour: ours with 2 logical workers vs Tokio's
//! `multi_thread` runtime with 2 worker threads.
//!
//! ```text
//!   ours   Runtime, Flavor::MultiThread { workers: 2, seed: 0 }, recording off:
//!          2 logical workers stepped one action at a time on the bench thread
//!   tokio  Builder::new_multi_thread().worker_threads(2).enable_all():
//!          2 OS threads running in parallel, the bench thread in block_on
//! ```
//!
//! Two workloads, each at two or three sizes (`*` is `wall` or `cpu`, then
//! `ours` or `tokio`):
//!
//! ```text
//!   mt_spawn/*/block_on/N   main spawns N tasks (inject queue), awaits each, sums
//!   mt_spawn/*/task/N       main spawns one task that spawns N (LIFO slot and
//!                           local queue, overflow, stealing) and awaits them
//!   mt_yield/*/TxK          main spawns T tasks that each yield_now K times
//! ```
//!
//! Each runtime is built once per group and reused by every iteration.
//! Two measurements of the same workloads:
//!
//! - `wall`: wall-clock time per iteration (criterion's default). Tokio's
//!   two workers can run at once on the 2-core machine; ours cannot.
//! - `cpu`: the **whole process's** CPU time per iteration
//!   (`CLOCK_PROCESS_CPUTIME_ID`), every thread counted: what each
//!   runtime spent in all to do the work, whatever ran in parallel.
//!
//! What these figures can and cannot say is in docs/benchmarks.md
//! ("Multi-thread flavour vs Tokio's `multi_thread`").
//!
//! `cargo bench -p reactor-engine --bench multi_thread`

mod common;

use std::hint::black_box;

use common::ProcessCpuTime;
use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reactor_engine::{Flavor, Runtime, RuntimeOptions};

/// Workers on both sides.
const WORKERS: u32 = 2;

/// Tasks spawned per iteration, by the spawn workload's two sizes.
const SPAWN_SIZES: [u64; 2] = [10_000, 100_000];

/// The yield workload's shapes: tasks, and yields per task (100,000 in all).
/// Two tasks, one per worker; twenty; and a thousand, more than a local
/// queue of 256 holds on each worker, so queues overflow into the inject queue.
const YIELD_SHAPES: [(u64, u64); 3] = [(2, 50_000), (20, 5_000), (1_000, 100)];

/// Where the spawns happen.
#[derive(Clone, Copy)]
enum Origin {
    /// In `main`, on the `block_on` thread: every task goes to the inject queue.
    BlockOn,
    /// In a task on a worker: into that worker's LIFO slot and local queue.
    Task,
}

impl Origin {
    fn name(self) -> &'static str {
        match self {
            Origin::BlockOn => "block_on",
            Origin::Task => "task",
        }
    }
}

/// Our runtime: 2 logical workers, round-robin, recording off, virtual clock.
fn ours() -> Runtime {
    Runtime::new(RuntimeOptions {
        recording: false,
        max_records: None,
        flavor: Flavor::MultiThread {
            workers: WORKERS,
            seed: 0,
        },
        ..RuntimeOptions::default()
    })
    .expect("the engine runtime starts")
}

/// Tokio's multi-thread runtime with 2 workers and its I/O and timer drivers.
fn tokio_multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS as usize)
        .enable_all()
        .build()
        .expect("the tokio runtime starts")
}

/// What the numbers 0..tasks add up to: checked, so the work cannot be skipped.
fn expected_sum(tasks: u64) -> u64 {
    tasks * (tasks - 1) / 2
}

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

async fn ours_spawn(origin: Origin, tasks: u64) -> u64 {
    match origin {
        Origin::BlockOn => ours_spawn_all(tasks).await,
        Origin::Task => reactor_engine::spawn(ours_spawn_all(tasks))
            .await
            .expect("the spawning task does not panic"),
    }
}

async fn tokio_spawn(origin: Origin, tasks: u64) -> u64 {
    match origin {
        Origin::BlockOn => tokio_spawn_all(tasks).await,
        Origin::Task => tokio::spawn(tokio_spawn_all(tasks))
            .await
            .expect("the spawning task does not panic"),
    }
}

async fn ours_yields(tasks: u64, per_task: u64) -> u64 {
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

async fn tokio_yields(tasks: u64, per_task: u64) -> u64 {
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

/// A short name for a count: 10k, 100k, 1m.
fn count_name(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}m", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

fn spawn_group<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let mut group = c.benchmark_group(name);
    group.sampling_mode(common::SAMPLING);
    let mut ours = ours();
    let tokio = tokio_multi_thread();
    for origin in [Origin::BlockOn, Origin::Task] {
        for tasks in SPAWN_SIZES {
            group.throughput(Throughput::Elements(tasks));
            let size = format!("{}/{}", origin.name(), count_name(tasks));
            group.bench_function(format!("ours/{size}"), |b| {
                b.iter(|| {
                    let sum = ours
                        .block_on(ours_spawn(origin, tasks))
                        .expect("main completes");
                    assert_eq!(sum, expected_sum(tasks));
                })
            });
            group.bench_function(format!("tokio/{size}"), |b| {
                b.iter(|| {
                    let sum = tokio.block_on(tokio_spawn(origin, tasks));
                    assert_eq!(sum, expected_sum(tasks));
                })
            });
        }
    }
    group.finish();
}

fn yield_group<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let mut group = c.benchmark_group(name);
    group.sampling_mode(common::SAMPLING);
    let mut ours = ours();
    let tokio = tokio_multi_thread();
    for (tasks, per_task) in YIELD_SHAPES {
        let total = tasks * per_task;
        group.throughput(Throughput::Elements(total));
        let shape = format!("{tasks}x{}", count_name(per_task));
        group.bench_function(format!("ours/{shape}"), |b| {
            b.iter(|| {
                let done = ours
                    .block_on(ours_yields(tasks, per_task))
                    .expect("main completes");
                assert_eq!(done, total);
            })
        });
        group.bench_function(format!("tokio/{shape}"), |b| {
            b.iter(|| assert_eq!(tokio.block_on(tokio_yields(tasks, per_task)), total))
        });
    }
    group.finish();
}

fn wall(c: &mut Criterion) {
    spawn_group(c, "mt_spawn/wall");
    yield_group(c, "mt_yield/wall");
}

fn cpu(c: &mut Criterion<ProcessCpuTime>) {
    spawn_group(c, "mt_spawn/cpu");
    yield_group(c, "mt_yield/cpu");
}

criterion_group! {
    name = wall_time;
    config = common::config();
    targets = wall
}
criterion_group! {
    name = process_cpu;
    config = common::config().with_measurement(ProcessCpuTime);
    targets = cpu
}
criterion_main!(wall_time, process_cpu);
