//! The I/O driver: how a socket's readiness reaches a task's waker.
//!
//! - [`driver`]: owns `mio::Poll`; waits in the OS, and turns each event it
//!   brought back into readiness, handing the satisfied waiters to the loop.
//! - `scheduled_io`: per socket, the cached readiness bits, the tick and
//!   the stored read/write wakers.
//! - `registration`: the loop every socket operation runs — try the
//!   syscall when ready, store the waker when not.

pub mod driver;
pub(crate) mod registration;
pub(crate) mod scheduled_io;
