//! `lost_waker`: a hand-written future that forgets its waker.
//!
//! ```text
//!   main: spawn(worker) ─▶ await its JoinHandle ─▶ Pending (waker in the join slot)
//!   worker: OnceMore::poll ─▶ Pending, cx never used ─▶ diagnostic lost_waker
//!   park(timeout: null): nothing can arrive ─▶ diagnostic stuck, the run ends
//! ```

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{MainResult, Setup};
use crate::{output, spawn_named};

/// Meant to say "not yet, poll me once more": Pending on the first poll,
/// Ready on the second.
struct OnceMore {
    polled: bool,
}

impl Future for OnceMore {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            return Poll::Ready(());
        }
        self.polled = true;
        // BUG: Pending without storing the waker or calling
        // `cx.waker().wake_by_ref()`: nothing will ever poll this again.
        Poll::Pending
    }
}

/// A worker awaits the faulty future; main awaits the worker.
async fn main() -> MainResult {
    let worker = spawn_named("worker", async {
        OnceMore { polled: false }.await;
        output("never printed");
    });
    worker.await.map_err(|error| error.to_string())
}

pub(crate) fn setup() -> Setup {
    Setup {
        main: Box::pin(main()),
        script: None,
    }
}
