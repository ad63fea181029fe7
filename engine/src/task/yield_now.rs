//! [`yield_now`]: give the other queued tasks — and the OS — a turn.
//!
//! The first poll returns `Pending` without waking anyone: it hands the
//! task's waker to the runtime's *deferred* list. The loop then parks with a
//! zero timeout (there is work waiting, so it must not block), dispatches
//! what the OS reported, processes the timers, and only then fires the
//! deferred wakers (`wake` with cause `yield`). So a task that yields in a
//! loop lets the driver run once per yield, exactly as Tokio's `yield_now`
//! does through `context::defer` (`task/yield_now.rs`): one
//! `epoll_wait(…, 0)` per yield under `strace`.

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::runtime::context;
use crate::task::WaitingOn;

/// Let every other scheduled task run once before this one continues.
/// The caller's line is the `.await` the task is shown parked on.
#[track_caller]
pub fn yield_now() -> YieldNow {
    YieldNow {
        yielded: false,
        at: Location::caller(),
    }
}

/// The future returned by [`yield_now`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    yielded: bool,
    /// Where the program made it: the line of its `.await`.
    at: &'static Location<'static>,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        let at = self.at;
        let in_runtime = context::try_with(|core| {
            core.defer(cx.waker());
            core.note_waiting_on(WaitingOn::Yield);
            core.note_awaiting(at);
        });
        // Outside a runtime there is no driver to wait for: wake at once.
        if in_runtime.is_none() {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}
