//! One step of a multi-thread runtime: one thread of the pool acts once.
//!
//! ```text
//!   choose a ready thread (interleave.rs)
//!   ├─ block_on thread ─▶ poll main                           (one step)
//!   ├─ worker ─▶ plan (worker.rs) ─▶ poll a task, park / wake up, or
//!   │           park_yield: a zero-timeout turn of a free driver, and the
//!   │           wakes it deferred
//!   │           └─ holding the driver after its wait: dispatch one event,
//!   │              fire one instant, or fire the deferred wakes (one step);
//!   │              after the last, wake up or sleep on, in the same step
//!   └─ nobody ready ─▶ the driver's holder waits in the OS     (one step)
//! ```
//!
//! The OS wait, the dispatch and the timers are the current-thread loop's
//! own (`park.rs`, `dispatch.rs`): the driver does not know how many
//! workers there are, only who holds it.

use reactor_protocol::BLOCK_ON_THREAD;

use super::interleave::Actor;
use super::worker::Plan;
use crate::runtime::core::Core;
use crate::runtime::{dispatch, park, poll};

/// Perform one action. Returns `false` if the run has failed and cannot act.
pub(crate) fn step(core: &Core) -> bool {
    if core.state.borrow().failure.is_some() {
        return false;
    }
    let Some(pool) = core.pool.as_ref() else {
        return false;
    };
    core.sync_time();
    // A waker may have fired on another thread since the last step.
    core.schedule_woken();
    let main_woken = core.executor.borrow().main_woken();
    let actor = {
        let mut pool = pool.borrow_mut();
        let mut ready: Vec<bool> = pool.workers_ready();
        ready.push(main_woken);
        pool.order.choose(&ready)
    };
    match actor {
        Some(Actor::BlockOn) => {
            act_as(core, Actor::BlockOn);
            let main = core.executor.borrow_mut().take_main_woken();
            if let Some(id) = main {
                poll::poll_task(core, id);
            }
        }
        Some(Actor::Worker(w)) => {
            act_as(core, Actor::Worker(w));
            let deferred = core.has_deferred_of(w);
            let plan = pool
                .borrow_mut()
                .plan(w, deferred, &mut core.recorder.borrow_mut());
            match plan {
                Plan::Poll(task) => poll::poll_task(core, task),
                Plan::Done => {}
                Plan::Dispatch => dispatch_next(core, w),
                Plan::WaitCutShort => {
                    park::park_cut_short(core);
                    pool.borrow_mut().start_dispatch(w);
                    end_dispatch_if_done(core, w);
                }
                Plan::ParkYield => park_yield(core, w),
            }
        }
        None => wait_in_os(core),
    }
    pool.borrow_mut().acting = None;
    true
}

/// Stamp `actor` on the following records and route its wakes and spawns.
fn act_as(core: &Core, actor: Actor) {
    let worker = match actor {
        Actor::Worker(w) => w,
        Actor::BlockOn => BLOCK_ON_THREAD,
    };
    core.recorder.borrow_mut().set_worker(worker);
    if let Some(pool) = &core.pool {
        pool.borrow_mut().acting = Some(actor);
    }
}

/// Nobody can act: the worker holding the driver waits in the OS until
/// the wheel's next expiration or an event (the current-thread park).
fn wait_in_os(core: &Core) {
    let Some(pool) = core.pool.as_ref() else {
        return;
    };
    let holder = pool.borrow().driver_holder();
    let Some(w) = holder else {
        core.fail("every worker sleeps on its condition variable and none holds the driver".into());
        return;
    };
    act_as(core, Actor::Worker(w));
    park::park(core);
    pool.borrow_mut().start_dispatch(w);
    end_dispatch_if_done(core, w);
}

/// Tokio's `park_yield`: with the driver free, a zero-timeout turn of it
/// (then the dispatch, as after any wait); with another worker holding it,
/// only the wakes this worker deferred, and no system call.
fn park_yield(core: &Core, w: u32) {
    let Some(pool) = core.pool.as_ref() else {
        return;
    };
    let took = pool
        .borrow_mut()
        .take_driver_to_yield(w, &mut core.recorder.borrow_mut());
    if took {
        park::park_yield(core);
        pool.borrow_mut().start_dispatch(w);
        end_dispatch_if_done(core, w);
    } else {
        core.wake_deferred_of(w);
        pool.borrow_mut()
            .notify_if_tasks_wait(w, &mut core.recorder.borrow_mut());
    }
}

/// One piece of what the OS wait brought, in the current-thread loop's
/// order: an event, an instant of the wheel, the deferred wakes.
fn dispatch_next(core: &Core, w: u32) {
    let now = core.clock.borrow_mut().now();
    if core.driver.borrow().has_pending() {
        dispatch::dispatch_one(core);
    } else if core.timers.borrow().has_due(now) {
        dispatch::fire_next_instant(core);
    } else if core.has_deferred_of(w) {
        core.wake_deferred_of(w);
    }
    end_dispatch_if_done(core, w);
}

/// Once nothing the wait brought is left, in the same step: the holder
/// wakes up or sleeps on (`Pool::end_dispatch`), and the turn ends.
fn end_dispatch_if_done(core: &Core, w: u32) {
    let now = core.clock.borrow_mut().now();
    let left = core.driver.borrow().has_pending()
        || core.timers.borrow().has_due(now)
        || core.has_deferred_of(w);
    let Some(pool) = &core.pool else {
        return;
    };
    if left || core.state.borrow().failure.is_some() {
        return;
    }
    pool.borrow_mut()
        .end_dispatch(w, &mut core.recorder.borrow_mut());
    let mut state = core.state.borrow_mut();
    state.turn += 1;
    core.recorder.borrow_mut().set_turn(state.turn);
}
