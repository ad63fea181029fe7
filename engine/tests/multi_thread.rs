//! The multi-thread flavour: work stealing, the LIFO slot, one driver held
//! by one worker at a time, and interleavings that replay exactly.

use reactor_engine::{LabRun, LabRunOptions};
use reactor_protocol::{
    BLOCK_ON_THREAD, Event, PoolView, Queue, Record, Snapshot, TaskState, WakeCause,
};

/// Steps a scenario may take before the test calls it stuck.
const MAX_STEPS: usize = 10_000;

/// Every step of `id` with `seed`: its records and the snapshot after it.
fn steps(id: &str, seed: u64) -> Vec<(Vec<Record>, Snapshot)> {
    let options = LabRunOptions {
        seed,
        ..LabRunOptions::default()
    };
    let mut run = LabRun::load(id, options).expect("scenario loads");
    let mut steps = vec![(Vec::new(), run.snapshot())];
    while !run.is_done() {
        assert!(steps.len() < MAX_STEPS, "{id} did not finish");
        let records = run.step();
        steps.push((records, run.snapshot()));
    }
    steps
}

fn records(id: &str, seed: u64) -> Vec<Record> {
    let options = LabRunOptions {
        seed,
        ..LabRunOptions::default()
    };
    LabRun::load(id, options).expect("scenario loads").run()
}

fn pool(snapshot: &Snapshot) -> &PoolView {
    snapshot
        .pool
        .as_ref()
        .expect("a multi-thread run has a pool")
}

