//! The runtime's wheel and what its timers carry: whom to wake.
//!
//! A line in the wheel holds a [`TimerTarget`], small and copied as the line
//! moves: most often just the task to wake, when the waker its `Sleep` was
//! polled with is that task's own (a waker the runtime can keep as the
//! task's id, see `task::KeptWaker`). Any other waker (a combinator's, or
//! one from another runtime) must be kept as a real `Waker`; it waits in
//! `foreign`, and the line holds its key there.
//!
//! ```text
//!   wheel line: deadline │ key │ Task(3)          fire: wake task 3
//!   wheel line: deadline │ key │ Waker(0) ──▶ foreign[0]: task 5, Waker
//! ```
//!
//! Tokio keeps the waker in the timer entry, inside the `Sleep`, inside the
//! task's one allocation. Here the line names the task instead, so firing a
//! timer touches the task it wakes and nothing else.

use std::task::Waker;

use reactor_protocol::{TaskId, WheelView};
use slab::Slab;

use super::wheel::{AlreadyDue, Position, Timer, TimerKey, Wheel, WheelEvent};
use crate::task::{Executor, KeptWaker};

/// Whom a timer wakes when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimerTarget {
    /// This task, through its own waker (counted in its `Header::kept`).
    Task(TaskId),
    /// The waker kept under this key in `Timers::foreign`.
    Waker(usize),
}

/// The tasks that the timers firing in `events` wake through their own
/// wakers, in firing order.
pub(crate) fn tasks_woken(events: &[WheelEvent<TimerTarget>]) -> impl Iterator<Item = TaskId> + '_ {
    events.iter().filter_map(|event| match event {
        WheelEvent::Fire {
            value: TimerTarget::Task(task),
            ..
        } => Some(*task),
        _ => None,
    })
}

/// A waker that is not its task's own, kept until its timer fires.
#[derive(Debug)]
struct ForeignWaker {
    /// The task that polled the `Sleep` (for records and the picture).
    task: TaskId,
    waker: Waker,
}

/// One timer as a diagnosis sees it.
#[derive(Debug)]
pub(crate) struct FiledTimer<'a> {
    pub(crate) key: TimerKey,
    pub(crate) deadline_ms: u64,
    pub(crate) position: Position,
    /// The task it wakes.
    pub(crate) task: TaskId,
    /// The waker it fires, when it is not the task's own.
    pub(crate) foreign: Option<&'a Waker>,
}

/// The wheel plus the wakers its lines cannot hold.
#[derive(Debug)]
pub(crate) struct Timers {
    pub(super) wheel: Wheel<TimerTarget>,
    foreign: Slab<ForeignWaker>,
    /// Kept between instants (empty) so firing allocates nothing once it
    /// has held the busiest instant; see `Wheel::poll_at_into`.
    events: Vec<WheelEvent<TimerTarget>>,
}

impl Timers {
    pub(crate) fn new() -> Self {
        Timers {
            wheel: Wheel::new(),
            foreign: Slab::new(),
            events: Vec::new(),
        }
    }

    /// File a timer due at `deadline` that wakes `waker`, kept for `task`.
    /// A deadline the wheel has reached is refused with the waker, to be
    /// forgotten: it is due now.
    pub(super) fn insert(
        &mut self,
        deadline: u64,
        task: TaskId,
        waker: KeptWaker,
    ) -> Result<(Timer, TimerTarget, Position), KeptWaker> {
        let target = self.target_for(task, waker);
        match self.wheel.insert(deadline, target) {
            Ok((timer, position)) => Ok((timer, target, position)),
            Err(AlreadyDue(target)) => Err(self.release(target).1),
        }
    }

    /// Where a timer whose waker is `waker`, kept for `task`, points.
    pub(super) fn target_for(&mut self, task: TaskId, waker: KeptWaker) -> TimerTarget {
        match waker {
            KeptWaker::Own(id) => TimerTarget::Task(id),
            KeptWaker::Other(waker) => {
                TimerTarget::Waker(self.foreign.insert(ForeignWaker { task, waker }))
            }
        }
    }

