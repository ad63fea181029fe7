//! Parking: the loop has nothing to run, so it waits in the OS.
//!
//! The timeout is the time to the earliest timer deadline (or to the
//! scenario script's next action), as the article says: the loop must wake
//! in time to fire the timer.
//!
//! With the **virtual clock** the wait itself must not make traces depend on
//! real timing, so mio is polled with a zero timeout, and if nothing came
//! back the clock jumps to the deadline (`clock_advance`). Only right after
//! the script did something that must produce an OS event (a loopback
//! connect or write, delivered by the kernel at once) does the driver block,
//! up to a safety cap, until that event is there.
//!
//! With the **real clock** the driver blocks for the timeout.

use std::time::Duration;

use reactor_protocol::Event;

use super::clock::ClockMode;
use super::core::Core;
use super::event_loop::Phase;

/// Park once: `park`, maybe `clock_advance`, `unpark`. Errors end the run.
pub(crate) fn park(core: &Core) {
    let now = core.sync_time();
    let must_not_block = core.executor.borrow().has_scheduled();
    let timer = core.timers.borrow().earliest_deadline();
    let script = core
        .script
        .borrow()
        .as_ref()
        .and_then(|script| script.next_time());
    let next = [timer, script].into_iter().flatten().min();
    let timeout_ms = if must_not_block {
        Some(0)
    } else {
        next.map(|at| at.saturating_sub(now))
    };

    core.recorder
        .borrow_mut()
        .record(Event::Park { timeout_ms });
    {
        let mut state = core.state.borrow_mut();
        state.parked = Some(timeout_ms);
        state.phase = Phase::Dispatch;
    }
    let mode = core.clock.borrow().mode();
    let waited = match mode {
        _ if must_not_block => poll_os(core, Duration::ZERO),
        ClockMode::Virtual => park_virtual(core, timer, script),
        ClockMode::Real => park_real(core, now, timeout_ms, script),
    };
    match waited {
        Ok(events) => {
            core.sync_time();
            core.recorder.borrow_mut().record(Event::Unpark { events });
        }
        Err(message) => core.fail(message),
    }
}

fn park_virtual(core: &Core, timer: Option<u64>, script: Option<u64>) -> Result<usize, String> {
    if let Some(at) = script
        && timer.is_none_or(|deadline| at <= deadline)
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
    let events = poll_os(core, Duration::ZERO)?;
    if events > 0 {
        return Ok(events);
    }
    if let Some(deadline) = timer {
        advance_clock(core, deadline);
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
    match timeout_ms {
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
    Err(
        "deadlock: every task is waiting and no timer, socket or script step can wake any of them"
            .into(),
    )
}

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

/// Virtual clock: jump to `to_ms`, recording `clock_advance` if time moves.
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
