//! Timers: the [`Sleep`] future and its glue to the hierarchical [`wheel`].
//!
//! ```text
//!   sleep(1 s).await
//!     first poll ──insert(deadline, task)──▶ wheel    (timer_insert: level, slot)
//!     loop parks until the wheel's next expiration (its slot's start)
//!     timer phase: the loop asks poll_instant(now) ──▶ [Cascade…, Fire]
//!                  and records them, waking each fired timer's task (timer)
//!     next poll: the wheel's time has reached the deadline ⇒ Ready
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
//! A `Sleep` keeps its timer's handle (`wheel::Timer`: key and deadline)
//! and whom the timer wakes. Keys are insertion numbers and never reused,
//! and the wheel refuses a deadline it has reached, so "the wheel's time
//! has reached my deadline" is how a `Sleep` knows its timer fired, without
//! a look at the timer. Dropping an unfired `Sleep` removes its timer (a
//! `timer_cancel` record), as Tokio does.

mod timers;
pub mod wheel;

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use reactor_protocol::Event;

use crate::runtime::context;
use crate::runtime::core::Core;
use crate::runtime::handle::Handle;
use crate::task::{WaitingOn, coop};
use crate::trace::located;
pub(crate) use timers::{TimerTarget, Timers, tasks_woken};
use wheel::Timer;

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

#[derive(Debug)]
enum SleepState {
    /// Not polled yet: no timer exists.
    Unregistered,
    /// Its timer is (or was, once the wheel's time has reached the
    /// deadline) in the wheel, and wakes `target`.
    Registered { timer: Timer, target: TimerTarget },
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
        let pending = match std::mem::replace(&mut self.state, SleepState::Elapsed) {
            SleepState::Elapsed => None,
            SleepState::Unregistered => self.register(cx),
            SleepState::Registered { timer, target } => self.reregister(cx, timer, target),
        };
        let Some(registered) = pending else {
            return Poll::Ready(());
        };
        self.state = registered;
        context::set_waiting_on(WaitingOn::Timer {
            deadline_ms: self.deadline_ms,
        });
        Poll::Pending
    }

    /// The first poll: file the timer, unless its deadline has passed.
    fn register(&self, cx: &Context<'_>) -> Option<SleepState> {
        let deadline = self.deadline_ms;
        self.with_runtime(|core| {
            let current = core.current_task.get();
            let waker = core.executor.borrow().keep(current, cx.waker());
            let task = current.unwrap_or_default();
            let mut timers = core.timers.borrow_mut();
            let (inserted, at) = located(timers.insert(deadline, task, waker));
            drop(timers);
            let (timer, target, position) = match inserted {
                Ok(filed) => filed,
                // Due already (Tokio's `InsertError::Elapsed`): done now.
                Err(waker) => {
                    core.executor.borrow().forget(waker);
                    return None;
                }
            };
            let insert = Event::TimerInsert {
                timer: timer.key(),
                task,
                deadline_ms: deadline,
                level: position.level,
                slot: position.slot,
            };
            core.recorder.borrow_mut().record_at(insert, at);
            Some(SleepState::Registered { timer, target })
        })
    }

    /// A later poll: done if the timer fired (no look at the wheel's lines,
    /// which would be a cache miss per timer); otherwise, if another task
    /// polls the `Sleep` now (it moved), its timer wakes that task instead.
    fn reregister(
        &self,
        cx: &Context<'_>,
        timer: Timer,
        target: TimerTarget,
    ) -> Option<SleepState> {
        self.with_runtime(|core| {
            let mut timers = core.timers.borrow_mut();
            if timers.wheel.has_fired(&timer) {
                return None;
            }
            let executor = core.executor.borrow();
            if timers.wakes_like(target, cx.waker(), &executor) {
                return Some(SleepState::Registered { timer, target });
            }
            let current = core.current_task.get();
            let waker = executor.keep(current, cx.waker());
            let new = timers.target_for(current.unwrap_or_default(), waker);
            let old = timers.wheel.replace(&timer, new);
            debug_assert_eq!(old, Some(target), "an unfired timer's line has its target");
            executor.forget(timers.release(target).1);
            Some(SleepState::Registered { timer, target: new })
        })
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        let SleepState::Registered { timer, target } =
            std::mem::replace(&mut self.state, SleepState::Elapsed)
        else {
            return;
        };
        self.runtime.with_alive(|core| {
            let mut timers = core.timers.borrow_mut();
            let key = timer.key();
            let (removed, at) = located(timers.wheel.remove(timer));
            if !removed {
                return;
            }
            let (_, waker) = timers.release(target);
            drop(timers);
            core.executor.borrow().forget(waker);
            let cancel = Event::TimerCancel { timer: key };
            core.recorder.borrow_mut().record_at(cancel, at);
        });
    }
}
