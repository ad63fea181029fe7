//! The Tokio side: run a program of the `tokio_programs` binary under
//! `strace`, and read what its runtime thread did.
//!
//! ```text
//! strace -f --seccomp-bpf -ttt -T -e trace=epoll_wait,… -o LOG tokio_programs tcp_read
//!   LOG ──strace::parse──▶ syscalls ──analyze──▶ Observed { parks, io, registrations }
//! ```
//!
//! Both clocks run under strace. With the real clock the asked instants come
//! from the timestamps and timeouts; with the paused clock from the park
//! hooks' marker syscalls, which land in the same log, in order, between
//! the epoll calls (see [`analyze`]).

mod analyze;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

pub use analyze::{Analysis, CUT_SHORT, OWN_EVENT, analyze};

use crate::observed::Observed;
use crate::program::{Clock, Program};
use crate::strace::{self, Syscall};

/// The syscalls strace records: the OS waits and registrations, the socket
/// calls, the marker `stat`s, and Tokio's waker (its `eventfd2`, and the
/// `write`s that unpark it; the program's own `println!`s come along).
pub const TRACED: &str = "epoll_wait,epoll_pwait,epoll_pwait2,epoll_ctl,accept4,accept,recvfrom,read,write,newfstatat,statx,eventfd2";

/// Longest a program may run before it is killed. The longest real-clock
/// program takes about 5 s.
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

/// One program's run, analysed.
#[derive(Clone, Debug)]
pub struct TokioRun {
    /// The program.
    pub program: Program,
    /// The clock it ran on.
    pub clock: Clock,
    /// Its parks, socket calls and registrations.
    pub observed: Observed,
    /// Parks the paused clock added that the real clock does not make
    /// (see [`analyze`]); kept for reports, left out of `observed`.
    pub dropped: Vec<crate::observed::Park>,
    /// The runtime thread's syscalls between the block-on and end markers.
    pub calls: Vec<Syscall>,
    /// What the program printed.
    pub stdout: String,
}

/// Run `program` (from the `tokio_programs` binary at `binary`) under strace.
pub fn run(binary: &Path, program: Program, clock: Clock) -> Result<TokioRun, String> {
    if clock == Clock::Real && !program.runs_on_real_clock() {
        return Err(format!("{program} only runs on the paused clock"));
    }
    let log = log_path(&format!(
        "{program}-{}",
        match clock {
            Clock::Real => "real",
            Clock::Paused => "paused",
        }
    ));
    let mut command = Command::new("strace");
    command
        // -T: the time spent in each call, to tell a wait that returned at once.
        .args(["-f", "--seccomp-bpf", "-ttt", "-T", "-s", "64"])
        .arg("-e")
        .arg(format!("trace={TRACED}"))
        .arg("-o")
        .arg(&log)
        .arg("--")
        .arg(binary)
        .arg(program.name());
    if clock == Clock::Paused {
        command.arg("--paused");
    }
    let output = run_with_limit(command, &program)?;
    let text = std::fs::read_to_string(&log);
    let _ = std::fs::remove_file(&log);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!(
            "{program} ({clock}) failed: {}\nstdout:\n{stdout}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = text.map_err(|error| format!("cannot read the strace log: {error}"))?;
    let analysis = analyze(&strace::parse(&text), clock)
        .map_err(|error| format!("{program} ({clock}): {error}"))?;
    Ok(TokioRun {
        program,
        clock,
        observed: analysis.observed,
        dropped: analysis.dropped,
        calls: analysis.calls,
        stdout,
    })
}

/// A log file of our own in the temp directory, for a run called `name`.
pub(crate) fn log_path(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "reactor-fidelity-{}-{}-{name}.strace",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Run strace to completion, killing the traced program if it outlives
/// [`RUN_LIMIT`] (strace then exits: its tracee is gone).
pub(crate) fn run_with_limit(
    mut command: Command,
    program: &dyn std::fmt::Display,
) -> Result<std::process::Output, String> {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| {
            if error.kind() == std::io::ErrorKind::NotFound {
                "strace is not installed: `cargo xtask test` installs it when run as root, \
                 or run `sudo apt-get install strace`"
                    .to_string()
            } else {
                format!("cannot start strace: {error}")
            }
        })?;
    let strace_pid = child.id();
    let (done, finished) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if finished.recv_timeout(RUN_LIMIT) == Err(mpsc::RecvTimeoutError::Timeout) {
            kill_tracees(strace_pid);
            return true;
        }
        false
    });
    let output = child.wait_with_output();
    drop(done);
    let killed = watchdog.join().unwrap_or(false);
    let output = output.map_err(|error| format!("strace failed: {error}"))?;
    if killed {
        return Err(format!(
            "{program} was still running after {} s and was killed",
            RUN_LIMIT.as_secs()
        ));
    }
    Ok(output)
}

/// Kill the processes strace started (by their ids, from `/proc`).
fn kill_tracees(strace_pid: u32) {
    let children = format!("/proc/{strace_pid}/task/{strace_pid}/children");
    let pids = std::fs::read_to_string(children).unwrap_or_default();
    for pid in pids.split_whitespace() {
        let _ = Command::new("kill").args(["-KILL", pid]).status();
    }
}
