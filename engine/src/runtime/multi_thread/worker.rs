//! One worker, and what it decides in one step (Tokio's `Context::run`,
//! `Core::next_task`, `Core::steal_work`, `Context::park`).
//!
//! ```text
//!             poll a task                      nothing anywhere
//!   Running ◀──────────── Searching ───────────────────────────▶ Parked
//!      │  no local work      ▲  (steal, inject)                  │  │
//!      └─────────────────────┘                                    │  │
//!      ▲          notified: wakes up searching                    │  │
//!      └──────────────────────────────────────────────────────────┘  │
//!      ▲   holds the driver: its OS wait ends, it dispatches, and    │
//!      └── wakes up if it now has tasks or was notified ◀────────────┘
//! ```
//!
//! These functions move tasks between queues and record it; the polls, the
//! OS wait and the dispatch are the step's (`step.rs`).

use reactor_protocol::{Event, TaskId, WorkerState, WorkerView};

use super::queue::{LOCAL_QUEUE_CAPACITY, LocalQueue};
use super::{EVENT_INTERVAL, GLOBAL_QUEUE_INTERVAL, MAX_LIFO_POLLS_PER_TICK, Pool};
use crate::trace::{Recorder, located};

/// One worker's core: its queues and flags.
#[derive(Debug)]
pub(crate) struct Worker {
    pub(crate) id: u32,
    pub(crate) state: WorkerState,
    pub(crate) lifo: Option<TaskId>,
    /// Cleared after `MAX_LIFO_POLLS_PER_TICK` LIFO polls in a row, until
    /// the chain ends: tasks then go to the back of the local queue.
    pub(crate) lifo_enabled: bool,
    lifo_polls: u32,
    /// The last poll may be followed by its LIFO slot's task (Tokio's loop
    /// inside `run_task`).
    chain: bool,
    pub(crate) queue: LocalQueue,
    tick: u32,
    /// This tick's maintenance is done: the next step looks for a task.
    ticked: bool,
    searching: bool,
    /// Another thread woke it; it is still parked until its next step.
    pub(crate) notified: bool,
    /// It holds the driver, and its OS wait is over: it is dispatching
    /// the events, timers and deferred wakes the wait brought.
    pub(crate) dispatching: bool,
}

/// What a worker's step does beyond moving tasks between queues.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Poll this task.
    Poll(TaskId),
    /// Nothing more: it parked, or woke up.
    Done,
    /// It holds the driver and dispatches the next thing its wait brought.
    Dispatch,
    /// It holds the driver and was notified: its OS wait ends at once.
    WaitCutShort,
    /// Tokio's `park_yield`: a zero-timeout turn of the driver if it is
    /// free, then the wakes this worker deferred.
    ParkYield,
}

impl Worker {
    pub(super) fn new(id: u32) -> Worker {
        Worker {
            id,
            state: WorkerState::Running,
            lifo: None,
            lifo_enabled: true,
            lifo_polls: 0,
            chain: false,
            queue: LocalQueue::default(),
            tick: 0,
            ticked: false,
            searching: false,
            notified: false,
            dispatching: false,
        }
    }

    pub(super) fn view(&self, driver: bool) -> WorkerView {
        WorkerView {
            id: self.id,
            state: self.state,
            driver,
            notified: self.notified,
            lifo: self.lifo,
            queue: self.queue.view(),
        }
    }

    /// Whether it can act now: awake, or parked but with something to do.
    pub(super) fn is_ready(&self) -> bool {
        self.state != WorkerState::Parked || self.dispatching || self.notified
    }
}

