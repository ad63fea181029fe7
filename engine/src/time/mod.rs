//! Timers: the [`Sleep`] future and its glue to the hierarchical [`wheel`].
//!
//! ```text
//!   sleep(1 s).await
//!     first poll ──insert(deadline, waker)──▶ wheel   (timer_insert: level, slot)
//!     loop parks until the wheel's next expiration (its slot's start)
//!     timer phase: the loop asks poll_instant(now) ──▶ [Cascade…, Fire]
//!                  and records them, waking each fired entry's waker (timer)
//!     next poll: the entry is gone from the wheel ⇒ Ready
//! ```
//!
//! `Timers` files timers and hands back what is due; it never records a
//! cascade or a fire and never wakes anyone. The loop (`runtime/dispatch.rs`)
//! does both, so the wheel does not need to know who is driving it.
//!
//! Two edge cases follow Tokio (`time/mod.rs`, `runtime/time/wheel/mod.rs`):
//! a duration longer than [`MAX_SLEEP`] (30 years) is shortened to it, so
//! `sleep(Duration::MAX)` is a 30-year sleep that cascades round the top
//! level; and a deadline the wheel has already reached completes on the
//! first poll, without ever entering the wheel.
//!
//! A `Sleep` belongs to the runtime that was current when it was made and
//! keeps that runtime's `Handle`, as a socket does (`runtime::handle`): its
//! timer is filed in, and cancelled from, that runtime's wheel, whichever
//! runtime polls it. Polled once its runtime has shut down, it panics as
//! Tokio's does.
//!
//! A `Sleep` remembers its timer's key *and* a stamp: keys are slab keys and
//! get reused, so "my key holds an entry with my stamp" is how a `Sleep`
//! knows its own timer has not fired yet. Dropping an unfired `Sleep` removes
//! its timer (a `timer_cancel` record), as Tokio does.

pub mod wheel;

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use reactor_protocol::{Event, TaskId, WheelView};

use crate::runtime::context;
use crate::runtime::core::Core;
use crate::runtime::handle::Handle;
use crate::task::{KeptWaker, WaitingOn, coop};
use crate::trace::located;
use wheel::{Position, TimerKey, Wheel, WheelEvent};

/// What the wheel holds for one timer.
#[derive(Debug)]
pub(crate) struct TimerEntry {
    /// The task whose waker this is (for records and the picture).
    pub(crate) task: TaskId,
    /// Woken when the timer fires.
    pub(crate) waker: KeptWaker,
    /// Unique per timer; tells a reused key apart.
    stamp: u64,
}

/// The wheel plus the stamps that make keys safe to reuse.
#[derive(Debug)]
pub(crate) struct Timers {
    wheel: Wheel<TimerEntry>,
    next_stamp: u64,
    /// Kept between instants (empty) so firing allocates nothing once it
    /// has held the busiest instant; see `Wheel::poll_at_into`.
    events: Vec<WheelEvent<TimerEntry>>,
}

impl Timers {
    pub(crate) fn new() -> Self {
        Timers {
            wheel: Wheel::new(),
            next_stamp: 0,
            events: Vec::new(),
        }
    }

    fn insert(
        &mut self,
        deadline: u64,
        task: TaskId,
        waker: KeptWaker,
    ) -> (TimerKey, u64, Position) {
        let stamp = self.next_stamp;
        self.next_stamp += 1;
        let (key, position) = self
            .wheel
            .insert(deadline, TimerEntry { task, waker, stamp });
        (key, stamp, position)
    }

    /// The entry under `key` if it is still the timer with `stamp`.
    fn live(&mut self, key: TimerKey, stamp: u64) -> Option<&mut TimerEntry> {
        self.wheel.get_mut(key).filter(|entry| entry.stamp == stamp)
    }

    /// The wheel's next expiration: the start of the next slot with work (a
    /// fire or a cascade). The park timeout is computed from it, as Tokio's is.
    pub(crate) fn next_expiration(&self) -> Option<u64> {
        self.wheel.next_expiration()
    }

