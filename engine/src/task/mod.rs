//! The executor: tasks in a slab, a FIFO run queue, and wakers that refill it.
//!
//! ```text
//!             spawn                    poll → Pending             waker fires
//!   (new) ──────────────▶ Scheduled ───────────────▶ Idle ────────────────────┐
//!                           ▲   │ poll                                        │
//!                           │   ▼                                             │
//!                           │  Running ──poll → Ready / panic──▶ Complete     │
//!                           └──────────────── schedule ◀──────────────────────┘
//! ```
//!
//! A task is one allocation, its `cell`: its state, its join slot and its
//! future side by side (`cell.rs` says why). Its id names its slot in the
//! task table (and, with recording off, a generation: `SLOT_BITS`), which
//! holds the cell and the task's waker; `slots` says why the table is not
//! the `slab` crate. The run queue holds ids, oldest first; the event loop
//! pops one id per `poll` action. The executor's half of a poll is in
//! `harness` (the loop's half, with the records, in `runtime/poll.rs`); how
//! a woken task gets back in the queue is in `waker`; how a finished task
//! hands over its output is in `join`.

mod cell;
pub(crate) mod coop;
mod harness;
mod inspect;
pub(crate) mod join;
mod slots;
mod waiting_on;
pub(crate) mod waker;
mod yield_now;

use std::collections::VecDeque;
use std::fmt::Debug;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use reactor_protocol::{Event, Span, TaskId, TaskState, WakeCause};

pub(crate) use harness::{Polled, Polling, drop_future};
pub use join::{Join, JoinError, JoinHandle};
pub(crate) use waiting_on::WaitingOn;
pub use yield_now::{YieldNow, yield_now};

use crate::runtime::context;
use crate::runtime::handle::Handle;
use crate::trace::Recorder;
use cell::{Header, Run, TaskCell};
use slots::Slots;
pub(crate) use waker::KeptWaker;
use waker::{SpareWaker, TaskWaker, WokenList};

/// The bits of a task id that give its slot in the slab. The bits above
/// hold the task's generation: with recording on, finished tasks keep
/// their slots, so every generation is 0 and ids are 0, 1, 2… as a trace
/// shows them; with recording off a finished task's slot goes to a later
/// task, and the generation is how many tasks the runtime had spawned
/// before it (modulo 2³²), so the two ids differ. An old id, kept in a
/// waker, a timer or a deferred wake, then never names the new task (in
/// Tokio a waker points at its own task's memory): [`Executor::task`]
/// finds no task for it.
const SLOT_BITS: u32 = 32;

/// The slab slot task `id` lives in (if it is still alive).
fn slot_of(id: TaskId) -> usize {
    (id & ((1 << SLOT_BITS) - 1)) as usize
}

/// One task, as the slab keeps it.
pub(crate) struct Task {
    /// Its state, join slot and future: the task's one allocation.
    cell: Pin<Rc<dyn Run>>,
    /// The task's one waker. Every `Waker` the task hands out is a clone
    /// of this `Arc`, or is kept by the runtime as the task's id (counted
    /// in `Header::kept`): so the count and `kept` tell whether any waker
    /// of the task is still stored anywhere (`inspect.rs`).
    waker: Arc<TaskWaker>,
    /// Its id: the slot it is in, and its generation (`SLOT_BITS`).
    id: TaskId,
}

impl Task {
    fn header(&self) -> &Header {
        self.cell.header()
    }
}

/// All tasks and the run queue.
///
/// `main`, the future given to `block_on`, lives in the slab like a task
/// (so the picture can show it) but never enters the run queue: its waker
/// only sets `main_woken`, and the loop polls it at the top of a turn, as
/// Tokio's `block_on` does with its `woken` flag.
pub(crate) struct Executor {
    /// The tasks by slot; a free slot keeps the waker of the task it had.
    tasks: Slots<Task, SpareWaker>,
    run_queue: VecDeque<TaskId>,
    main: Option<TaskId>,
    main_woken: bool,
    woken: WokenList,
    /// Reused buffer for draining `woken`.
    scratch: Vec<TaskId>,
    /// Tasks spawned so far: with recording off, the next task's generation.
    spawned: u64,
    /// Keep finished tasks (as tombstones) so the picture can show them and
    /// ids are never reused. Off when recording is off.
    keep_finished: bool,
    /// A multi-thread runtime's tasks scheduled but not yet placed in a
    /// worker's queue or the inject queue (the pool places them and records
    /// where), each with whether it was woken during its own poll. `None`
    /// for a current-thread runtime, whose run queue is `run_queue`.
    unplaced: Option<Vec<(TaskId, bool)>>,
}

