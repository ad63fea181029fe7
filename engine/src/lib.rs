//! Reactor Lab's engine: a small async runtime in Tokio's shape that you can
//! advance one action at a time, and that records everything it does.
//!
//! # The four parts
//!
//! ```text
//!   ┌────────────┐ register, store waker ┌──────────────┐   epoll    ┌────────┐
//!   │  futures   │──────────────────────▶│  I/O driver  │◀──────────▶│   OS   │
//!   │ (tasks)    │◀───── wake(io) ───────│  (io/)       │            └────────┘
//!   └────────────┘                       └──────────────┘
//!      ▲   │ insert timer                ┌──────────────┐
//!      │   └────────────────────────────▶│ timer wheel  │
//!      │◀──────── wake(timer) ───────────│  (time/)     │
//!      │                                 └──────────────┘
//!   ┌──┴─────────┐
//!   │  executor  │  slab of tasks, FIFO run queue, wakers (task/)
//!   └────────────┘
//! ```
//!
//! - **Executor** ([`task`]): tasks live in a slab; a FIFO run queue holds the
//!   ids of tasks ready to be polled. A waker pushes its task's id back.
//! - **I/O driver** ([`io`]): owns a real `mio::Poll`. Each socket has a token,
//!   cached readiness bits with a tick, and the wakers of waiting tasks.
//! - **Timers** ([`time`]): a hierarchical wheel, 6 levels × 64 slots, 1 ms.
//! - **The loop** ([`runtime`]): poll `main` if it was woken, poll the
//!   queued tasks, park in the OS until the wheel's next expiration,
//!   dispatch the events, fire what is due — and again, in the order of
//!   Tokio's current-thread scheduler.
//!
//! The loop sits above the other three and they do not know it: the
//! executor reports how a poll went, the driver turns an OS event into
//! readiness and hands back the waiters it satisfied, the wheel hands back
//! the cascades and fires of one instant — and the loop records each and
//! performs the wakes. Only the futures themselves (`spawn`, [`Sleep`],
//! sockets, [`yield_now`], the cooperative budget) find the running runtime
//! on their own, through a thread-local, as in Tokio.
//!
//! # The loop
//!
//! ```text
//!   loop {
//!       if main_woken { poll(main) }                              // block_on's future
//!       while let Some(task) = run_queue.pop() { poll(task) }   // ≤ 61 per turn
//!       mio.poll(wheel.next_expiration() - now) → events          // park, unpark
//!       for event in events        → readiness → wake(io)        // os_event
//!       wheel.poll_at(now)         → cascade / fire → wake(timer) // timer_fire
//!       wake the deferred yields                                  // wake(yield)
//!   }
//! ```
//!
//! [`LabRun`] is one built-in scenario on one runtime, advanced one action
//! at a time by the caller ([`LabRun::step`]) — what the server runs per
//! browser session; it hands back the [`Record`](reactor_protocol::Record)s.
//! [`Runtime`] is the same runtime for ordinary programs (`block_on`,
//! [`spawn`], [`sleep`], [`net`]). Records are documented in
//! `docs/trace-format.md`.

mod diagnose;
pub mod io;
mod lab;
pub mod net;
pub mod runtime;
mod scenario;
pub mod task;
pub mod time;
mod trace;

pub use diagnose::{SELF_WAKES_REPORTED_AT, block_thread_for};
pub use lab::{LabRun, LabRunOptions, Program, scenarios};
pub use runtime::context::{end_run, now_ms, output, program_at};
pub use runtime::{ClockMode, Flavor, POLL_BUDGET, RunError, Runtime, RuntimeOptions};
pub use scenario::peer::{Peer, PeerAction};
pub use task::{Join, JoinError, JoinHandle, spawn, spawn_named, yield_now};
pub use time::{MAX_SLEEP, Sleep, sleep, sleep_until};
pub use trace::{CHUNK_RECORDS, Records, RecordsIntoIter, SPARE_CHUNKS};

/// Default record limit of a [`LabRun`] (and of a [`Runtime`]).
pub use reactor_protocol::DEFAULT_MAX_RECORDS;

/// A built-in scenario a [`LabRun`] can run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioInfo {
    /// Stable id, such as `tcp_read`.
    pub id: &'static str,
    /// Title for people.
    pub title: &'static str,
    /// One-sentence summary.
    pub summary: &'static str,
    /// The file of its program, relative to the workspace, such as
    /// `engine/src/scenario/tcp_read.rs`: what the browser shows beside the
    /// picture, and where its tasks' `.await`s are.
    pub program: &'static str,
}

/// Why a [`LabRun`] could not be created.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// No scenario has that id.
    #[error("unknown scenario `{0}`")]
    UnknownScenario(String),
    /// The OS refused a resource the runtime needs (such as the epoll instance).
    #[error("the runtime could not start: {0}")]
    Io(String),
}
