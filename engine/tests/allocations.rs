//! A task is one heap allocation, as in Tokio: counted, not assumed.
//!
//! The whole test binary runs on a counting allocator, and each workload
//! runs twice on one runtime: the first run grows what a runtime keeps
//! (its slabs, queues, the wheel's slots, spare wakers), the second is
//! counted. A spawned task must then cost one allocation — its cell,
//! holding its state, join slot and future — and a task that sleeps no
//! more, its timer living in the wheel's storage. Tokio's current-thread
//! runtime runs the same workloads beside it, for the figure to stand by.
//!
//! One `#[test]` only: the counter sees every thread of the process.

use std::rc::Rc;
use std::time::Duration;

use reactor_engine::{Runtime, RuntimeOptions};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// Tasks per counted run.
const TASKS: usize = 2_000;

/// Allowed beyond one per task: `main`'s own cell and the `Vec` of handles
/// it collects (which grows by doubling).
const SLACK: usize = 32;

/// Heap allocations made while `run` runs.
fn allocations(run: impl FnOnce()) -> usize {
    let region = Region::new(GLOBAL);
    run();
    region.change().allocations
}

fn ours() -> Runtime {
    Runtime::new(RuntimeOptions {
        recording: false,
        max_records: None,
        ..RuntimeOptions::default()
    })
    .expect("a runtime")
}

async fn ours_spawn_all() {
    let handles: Vec<_> = (0..TASKS)
        .map(|n| reactor_engine::spawn(async move { n }))
        .collect();
    for handle in handles {
        handle.await.expect("no panic");
    }
}

async fn ours_sleep_all(deadlines: Rc<Vec<u64>>) {
    let handles: Vec<_> = deadlines
        .iter()
        .map(|&ms| reactor_engine::spawn(reactor_engine::sleep(Duration::from_millis(ms))))
        .collect();
    for handle in handles {
        handle.await.expect("no panic");
    }
}

async fn tokio_spawn_all() {
    let handles: Vec<_> = (0..TASKS).map(|n| tokio::spawn(async move { n })).collect();
    for handle in handles {
        handle.await.expect("no panic");
    }
}

async fn tokio_sleep_all(deadlines: Rc<Vec<u64>>) {
    let handles: Vec<_> = deadlines
        .iter()
        .map(|&ms| tokio::spawn(tokio::time::sleep(Duration::from_millis(ms))))
        .collect();
    for handle in handles {
        handle.await.expect("no panic");
    }
}

#[test]
fn a_task_is_one_allocation_sleeping_or_not() {
    // Deadlines spread over ten seconds, so timers cascade down the levels.
    let deadlines: Rc<Vec<u64>> =
        Rc::new((0..TASKS as u64).map(|n| 1 + n * 4_999 % 10_000).collect());

    let mut runtime = ours();
    let spawn_twice = [(); 2].map(|()| {
        allocations(|| {
            runtime.block_on(ours_spawn_all()).expect("main completes");
        })
    });
    let sleep_twice = [(); 2].map(|()| {
        let deadlines = Rc::clone(&deadlines);
        allocations(|| {
            runtime
                .block_on(ours_sleep_all(deadlines))
                .expect("main completes");
        })
    });

    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a Tokio runtime");
    let tokio_spawn = [(); 2].map(|()| allocations(|| tokio.block_on(tokio_spawn_all())))[1];
    let tokio_sleep = [(); 2].map(|()| {
        let deadlines = Rc::clone(&deadlines);
        allocations(|| tokio.block_on(tokio_sleep_all(deadlines)))
    })[1];

    eprintln!(
        "allocations for {TASKS} tasks, second run: spawn {} (Tokio {tokio_spawn}), \
         sleep {} (Tokio {tokio_sleep}); first run: spawn {}, sleep {}",
        spawn_twice[1], sleep_twice[1], spawn_twice[0], sleep_twice[0]
    );
    for (what, counted, tokio) in [
        ("spawn", spawn_twice[1], tokio_spawn),
        ("sleep", sleep_twice[1], tokio_sleep),
    ] {
        assert!(
            counted >= TASKS,
            "{what}: {counted} allocations, fewer than the tasks"
        );
        assert!(
            counted <= TASKS + SLACK,
            "{what}: {counted} allocations for {TASKS} tasks (Tokio: {tokio})"
        );
        assert!(counted <= tokio + SLACK, "{what}: {counted}, Tokio {tokio}");
    }
}