impl Pool {
    /// Decide worker `w`'s step, moving tasks and recording it;
    /// `deferred`: it keeps wakes that `yield_now` put off.
    pub(super) fn plan(&mut self, w: u32, deferred: bool, recorder: &mut Recorder) -> Plan {
        let holds_driver = self.driver == Some(w);
        let driver_free = self.driver.is_none();
        let worker = &mut self.workers[w as usize];
        if holds_driver && worker.dispatching {
            return Plan::Dispatch;
        }
        if worker.state == WorkerState::Parked {
            if holds_driver {
                return Plan::WaitCutShort;
            }
            self.wake_from_condvar(w, recorder);
            return Plan::Done;
        }
        if worker.chain {
            if let Some(task) = worker.lifo.take() {
                worker.lifo_polls += 1;
                if worker.lifo_polls >= MAX_LIFO_POLLS_PER_TICK {
                    worker.lifo_enabled = false;
                }
                return Plan::Poll(task);
            }
            worker.chain = false;
            worker.lifo_polls = 0;
            worker.lifo_enabled = true;
        }
        if !std::mem::replace(&mut worker.ticked, true) {
            worker.tick = worker.tick.wrapping_add(1);
            // Tokio's maintenance: the driver gets a turn now and then,
            // however busy the worker (skipped when another holds it).
            if worker.tick.is_multiple_of(EVENT_INTERVAL) && driver_free {
                return Plan::ParkYield;
            }
        }
        worker.ticked = false;
        if let Some(task) = self
            .next_task(w, recorder)
            .or_else(|| self.steal_work(w, recorder))
        {
            self.start_run(w, recorder);
            return Plan::Poll(task);
        }
        if deferred {
            return Plan::ParkYield;
        }
        self.park(w, recorder);
        Plan::Done
    }

    /// A running worker's `park_yield`: it takes the driver if nobody
    /// holds it (then waits in the OS with a zero timeout). Returns
    /// whether it took it.
    pub(super) fn take_driver_to_yield(&mut self, w: u32, recorder: &mut Recorder) -> bool {
        if self.driver.is_some() {
            return false;
        }
        let (_, at) = located(self.driver.replace(w));
        recorder.record_at(Event::DriverAcquired, at);
        true
    }

    /// After a `park_yield`, as after any park: wake a sleeper if more
    /// than one task waits here (Tokio's `should_notify_others`).
    pub(super) fn notify_if_tasks_wait(&mut self, w: u32, recorder: &mut Recorder) {
        let worker = &self.workers[w as usize];
        let waiting = usize::from(worker.lifo.is_some()) + worker.queue.len();
        if !worker.searching && waiting > 1 {
            self.notify(recorder);
        }
    }

    /// Tokio's `Core::next_task`: the inject queue first every
    /// `GLOBAL_QUEUE_INTERVAL` ticks; else the LIFO slot, the local queue,
    /// and then a share of the inject queue.
    fn next_task(&mut self, w: u32, recorder: &mut Recorder) -> Option<TaskId> {
        let workers = self.workers.len();
        let worker = &mut self.workers[w as usize];
        if worker.tick.is_multiple_of(GLOBAL_QUEUE_INTERVAL) {
            return self.take_one_injected(recorder).or_else(|| {
                let worker = &mut self.workers[w as usize];
                worker.lifo.take().or_else(|| worker.queue.pop())
            });
        }
        if let Some(task) = worker.lifo.take().or_else(|| worker.queue.pop()) {
            return Some(task);
        }
        if self.inject.is_empty() {
            return None;
        }
        // A share, not all: other workers may need some. Only into the
        // first half of the queue, so it cannot overflow straight back.
        let room = worker.queue.remaining().min(LOCAL_QUEUE_CAPACITY / 2);
        let count = (self.inject.len() / workers + 1).min(room).max(1);
        let (taken, at) = located(self.inject.drain(..count).collect::<Vec<_>>());
        for task in taken {
            worker.queue.push_back(task);
        }
        let count = count as u32;
        recorder.record_at(Event::InjectTaken { count }, at);
        worker.queue.pop()
    }

    /// Tokio's `Core::steal_work`: search (if fewer than half the workers
    /// do), rob the older half of another worker's local queue, starting
    /// at a random one; else take from the inject queue.
    fn steal_work(&mut self, w: u32, recorder: &mut Recorder) -> Option<TaskId> {
        if !self.workers[w as usize].searching {
            let (searching, at) = located(self.idle.start_searching());
            if searching {
                let worker = &mut self.workers[w as usize];
                worker.searching = true;
                worker.state = WorkerState::Searching;
                recorder.record_at(Event::Search, at);
            }
        }
        if !self.workers[w as usize].searching {
            return None;
        }
        let workers = self.workers.len();
        let start = self.order.below(workers);
        for offset in 0..workers {
            let victim = (start + offset) % workers;
            if victim == w as usize {
                continue;
            }
            let (stolen, at) = located(self.workers[victim].queue.steal_half());
            if stolen.is_empty() {
                continue;
            }
            let (from, count) = (victim as u32, stolen.len() as u32);
            recorder.record_at(Event::Steal { from, count }, at);
            let thief = &mut self.workers[w as usize];
            for task in stolen {
                thief.queue.push_back(task);
            }
            return thief.queue.pop();
        }
        self.take_one_injected(recorder)
    }