    /// The timer phase, one instant per call: what the wheel cascades and
    /// fires at its next instant `<= now`, in its order (empty when nothing
    /// is due). Fired entries have left the wheel. Give the list back,
    /// drained, with [`Timers::end_instant`].
    pub(crate) fn poll_instant(&mut self, now: u64) -> Vec<WheelEvent<TimerEntry>> {
        let mut events = std::mem::take(&mut self.events);
        self.wheel.poll_at_into(now, &mut events);
        events
    }

    /// Take back the drained list [`Timers::poll_instant`] handed out (to
    /// reuse its memory), and catch up with `now` if nothing more is due.
    pub(crate) fn end_instant(&mut self, events: Vec<WheelEvent<TimerEntry>>, now: u64) {
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

    /// Whether a deadline has already been reached by the wheel: Tokio's
    /// `Wheel::insert` refuses such a timer (`InsertError::Elapsed`) and
    /// fires it on the spot.
    ///
    /// It also tells a registered `Sleep` that its timer fired: every timer
    /// in the wheel is due after the wheel's time, because the call that
    /// moves the time to an instant fires every timer due by it.
    fn has_elapsed(&self, deadline: u64) -> bool {
        deadline <= self.wheel.elapsed()
    }

    /// Whether the wheel has work (a fire or a cascade) at or before `now`.
    pub(crate) fn has_due(&self, now: u64) -> bool {
        self.wheel
            .next_expiration()
            .is_some_and(|instant| instant <= now)
    }

    /// Every filed timer: key, deadline, position and entry.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (TimerKey, u64, Position, &TimerEntry)> {
        self.wheel.iter()
    }

    /// The wheel for the snapshot.
    pub(crate) fn view(&self) -> WheelView {
        self.wheel.view(|entry| entry.task)
    }
}

/// The longest sleep: 30 years. Tokio shortens longer durations to this
/// (`time::safe_delay`, "1000 years overflows on macOS").
pub const MAX_SLEEP: Duration = Duration::from_secs(86_400 * 365 * 30);

/// Wait until `duration` has passed on the runtime's clock.
///
/// The deadline is fixed now (rounded up to whole milliseconds, the wheel's
/// resolution, as Tokio's `deadline_to_tick` does); the timer is filed on
/// the first poll. A duration over [`MAX_SLEEP`] counts as `MAX_SLEEP`.
///
/// The caller's line is the `.await` a task parked on it is shown at.
///
/// # Panics
/// Outside a runtime: call it from a task or from `block_on`.
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    let millis = duration.min(MAX_SLEEP).as_nanos().div_ceil(1_000_000);
    let millis = u64::try_from(millis).unwrap_or(u64::MAX);
    let runtime = Handle::current();
    let now = runtime.with_alive(|core| core.clock.borrow_mut().now());
    Sleep::new(now.unwrap_or_default().saturating_add(millis), runtime)
}

/// Wait until the runtime's clock reads `deadline_ms`. A deadline the
/// runtime has already reached completes on the first poll.
///
/// # Panics
/// Outside a runtime: call it from a task or from `block_on`.
#[track_caller]
pub fn sleep_until(deadline_ms: u64) -> Sleep {
    Sleep::new(deadline_ms, Handle::current())
}

/// Tokio's panic for a sleep polled once its runtime has shut down (the
/// assert in `runtime/time/entry.rs`'s `poll_elapsed`, with this text).
pub const TIMER_SHUT_DOWN: &str = "A Tokio 1.x context was found, but it is being shutdown.";

/// The future returned by [`sleep`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    deadline_ms: u64,
    state: SleepState,
    /// Where the program made it: the line of its `.await`.
    at: &'static Location<'static>,
    /// The runtime whose wheel holds its timer.
    runtime: Handle,
}

#[derive(Debug, Clone, Copy)]
enum SleepState {
    /// Not polled yet: no timer exists.
    Unregistered,
    /// A timer with this key and stamp is (or was) in the wheel.
    Registered { key: TimerKey, stamp: u64 },
    /// The timer fired; the sleep is over.
    Elapsed,
}

