//! Phases 4 and 5 of the loop: what the park brought back becomes wakes.
//!
//! The I/O driver and the timer wheel only report what happened: the OS
//! event and the waiters its readiness satisfied; the cascades and fires
//! of one instant of the wheel. Recording it and waking the tasks is the
//! loop's job, done here. Tokio's driver fires the wakers itself, but in
//! the same two moves: it collects them into a list under the
//! registration's lock and wakes them once the lock is released
//! (`ScheduledIo::wake`, `WakeList`); here that list is handed to the
//! loop, which records each wake as it fires it. Since neither part knows
//! who records or who runs the woken tasks, several workers can share one
//! driver.
//!
//! ```text
//!   driver.dispatch_next() ──▶ Dispatched { event, woken }
//!                                  │
//!                                  ├─▶ record os_event
//!                                  └─▶ wake(io) each waiter ──▶ run queue
//!
//!   timers.poll_instant(now) ──▶ [Cascade, …, Fire, …]   one instant
//!                                  │
//!                                  ├─▶ Cascade: record timer_cascade
//!                                  └─▶ Fire:    record timer_fire,
//!                                               wake(timer) ──▶ run queue
//! ```
//!
//! No part of the runtime is borrowed while a waker fires: a waker can run
//! any code, and that code may reach back into the runtime.

use reactor_protocol::{Event, WakeCause};

use super::core::Core;
use crate::time::{tasks_woken, wheel::WheelEvent};
use crate::trace::located;

/// Dispatch one queued OS event: record it, let the driver update the
/// readiness, wake the tasks it satisfied. Returns `false` when no event
/// was queued.
pub(crate) fn dispatch_one(core: &Core) -> bool {
    let (dispatched, at) = located(core.driver.borrow_mut().dispatch_next());
    let Some(dispatched) = dispatched else {
        return false;
    };
    let event = dispatched.event;
    let os_event = Event::OsEvent {
        token: event.token,
        readable: event.readable,
        writable: event.writable,
    };
    core.recorder.borrow_mut().record_at(os_event, at);
    for (task, waker) in dispatched.woken.into_iter().flatten() {
        match task {
            Some(task) => core.wake(task, WakeCause::Io, &waker),
            // A task of another runtime waits on this socket: its own loop
            // queues it, so this trace has no `wake` for it.
            None => waker.wake(),
        }
    }
    true
}

/// The timer phase, one instant per call: record what the wheel cascades
/// and fires at its next instant `<= now`, and wake the fired timers'
/// tasks. Returns `false` when nothing was due.
pub(crate) fn fire_next_instant(core: &Core) -> bool {
    let now = core.clock.borrow_mut().now();
    let (mut events, at) = located(core.timers.borrow_mut().poll_instant(now));
    let fired_any = !events.is_empty();
    // The tasks these timers wake: fetch their memory together, not one
    // wake at a time (`Executor::warm`).
    core.executor.borrow().warm(tasks_woken(&events));
    for event in events.drain(..) {
        match event {
            WheelEvent::Cascade { key, from, to } => {
                let cascade = Event::TimerCascade {
                    timer: key,
                    from_level: from.level,
                    from_slot: from.slot,
                    to_level: to.level,
                    to_slot: to.slot,
                };
                core.recorder.borrow_mut().record_at(cascade, at);
            }
            WheelEvent::Fire {
                key,
                deadline,
                value,
            } => {
                let (task, waker) = core.timers.borrow_mut().release(value);
                let fire = Event::TimerFire {
                    timer: key,
                    task,
                    deadline_ms: deadline,
                };
                core.recorder.borrow_mut().record_at(fire, at);
                core.wake_kept(Some(task), WakeCause::Timer, waker);
            }
        }
    }
    core.timers.borrow_mut().end_instant(events, now);
    fired_any
}
