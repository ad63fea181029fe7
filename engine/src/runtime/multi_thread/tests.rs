//! The pool's placement rules, without a runtime around them.

use reactor_protocol::{Event, Queue};

use super::interleave::Actor;
use super::queue::LOCAL_QUEUE_CAPACITY;
use super::*;

fn pool_on_worker_0() -> (Pool, Recorder) {
    let mut pool = Pool::new(2, 0);
    pool.acting = Some(Actor::Worker(0));
    (pool, Recorder::new(true, None))
}

fn events(recorder: &mut Recorder) -> Vec<Event> {
    recorder.take().into_iter().map(|r| r.event).collect()
}

#[test]
fn a_task_woken_on_a_worker_takes_the_lifo_slot_and_bumps_the_last_one() {
    let (mut pool, mut recorder) = pool_on_worker_0();
    pool.schedule(1, false, &mut recorder);
    pool.schedule(2, false, &mut recorder);
    let view = pool.view();
    assert_eq!(view.workers[0].lifo, Some(2));
    assert_eq!(view.workers[0].queue, vec![1]);
    assert_eq!(
        events(&mut recorder),
        [
            Event::Push {
                task: 1,
                queue: Queue::Lifo
            },
            Event::Push {
                task: 1,
                queue: Queue::Local
            },
            Event::Push {
                task: 2,
                queue: Queue::Lifo
            },
        ],
        "nobody sleeps, so nobody is notified"
    );
}

#[test]
fn a_full_local_queue_sends_half_and_the_new_task_to_the_inject_queue() {
    let (mut pool, mut recorder) = pool_on_worker_0();
    for task in 0..LOCAL_QUEUE_CAPACITY as u64 {
        pool.schedule(task, true, &mut recorder);
    }
    recorder.take();
    pool.schedule(999, true, &mut recorder);
    assert_eq!(
        events(&mut recorder),
        [
            Event::Overflow { count: 128 },
            Event::Push {
                task: 999,
                queue: Queue::Inject
            }
        ]
    );
    let view = pool.view();
    assert_eq!(view.inject.len(), 129);
    assert_eq!(view.inject.first(), Some(&0), "the oldest went first");
    assert_eq!(view.workers[0].queue.len(), 128);
}

#[test]
fn the_block_on_thread_pushes_to_the_inject_queue_and_wakes_the_last_sleeper() {
    let mut pool = Pool::new(2, 0);
    let mut recorder = Recorder::new(true, None);
    for w in 0..2 {
        pool.acting = Some(Actor::Worker(w));
        assert_eq!(pool.plan(w, false, &mut recorder), worker::Plan::Done);
    }
    assert_eq!(pool.driver_holder(), Some(0), "the first to park took it");
    recorder.take();
    pool.acting = Some(Actor::BlockOn);
    pool.schedule(5, false, &mut recorder);
    assert_eq!(
        events(&mut recorder),
        [
            Event::Push {
                task: 5,
                queue: Queue::Inject
            },
            Event::Notify { target: 1 }
        ]
    );
}
