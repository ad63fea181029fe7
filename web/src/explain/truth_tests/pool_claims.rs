//! The claims of a multi-thread run's sentences, each checked against the
//! records and the states around it.

use reactor_protocol::{BLOCK_ON_THREAD, Event, Queue, Snapshot, WorkerState};

use super::truth::Truth;

/// The claims of `text`, the explanation of record `i`, that the records
/// or the pool's states (`before` and `after` it) contradict.
pub(super) fn contradictions(
    truth: &Truth,
    before: &Snapshot,
    after: &Snapshot,
    i: usize,
    text: &str,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let (Some(was), Some(now)) = (before.pool.as_ref(), after.pool.as_ref()) else {
        return wrong;
    };
    let record = &truth.records[i];
    let mut claim = |holds: bool, what: &str| {
        if !holds {
            wrong.push(what.to_string());
        }
    };
    // The acting thread's later records, and its next `push` of `task`.
    let later = || {
        truth.records[i + 1..]
            .iter()
            .filter(move |r| r.worker == record.worker)
    };
    let next_push_of = |task| {
        later().find_map(|r| match r.event {
            Event::Push { task: t, queue } if t == task => Some(queue),
            _ => None,
        })
    };
    match record.event {
        Event::Spawn { task, .. } if text.contains("inject queue next") => {
            claim(
                record.worker == BLOCK_ON_THREAD,
                "only block_on spawns to inject",
            );
            claim(
                next_push_of(task) == Some(Queue::Inject),
                "says the spawn goes to the inject queue",
            );
        }
        Event::Spawn { task, .. } if text.contains("LIFO slot next") => {
            claim(
                matches!(next_push_of(task), Some(Queue::Lifo | Queue::Local)),
                "says the spawn goes to the worker's own queues",
            );
        }
        Event::Push {
            task,
            queue: Queue::Lifo,
        } => {
            // Polled next by this worker, unless another task takes the slot first.
            let next = later().find(|r| {
                matches!(
                    r.event,
                    Event::Poll { .. }
                        | Event::Push {
                            queue: Queue::Lifo,
                            ..
                        }
                )
            });
            let polled_next = next.is_none_or(|r| match r.event {
                Event::Poll { task: t } => t == task,
                _ => true,
            });
            claim(polled_next, "the LIFO task is not the next polled");
        }
        Event::Steal { from, count } => {
            let had = was.workers[from as usize].queue.len() as u32;
            claim(count == had - had / 2, "not the older half of the queue");
            claim(
                text.contains(&format!("steals {count} task")),
                "counts the steal wrong",
            );
            claim(
                text.contains(&format!("worker {from}'s")),
                "names the wrong victim",
            );
        }
        Event::Notify { target } => {
            claim(
                was.workers[target as usize].state == WorkerState::Parked,
                "notifies a worker that is awake",
            );
        }
        Event::WorkerPark if text.contains("no work anywhere") => {
            let acting = &now.workers[record.worker as usize];
            claim(
                acting.lifo.is_none() && acting.queue.is_empty(),
                "parks with work of its own",
            );
        }
        Event::DriverAcquired => {
            claim(was.driver_holder().is_none(), "takes a driver that is held");
            claim(
                now.driver_holder() == Some(record.worker),
                "does not hold the driver it took",
            );
        }
        Event::Overflow { count } => {
            let had = was.workers[record.worker as usize].queue.len();
            claim(had == 256, "overflows a queue that is not full");
            claim(count == 128, "moves other than half");
        }
        _ => {}
    }
    wrong
}