    /// The task at the front of the inject queue, taken to be polled now.
    fn take_one_injected(&mut self, recorder: &mut Recorder) -> Option<TaskId> {
        let (task, at) = located(self.inject.pop_front());
        if task.is_some() {
            recorder.record_at(Event::InjectTaken { count: 1 }, at);
        }
        task
    }

    /// About to poll: a searcher stops searching, and the last searcher
    /// wakes a sleeper to keep looking (Tokio's `transition_from_searching`).
    fn start_run(&mut self, w: u32, recorder: &mut Recorder) {
        let worker = &mut self.workers[w as usize];
        worker.chain = true;
        worker.state = WorkerState::Running;
        if std::mem::take(&mut worker.searching) && self.idle.stop_searching() {
            self.notify(recorder);
        }
    }

    /// Tokio's `Context::park`: sleep; the last searcher first looks once
    /// more for work left in a queue; then the driver, if nobody holds it.
    fn park(&mut self, w: u32, recorder: &mut Recorder) {
        let worker = &mut self.workers[w as usize];
        let was_searching = std::mem::take(&mut worker.searching);
        worker.state = WorkerState::Parked;
        let (last_searcher, at) = located(self.idle.parks(w, was_searching));
        recorder.record_at(Event::WorkerPark, at);
        if last_searcher
            && (self.workers.iter().any(|other| !other.queue.is_empty()) || !self.inject.is_empty())
        {
            self.notify(recorder);
        }
        if self.driver.is_none() {
            let (_, at) = located(self.driver.replace(w));
            recorder.record_at(Event::DriverAcquired, at);
        }
    }

    /// A worker asleep on its condition variable was notified: it wakes
    /// up searching (the notifier counted it as a searcher).
    fn wake_from_condvar(&mut self, w: u32, recorder: &mut Recorder) {
        let worker = &mut self.workers[w as usize];
        let (_, at) = located(std::mem::take(&mut worker.notified));
        recorder.record_at(Event::WorkerUnpark, at);
        let (_, at) = located(std::mem::replace(&mut worker.searching, true));
        worker.state = WorkerState::Searching;
        recorder.record_at(Event::Search, at);
    }

    /// The driver holder has dispatched everything its wait brought (the
    /// end of Tokio's `park_internal`): a worker that only yielded lets go
    /// of the driver; a sleeping one wakes up if it now has tasks or was
    /// notified, letting go of it, and otherwise sleeps on, still holding
    /// it. Either wakes a sleeper if more than one task waits here.
    /// Returns whether it is awake.
    pub(super) fn end_dispatch(&mut self, w: u32, recorder: &mut Recorder) -> bool {
        self.workers[w as usize].dispatching = false;
        let awake = self.workers[w as usize].state != WorkerState::Parked;
        let has_tasks = self.has_tasks(w);
        let wakes = awake || has_tasks || !self.idle.is_parked(w);
        if wakes {
            let (_, at) = located(self.driver.take());
            recorder.record_at(Event::DriverReleased, at);
        }
        self.notify_if_tasks_wait(w, recorder);
        if awake {
            // A `park_yield`: the worker never slept.
            return true;
        }
        if !wakes {
            return false;
        }
        // Woken by its own work: off the sleepers, not searching. Notified:
        // the notifier took it off and counted it as a searcher.
        let (off_the_sleepers, at) = located(has_tasks && self.idle.unpark_by_id(w));
        recorder.record_at(Event::WorkerUnpark, at);
        let worker = &mut self.workers[w as usize];
        worker.notified = false;
        let (searching, at) = located(!off_the_sleepers);
        worker.searching = searching;
        worker.state = if searching {
            WorkerState::Searching
        } else {
            WorkerState::Running
        };
        if searching {
            recorder.record_at(Event::Search, at);
        }
        true
    }
}
