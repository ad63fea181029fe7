//! What recording costs: our runtime with recording on vs off.
//!
//! The same three workloads run twice on our runtime, once keeping every
//! record (with no record limit) and once with recording switched off:
//!
//! ```text
//!   spawn_10k   10,000 tasks spawned, run and joined
//!   yield_100k  one task yielding 100,000 times
//!   sleep_10k   10,000 sleeps with random deadlines (virtual clock)
//! ```
//!
//! Every iteration runs on a fresh runtime and the "on" iterations also hand
//! out (`take_records`) and drop their records, so the figure is the whole
//! life of a record. The bench prints each workload's records per iteration
//! before measuring it, and then
//!
//! ```text
//!   cost per record = (median on − median off) / records per iteration   (goal: ≤ 100 ns)
//! ```
//!
//! A last group, `recording/floor`, needs no runtime: it builds records the
//! way the recorder does (the source file borrowed, no allocation) and drops them,
//! in a new `Vec` or in a reused one. That is the floor under any
//! per-record figure above.
//!
//! Times are the bench thread's CPU time (`common::CpuTime`): every
//! workload here runs on that one thread, and on a loaded machine wall time
//! would mostly measure the wait for a core.
//!
//! `cargo bench -p reactor-engine --bench recording`

mod common;

use std::future::Future;
use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use common::CpuTime;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use reactor_engine::Runtime;
use reactor_protocol::{Event, Record, Source};

/// Tasks spawned by the spawn workload.
const TASKS: u64 = 10_000;

/// Yields of the yield workload.
const YIELDS: u64 = 100_000;

/// Sleeps of the sleep workload.
const SLEEPS: usize = 10_000;

/// Records built by the floor group: about as many as the yield workload makes.
const FLOOR_RECORDS: u64 = 400_000;

async fn spawn_all() {
    let handles: Vec<_> = (0..TASKS)
        .map(|number| reactor_engine::spawn(async move { black_box(number) }))
        .collect();
    for handle in handles {
        handle.await.expect("a bench task does not panic");
    }
}

async fn yield_many() {
    let task = reactor_engine::spawn(async {
        for _ in 0..YIELDS {
            reactor_engine::yield_now().await;
        }
    });
    task.await.expect("a bench task does not panic");
}

async fn sleep_all(deadlines: Rc<Vec<u64>>) {
    let handles: Vec<_> = deadlines
        .iter()
        .map(|&ms| reactor_engine::spawn(reactor_engine::sleep(Duration::from_millis(ms))))
        .collect();
    for handle in handles {
        handle.await.expect("a bench task does not panic");
    }
}

/// Run one workload to completion and drop the records it produced; returns how many.
fn run_once<F: Future<Output = ()> + 'static>(runtime: &mut Runtime, workload: F) -> usize {
    runtime.block_on(workload).expect("main completes");
    runtime.take_records().len()
}

/// Bench `workload` with recording off and on, in one group named `name`.
///
/// Each iteration gets a fresh runtime (built and dropped outside the
/// timing), as a lab session does: a recording runtime keeps finished tasks
/// for the picture, so reusing one would grow it from iteration to iteration.
fn on_vs_off<F, W>(c: &mut Criterion<CpuTime>, name: &str, workload: W)
where
    W: Fn() -> F,
    F: Future<Output = ()> + 'static,
{
    let records = run_once(&mut common::ours(true), workload());
    eprintln!("recording/{name}: {records} records per iteration");
    assert!(records > 0, "a recording runtime produces records");

    let mut group = c.benchmark_group(format!("recording/{name}"));
    group.sampling_mode(common::SAMPLING);
    for (label, recording) in [("off", false), ("on", true)] {
        group.bench_function(label, |b| {
            b.iter_batched(
                || common::ours(recording),
                |mut runtime| {
                    let kept = run_once(&mut runtime, workload());
                    assert_eq!(kept, if recording { records } else { 0 });
                    runtime
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn recording(c: &mut Criterion<CpuTime>) {
    on_vs_off(c, "spawn_10k", spawn_all);
    on_vs_off(c, "yield_100k", yield_many);
    let deadlines = Rc::new(common::random_deadlines(SLEEPS));
    on_vs_off(c, "sleep_10k", || sleep_all(Rc::clone(&deadlines)));
}

/// Build `FLOOR_RECORDS` records as `Recorder::push` does into `records`
/// (emptied first), then drop them.
fn build_and_drop_records(records: &mut Vec<Record>) -> usize {
    records.clear();
    for seq in 0..FLOOR_RECORDS {
        records.push(Record {
            seq,
            turn: seq / 64,
            worker: 0,
            time_ms: 0,
            event: Event::Poll { task: seq % 10 },
            source: Source {
                file: "engine/src/runtime/poll.rs".into(),
                line: 34,
            },
            span: None,
        });
    }
    black_box(&*records);
    let built = records.len();
    records.clear();
    built
}

/// Two floors: a new `Vec` per batch (it grows by doubling and its pages are
/// fresh, as in a recorder handing out one buffer per run), and one `Vec`
/// reused (its capacity stays, so only the records themselves cost).
fn record_floor(c: &mut Criterion<CpuTime>) {
    let mut group = c.benchmark_group("recording/floor");
    group.sampling_mode(common::SAMPLING);
    group.throughput(Throughput::Elements(FLOOR_RECORDS));
    group.bench_function("new_vec_400k", |b| {
        b.iter(|| {
            assert_eq!(
                build_and_drop_records(&mut Vec::new()) as u64,
                FLOOR_RECORDS
            )
        })
    });
    let mut reused = Vec::new();
    group.bench_function("reused_vec_400k", |b| {
        b.iter(|| assert_eq!(build_and_drop_records(&mut reused) as u64, FLOOR_RECORDS))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::cpu_config();
    targets = recording, record_floor
}
criterion_main!(benches);
