//! The multi-thread pool's vocabulary: its queues, its workers' states and
//! what a snapshot shows of them.
//!
//! A multi-thread runtime runs its tasks on a pool of workers, as Tokio's
//! `multi_thread` scheduler does:
//!
//! ```text
//!   block_on thread ──spawn──▶ [ inject queue ] ◀── overflow (half a local queue)
//!                                    │ taken in batches, and every 61st tick
//!        ┌───────────────────────────┼───────────────────────────┐
//!        ▼                           ▼                           ▼
//!   worker 0                    worker 1                    worker 2 …
//!   LIFO slot  [t7]             LIFO slot  [ ]              LIFO slot  [ ]
//!   local queue [t3 t4 t5] ──steal half──▶ local queue [ ]  local queue …
//!   running / searching / parked (on the driver, or on a condition variable)
//! ```
//!
//! A task is only ever pushed to the acting worker's own LIFO slot or local
//! queue, or to the inject queue; so a [`Event::Push`]
//! names a [`Queue`] and the record's `worker` says whose.

use serde::{Deserialize, Serialize};

use crate::record::{Event, TaskId};

/// The `worker` of a record made on the thread that called `block_on`,
/// which is not one of the pool's workers (it polls the `main` future
/// only, and parks on its own).
pub const BLOCK_ON_THREAD: u32 = u32::MAX;

/// Where a task was pushed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    /// The acting worker's LIFO slot: polled next; the task that was there
    /// moves to the back of the local queue.
    Lifo,
    /// The back of the acting worker's local run queue.
    Local,
    /// The back of the pool's shared inject queue.
    Inject,
}

impl Queue {
    /// Every queue.
    pub const ALL: [Queue; 3] = [Queue::Lifo, Queue::Local, Queue::Inject];

    /// The name on the wire (`"lifo"`, `"local"`, `"inject"`).
    pub fn name(self) -> &'static str {
        match self {
            Queue::Lifo => "lifo",
            Queue::Local => "local",
            Queue::Inject => "inject",
        }
    }
}

/// What a worker is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerState {
    /// Polling tasks from its own queues.
    Running,
    /// Out of local work, looking in the inject queue and other workers'
    /// queues (Tokio lets at most half the workers search at once).
    Searching,
    /// Asleep: on the driver, waiting in the OS, if it holds the driver;
    /// otherwise on its condition variable until notified.
    Parked,
}

impl WorkerState {
    /// Every state.
    pub const ALL: [WorkerState; 3] = [
        WorkerState::Running,
        WorkerState::Searching,
        WorkerState::Parked,
    ];

    /// The name on the wire (`"running"`, `"searching"`, `"parked"`).
    pub fn name(self) -> &'static str {
        match self {
            WorkerState::Running => "running",
            WorkerState::Searching => "searching",
            WorkerState::Parked => "parked",
        }
    }
}

/// One worker of the pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerView {
    /// Its index, from 0.
    pub id: u32,
    /// What it is doing.
    pub state: WorkerState,
    /// It holds the runtime's one I/O driver and timer wheel.
    pub driver: bool,
    /// It was notified and will wake up (it is still parked).
    pub notified: bool,
    /// The task in its LIFO slot.
    pub lifo: Option<TaskId>,
    /// Its local run queue, front first.
    pub queue: Vec<TaskId>,
}

/// The pool of a multi-thread runtime (absent for current-thread).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolView {
    /// The workers, by index.
    pub workers: Vec<WorkerView>,
    /// The shared inject queue, front first.
    pub inject: Vec<TaskId>,
    /// The seed of the interleaving of the workers' steps (0: round-robin).
    pub seed: u64,
}

impl PoolView {
    /// The worker holding the driver, if one does.
    pub fn driver_holder(&self) -> Option<u32> {
        self.workers
            .iter()
            .find(|worker| worker.driver)
            .map(|worker| worker.id)
    }

    /// Take `task` out of whichever queue or slot holds it.
    pub fn remove(&mut self, task: TaskId) {
        self.inject.retain(|&queued| queued != task);
        for worker in &mut self.workers {
            worker.queue.retain(|&queued| queued != task);
            if worker.lifo == Some(task) {
                worker.lifo = None;
            }
        }
    }

    /// The worker with index `id`.
    pub fn worker_mut(&mut self, id: u32) -> Option<&mut WorkerView> {
        self.workers.iter_mut().find(|worker| worker.id == id)
    }
}

impl PoolView {
    /// Apply one record of the acting thread `worker` (part of
    /// [`crate::state_within`]): the pool's own records move tasks and
    /// change workers' states; a `poll` takes its task out of whichever
    /// queue held it and shows its worker running.
    pub fn apply(&mut self, worker: u32, event: &Event) {
        match event {
            Event::Poll { task } => {
                self.remove(*task);
                self.set_state(worker, WorkerState::Running);
            }
            Event::Push { task, queue } => {
                self.remove(*task);
                match (queue, self.worker_mut(worker)) {
                    (Queue::Lifo, Some(acting)) => acting.lifo = Some(*task),
                    (Queue::Local, Some(acting)) => acting.queue.push(*task),
                    _ => self.inject.push(*task),
                }
            }
            Event::InjectTaken { count } => {
                // The first is polled now; the rest wait in the local queue.
                let taken = take_front(&mut self.inject, *count);
                if let Some(acting) = self.worker_mut(worker) {
                    acting.queue.extend(taken.into_iter().skip(1));
                }
            }
            Event::Overflow { count } => {
                if let Some(acting) = self.worker_mut(worker) {
                    let moved = take_front(&mut acting.queue, *count);
                    self.inject.extend(moved);
                }
            }
            Event::Steal { from, count } => {
                let stolen = self
                    .worker_mut(*from)
                    .map(|victim| take_front(&mut victim.queue, *count))
                    .unwrap_or_default();
                if let Some(acting) = self.worker_mut(worker) {
                    acting.queue.extend(stolen);
                }
            }
            Event::Search => self.set_state(worker, WorkerState::Searching),
            Event::WorkerPark => self.set_state(worker, WorkerState::Parked),
            Event::WorkerUnpark => {
                self.set_state(worker, WorkerState::Running);
                if let Some(acting) = self.worker_mut(worker) {
                    acting.notified = false;
                }
            }
            Event::Notify { target } => {
                if let Some(woken) = self.worker_mut(*target) {
                    woken.notified = true;
                }
            }
            Event::DriverAcquired | Event::DriverReleased => {
                let holds = matches!(event, Event::DriverAcquired);
                if let Some(acting) = self.worker_mut(worker) {
                    acting.driver = holds;
                }
            }
            _ => {}
        }
    }

    fn set_state(&mut self, worker: u32, state: WorkerState) {
        if let Some(acting) = self.worker_mut(worker) {
            acting.state = state;
        }
    }
}

/// The first `count` tasks of `queue`, taken out.
fn take_front(queue: &mut Vec<TaskId>, count: u32) -> Vec<TaskId> {
    let count = (count as usize).min(queue.len());
    queue.drain(..count).collect()
}
