//! The event loop, one action per step, in the order of Tokio's
//! current-thread scheduler (`runtime/scheduler/current_thread/mod.rs`,
//! `CoreGuard::block_on`).
//!
//! ```text
//!          ┌──────────────────────────── one turn ─────────────────────────────┐
//!          │                                                                   │
//!   ┌─▶ 1. POLL MAIN     the block_on future, if its waker fired  (one step)   │
//!   │   2. POLL TASKS    pop a task, poll it           (one task per step)     │
//!   │      │ queue empty, or POLL_BUDGET polls done                            │
//!   │   3. PARK          OS wait until the wheel's next expiration (one step)  │
//!   │      │             — or 0 ms when work is waiting; virtual clock jumps   │
//!   │   4. DISPATCH      os_event → readiness → wake   (one event per step)    │
//!   │   5. FIRE TIMERS   cascade or fire what is due   (one instant per step)  │
//!   │   6. WAKE DEFERRED the wakes `yield_now` put off (one step)              │
//!   └──────┘ turn += 1                                                         │
//!          └───────────────────────────────────────────────────────────────────┘
//! ```
//!
//! Phases 3 to 6 are what Tokio's `driver.park()` does in one call: wait in
//! epoll, dispatch the I/O events, process the timer wheel up to now, then
//! wake the deferred yields. The loop always parks once per turn: with
//! nothing queued it blocks until the next timer expiration; when the run
//! queue is not empty (the budget ran out), a yield is deferred or `main`
//! was woken, it only looks at the OS with a zero timeout, as Tokio's
//! `park_yield` does.
//!
//! `main`, the future given to `block_on`, is not a task on the run queue:
//! like Tokio, the loop polls it at the top of a turn when its waker has
//! fired, and that poll does not count against [`POLL_BUDGET`].
//!
//! A phase with nothing to do is skipped without a step. Stepping is what
//! makes the loop visible: [`step`] performs exactly one action and returns.
//! `turn()` and `run()` are just repeated steps, so all three produce the
//! same records.

use super::core::Core;
use super::{dispatch, park, poll};

pub use reactor_protocol::POLL_BUDGET;

/// Where the loop is within its turn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Polling the `block_on` future, if it was woken.
    #[default]
    PollMain,
    /// Polling tasks from the run queue.
    PollTasks,
    /// About to park in the OS.
    Park,
    /// Dispatching the events the park brought back.
    Dispatch,
    /// Processing the timer wheel up to now.
    FireTimers,
    /// Waking the tasks whose `yield_now` deferred their wake.
    WakeDeferred,
}

/// The loop's position and flags.
///
/// Invariants: `polls` counts the task polls of this turn and is reset with
/// each new turn; `failure` once set stops the loop for good. Whether the
/// loop counts as parked is not kept here: it follows from the records
/// (`reactor_protocol::Park::after`).
#[derive(Debug, Default)]
pub(crate) struct LoopState {
    pub(crate) phase: Phase,
    pub(crate) turn: u64,
    pub(crate) polls: u32,
    pub(crate) failure: Option<String>,
}

/// Perform one action. Returns `false` if the loop has failed and cannot act.
pub(crate) fn step(core: &Core) -> bool {
    if core.pool.is_some() {
        return super::multi_thread::step(core);
    }
    if core.state.borrow().failure.is_some() {
        return false;
    }
    core.sync_time();
    // A waker may have fired on another thread since the last step.
    core.schedule_woken();
    settle(core);
    let phase = core.state.borrow().phase;
    match phase {
        Phase::PollMain => {
            let main = core.executor.borrow_mut().take_main_woken();
            if let Some(id) = main {
                poll::poll_task(core, id);
            }
        }
        Phase::PollTasks => {
            let next = core.executor.borrow_mut().pop_scheduled();
            if let Some(id) = next {
                core.state.borrow_mut().polls += 1;
                poll::poll_task(core, id);
            }
        }
        Phase::Park => park::park(core),
        Phase::Dispatch => {
            dispatch::dispatch_one(core);
        }
        Phase::FireTimers => {
            dispatch::fire_next_instant(core);
        }
        Phase::WakeDeferred => core.wake_deferred(),
    }
    if core.state.borrow().failure.is_none() {
        settle(core);
    }
    true
}

/// Move past phases with nothing to do, starting a new turn after the
/// deferred wakes.
fn settle(core: &Core) {
    loop {
        let phase = core.state.borrow().phase;
        if has_work(core, phase) {
            return;
        }
        let mut state = core.state.borrow_mut();
        state.phase = match phase {
            Phase::PollMain => Phase::PollTasks,
            Phase::PollTasks => Phase::Park,
            Phase::Park => Phase::Dispatch,
            Phase::Dispatch => Phase::FireTimers,
            Phase::FireTimers => Phase::WakeDeferred,
            Phase::WakeDeferred => {
                state.turn += 1;
                state.polls = 0;
                core.recorder.borrow_mut().set_turn(state.turn);
                Phase::PollMain
            }
        };
    }
}

fn has_work(core: &Core, phase: Phase) -> bool {
    match phase {
        Phase::PollMain => core.executor.borrow().main_woken(),
        Phase::PollTasks => {
            core.state.borrow().polls < POLL_BUDGET && core.executor.borrow().has_scheduled()
        }
        // Every turn parks: blocking when idle, a zero-timeout look otherwise.
        Phase::Park => true,
        Phase::Dispatch => core.driver.borrow().has_pending(),
        Phase::FireTimers => {
            let now = core.clock.borrow_mut().now();
            core.timers.borrow().has_due(now)
        }
        Phase::WakeDeferred => core.has_deferred(),
    }
}

/// Whether the next park must not block: work is already waiting.
pub(crate) fn has_pending_work(core: &Core) -> bool {
    let executor = core.executor.borrow();
    executor.has_scheduled() || executor.main_woken() || core.has_deferred()
}

/// The current turn.
pub(crate) fn turn(core: &Core) -> u64 {
    core.state.borrow().turn
}
