//! The multi-thread flavour: a pool of workers that share the runtime's one
//! I/O driver and timer wheel, in the shape of Tokio's `multi_thread`
//! scheduler (`runtime/scheduler/multi_thread/`).
//!
//! ```text
//!   block_on thread: polls main; its spawns ──▶ [ inject queue ] ──notify──▶ a sleeper
//!
//!   worker w, one action per step (Tokio's `Context::run`):
//!     1. the LIFO slot again, if the last poll filled it (≤ 3 in a row)
//!     2. tick += 1 (every 61st, a free driver gets a zero-timeout turn);
//!        next task: every 61st tick the inject queue first; else LIFO
//!        slot, local queue, then a batch from the inject queue
//!     3. none: search (at most half the workers at once) and steal the
//!        older half of another worker's local queue; else the inject queue
//!     4. none: with yields deferred, `park_yield` (a free driver's
//!        zero-timeout turn, then those wakes); else park. The first to park
//!        while the driver is free takes it and waits in the OS (epoll)
//!        when nobody else can act; the others sleep on a condition
//!        variable until notified.
//!
//!   a task woken or spawned on worker w goes into w's LIFO slot (the one
//!   there moves to the back of w's local queue, overflowing half of a full
//!   queue to the inject queue); from any other thread, into the inject queue
//! ```
//!
//! The workers are **logical threads**: [`step`] lets one of them act, in
//! the order of a [`interleave::Interleaving`], so a run can be stepped and
//! replays exactly. Their futures run for real, and the driver really waits
//! in epoll; what is not real is parallelism: two polls never overlap in
//! time, and a worker's OS wait happens only when no other thread can act.
//!
//! A worker that yielded tasks (`yield_now`) and has nothing else to do,
//! and every worker every 61st tick, does Tokio's `park_yield` instead of
//! parking: a zero-timeout turn of the driver if nobody holds it, then the
//! wakes it deferred. Where the lab simplifies Tokio: the LIFO chain's polls
//! each get their own cooperative budget (Tokio shares one), and the
//! global-queue interval is fixed at 61, where Tokio tunes it from measured
//! poll times (its starting value is 61).

mod idle;
mod interleave;
mod queue;
mod step;
mod worker;

use std::collections::VecDeque;

use reactor_protocol::{Event, PoolView, Queue, TaskId};

use crate::trace::{Recorder, located};
use idle::Idle;
use interleave::Interleaving;
use worker::Worker;

pub(crate) use interleave::Actor;
pub(crate) use step::step;

/// Workers a pool may have: enough to show stealing, few enough to draw.
pub(crate) const WORKERS: std::ops::RangeInclusive<u32> = 2..=8;

/// Polls in a row a worker may take from its LIFO slot before the slot is
/// disabled until the chain ends: Tokio's `MAX_LIFO_POLLS_PER_TICK`
/// (`runtime/scheduler/multi_thread/worker.rs`), against two tasks waking
/// each other for ever and starving the rest.
pub(crate) const MAX_LIFO_POLLS_PER_TICK: u32 = 3;

/// Every this many ticks a busy worker gives the driver a zero-timeout
/// turn, if nobody holds it: Tokio's `event_interval`, 61 for both
/// flavours (`EVENT_INTERVAL` in `tokio/src/runtime/builder.rs`).
pub(crate) const EVENT_INTERVAL: u32 = reactor_protocol::POLL_BUDGET;

/// Every this many ticks a worker looks in the inject queue before its
/// own: the value Tokio's multi-thread scheduler starts from
/// (`TARGET_TASKS_POLLED_PER_GLOBAL_QUEUE_INTERVAL` in
/// `runtime/scheduler/multi_thread/stats.rs`; Tokio then tunes it).
pub(crate) const GLOBAL_QUEUE_INTERVAL: u32 = 61;

/// A multi-thread runtime's workers, inject queue and driver owner.
#[derive(Debug)]
pub(crate) struct Pool {
    workers: Vec<Worker>,
    inject: VecDeque<TaskId>,
    idle: Idle,
    /// The worker holding the runtime's one driver and timer wheel.
    driver: Option<u32>,
    order: Interleaving,
    /// The thread acting in the current step: where its wakes and spawns go.
    acting: Option<Actor>,
}

impl Pool {
    /// A pool of `workers` (clamped to [`WORKERS`]) stepped in the order of `seed`.
    pub(crate) fn new(workers: u32, seed: u64) -> Pool {
        let workers = workers.clamp(*WORKERS.start(), *WORKERS.end());
        Pool {
            workers: (0..workers).map(Worker::new).collect(),
            inject: VecDeque::new(),
            idle: Idle::new(workers as usize),
            driver: None,
            order: Interleaving::new(seed),
            acting: None,
        }
    }

