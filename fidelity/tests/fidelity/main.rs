//! The fidelity suite: real Tokio programs under strace, the engine's twins,
//! and the comparison of the two.
//!
//! - `tokio_facts`: what Tokio 1.x does, asserted on its own;
//! - `validation`: the paused-clock method agrees with the real clock;
//! - `against_engine`: the engine matches Tokio, program by program
//!   (Tokio's self-wakes left out and reported);
//! - `self_wakes`: what that leaves out, checked on every run: only
//!   self-wakes, each followed by a kept park for the same instant;
//! - `teeth`: the comparator rejects a park moved by 5 ms;
//! - `engine_edges`: the engine on `Duration::MAX`, a past deadline, and a
//!   registration dropped while its event is in flight;
//! - `engine_model`: rows of `docs/fidelity.md` no program puts side by
//!   side with Tokio (I/O before timers in one park, ms rounding);
//! - `ownership`: which runtime a socket or a `block_on` meets: Tokio's
//!   panics, errors and endless waits, printed by both runtimes alike;
//! - `one_driver`: Tokio's multi-thread runtime under strace, futexes
//!   traced: one thread at a time in `epoll_wait`, the driver changing
//!   hands, the other worker on its condvar; and the checker's teeth;
//! - `stale_wakers`: a waker that outlives its task wakes no later task;
//! - `playground`: the playground's examples, compiled against real Tokio,
//!   print what the playground prints when it interprets them.
//!
//! Each Tokio program runs once per clock and test binary (see `support`),
//! in parallel with the others as the test threads ask for them; a
//! real-clock check that fails runs its program again, up to three runs.

mod against_engine;
mod engine_edges;
mod engine_model;
mod one_driver;
mod one_driver_engine;
mod ownership;
mod playground;
mod self_wakes;
mod stale_wakers;
mod support;
mod teeth;
mod tokio_facts;
mod validation;
