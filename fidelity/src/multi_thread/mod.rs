//! Tokio's multi-thread runtime under strace: one I/O driver per runtime,
//! held by whichever worker parks.
//!
//! These programs are asserted on Tokio; the engine's logical workers
//! are checked from its records (`tests/fidelity/one_driver_engine.rs`).
//! Each runs a `multi_thread` runtime with [`WORKERS`] worker threads
//! (`tokio_programs mt_…`, every driver enabled) under `strace -f`, with
//! the futex calls traced too:
//!
//! ```text
//! strace -f --seccomp-bpf -ttt -T -e trace=epoll_create1,epoll_wait,…,futex,… tokio_programs mt_tcp_read
//!   LOG ──strace::parse_log──▶ Log ──driver::check──▶ DriverReport
//! ```
//!
//! Markers (`crate::markers`) say which threads are the runtime's workers
//! (each states [`crate::markers::WORKER`] from `on_thread_start`) and
//! where the runtime is built, so [`driver`] can pick the runtime's own
//! epoll instance (made while it was built) and read, thread by thread,
//! when each was inside `epoll_wait` on it and when asleep on a futex.

pub mod driver;

use std::fmt;
use std::path::Path;
use std::process::Command;

use crate::markers;
use crate::strace::{self, Call, Log};
use crate::tokio_side::{log_path, run_with_limit};

/// Worker threads of the runtime each program builds.
pub const WORKERS: usize = 2;

/// The syscalls strace records: the epoll instance's creation and every
/// wait on it, the futex calls (a worker that does not hold the driver
/// parks on a condition variable), the marker `stat`s, Tokio's waker (its
/// `eventfd2` and the `write`s that unpark the driver) and the socket calls.
pub const TRACED: &str = "epoll_create1,epoll_create,epoll_wait,epoll_pwait,epoll_pwait2,futex,newfstatat,statx,eventfd2,write,accept4,recvfrom";

/// One multi-thread program of the `tokio_programs` binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MultiThreadProgram {
    /// The article's TCP read, three times: a peer thread connects, waits
    /// 5 ms and writes; a task accepts and spawns a handler that reads.
    TcpRead,
    /// Two connections; each round one peer thread writes to both back to
    /// back, so both handlers are woken by the events of one wait or two.
    TwoClients,
    /// Work stealing: one task spawns 64 short tasks that yield and sleep
    /// 1 ms, three rounds; the other worker steals some of them.
    Stealing,
}

impl MultiThreadProgram {
    /// Every program, in the order the suite lists them.
    pub const ALL: [MultiThreadProgram; 3] = [
        MultiThreadProgram::TcpRead,
        MultiThreadProgram::TwoClients,
        MultiThreadProgram::Stealing,
    ];

    /// The name on the command line of `tokio_programs`.
    pub fn name(self) -> &'static str {
        match self {
            MultiThreadProgram::TcpRead => "mt_tcp_read",
            MultiThreadProgram::TwoClients => "mt_two_clients",
            MultiThreadProgram::Stealing => "mt_stealing",
        }
    }

    /// The program called `name`.
    pub fn from_name(name: &str) -> Option<MultiThreadProgram> {
        MultiThreadProgram::ALL
            .into_iter()
            .find(|program| program.name() == name)
    }
}

impl fmt::Display for MultiThreadProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One program's run under strace.
#[derive(Clone, Debug)]
pub struct MultiThreadRun {
    /// The program.
    pub program: MultiThreadProgram,
    /// The whole log, parsed: every thread's calls.
    pub log: Log,
    /// The thread ids that stated the worker marker, in the order they did.
    pub workers: Vec<u32>,
    /// What the program printed.
    pub stdout: String,
}

/// Run `program` (from the `tokio_programs` binary at `binary`) under strace.
pub fn run(binary: &Path, program: MultiThreadProgram) -> Result<MultiThreadRun, String> {
    let path = log_path(program.name());
    let mut command = Command::new("strace");
    command
        .args(["-f", "--seccomp-bpf", "-ttt", "-T", "-s", "64"])
        .arg("-e")
        .arg(format!("trace={TRACED}"))
        .arg("-o")
        .arg(&path)
        .arg("--")
        .arg(binary)
        .arg(program.name());
    let output = run_with_limit(command, &program)?;
    let text = std::fs::read_to_string(&path);
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!(
            "{program} failed: {}\nstdout:\n{stdout}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = text.map_err(|error| format!("cannot read the strace log: {error}"))?;
    let log = strace::parse_log(&text);
    let workers = worker_tids(&log);
    Ok(MultiThreadRun {
        program,
        log,
        workers,
        stdout,
    })
}

/// The threads that stated the worker marker, each once, in order.
pub fn worker_tids(log: &Log) -> Vec<u32> {
    let mut tids = Vec::new();
    for call in &log.calls {
        if matches!(&call.call, Call::Stat { path } if path == markers::WORKER)
            && !tids.contains(&call.tid)
        {
            tids.push(call.tid);
        }
    }
    tids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for program in MultiThreadProgram::ALL {
            assert_eq!(MultiThreadProgram::from_name(program.name()), Some(program));
        }
        assert_eq!(MultiThreadProgram::from_name("tcp_read"), None);
    }
}
