//! [`yield_now`]: give the other queued tasks a turn.
//!
//! The first poll wakes the task's own waker and returns `Pending`. The task
//! is still running at that moment, so the executor only notes the wake and
//! puts the task at the back of the run queue when the poll returns.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use reactor_protocol::WakeCause;

use crate::runtime::context;

/// Let every other scheduled task run once before this one continues.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        match context::current_task() {
            Some(task) => context::with(|core| core.wake(task, WakeCause::Other, cx.waker())),
            None => cx.waker().wake_by_ref(),
        }
        Poll::Pending
    }
}
