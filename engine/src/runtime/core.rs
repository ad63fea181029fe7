//! [`Core`]: the four parts of the runtime, side by side.
//!
//! ```text
//!   Core
//!   ├── executor   tasks + run queue            (crate::task)
//!   ├── driver     mio::Poll + registrations    (crate::io)
//!   ├── timers     the hierarchical wheel       (crate::time)
//!   ├── clock      virtual or real milliseconds (clock.rs)
//!   └── recorder   one record per action        (crate::trace)
//! ```
//!
//! Each part sits in its own `RefCell`: the runtime is single-threaded, and a
//! part is borrowed only for the few lines that use it, never across a task's
//! poll or a future's drop (either may need any part again).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::io;
use std::panic::Location;
use std::task::Waker;
use std::time::Duration;

use reactor_protocol::{Event, TaskId, WakeCause};

use super::Flavor;
use super::clock::{Clock, ClockMode};
use super::event_loop::LoopState;
use super::id::{IdSlot, RuntimeId};
use super::multi_thread::{Actor, Pool};
use super::script::Script;
use crate::io::driver::Driver;
use crate::task::{Executor, JoinHandle, KeptWaker, WaitingOn};
use crate::time::Timers;
use crate::trace::Recorder;

/// How long the driver may block for an OS event it is sure to get (after a
/// scripted connect or write on loopback, which the kernel delivers at once).
/// Two seconds is far beyond any real loopback delay, and short enough that a
/// broken scenario ends with an `error` instead of a hang.
pub const DEFAULT_IO_WAIT_CAP: Duration = Duration::from_secs(2);

/// Settings shared by [`Runtime`](super::Runtime) and the lab run.
#[derive(Clone, Debug)]
pub(crate) struct CoreOptions {
    pub(crate) clock: ClockMode,
    pub(crate) recording: bool,
    pub(crate) max_records: Option<u64>,
    pub(crate) io_wait_cap: Duration,
    pub(crate) event_capacity: usize,
    pub(crate) flavor: Flavor,
}

/// A wake `yield_now` (or a spent budget) put off until the driver has run.
pub(crate) struct DeferredWake {
    /// The task that yielded, if a task did.
    pub(crate) task: Option<TaskId>,
    pub(crate) waker: KeptWaker,
    /// The worker that keeps it, in a multi-thread runtime.
    pub(crate) worker: Option<u32>,
}

/// The runtime's state; see the module docs.
pub(crate) struct Core {
    pub(crate) recorder: RefCell<Recorder>,
    pub(crate) executor: RefCell<Executor>,
    pub(crate) driver: RefCell<Driver>,
    pub(crate) timers: RefCell<Timers>,
    pub(crate) clock: RefCell<Clock>,
    pub(crate) script: RefCell<Option<Box<dyn Script>>>,
    pub(crate) state: RefCell<LoopState>,
    /// The task being polled right now.
    pub(crate) current_task: Cell<Option<TaskId>>,
    /// Units of the cooperative budget left to the running poll.
    pub(crate) budget: Cell<u8>,
    /// Wakers `yield_now` handed over, fired after the next park.
    pub(crate) deferred: RefCell<Vec<DeferredWake>>,
    /// What the diagnoses remember between polls.
    pub(crate) watch: RefCell<crate::diagnose::Watch>,
    /// Lines printed with `output`, oldest first (only while recording).
    pub(crate) console: RefCell<Vec<String>>,
    pub(crate) io_wait_cap: Duration,
    /// A multi-thread runtime's workers and inject queue; `None` for a
    /// current-thread runtime, whose run queue is the executor's.
    pub(crate) pool: Option<RefCell<Pool>>,
    /// Which runtime this is, among those alive on the thread.
    id: IdSlot,
}

impl Core {
    pub(crate) fn new(options: &CoreOptions) -> io::Result<Core> {
        let pool = match options.flavor {
            Flavor::CurrentThread => None,
            Flavor::MultiThread { workers, seed } => Some(RefCell::new(Pool::new(workers, seed))),
        };
        Ok(Core {
            recorder: RefCell::new(Recorder::new(options.recording, options.max_records)),
            executor: RefCell::new(Executor::new(options.recording, pool.is_some())),
            driver: RefCell::new(Driver::new(options.event_capacity)?),
            timers: RefCell::new(Timers::new()),
            clock: RefCell::new(Clock::new(options.clock)),
            script: RefCell::new(None),
            state: RefCell::new(LoopState::default()),
            current_task: Cell::new(None),
            budget: Cell::new(crate::task::coop::BUDGET),
            deferred: RefCell::new(Vec::new()),
            watch: RefCell::new(crate::diagnose::Watch::default()),
            console: RefCell::new(Vec::new()),
            io_wait_cap: options.io_wait_cap,
            pool,
            id: IdSlot::take(),
        })
    }

