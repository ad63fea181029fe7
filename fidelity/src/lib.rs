//! The fidelity suite: the engine proven against real Tokio.
//!
//! Each [`program::Program`] is written twice, once against Tokio 1.x (the
//! `tokio_programs` binary) and once against the engine. The Tokio side runs
//! under `strace` ([`tokio_side`], parsed by [`strace`]); the engine side
//! hands back its records ([`engine_side`]). Both become an
//! [`observed::Observed`]: the instants the runtime asked to be woken at,
//! the accept/read syscalls and their outcomes, and the socket
//! registrations. [`compare`] matches them one to one and, on a mismatch,
//! prints both sides in a table.
//!
//! # Running it
//!
//! ```text
//! cargo test -p reactor-fidelity                  # needs strace (cargo xtask test installs it)
//! cargo test -p reactor-fidelity --test fidelity -- --nocapture against_engine
//!                                                 # each comparison's report
//! cargo test -p reactor-fidelity --test fidelity -- --ignored --nocapture print_everything
//!                                                 # every program's parks, both clocks, and the diff
//! cargo run -p reactor-fidelity --bin tokio_programs -- timers --paused
//!                                                 # one Tokio program by hand
//! ```
//!
//! [`ownership`] holds the programs that end in a panic, an error or a
//! wait that never ends (which runtime a socket or a `block_on` meets):
//! the `tokio_ownership` binary and the engine's twins print the same
//! lines, with Tokio's own texts.
//!
//! [`multi_thread`] runs Tokio's multi-thread runtime (two workers) under
//! strace, futexes traced, and checks that only one thread at a time ever
//! waits in the runtime's `epoll_wait`: the one holding the I/O driver.
//! Asserted on Tokio alone, as the engine has no multi-thread runtime yet.
//!
//! `docs/fidelity.md` lists each behaviour, Tokio's source for it, the
//! engine's, and the test that proves it.
//!
//! # What counts as a park
//!
//! Every `epoll_wait` of Tokio's runtime thread, including the ones its
//! own waker ends at once (a timer filed earlier than the wake the time
//! driver promised unparks the driver, on the runtime thread itself), and
//! every `park` record of the engine. See [`tokio_side`] for how the
//! paused clock's instants are read and which of its parks the real clock
//! does not make. [`compare::compare`] leaves Tokio's self-wakes out of
//! the match (the engine does not make that round trip) and reports them;
//! see [`compare`] for exactly which parks qualify.

pub mod compare;
pub mod engine_cases;
pub mod engine_side;
pub mod markers;
pub mod multi_thread;
pub mod observed;
pub mod ownership;
pub mod program;
pub mod strace;
pub mod tokio_side;