    /// Place a task that was just spawned or woken (Tokio's
    /// `Handle::schedule_task`): on a worker, into its own queues; from any
    /// other thread, into the inject queue, waking a sleeper. `is_yield`: it
    /// was woken during its own poll, so it goes to the back.
    pub(crate) fn schedule(&mut self, task: TaskId, is_yield: bool, recorder: &mut Recorder) {
        match self.acting {
            Some(Actor::Worker(w)) => self.schedule_local(w, task, is_yield, recorder),
            _ => {
                let (_, at) = located(self.push_inject(task));
                let queue = Queue::Inject;
                recorder.record_at(Event::Push { task, queue }, at);
                self.notify(recorder);
            }
        }
    }

    /// Tokio's `schedule_local`: the LIFO slot unless yielding (or the
    /// slot is disabled); a worker wakes a sleeper when a task waits behind
    /// the one it will poll next, unless it is running the driver (then the
    /// notification waits until its park is over).
    fn schedule_local(&mut self, w: u32, task: TaskId, is_yield: bool, recorder: &mut Recorder) {
        let worker = &mut self.workers[w as usize];
        let should_notify = if is_yield || !worker.lifo_enabled {
            self.push_back_or_overflow(w, task, recorder);
            true
        } else {
            let previous = worker.lifo.take();
            if let Some(previous) = previous {
                self.push_back_or_overflow(w, previous, recorder);
            }
            let (_, at) = located(self.workers[w as usize].lifo.replace(task));
            let queue = Queue::Lifo;
            recorder.record_at(Event::Push { task, queue }, at);
            previous.is_some()
        };
        if should_notify && !self.workers[w as usize].dispatching {
            self.notify(recorder);
        }
    }

    /// The back of `w`'s local queue; a full queue first sends its older
    /// half and then `task` to the inject queue (Tokio's `push_overflow`).
    fn push_back_or_overflow(&mut self, w: u32, task: TaskId, recorder: &mut Recorder) {
        let queue = &mut self.workers[w as usize].queue;
        if !queue.is_full() {
            let (_, at) = located(queue.push_back(task));
            let queue = Queue::Local;
            recorder.record_at(Event::Push { task, queue }, at);
            return;
        }
        let (moved, at) = located(queue.take_overflow());
        let count = moved.len() as u32;
        recorder.record_at(Event::Overflow { count }, at);
        self.inject.extend(moved);
        let (_, at) = located(self.push_inject(task));
        let queue = Queue::Inject;
        recorder.record_at(Event::Push { task, queue }, at);
    }

    /// Add `task` at the back of the inject queue; returns how many wait now.
    fn push_inject(&mut self, task: TaskId) -> usize {
        self.inject.push_back(task);
        self.inject.len()
    }

    /// Wake a sleeping worker, if one should be woken (Tokio's
    /// `notify_parked_local` / `notify_parked_remote`).
    fn notify(&mut self, recorder: &mut Recorder) {
        let (chosen, at) = located(self.idle.worker_to_notify());
        if let Some(target) = chosen {
            self.workers[target as usize].notified = true;
            recorder.record_at(Event::Notify { target }, at);
        }
    }

    /// The worker holding the driver, if any.
    pub(crate) fn driver_holder(&self) -> Option<u32> {
        self.driver
    }

    /// The thread acting in the current step, if one is.
    pub(crate) fn acting(&self) -> Option<Actor> {
        self.acting
    }

    /// What the snapshot shows.
    pub(crate) fn view(&self) -> PoolView {
        PoolView {
            workers: self
                .workers
                .iter()
                .map(|worker| worker.view(self.driver == Some(worker.id)))
                .collect(),
            inject: self.inject.iter().copied().collect(),
            seed: self.order.seed(),
        }
    }

    /// Whether `w` has a task of its own to poll.
    fn has_tasks(&self, w: u32) -> bool {
        let worker = &self.workers[w as usize];
        worker.lifo.is_some() || !worker.queue.is_empty()
    }

    /// Which workers can act now, by index.
    fn workers_ready(&self) -> Vec<bool> {
        self.workers.iter().map(Worker::is_ready).collect()
    }

    /// The driver holder's OS wait is over: it dispatches what came back.
    fn start_dispatch(&mut self, w: u32) {
        self.workers[w as usize].dispatching = true;
    }
}

#[cfg(test)]
mod tests;
