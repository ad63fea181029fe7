//! Turns to run a program: at most `max_concurrent` at once, at most
//! `max_waiting` more waiting, none waiting longer than `wait_timeout`.
//!
//! ```text
//!   run ─try─▶ places (running + waiting) ──full──▶ Busy::Full, at once
//!                 │
//!                 └─wait ≤ wait_timeout─▶ running ──late──▶ Busy::Waited
//!                                            │
//!                                            └─▶ RunPermit (both held until dropped)
//! ```
//!
//! A place is taken before waiting, so the queue never grows past
//! `max_waiting`; both permits are owned, so a run that outlives the
//! request that asked for it (a client that hung up while its program runs
//! on a blocking thread) keeps its turn until it really ends.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ProgramLimits;

/// Who may run a program now.
pub(crate) struct RunGate {
    running: Arc<Semaphore>,
    places: Arc<Semaphore>,
    max_concurrent: usize,
    max_waiting: usize,
    wait_timeout: Duration,
}

/// A turn to run one program; the turn ends when it is dropped.
pub(crate) struct RunPermit {
    _running: OwnedSemaphorePermit,
    _place: OwnedSemaphorePermit,
}

/// Why a run got no turn.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Busy {
    /// Every turn is taken and every place in the queue too.
    Full { running: usize, waiting: usize },
    /// No turn came within the wait.
    Waited(Duration),
    /// The server is shutting down.
    Stopping,
}

impl Busy {
    /// What the client is told.
    pub(crate) fn message(&self) -> String {
        match self {
            Busy::Full { running, waiting } => format!(
                "the server is busy: {running} programs are running and {waiting} more are \
                 waiting for a turn; try again in a moment"
            ),
            Busy::Waited(wait) => format!(
                "the server is busy: no turn to run the program came within {} s; try again \
                 in a moment",
                wait.as_secs_f32()
            ),
            Busy::Stopping => "the server is shutting down".to_owned(),
        }
    }
}

impl RunGate {
    /// Turns as `limits` says (at least one running at once).
    pub(crate) fn new(limits: &ProgramLimits) -> RunGate {
        let max_concurrent = limits.max_concurrent.max(1);
        let places = max_concurrent.saturating_add(limits.max_waiting);
        RunGate {
            running: Arc::new(Semaphore::new(max_concurrent)),
            places: Arc::new(Semaphore::new(places.min(Semaphore::MAX_PERMITS))),
            max_concurrent,
            max_waiting: limits.max_waiting,
            wait_timeout: limits.wait_timeout,
        }
    }

    /// Take a turn, waiting for one if a place in the queue is free.
    pub(crate) async fn enter(&self) -> Result<RunPermit, Busy> {
        let place = self.place()?;
        let running = tokio::time::timeout(self.wait_timeout, self.running.clone().acquire_owned())
            .await
            .map_err(|_| Busy::Waited(self.wait_timeout))?
            .map_err(|_| Busy::Stopping)?;
        Ok(RunPermit {
            _running: running,
            _place: place,
        })
    }

    /// [`RunGate::enter`] from a thread outside the runtime (a session's
    /// engine thread), waiting on `runtime`'s timers.
    pub(crate) fn enter_blocking(&self, runtime: &Handle) -> Result<RunPermit, Busy> {
        let place = self.place()?;
        if let Ok(running) = self.running.clone().try_acquire_owned() {
            return Ok(RunPermit {
                _running: running,
                _place: place,
            });
        }
        drop(place);
        // A runtime that is shutting down panics on timers: the server is stopping.
        catch_unwind(AssertUnwindSafe(|| runtime.block_on(self.enter())))
            .unwrap_or(Err(Busy::Stopping))
    }

    /// Runs holding a turn or waiting for one right now.
    pub(crate) fn taken(&self) -> usize {
        let places = self.max_concurrent.saturating_add(self.max_waiting);
        places
            .min(Semaphore::MAX_PERMITS)
            .saturating_sub(self.places.available_permits())
    }

    fn place(&self) -> Result<OwnedSemaphorePermit, Busy> {
        self.places
            .clone()
            .try_acquire_owned()
            .map_err(|_| Busy::Full {
                running: self.max_concurrent,
                waiting: self.max_waiting,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(max_concurrent: usize, max_waiting: usize, wait_ms: u64) -> RunGate {
        RunGate::new(&ProgramLimits {
            max_concurrent,
            max_waiting,
            wait_timeout: Duration::from_millis(wait_ms),
            ..ProgramLimits::default()
        })
    }

    #[tokio::test]
    async fn turns_are_bounded_and_the_queue_too() {
        let gate = Arc::new(gate(1, 1, 60_000));
        let first = gate.enter().await.expect("a free turn");
        let waiting = tokio::spawn({
            let gate = Arc::clone(&gate);
            async move { gate.enter().await.map(|_| ()) }
        });
        tokio::task::yield_now().await;
        while gate.places.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(
            gate.enter().await.err(),
            Some(Busy::Full {
                running: 1,
                waiting: 1
            })
        );
        assert_eq!(gate.taken(), 2);
        drop(first);
        assert_eq!(waiting.await.expect("joins"), Ok(()));
        assert_eq!(gate.taken(), 0);
        assert!(gate.enter().await.is_ok(), "every turn was given back");
    }

    #[tokio::test]
    async fn a_wait_ends_in_time() {
        let gate = gate(1, 4, 20);
        let _held = gate.enter().await.expect("a free turn");
        assert_eq!(
            gate.enter().await.err(),
            Some(Busy::Waited(Duration::from_millis(20)))
        );
        assert!(
            Busy::Waited(Duration::from_secs(10))
                .message()
                .contains("10 s")
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn an_outside_thread_takes_and_waits_for_turns() {
        let gate = Arc::new(gate(1, 4, 20));
        let runtime = Handle::current();
        let held = gate.enter().await.expect("a free turn");
        let outside = {
            let gate = Arc::clone(&gate);
            let runtime = runtime.clone();
            tokio::task::spawn_blocking(move || gate.enter_blocking(&runtime).map(|_| ()))
        };
        assert!(matches!(
            outside.await.expect("joins"),
            Err(Busy::Waited(_))
        ));
        drop(held);
        let free = tokio::task::spawn_blocking(move || gate.enter_blocking(&runtime).map(|_| ()));
        assert_eq!(free.await.expect("joins"), Ok(()));
    }
}