/// Every task of the finished run completed, and the run printed `line`.
fn all_completed(steps: &[(Vec<Record>, Snapshot)]) {
    let (_, last) = steps.last().expect("a step");
    assert!(last.done);
    assert!(
        last.tasks.iter().all(|t| t.state == TaskState::Complete),
        "{:?}",
        last.tasks
    );
    let errors: Vec<&Record> = steps
        .iter()
        .flat_map(|(records, _)| records)
        .filter(|r| matches!(r.event, Event::Error { .. } | Event::Diagnostic(_)))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn work_stealing_steals_half_a_queue_uses_the_lifo_slot_and_completes_every_task() {
    let steps = steps("work_stealing", 0);
    all_completed(&steps);
    let mut steals = 0;
    for pair in steps.windows(2) {
        let (before, (records, _)) = (&pair[0].1, &pair[1]);
        for record in records {
            if let Event::Steal { from, count } = record.event {
                let victim = &pool(before).workers[from as usize];
                let had = victim.queue.len() as u32;
                assert_eq!(count, had - had / 2, "the older half, rounded up");
                assert_ne!(from, record.worker, "a worker never robs itself");
                steals += 1;
            }
        }
    }
    assert!(steals >= 1, "no steal");
    // The LIFO slot: a task pushed there is the next its worker polls.
    let all: Vec<&Record> = steps.iter().flat_map(|(records, _)| records).collect();
    let lifo_polled = all.iter().enumerate().any(|(i, record)| {
        let Event::Push {
            task,
            queue: Queue::Lifo,
        } = record.event
        else {
            return false;
        };
        all[i + 1..]
            .iter()
            .find(|later| later.worker == record.worker && later.event.kind_name() == "poll")
            .is_some_and(|next| next.event == Event::Poll { task })
    });
    assert!(lifo_polled, "no task went through a LIFO slot");
}

#[test]
fn the_same_seed_gives_the_same_records_a_thousand_times() {
    let first = records("work_stealing", 0);
    for _ in 0..999 {
        assert_eq!(records("work_stealing", 0), first);
    }
}

#[test]
fn another_seed_is_another_valid_interleaving() {
    let round_robin = records("work_stealing", 0);
    let other_seeds: Vec<u64> = (1..=20)
        .filter(|&seed| records("work_stealing", seed) != round_robin)
        .collect();
    assert!(
        !other_seeds.is_empty(),
        "every seed gave round-robin's order"
    );
    for seed in other_seeds.into_iter().take(5) {
        let steps = steps("work_stealing", seed);
        all_completed(&steps);
        let (_, last) = steps.last().expect("a step");
        assert!(
            last.console
                .iter()
                .any(|line| line == "16 parts add up to 1240")
        );
    }
}

/// In every state of every run: a task sits in at most one queue or slot,
/// only a scheduled task sits in one, and at most one worker holds the
/// driver, which it took with `driver_acquired` and gave back with
/// `driver_released`.
#[test]
fn queues_hold_each_task_once_and_one_worker_at_most_holds_the_driver() {
    for id in [
        "multi_thread_spawn",
        "work_stealing",
        "multi_thread_tcp_read",
    ] {
        for seed in [0, 1, 2, 3] {
            let mut holder: Option<u32> = None;
            for (records, after) in steps(id, seed) {
                for record in &records {
                    match record.event {
                        Event::DriverAcquired => {
                            assert_eq!(holder, None, "{id}/{seed}: taken while held");
                            holder = Some(record.worker);
                        }
                        Event::DriverReleased => {
                            assert_eq!(holder, Some(record.worker), "{id}/{seed}");
                            holder = None;
                        }
                        _ => {}
                    }
                }
                let pool = pool(&after);
                assert_eq!(pool.driver_holder(), holder, "{id}/{seed}");
                let holders = pool.workers.iter().filter(|w| w.driver).count();
                assert!(
                    holders <= 1,
                    "{id}/{seed}: {holders} workers hold the driver"
                );
                let mut queued: Vec<u64> = pool.inject.clone();
                for worker in &pool.workers {
                    queued.extend(&worker.queue);
                    queued.extend(worker.lifo);
                }
                let mut unique = queued.clone();
                unique.sort_unstable();
                unique.dedup();
                assert_eq!(unique.len(), queued.len(), "{id}/{seed}: {queued:?}");
                for task in queued {
                    let view = after.tasks.iter().find(|t| t.id == task).expect("a task");
                    assert_eq!(view.state, TaskState::Scheduled, "{id}/{seed}: #{task}");
                }
            }
        }
    }
}

#[test]
fn the_woken_reader_runs_on_a_worker_other_than_the_parker() {
    let all = records("multi_thread_tcp_read", 0);
    let parker = all
        .iter()
        .rev()
        .find(|r| matches!(r.event, Event::OsEvent { readable: true, .. }))
        .map(|r| r.worker)
        .expect("a readable event");
    let woken: Vec<u64> = all
        .iter()
        .filter_map(|r| match r.event {
            Event::Wake {
                task,
                cause: WakeCause::Io,
            } if r.worker == parker && task != 0 => Some(task),
            _ => None,
        })
        .collect();
    assert_eq!(woken.len(), 2, "both handlers are woken by one wait");
    let elsewhere = woken.iter().any(|&task| {
        all.iter()
            .rev()
            .find(|r| r.event == Event::Poll { task })
            .is_some_and(|last_poll| last_poll.worker != parker)
    });
    assert!(elsewhere, "no woken handler ran on the other worker");
    let stolen = all
        .iter()
        .any(|r| matches!(r.event, Event::Steal { from, .. } if from == parker));
    assert!(stolen, "it got there by stealing from the parker");
    let outputs = all
        .iter()
        .filter(|r| matches!(&r.event, Event::Output { text, .. } if text == "Read 14 bytes"))
        .count();
    assert_eq!(outputs, 2);
}

#[test]
fn main_runs_on_the_block_on_thread_and_its_spawns_go_through_the_inject_queue() {
    let all = records("multi_thread_spawn", 0);
    for record in &all {
        if record.event == (Event::Poll { task: 0 }) {
            assert_eq!(record.worker, BLOCK_ON_THREAD);
        }
        if let Event::Push { queue, .. } = record.event
            && record.worker == BLOCK_ON_THREAD
        {
            assert_eq!(queue, Queue::Inject);
        }
    }
    let spawned = all
        .iter()
        .filter(|r| r.worker == BLOCK_ON_THREAD && r.event.kind_name() == "spawn")
        .count();
    assert_eq!(spawned, 4);
    let workers_polling: std::collections::BTreeSet<u32> = all
        .iter()
        .filter(|r| r.event.kind_name() == "poll" && r.worker != BLOCK_ON_THREAD)
        .map(|r| r.worker)
        .collect();
    assert!(workers_polling.len() >= 2, "{workers_polling:?}");
}

/// The public API on a pool: spawn, yield, sleep, a panic, and every
/// output back, whatever the interleaving.
#[test]
fn block_on_a_pool_runs_yields_sleeps_and_panics_to_the_end() {
    use reactor_engine::{Flavor, Runtime, RuntimeOptions, sleep, spawn, yield_now};
    use std::time::Duration;
    for workers in [2, 3, 8] {
        for seed in [0, 5] {
            let options = RuntimeOptions {
                flavor: Flavor::MultiThread { workers, seed },
                ..RuntimeOptions::default()
            };
            let mut runtime = Runtime::new(options).expect("a runtime");
            let total = runtime.block_on(async {
                let handles: Vec<_> = (0..20u64)
                    .map(|n| {
                        spawn(async move {
                            for _ in 0..3 {
                                yield_now().await;
                            }
                            sleep(Duration::from_millis(n % 4)).await;
                            n
                        })
                    })
                    .collect();
                let failing = spawn(async { panic!("on purpose") });
                let mut total = 0;
                for handle in handles {
                    total += handle.await.expect("no panic");
                }
                (total, failing.await.is_err())
            });
            assert_eq!(total, Ok((190, true)), "{workers} workers, seed {seed}");
            let snapshot = runtime.snapshot();
            let pool = snapshot.pool.expect("a pool");
            assert_eq!(pool.workers.len(), workers as usize);
        }
    }
}

/// Tokio's `park_yield`: a worker whose tasks yielded and that has nothing
/// else to do looks at the OS only if it can take the driver; while another
/// worker holds it, it just fires its own deferred wakes, with no OS wait.
#[test]
fn a_yield_fires_without_an_os_wait_while_another_worker_holds_the_driver() {
    use reactor_engine::{Flavor, Runtime, RuntimeOptions, spawn, yield_now};
    let options = RuntimeOptions {
        flavor: Flavor::MultiThread {
            workers: 2,
            seed: 0,
        },
        ..RuntimeOptions::default()
    };
    let mut runtime = Runtime::new(options).expect("a runtime");
    let done = runtime.block_on(async {
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                spawn(async {
                    for _ in 0..50 {
                        yield_now().await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("no panic");
        }
    });
    assert_eq!(done, Ok(()));
    let mut holder = None;
    let (mut yields, mut without_the_driver) = (0, 0);
    for record in runtime.take_records() {
        match record.event {
            Event::DriverAcquired => holder = Some(record.worker),
            Event::DriverReleased => holder = None,
            Event::Park { .. } => assert_eq!(holder, Some(record.worker)),
            Event::Wake {
                cause: WakeCause::Yield,
                ..
            } => {
                yields += 1;
                if holder.is_some_and(|h| h != record.worker) {
                    without_the_driver += 1;
                }
            }
            _ => {}
        }
    }
    assert_eq!(yields, 100);
    assert!(
        without_the_driver > 0,
        "every yield went through the driver"
    );
}
