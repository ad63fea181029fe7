//! The runtime: the loop that drives tasks, timers and I/O, and its clock.
//!
//! - [`Runtime`]: the general API — `block_on` a main future, with `spawn`,
//!   `sleep`, `yield_now` and the `net` types usable inside it.
//! - `core`: the four parts side by side; `event_loop`: one action per step;
//!   `poll`: polling one task; `park`: waiting in the OS; `dispatch`: the OS
//!   events and due timers becoming wakes; `clock`: virtual or real time;
//!   `context`: the thread-local that lets futures find their runtime;
//!   `handle`: the runtime a socket belongs to, kept by the socket; `id`:
//!   which runtime, when a program has several.
//!
//! The parts below the loop — the executor (`task`), the I/O driver (`io`)
//! and the timers (`time`) — never see `Core`: they report what happened (a
//! poll's outcome, a dispatched event and its waiters, an instant's
//! cascades and fires), and the loop records it and wakes the tasks.

pub(crate) mod clock;
pub(crate) mod context;
pub(crate) mod core;
mod dispatch;
pub(crate) mod event_loop;
pub(crate) mod handle;
pub(crate) mod id;
pub(crate) mod multi_thread;
mod park;
mod poll;
pub(crate) mod script;
mod snapshot;

use std::fmt;
use std::future::Future;
use std::io;
use std::rc::Rc;
use std::time::Duration;

use reactor_protocol::Snapshot;

pub use self::clock::ClockMode;
pub use self::context::{NESTED_BLOCK_ON, NO_RUNTIME, RUNTIME_SHUT_DOWN};
pub use self::core::DEFAULT_IO_WAIT_CAP;
use self::core::{Core, CoreOptions};
pub use self::event_loop::POLL_BUDGET;
use crate::io::driver::DEFAULT_EVENT_CAPACITY;
use crate::task::JoinHandle;
use crate::trace::Records;

pub(crate) use self::snapshot::snapshot;

/// Settings for a [`Runtime`].
#[derive(Clone, Debug)]
pub struct RuntimeOptions {
    /// Virtual (default) or real clock.
    pub clock: ClockMode,
    /// Keep a record of every action (on by default; off for benchmarks).
    pub recording: bool,
    /// Stop keeping records after this many (`None`: no limit). Running goes on.
    pub max_records: Option<u64>,
    /// Longest single wait for an OS event when nothing else can happen.
    pub io_wait_cap: Duration,
    /// OS events one park can bring back.
    pub event_capacity: usize,
    /// One thread, or a pool of workers.
    pub flavor: Flavor,
}

/// How many threads run a runtime's tasks, as Tokio's `Builder` chooses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Flavor {
    /// One loop on the calling thread (Tokio's `current_thread`).
    #[default]
    CurrentThread,
    /// A pool of workers that steal from each other and share one driver
    /// (Tokio's `multi_thread`). The workers are logical threads, stepped
    /// one action at a time on the calling thread in the order `seed`
    /// picks (0: round-robin), so a run replays exactly.
    MultiThread {
        /// How many workers (2 to 8; others are clamped).
        workers: u32,
        /// Which valid interleaving of the workers' actions.
        seed: u64,
    },
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        RuntimeOptions {
            clock: ClockMode::Virtual,
            recording: true,
            max_records: Some(crate::DEFAULT_MAX_RECORDS),
            io_wait_cap: DEFAULT_IO_WAIT_CAP,
            event_capacity: DEFAULT_EVENT_CAPACITY,
            flavor: Flavor::CurrentThread,
        }
    }
}

impl RuntimeOptions {
    pub(crate) fn core_options(&self) -> CoreOptions {
        CoreOptions {
            clock: self.clock,
            recording: self.recording,
            max_records: self.max_records,
            io_wait_cap: self.io_wait_cap,
            event_capacity: self.event_capacity,
            flavor: self.flavor,
        }
    }
}

/// Why [`Runtime::block_on`] returned no output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The main future panicked; the message is the panic's.
    MainPanicked(String),
    /// The loop stopped: a deadlock or an OS error (the message says which).
    Stopped(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::MainPanicked(message) => write!(f, "the main future panicked: {message}"),
            RunError::Stopped(message) => write!(f, "the runtime stopped: {message}"),
        }
    }
}

impl std::error::Error for RunError {}

/// A single-threaded runtime in Tokio's shape.
///
/// ```
/// use std::time::Duration;
/// use reactor_engine::{Runtime, RuntimeOptions, sleep, spawn};
///
/// let mut runtime = Runtime::new(RuntimeOptions::default()).unwrap();
/// let answer = runtime.block_on(async {
///     let handle = spawn(async {
///         sleep(Duration::from_secs(1)).await; // virtual: no real wait
///         42
///     });
///     handle.await.unwrap()
/// });
/// assert_eq!(answer, Ok(42));
/// ```
pub struct Runtime {
    core: Rc<Core>,
}

impl Runtime {
    /// A runtime with its own `mio::Poll`.
    pub fn new(options: RuntimeOptions) -> io::Result<Runtime> {
        Ok(Runtime {
            core: Rc::new(Core::new(&options.core_options())?),
        })
    }

    pub(crate) fn from_core(core: Rc<Core>) -> Runtime {
        Runtime { core }
    }

    pub(crate) fn core(&self) -> &Rc<Core> {
        &self.core
    }

    /// Run `future` as the `main` task until it completes; other tasks run
    /// meanwhile and stay in the runtime afterwards.
    ///
    /// # Panics
    /// On a thread that is already driving a runtime (inside a task, or
    /// inside another `block_on`'s future), with Tokio's message
    /// ([`NESTED_BLOCK_ON`]): the thread that would block is the one that
    /// must run the tasks. Await the future instead.
    #[track_caller]
    pub fn block_on<F>(&mut self, future: F) -> Result<F::Output, RunError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let _driving = context::enter_to_drive(&self.core);
        let mut main = self.core.spawn_main(future);
        self.drive(&mut main)
    }

    fn drive<T>(&self, main: &mut JoinHandle<T>) -> Result<T, RunError> {
        loop {
            if let Some(result) = main.try_take() {
                return result.map_err(|error| RunError::MainPanicked(error.message));
            }
            if !event_loop::step(&self.core) {
                let message = self.core.state.borrow().failure.clone().unwrap_or_default();
                return Err(RunError::Stopped(message));
            }
        }
    }

    /// Make this runtime the current one until the guard drops, without
    /// driving it (Tokio's `Runtime::enter`): a socket made meanwhile
    /// belongs to this runtime, and only this runtime's loop will ever
    /// deliver its readiness. Unlike `block_on`, entering may nest.
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _current: context::enter(&self.core),
            _runtime: std::marker::PhantomData,
        }
    }

    /// Hand out the records produced since the last call, in the chunks
    /// they were recorded into (see [`Records`]).
    pub fn take_records(&mut self) -> Records {
        self.core.recorder.borrow_mut().take_chunks()
    }

    /// The runtime's whole visible state. Between `block_on` calls the
    /// loop is not parked.
    pub fn snapshot(&self) -> Snapshot {
        snapshot(&self.core, None, false)
    }
}

/// The runtime entered by [`Runtime::enter`]; the one current before
/// comes back when this drops.
#[must_use = "the runtime is only current while the guard lives"]
pub struct EnterGuard<'a> {
    _current: context::EnterGuard,
    _runtime: std::marker::PhantomData<&'a Runtime>,
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        let _enter = context::enter(&self.core);
        self.core.shutdown();
    }
}

#[cfg(test)]
mod block_on_tests;
