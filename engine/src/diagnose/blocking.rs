//! A blocking call inside a poll, and the `blocking_poll` it causes.
//!
//! `std::thread::sleep` (or any blocking call) in a task does not return
//! to the loop: while it runs, nothing else does — no other task, no park,
//! no OS event, no timer. [`block_thread_for`] is that call, made visible:
//! a `syscall` record (`clock_nanosleep`, what `std::thread::sleep` asks
//! Linux for) and the clock moved on *during* the poll. With the virtual
//! clock the jump is exact, so the trace stays deterministic.
//!
//! ```text
//!   t=0    poll blocker ─▶ block_thread_for(200 ms) ─▶ clock 0 → 200 ─▶ Pending
//!          diagnostic blocking_poll: held 200 ms; timer 0 (deadline 50) late by 150 ms
//!   t=200  park(0) ─▶ fire timer 0, 150 ms after its deadline
//! ```

use std::panic::Location;
use std::time::Duration;

use reactor_protocol::{Diagnostic, Event, LateTimer, Outcome, Problem, TaskId};

use super::record;
use crate::runtime::ClockMode;
use crate::runtime::context;
use crate::runtime::core::Core;

/// Block the thread for `duration`, as `std::thread::sleep` would inside a
/// task: the whole loop stops meanwhile. With the virtual clock, time jumps
/// by `duration` at once; with the real clock the thread really sleeps.
/// Records a `syscall` (`clock_nanosleep`) at the caller's line.
///
/// Never do this in async code: it is here so the lab can show why.
///
/// # Panics
/// Outside a runtime: call it from a task or from `block_on`.
#[track_caller]
pub fn block_thread_for(duration: Duration) {
    let at = Location::caller();
    let millis = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    context::with(|core| {
        let task = core.current_task.get();
        let from = core.sync_time();
        match core.clock.borrow().mode() {
            ClockMode::Virtual => {}
            ClockMode::Real => std::thread::sleep(duration),
        }
        let to = {
            let mut clock = core.clock.borrow_mut();
            clock.advance_to(from.saturating_add(millis));
            clock.now()
        };
        let call = Event::syscall(task, "clock_nanosleep", None, Outcome::Ok { bytes: None });
        core.recorder.borrow_mut().record_at(call, at);
        core.recorder.borrow_mut().set_time(to);
        let mut watch = core.watch.borrow_mut();
        let (held, since) = watch.held.unwrap_or((0, from));
        watch.held = Some((held + (to - from), since));
    });
}

/// After a poll: if it blocked, record the `blocking_poll` diagnostic with
/// the timers now past their deadline, at the caller's line.
#[track_caller]
pub(super) fn check(core: &Core, task: TaskId) {
    let Some((held_ms, since)) = core.watch.borrow_mut().held.take() else {
        return;
    };
    let now = core.sync_time();
    let late_timers: Vec<LateTimer> = core
        .timers
        .borrow()
        .iter()
        .filter(|timer| timer.deadline_ms < now && timer.deadline_ms >= since)
        .map(|timer| LateTimer {
            timer: timer.key,
            task: timer.task,
            deadline_ms: timer.deadline_ms,
            late_ms: now - timer.deadline_ms,
        })
        .collect();
    let late = match late_timers.as_slice() {
        [] => "no timer came due meanwhile".to_string(),
        timers => timers
            .iter()
            .map(|late| {
                format!(
                    "timer {} (task {}) fires {} ms late",
                    late.timer, late.task, late.late_ms
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    record(
        core,
        Diagnostic {
            problem: Problem::BlockingPoll,
            tasks: vec![task],
            wakers: Vec::new(),
            held_ms: Some(held_ms),
            late_timers,
            self_wakes: None,
            ends_run: false,
            message: format!(
                "task {task}'s poll held the thread for {held_ms} ms in a blocking call: \
                 no other task ran, and the loop could neither park, dispatch OS events \
                 nor fire timers meanwhile; {late}"
            ),
        },
    );
}