impl Executor {
    pub(crate) fn new(keep_finished: bool, pooled: bool) -> Self {
        Executor {
            unplaced: pooled.then(Vec::new),
            tasks: Slots::new(),
            run_queue: VecDeque::new(),
            main: None,
            main_woken: false,
            woken: WokenList::default(),
            scratch: Vec::new(),
            spawned: 0,
            keep_finished,
        }
    }

    /// Spawn `future` as a task named `name`: queue it, record `spawn` +
    /// `schedule`, and return the handle to its output. `describe` turns
    /// the output into the `complete` record's text.
    #[track_caller]
    pub(crate) fn spawn<F>(
        &mut self,
        name: &str,
        future: F,
        describe: fn(&F::Output) -> Option<String>,
        runtime: Handle,
        recorder: &mut Recorder,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let (id, cell) = self.create(name, future, describe, recorder);
        self.enqueue(id, false, recorder);
        JoinHandle::new(id, cell, runtime)
    }

    /// Make `future` the runtime's `main`, the future `block_on` drives:
    /// woken but not queued — entering `block_on`, Tokio sets its `woken`
    /// flag so the loop polls it first. Records `spawn` + `wake` (cause
    /// `block_on`).
    #[track_caller]
    pub(crate) fn spawn_main<F>(
        &mut self,
        future: F,
        runtime: Handle,
        recorder: &mut Recorder,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let (id, cell) = self.create("main", future, |_| None, recorder);
        self.main = Some(id);
        self.main_woken = true;
        recorder.record(Event::Wake {
            task: id,
            cause: WakeCause::BlockOn,
        });
        JoinHandle::new(id, cell, runtime)
    }

