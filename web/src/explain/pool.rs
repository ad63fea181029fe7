//! The sentences of a multi-thread pool's own records: tasks moving
//! between queues, workers sleeping and waking, the driver changing hands.

use reactor_protocol::{BLOCK_ON_THREAD, Event, Queue, Record, TaskState, WakeCause};

use super::moment::Moment;
use super::words::{count, task_label, wake_cause};

/// The thread that acted, as a sentence names it.
pub fn thread(worker: u32) -> String {
    if worker == BLOCK_ON_THREAD {
        "the block_on thread".to_string()
    } else {
        format!("worker {worker}")
    }
}

/// The sentence of a pool record; `None` for any other kind.
pub(super) fn explain(record: &Record, at: &Moment) -> Option<String> {
    let who = thread(record.worker);
    let task = |id| task_label(id, at.tasks());
    Some(match &record.event {
        Event::Push { task: id, queue } => match queue {
            Queue::Lifo => format!(
                "Task {} goes into {who}'s LIFO slot: unless another task takes the slot first, it is the next task {who} polls. Tokio puts a task woken or spawned by a worker there, so it runs right after the task that woke it, while its data is still in the cache.",
                task(*id)
            ),
            Queue::Local => format!(
                "Task {} is pushed onto the back of {who}'s local run queue.",
                task(*id)
            ),
            Queue::Inject => format!(
                "Task {} is pushed onto the back of the shared inject queue, where any worker can take it.",
                task(*id)
            ),
        },
        Event::InjectTaken { count: 1 } => format!(
            "{} takes the task at the front of the inject queue, to poll it now. A worker looks there when its own queues are empty, and first every 61st time it picks a task, so tasks sent there are never starved by local work.",
            capital(&who)
        ),
        Event::InjectTaken { count: n } => format!(
            "{} finds its own queues empty and takes {} from the front of the inject queue (a share, not all: other workers may need some). It polls the first now; the others wait in its local queue.",
            capital(&who),
            count(*n as usize, "task")
        ),
        Event::Overflow { count: n } => format!(
            "{}'s local queue is full (256 tasks), so its {} oldest move to the inject queue, where any worker can take them.",
            capital(&who),
            n
        ),
        Event::Steal { from, count: n } => format!(
            "{} has no work of its own, so it steals {} — the older half of worker {from}'s local queue — and polls the first.",
            capital(&who),
            count(*n as usize, "task")
        ),
        Event::Search => format!(
            "{} has run out of tasks and starts searching: the inject queue, then the other workers' queues.",
            capital(&who)
        ),
        Event::WorkerPark => format!(
            "{} finds no work anywhere and goes to sleep.",
            capital(&who)
        ),
        Event::WorkerUnpark => format!("{} wakes up and runs again.", capital(&who)),
        Event::Notify { target } => format!(
            "{} notifies worker {target}: there is work it can steal or take.",
            capital(&who)
        ),
        Event::DriverAcquired => format!(
            "{} takes the runtime's one I/O driver and timer wheel: it will wait on them in the OS while it sleeps. No other worker can hold them now.",
            capital(&who)
        ),
        Event::DriverReleased => format!(
            "{} lets go of the driver: the next worker to park with nothing to do will take it.",
            capital(&who)
        ),
        _ => return None,
    })
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A multi-thread run's `spawn`, `poll` and `wake`, which name its threads
/// and queues; `None` for any other record, or outside a pool.
pub(super) fn explain_pooled(record: &Record, at: &Moment) -> Option<String> {
    at.state?.pool.as_ref()?;
    let who = thread(record.worker);
    let task = |id| task_label(id, at.tasks());
    let from_a_worker = record.worker != BLOCK_ON_THREAD;
    Some(match &record.event {
        Event::Spawn { task: id, .. } if !at.is_main(*id) => {
            let goes = if from_a_worker {
                format!(
                    "into {who}'s LIFO slot next (the back of its local queue instead, if the slot has served 3 polls in a row)"
                )
            } else {
                "onto the back of the inject queue next, since the block_on thread is not a worker"
                    .to_string()
            };
            format!("spawn creates task {}: it goes {goes}.", task(*id))
        }
        Event::Poll { task: id } if at.is_main(*id) => format!(
            "The block_on thread polls {}, the block_on future, because its waker fired. It is never in a worker's queue: the thread that called block_on polls it itself, and its spawns go to the inject queue.",
            task(*id)
        ),
        Event::Poll { task: id } => format!(
            "{} polls task {}. A task belongs to no worker: whichever worker takes it polls it, and its waker will send it to the queues of whoever wakes it.",
            capital(&who),
            task(*id)
        ),
        Event::Wake { task: id, cause } if *cause != WakeCause::BlockOn => {
            let cause = wake_cause(*cause, &task(*id));
            let state = at.task(*id).map(|t| t.state);
            let then = if at.is_main(*id) {
                " It is the block_on future, never on the run queue or in any worker's queue: the block_on thread is unparked to poll it.".to_string()
            } else {
                match state {
                    Some(TaskState::Scheduled) if queued(at, *id) => {
                        " It is already in a queue: nothing more to do.".to_string()
                    }
                    Some(TaskState::Scheduled) if from_a_worker => format!(
                        " It is pushed next into {who}'s own queues: a waker schedules its task on the worker that fires it, wherever the task ran before."
                    ),
                    Some(TaskState::Scheduled) => " It is pushed next onto the inject queue: the thread that woke it is not a worker.".to_string(),
                    Some(TaskState::Running) => " It is being polled right now: when this poll returns Pending it goes to the back of its worker's local queue.".to_string(),
                    Some(TaskState::Complete) => " It has already completed: nothing happens.".to_string(),
                    Some(TaskState::Idle) | None => String::new(),
                }
            };
            format!("{cause}{then}")
        }
        _ => return None,
    })
}

/// Whether `task` sits in any of the pool's queues or slots.
fn queued(at: &Moment, task: u64) -> bool {
    at.state
        .and_then(|state| state.pool.as_ref())
        .is_some_and(|pool| {
            pool.inject.contains(&task)
                || pool
                    .workers
                    .iter()
                    .any(|w| w.lifo == Some(task) || w.queue.contains(&task))
        })
}
