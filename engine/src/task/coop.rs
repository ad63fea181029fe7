//! The cooperative budget: a task may only make so much progress per poll.
//!
//! A task that awaits one ready thing after another (a channel full of
//! messages, a long list of finished `JoinHandle`s) would never return
//! `Pending` by itself and would keep the thread from everything else. So,
//! like Tokio (`task/coop`), each poll of a task gets a budget of
//! [`BUDGET`] units; every runtime resource that is *ready* (a `JoinHandle`
//! with its output, an elapsed `Sleep`, a socket with readiness) spends
//! one. With the budget spent, the next resource answers `Pending` and
//! defers the task's wake, as `yield_now` does: the task yields, the driver
//! runs, and the task carries on in a later turn.
//!
//! ```text
//!   poll main ─▶ handle 1 ready (127 left) ─▶ … ─▶ handle 128 ready (0 left)
//!             ─▶ handle 129: budget spent → defer wake, Pending
//!   park(0) ─▶ wake(yield) main ─▶ poll main: a fresh budget
//! ```
//!
//! A resource that answers `Pending` anyway gives its unit back (Tokio's
//! `RestoreOnPending`): only progress costs budget.

use std::task::{Context, Poll};

use super::WaitingOn;
use crate::runtime::context;

/// Units per poll: Tokio's `Budget::initial()`.
pub const BUDGET: u8 = 128;

/// Poll a runtime resource under the budget: take a unit first (or answer
/// `Pending` with the wake deferred, when none is left), then let `poll`
/// look, and give the unit back if the resource was not ready.
pub(crate) fn budgeted<T>(
    cx: &mut Context<'_>,
    poll: impl FnOnce(&mut Context<'_>) -> Poll<T>,
) -> Poll<T> {
    if poll_proceed(cx).is_pending() {
        return Poll::Pending;
    }
    let result = poll(cx);
    if result.is_pending() {
        refund();
    }
    result
}

/// Take one unit before a resource checks whether it is ready. `Pending`
/// (with the wake deferred) when the running task's budget is spent.
/// Outside a runtime there is no budget.
fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    let spent = context::try_with(|core| {
        let left = core.budget.get();
        if left == 0 {
            core.defer(cx.waker());
            return true;
        }
        core.budget.set(left - 1);
        false
    });
    if spent == Some(true) {
        context::set_waiting_on(WaitingOn::Budget);
        Poll::Pending
    } else {
        Poll::Ready(())
    }
}

/// Give back the unit [`poll_proceed`] took: the resource was not ready.
fn refund() {
    context::try_with(|core| {
        core.budget
            .set(core.budget.get().saturating_add(1).min(BUDGET))
    });
}