    /// Which runtime this is, among those alive on the thread.
    pub(crate) fn id(&self) -> RuntimeId {
        self.id.id()
    }

    /// Make `future` the runtime's `main`, the future `block_on` drives:
    /// `spawn` and `wake` (cause `block_on`) are recorded at the caller's line.
    #[track_caller]
    pub(crate) fn spawn_main<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let runtime = super::handle::Handle::current();
        let mut recorder = self.recorder.borrow_mut();
        self.executor
            .borrow_mut()
            .spawn_main(future, runtime, &mut recorder)
    }

    /// Record a `wake` at the caller's line, fire the waker, and move the
    /// woken task onto the run queue (the `schedule` record).
    #[track_caller]
    pub(crate) fn wake(&self, task: TaskId, cause: WakeCause, waker: &Waker) {
        let mut recorder = self.recorder.borrow_mut();
        recorder.record(Event::Wake { task, cause });
        let queued = self
            .executor
            .borrow_mut()
            .wake_own(task, waker, &mut recorder);
        drop(recorder);
        if queued {
            self.place_scheduled();
        } else {
            waker.wake_by_ref();
            self.schedule_woken();
        }
    }

    /// Fire a kept waker, recording a `wake` of `task` (a task of this
    /// runtime, if one) at the caller's line: the task's own waker queues
    /// it directly, any other runs its own code.
    #[track_caller]
    pub(crate) fn wake_kept(&self, task: Option<TaskId>, cause: WakeCause, kept: KeptWaker) {
        match (kept, task) {
            (KeptWaker::Own(own), _) => {
                let mut recorder = self.recorder.borrow_mut();
                recorder.record(Event::Wake { task: own, cause });
                let mut executor = self.executor.borrow_mut();
                executor.forget(KeptWaker::Own(own));
                executor.wake_task(own, &mut recorder);
                drop((executor, recorder));
                self.place_scheduled();
            }
            (KeptWaker::Other(waker), Some(task)) => self.wake(task, cause, &waker),
            (KeptWaker::Other(waker), None) => {
                waker.wake();
                self.schedule_woken();
            }
        }
    }

    /// Keep `waker` to fire after the next park (Tokio's `Defer::defer`): the
    /// running task yields, but not before the driver has had its turn. A
    /// waker that will wake the same task as the last one kept is not kept
    /// twice. In a multi-thread runtime each worker keeps its own, and the
    /// `block_on` thread, which has no driver to wait for, wakes at once.
    pub(crate) fn defer(&self, waker: &Waker) {
        let worker = match self.pool.as_ref().and_then(|pool| pool.borrow().acting()) {
            Some(Actor::BlockOn) => {
                waker.wake_by_ref();
                return;
            }
            Some(Actor::Worker(w)) => Some(w),
            None => None,
        };
        let executor = self.executor.borrow();
        let mut deferred = self.deferred.borrow_mut();
        if deferred.last().is_some_and(|last| {
            last.worker == worker && executor.kept_will_wake(&last.waker, waker)
        }) {
            return;
        }
        let task = self.current_task.get();
        deferred.push(DeferredWake {
            task,
            waker: executor.keep(task, waker),
            worker,
        });
    }

    /// Note what the running task waits on, for the snapshot (only while
    /// recording).
    pub(crate) fn note_waiting_on(&self, what: WaitingOn) {
        if let Some(task) = self.current_task.get()
            && self.recorder.borrow().enabled()
        {
            self.executor.borrow_mut().set_waiting_on(task, what);
        }
    }

    /// Note `at` as the `.await` the running task is parked on (only while
    /// recording).
    pub(crate) fn note_awaiting(&self, at: &'static Location<'static>) {
        if let Some(task) = self.current_task.get()
            && self.recorder.borrow().enabled()
        {
            self.executor.borrow_mut().set_awaiting(task, at);
        }
    }

    /// Whether a deferred wake waits for the next park to end.
    pub(crate) fn has_deferred(&self) -> bool {
        !self.deferred.borrow().is_empty()
    }

    /// Whether worker `w` of a multi-thread runtime kept a deferred wake.
    pub(crate) fn has_deferred_of(&self, w: u32) -> bool {
        self.deferred
            .borrow()
            .iter()
            .any(|deferred| deferred.worker == Some(w))
    }

    /// Fire the deferred wakers, last kept first, as Tokio's `Defer::wake`
    /// pops them; each is a `wake` with cause `yield`.
    pub(crate) fn wake_deferred(&self) {
        let mut deferred = std::mem::take(&mut *self.deferred.borrow_mut());
        self.fire_deferred(deferred.drain(..));
        // Give the emptied list back, so the next round of yields fills
        // memory already there (a waker's code may have deferred anew).
        let mut kept = self.deferred.borrow_mut();
        if kept.is_empty() {
            *kept = deferred;
        }
    }

    /// Fire the deferred wakers worker `w` kept, as [`Core::wake_deferred`].
    pub(crate) fn wake_deferred_of(&self, w: u32) {
        let (own, others) = std::mem::take(&mut *self.deferred.borrow_mut())
            .into_iter()
            .partition(|deferred| deferred.worker == Some(w));
        *self.deferred.borrow_mut() = others;
        self.fire_deferred(own.into_iter());
    }

    fn fire_deferred(&self, deferred: impl DoubleEndedIterator<Item = DeferredWake>) {
        for DeferredWake { task, waker, .. } in deferred.rev() {
            self.wake_kept(task, WakeCause::Yield, waker);
        }
    }

    /// Queue every task whose waker fired since the last call (`schedule`
    /// records at the caller's line).
    #[track_caller]
    pub(crate) fn schedule_woken(&self) {
        let mut recorder = self.recorder.borrow_mut();
        self.executor.borrow_mut().schedule_woken(&mut recorder);
        drop(recorder);
        self.place_scheduled();
    }

    /// A multi-thread runtime: hand the tasks just spawned or woken to the
    /// pool, which puts each in a queue and records where.
    pub(crate) fn place_scheduled(&self) {
        let Some(pool) = &self.pool else {
            return;
        };
        let mut scheduled = Vec::new();
        self.executor.borrow_mut().take_unplaced(&mut scheduled);
        if scheduled.is_empty() {
            return;
        }
        let mut pool = pool.borrow_mut();
        let mut recorder = self.recorder.borrow_mut();
        for (task, is_yield) in scheduled {
            pool.schedule(task, is_yield, &mut recorder);
        }
    }

    /// Stamp the current time on the following records.
    pub(crate) fn sync_time(&self) -> u64 {
        let now = self.clock.borrow_mut().now();
        self.recorder.borrow_mut().set_time(now);
        now
    }

    /// Record an `error` that ends the run, and stop the loop.
    #[track_caller]
    pub(crate) fn fail(&self, message: String) {
        self.recorder.borrow_mut().record_past_limit(Event::Error {
            task: None,
            message: message.clone(),
        });
        self.state.borrow_mut().failure = Some(message);
    }

    /// End a run in which nothing can ever happen again: its last record
    /// is the `stuck` diagnostic saying why (`crate::diagnose`), and the
    /// loop stops with `message`.
    #[track_caller]
    pub(crate) fn end_stuck(&self, message: String) {
        let stuck = crate::diagnose::stuck(self);
        self.recorder
            .borrow_mut()
            .record_past_limit(Event::Diagnostic(Box::new(stuck)));
        self.state.borrow_mut().failure = Some(message);
    }

    /// Drop every task and the script: sockets close, timers are cancelled.
    /// Then the driver is shut down: a socket that outlives the tasks (one
    /// handed out of `block_on`) answers every operation with Tokio's
    /// "being shutdown" error from now on.
    ///
    /// The futures are taken out first and dropped with no part borrowed,
    /// because their destructors deregister sockets and cancel timers.
    /// As in Tokio, the tasks go first and the driver after them, so the
    /// sockets they own are deregistered as usual.
    pub(crate) fn shutdown(&self) {
        let unfinished = self.executor.borrow_mut().take_all_futures();
        for cell in unfinished {
            crate::task::drop_future(cell.as_ref());
        }
        let script = self.script.borrow_mut().take();
        drop(script);
        let deferred = std::mem::take(&mut *self.deferred.borrow_mut());
        drop(deferred);
        let waiting = self.driver.borrow_mut().shut_down();
        for waker in waiting {
            waker.wake();
        }
    }
}