    /// The task a target names and its waker, taken out: the timer fired,
    /// was cancelled, or has a new target.
    pub(crate) fn release(&mut self, target: TimerTarget) -> (TaskId, KeptWaker) {
        match target {
            TimerTarget::Task(id) => (id, KeptWaker::Own(id)),
            TimerTarget::Waker(key) => {
                let ForeignWaker { task, waker } = self.foreign.remove(key);
                (task, KeptWaker::Other(waker))
            }
        }
    }

    /// Whether firing `target` wakes what `waker` would: the same task's
    /// own waker, or a foreign waker that `will_wake` the same.
    pub(super) fn wakes_like(
        &self,
        target: TimerTarget,
        waker: &Waker,
        executor: &Executor,
    ) -> bool {
        match target {
            TimerTarget::Task(id) => executor.is_own_waker(id, waker),
            TimerTarget::Waker(key) => self.foreign[key].waker.will_wake(waker),
        }
    }

    /// The foreign waker a target keeps, if it keeps one.
    fn foreign_waker(&self, target: TimerTarget) -> Option<&Waker> {
        match target {
            TimerTarget::Task(_) => None,
            TimerTarget::Waker(key) => Some(&self.foreign[key].waker),
        }
    }

    /// The task a target wakes.
    fn task_of(&self, target: TimerTarget) -> TaskId {
        match target {
            TimerTarget::Task(id) => id,
            TimerTarget::Waker(key) => self.foreign[key].task,
        }
    }

    /// The wheel's next expiration: the start of the next slot with work (a
    /// fire or a cascade). The park timeout is computed from it, as Tokio's is.
    pub(crate) fn next_expiration(&self) -> Option<u64> {
        self.wheel.next_expiration()
    }

    /// The timer phase, one instant per call: what the wheel cascades and
    /// fires at its next instant `<= now`, in its order (empty when nothing
    /// is due). Fired timers have left the wheel; [`Timers::release`] each
    /// one's target. Give the list back, drained, with [`Timers::end_instant`].
    pub(crate) fn poll_instant(&mut self, now: u64) -> Vec<WheelEvent<TimerTarget>> {
        let mut events = std::mem::take(&mut self.events);
        self.wheel.poll_at_into(now, &mut events);
        events
    }

    /// Take back the drained list [`Timers::poll_instant`] handed out (to
    /// reuse its memory), and catch up with `now` if nothing more is due.
    pub(crate) fn end_instant(&mut self, events: Vec<WheelEvent<TimerTarget>>, now: u64) {
        debug_assert!(events.is_empty());
        self.events = events;
        self.catch_up(now);
    }

    /// Once nothing is due by `now`, move the wheel's time up to it, so a
    /// timer filed from now on is filed relative to the present (Tokio's
    /// `Wheel::poll` ends with `set_elapsed(now)` the same way). While an
    /// instant is still due, the wheel waits for the timer phase.
    pub(crate) fn catch_up(&mut self, now: u64) {
        if !self.has_due(now) {
            debug_assert!(self.events.is_empty());
            self.wheel.poll_at_into(now, &mut self.events);
        }
    }

    /// Whether the wheel has work (a fire or a cascade) at or before `now`.
    pub(crate) fn has_due(&self, now: u64) -> bool {
        self.wheel
            .next_expiration()
            .is_some_and(|instant| instant <= now)
    }

    /// Every filed timer, in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = FiledTimer<'_>> {
        self.wheel
            .iter()
            .into_iter()
            .map(|(key, deadline_ms, position, &target)| FiledTimer {
                key,
                deadline_ms,
                position,
                task: self.task_of(target),
                foreign: self.foreign_waker(target),
            })
    }

    /// The wheel for the snapshot.
    pub(crate) fn view(&self) -> WheelView {
        self.wheel.view(|&target| self.task_of(target))
    }
}
