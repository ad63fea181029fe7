//! Parking: the loop waits in the OS, once per turn.
//!
//! The timeout is the time to the timer wheel's **next expiration**: the
//! start of the next slot that holds a timer, not the earliest deadline.
//! Tokio's time driver does exactly this (`runtime/time/mod.rs`,
//! `park_internal` with `wheel.next_expiration_time()`): a 1 s sleep filed
//! on level 1 wakes the loop at 960 ms, where its slot starts, with no OS
//! event; the wheel cascades it to level 0; the loop parks again for 40 ms.
//! The article simplifies this to "the timeout of the earliest timer".
//!
//! When work is already waiting (tasks still queued because the poll budget
//! ran out, a deferred `yield_now`, or `main` woken) the park does not block
//! at all: a zero timeout, Tokio's `park_yield`. With no timer filed the
//! timeout is infinite (`None`): only an OS event can end the wait.
//!
//! With the **virtual clock** the wait itself must not make traces depend on
//! real timing, so mio is polled with a zero timeout, and if nothing came
//! back the clock jumps to the expiration (`clock_advance`). The scripted
//! peer is the world outside the runtime: Tokio knows nothing of it, so it
//! never shortens the timeout, but when it is due before the expiration the
//! clock jumps to it, the peer acts, and the driver blocks (up to a safety
//! cap) until the OS event its connect or write must produce is there.
//!
//! With the **real clock** the driver blocks for the timeout.

use std::time::Duration;

use reactor_protocol::Event;

use super::clock::ClockMode;
use super::core::Core;
use super::event_loop::{self, Phase};

/// Park once: `park`, maybe `clock_advance`, `unpark`. Errors end the run.
pub(crate) fn park(core: &Core) {
    let now = core.sync_time();
    let must_not_block = event_loop::has_pending_work(core);
    let timer = core.timers.borrow().next_expiration();
    let script = core
        .script
        .borrow()
        .as_ref()
        .and_then(|script| script.next_time());
    let timeout_ms = if must_not_block {
        Some(0)
    } else {
        timer.map(|at| at.saturating_sub(now))
    };

    let mode = core.clock.borrow().mode();
    let waited = wait_in_os(core, timeout_ms, || match mode {
        _ if must_not_block => poll_os(core, Duration::ZERO),
        ClockMode::Virtual => park_virtual(core, timer, script),
        ClockMode::Real => park_real(core, now, timeout_ms, script),
    });
    match waited {
        Err(message) if message == STUCK => core.end_stuck(message),
        Err(message) => core.fail(message),
        Ok(()) => {}
    }
}

/// A multi-thread worker's `park_yield` with the driver: a look at the OS
/// with a zero timeout.
pub(crate) fn park_yield(core: &Core) {
    core.sync_time();
    if let Err(message) = wait_in_os(core, Some(0), || poll_os(core, Duration::ZERO)) {
        core.fail(message);
    }
}

/// A multi-thread worker holding the driver was notified while it waited:
/// Tokio wakes such a worker through the driver (mio's `Waker`), so its
/// `epoll_wait` returns at once with whatever events are there. The record
/// keeps the timeout it waited with; the wait itself takes no time.
pub(crate) fn park_cut_short(core: &Core) {
    let now = core.sync_time();
    let timer = core.timers.borrow().next_expiration();
    let timeout_ms = timer.map(|at| at.saturating_sub(now));
    if let Err(message) = wait_in_os(core, timeout_ms, || poll_os(core, Duration::ZERO)) {
        core.fail(message);
    }
}

/// The park itself: `park` is recorded, `wait` waits in the OS, and once
/// it is over the wheel catches up with the clock and `unpark` is
/// recorded, both records at the caller's line, the one that waits.
#[track_caller]
fn wait_in_os(
    core: &Core,
    timeout_ms: Option<u64>,
    wait: impl FnOnce() -> Result<usize, String>,
) -> Result<(), String> {
    core.recorder
        .borrow_mut()
        .record(Event::Park { timeout_ms });
    core.state.borrow_mut().phase = Phase::Dispatch;
    let events = wait()?;
    let now = core.sync_time();
    core.timers.borrow_mut().catch_up(now);
    core.recorder.borrow_mut().record(Event::Unpark { events });
    Ok(())
}

fn park_virtual(core: &Core, timer: Option<u64>, script: Option<u64>) -> Result<usize, String> {
    // What the OS already has (a socket registered writable reports it at
    // once) ends the wait before any time passes.
    let events = poll_os(core, Duration::ZERO)?;
    if events > 0 {
        return Ok(events);
    }
    if let Some(at) = script
        && timer.is_none_or(|expiration| at <= expiration)
    {
        advance_clock(core, at);
        let expects_event = run_script(core)?;
        let wait = if expects_event {
            core.io_wait_cap
        } else {
            Duration::ZERO
        };
        return poll_os(core, wait);
    }
    if let Some(expiration) = timer {
        advance_clock(core, expiration);
        return Ok(0);
    }
    wait_for_io_or_deadlock(core)
}

fn park_real(
    core: &Core,
    now: u64,
    timeout_ms: Option<u64>,
    script: Option<u64>,
) -> Result<usize, String> {
    if script.is_some_and(|at| at <= now) {
        run_script(core)?;
    }
    // The wait is cut short when the peer is due, so that it can act; the
    // record keeps Tokio's timeout, which knows nothing of the peer.
    let until_script = script.map(|at| at.saturating_sub(now).max(1));
    match [timeout_ms, until_script].into_iter().flatten().min() {
        Some(ms) => poll_os(core, Duration::from_millis(ms)),
        None => wait_for_io_or_deadlock(core),
    }
}

/// Nothing is scheduled in time: only an OS event can wake a task now. Wait
/// for one (up to the cap), or report that nothing ever will.
fn wait_for_io_or_deadlock(core: &Core) -> Result<usize, String> {
    if core.driver.borrow().has_waiters() {
        let events = poll_os(core, core.io_wait_cap)?;
        if events > 0 {
            return Ok(events);
        }
        return Err(format!(
            "no OS event within {} ms, and no timer or script step could wake the waiting tasks",
            core.io_wait_cap.as_millis()
        ));
    }
    Err(STUCK.into())
}

/// Why the loop stops when nothing can wake any task (the text of
/// `RunError::Stopped`; the trace's last record is the `stuck` diagnostic).
pub(crate) const STUCK: &str =
    "deadlock: every task is waiting and no timer, socket or script step can wake any of them";

fn poll_os(core: &Core, wait: Duration) -> Result<usize, String> {
    core.driver
        .borrow_mut()
        .poll_os(Some(wait))
        .map_err(|error| format!("the OS wait failed: {error}"))
}

fn run_script(core: &Core) -> Result<bool, String> {
    let mut script = core.script.borrow_mut();
    let Some(script) = script.as_mut() else {
        return Ok(false);
    };
    script
        .run_next()
        .map_err(|error| format!("scenario script failed: {error}"))
}

/// Virtual clock: jump to `to_ms`, recording `clock_advance` (at the
/// caller's line) if time moves.
#[track_caller]
fn advance_clock(core: &Core, to_ms: u64) {
    let from_ms = core.clock.borrow_mut().now();
    if to_ms <= from_ms {
        return;
    }
    core.clock.borrow_mut().advance_to(to_ms);
    let mut recorder = core.recorder.borrow_mut();
    recorder.set_time(to_ms);
    recorder.record(Event::ClockAdvance { from_ms, to_ms });
}