    /// Put a new task in the slab, `Scheduled`, and record `spawn`; returns
    /// its id and its cell, for the `JoinHandle`.
    #[track_caller]
    fn create<F>(
        &mut self,
        name: &str,
        future: F,
        describe: fn(&F::Output) -> Option<String>,
        recorder: &mut Recorder,
    ) -> (TaskId, Pin<Rc<TaskCell<F>>>)
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let (slot, spare) = self.tasks.reserve();
        let generation = if self.keep_finished {
            0
        } else {
            self.spawned & (TaskId::MAX >> SLOT_BITS)
        };
        self.spawned += 1;
        let id = slot as TaskId | generation << SLOT_BITS;
        let (waker, own) = self.waker_for(id, spare);
        // Names only matter to the picture: no allocation when not recording.
        let name = if recorder.enabled() {
            name.to_string()
        } else {
            String::new()
        };
        let cell = Rc::pin(TaskCell::new(name, own, future, describe));
        let run: Pin<Rc<dyn Run>> = cell.clone();
        self.tasks.fill(
            slot,
            Task {
                cell: run,
                waker,
                id,
            },
        );
        if recorder.enabled() {
            let name = self.tasks[slot].header().name.clone();
            recorder.record(Event::Spawn { task: id, name });
        }
        (id, cell)
    }

    /// Task `id`, if it is alive (or kept finished): the task in its slot,
    /// unless that slot now holds a later task.
    fn task(&self, id: TaskId) -> Option<&Task> {
        self.tasks.get(slot_of(id)).filter(|task| task.id == id)
    }

    /// The next task to poll, if any.
    pub(crate) fn pop_scheduled(&mut self) -> Option<TaskId> {
        self.run_queue.pop_front()
    }

    /// Whether a task waits in the run queue.
    pub(crate) fn has_scheduled(&self) -> bool {
        !self.run_queue.is_empty()
    }

    /// Whether `main`'s waker fired since its last poll.
    pub(crate) fn main_woken(&self) -> bool {
        self.main_woken
    }

    /// `main`'s id if it was woken, clearing the flag (Tokio's `reset_woken`).
    pub(crate) fn take_main_woken(&mut self) -> Option<TaskId> {
        std::mem::take(&mut self.main_woken)
            .then_some(self.main)
            .flatten()
    }

    /// Move every task whose waker fired from `Idle` to the run queue; the
    /// `schedule` records are at the caller's line.
    #[track_caller]
    pub(crate) fn schedule_woken(&mut self, recorder: &mut Recorder) {
        let mut woken = std::mem::take(&mut self.scratch);
        self.woken.drain_into(&mut woken);
        for &id in &woken {
            self.schedule(id, false, recorder);
        }
        self.scratch = woken;
    }

    #[track_caller]
    fn schedule(&mut self, id: TaskId, is_yield: bool, recorder: &mut Recorder) {
        let Some(task) = self.task(id) else {
            return;
        };
        let header = task.header();
        match header.state.get() {
            TaskState::Idle if self.main == Some(id) => {
                header.state.set(TaskState::Scheduled);
                header.waiting_on.set(None);
                self.main_woken = true;
            }
            TaskState::Idle => {
                header.state.set(TaskState::Scheduled);
                header.waiting_on.set(None);
                self.enqueue(id, is_yield, recorder);
            }
            TaskState::Running => header.notified.set(true),
            TaskState::Scheduled | TaskState::Complete => {}
        }
    }

    /// Put a scheduled task on the run queue, recording `schedule` at the
    /// caller's line; a multi-thread runtime's pool places it instead.
    #[track_caller]
    fn enqueue(&mut self, id: TaskId, is_yield: bool, recorder: &mut Recorder) {
        match &mut self.unplaced {
            Some(unplaced) => unplaced.push((id, is_yield)),
            None => {
                self.run_queue.push_back(id);
                recorder.record(Event::Schedule { task: id });
            }
        }
    }

    /// The tasks scheduled since the last call, for the pool to place
    /// (`into` is cleared first; empty for a current-thread runtime).
    pub(crate) fn take_unplaced(&mut self, into: &mut Vec<(TaskId, bool)>) {
        into.clear();
        if let Some(unplaced) = &mut self.unplaced {
            std::mem::swap(unplaced, into);
        }
    }

    /// Note what the task waits on (shown in the snapshot).
    pub(crate) fn set_waiting_on(&mut self, id: TaskId, what: WaitingOn) {
        if let Some(task) = self.task(id) {
            task.header().waiting_on.set(Some(what));
        }
    }

    /// Note the `.await` the task is parked on (shown in the snapshot).
    pub(crate) fn set_awaiting(&mut self, id: TaskId, at: &'static Location<'static>) {
        if let Some(task) = self.task(id) {
            task.header().awaiting.set(Some(at));
        }
    }

    /// Note the program position task `id` has reached (a playground program).
    pub(crate) fn set_at(&mut self, id: TaskId, at: Span) {
        if let Some(task) = self.task(id) {
            task.header().at.set(Some(at));
        }
    }

    /// The program position task `id` last reached, if its program has any.
    pub(crate) fn at(&self, id: TaskId) -> Option<Span> {
        self.task(id).and_then(|task| task.header().at.get())
    }

    /// Mark every task complete, handing out the cells whose future is
    /// still there, for the caller to drop them: shutting down.
    pub(crate) fn take_all_futures(&mut self) -> Vec<Pin<Rc<dyn Run>>> {
        self.run_queue.clear();
        self.main_woken = false;
        let mut unfinished = Vec::new();
        for (_, task) in self.tasks.iter() {
            let header = task.header();
            if header.state.get() != TaskState::Complete {
                unfinished.push(task.cell.clone());
            }
            header.state.set(TaskState::Complete);
            header.waiting_on.set(None);
            header.awaiting.set(None);
            drop(header.waker.take());
        }
        unfinished
    }
}

/// Spawn a task named `task`; see [`spawn_named`].
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: Debug + 'static,
{
    spawn_named("task", future)
}

/// Spawn `future` as a new task with a name for the picture.
///
/// The task goes to the back of the run queue; the returned [`JoinHandle`]
/// resolves to its output (`Debug` is required to show it in the `complete`
/// record).
///
/// # Panics
/// Outside a runtime: call it from a task or from `block_on`.
pub fn spawn_named<F>(name: &str, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: Debug + 'static,
{
    let runtime = Handle::current();
    context::with(|core| {
        let handle = {
            let mut recorder = core.recorder.borrow_mut();
            let mut executor = core.executor.borrow_mut();
            let describe = describe_debug::<F::Output>;
            executor.spawn(name, future, describe, runtime, &mut recorder)
        };
        core.place_scheduled();
        handle
    })
}

/// Shows an output in the `complete` record; `()` is not worth showing.
fn describe_debug<T: Debug>(output: &T) -> Option<String> {
    let text = format!("{output:?}");
    (text != "()").then_some(text)
}