impl Sleep {
    #[track_caller]
    fn new(deadline_ms: u64, runtime: Handle) -> Sleep {
        Sleep {
            deadline_ms,
            state: SleepState::Unregistered,
            at: Location::caller(),
            runtime,
        }
    }

    /// Run `f` with the sleep's own runtime.
    ///
    /// # Panics
    /// Once that runtime has shut down, with [`TIMER_SHUT_DOWN`].
    fn with_runtime<R>(&self, f: impl FnOnce(&Core) -> R) -> R {
        match self.runtime.with(f) {
            Ok(result) => result,
            Err(_) => panic!("{TIMER_SHUT_DOWN}"),
        }
    }

    /// The deadline in runtime milliseconds.
    pub fn deadline_ms(&self) -> u64 {
        self.deadline_ms
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let at = self.at;
        let poll = coop::budgeted(cx, |cx| self.as_mut().poll_elapsed(cx));
        context::awaiting_at(at, poll)
    }
}

impl Sleep {
    /// The sleep's own logic, once the cooperative budget allowed a look.
    fn poll_elapsed(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let deadline = self.deadline_ms;
        match self.state {
            SleepState::Elapsed => Poll::Ready(()),
            SleepState::Unregistered => {
                let state = self.with_runtime(|core| {
                    if core.timers.borrow().has_elapsed(deadline) {
                        return SleepState::Elapsed;
                    }
                    let current = core.current_task.get();
                    let waker = core.executor.borrow().keep(current, cx.waker());
                    let task = current.unwrap_or_default();
                    let mut timers = core.timers.borrow_mut();
                    let (inserted, at) = located(timers.insert(deadline, task, waker));
                    drop(timers);
                    let (key, stamp, position) = inserted;
                    let insert = Event::TimerInsert {
                        timer: key as u64,
                        task,
                        deadline_ms: deadline,
                        level: position.level,
                        slot: position.slot,
                    };
                    core.recorder.borrow_mut().record_at(insert, at);
                    SleepState::Registered { key, stamp }
                });
                self.state = state;
                if matches!(state, SleepState::Elapsed) {
                    return Poll::Ready(());
                }
                context::set_waiting_on(WaitingOn::Timer {
                    deadline_ms: deadline,
                });
                Poll::Pending
            }
            SleepState::Registered { key, stamp } => {
                let pending = self.with_runtime(|core| {
                    let mut timers = core.timers.borrow_mut();
                    if timers.has_elapsed(deadline) {
                        // Fired: see `Timers::has_elapsed`. No look at the
                        // entry, which would be a cache miss per timer.
                        debug_assert!(timers.live(key, stamp).is_none());
                        return false;
                    }
                    let Some(entry) = timers.live(key, stamp) else {
                        return false;
                    };
                    let executor = core.executor.borrow();
                    if !executor.kept_will_wake(&entry.waker, cx.waker()) {
                        // Polled by another task now (the `Sleep` moved):
                        // its waker and its name go in the entry.
                        let current = core.current_task.get();
                        let waker = executor.keep(current, cx.waker());
                        executor.forget(std::mem::replace(&mut entry.waker, waker));
                        entry.task = current.unwrap_or_default();
                    }
                    true
                });
                if pending {
                    context::set_waiting_on(WaitingOn::Timer {
                        deadline_ms: deadline,
                    });
                    Poll::Pending
                } else {
                    self.state = SleepState::Elapsed;
                    Poll::Ready(())
                }
            }
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        let SleepState::Registered { key, stamp } = self.state else {
            return;
        };
        self.runtime.with_alive(|core| {
            let mut timers = core.timers.borrow_mut();
            let live = timers.live(key, stamp).is_some();
            let (removed, at) = located(live.then(|| timers.wheel.remove(key)).flatten());
            drop(timers);
            if let Some(entry) = removed {
                core.executor.borrow().forget(entry.waker);
                let cancel = Event::TimerCancel { timer: key as u64 };
                core.recorder.borrow_mut().record_at(cancel, at);
            }
        });
    }
}
