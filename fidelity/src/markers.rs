//! Marker syscalls: paths the Tokio programs `stat` on purpose, so the
//! strace log says where the runtime starts, where `block_on` begins and
//! ends, and (paused clock) what the clock read at each park and unpark.
//!
//! None of these paths exists: each `stat` fails with `ENOENT` at once and
//! shows up in the log as `statx(AT_FDCWD, "/reactor-lab-fidelity/…", …)`.

/// Every marker path starts with this.
pub const PREFIX: &str = "/reactor-lab-fidelity/";

/// Stated right before the runtime is built: t0 of the real clock.
pub const START: &str = "/reactor-lab-fidelity/start";
/// Stated right after the runtime is built, before `block_on`: Tokio's own
/// start-up registrations (its waker, the signal driver) come before it.
pub const BLOCK_ON: &str = "/reactor-lab-fidelity/block-on";
/// Stated right after `block_on` returns: runtime shutdown comes after it.
pub const END: &str = "/reactor-lab-fidelity/end";
/// Stated by each thread a multi-thread runtime starts (`on_thread_start`):
/// the log's thread ids of the runtime's workers.
pub const WORKER: &str = "/reactor-lab-fidelity/worker";
/// Paused clock: `PARK` + nanoseconds since start, from `on_thread_park`.
pub const PARK: &str = "/reactor-lab-fidelity/park/";
/// Paused clock: `UNPARK` + nanoseconds since start, from `on_thread_unpark`.
pub const UNPARK: &str = "/reactor-lab-fidelity/unpark/";

/// Make the marker syscall for `path`.
pub fn hit(path: &str) {
    // The path never exists: the error is the expected answer.
    let _ = std::fs::metadata(path);
}
