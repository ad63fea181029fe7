//! The event loop, one action per step.
//!
//! ```text
//!          ┌──────────────────────────── one turn ───────────────────────────┐
//!          │                                                                 │
//!   ┌─▶ 1. POLL TASKS   pop a task, poll it          (one task per step)     │
//!   │      │ queue empty (or POLL_BUDGET polls done)                         │
//!   │   2. FIRE TIMERS  wheel.poll_at(now)           (one instant per step)  │
//!   │      │ nothing due                                                     │
//!   │   3. PARK         OS wait, timeout from the    (one step)              │
//!   │      │            earliest deadline; virtual                           │
//!   │      │            clock jumps to it                                    │
//!   │   4. DISPATCH     os_event → readiness → wake  (one event per step)    │
//!   │      │ no events left                                                  │
//!   └──────┘ turn += 1                                                       │
//!          └─────────────────────────────────────────────────────────────────┘
//! ```
//!
//! A phase with nothing to do is skipped without a step. Parking is skipped
//! when timers woke tasks (the queue is not empty): there is work, so the
//! loop goes straight to the next turn. Like the article's loop, tasks woken
//! while the queue is being drained run in the same turn; [`POLL_BUDGET`]
//! bounds that, so a task that keeps yielding cannot starve timers and I/O.
//!
//! Stepping is what makes the loop visible: [`step`] performs exactly one
//! action and returns. `turn()` and `run()` are just repeated steps, so all
//! three produce the same records.

use super::core::Core;
use super::park;
use crate::io::driver;
use crate::task;
use crate::time;

/// Polls per turn before the loop checks timers and the OS anyway. Tokio's
/// current-thread scheduler uses 61 (`event_interval`) for the same purpose.
pub const POLL_BUDGET: u32 = 61;

/// Where the loop is within its turn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Polling tasks from the run queue.
    #[default]
    PollTasks,
    /// Firing timers due by now.
    FireTimers,
    /// About to park in the OS.
    Park,
    /// Dispatching the events the park brought back.
    Dispatch,
}

/// The loop's position and flags.
///
/// Invariants: `polls` counts the polls of this turn and is reset with each
/// new turn; `parked` is `Some(timeout)` from a park until the next action
/// that is not the dispatch of an event it brought back, else `None` (so the
/// picture shows the park after its step); `failure` once set stops the loop for good.
#[derive(Debug, Default)]
pub(crate) struct LoopState {
    pub(crate) phase: Phase,
    pub(crate) turn: u64,
    pub(crate) polls: u32,
    pub(crate) parked: Option<Option<u64>>,
    pub(crate) failure: Option<String>,
}

/// Perform one action. Returns `false` if the loop has failed and cannot act.
pub(crate) fn step(core: &Core) -> bool {
    if core.state.borrow().failure.is_some() {
        return false;
    }
    core.sync_time();
    // A waker may have fired on another thread since the last step.
    core.schedule_woken();
    settle(core);
    let phase = core.state.borrow().phase;
    if phase != Phase::Dispatch {
        core.state.borrow_mut().parked = None;
    }
    match phase {
        Phase::PollTasks => {
            let next = core.executor.borrow_mut().pop_scheduled();
            if let Some(id) = next {
                core.state.borrow_mut().polls += 1;
                task::poll_task(core, id);
            }
        }
        Phase::FireTimers => {
            time::fire_next_instant(core);
        }
        Phase::Park => park::park(core),
        Phase::Dispatch => {
            driver::dispatch_one(core);
        }
    }
    if core.state.borrow().failure.is_none() {
        settle(core);
    }
    true
}

/// Move past phases with nothing to do, starting a new turn after dispatch.
fn settle(core: &Core) {
    loop {
        let phase = core.state.borrow().phase;
        if has_work(core, phase) {
            return;
        }
        let mut state = core.state.borrow_mut();
        state.phase = match phase {
            Phase::PollTasks => Phase::FireTimers,
            Phase::FireTimers => Phase::Park,
            Phase::Park => Phase::Dispatch,
            Phase::Dispatch => {
                state.turn += 1;
                state.polls = 0;
                core.recorder.borrow_mut().set_turn(state.turn);
                Phase::PollTasks
            }
        };
    }
}

fn has_work(core: &Core, phase: Phase) -> bool {
    let budget_left = core.state.borrow().polls < POLL_BUDGET;
    let queued = core.executor.borrow().has_scheduled();
    match phase {
        Phase::PollTasks => queued && budget_left,
        Phase::FireTimers => {
            let now = core.clock.borrow_mut().now();
            core.timers.borrow().has_due(now)
        }
        // Park when idle, or when the budget ran out (then without waiting).
        Phase::Park => !queued || !budget_left,
        Phase::Dispatch => core.driver.borrow().has_pending(),
    }
}

/// The current turn.
pub(crate) fn turn(core: &Core) -> u64 {
    core.state.borrow().turn
}
