//! Resources belong to their runtime: the suite's programs about *which*
//! runtime a socket or a `block_on` meets, run on real Tokio and on the
//! engine, compared by what each printed.
//!
//! These programs end in a panic, an `io::Error` or a wait that never ends,
//! not in a sequence of parks, so they are compared on their [`Outcome`]
//! lines instead of `strace`: each side prints one line per fact, with
//! Tokio's own panic and error texts, and the lines must be equal.
//!
//! ```text
//! tokio_ownership <case>          (src/bin/tokio_ownership: real Tokio 1.x)
//!   stdout ──lines──▶ Outcome ◀──lines── engine::run(case)   (the engine's twin)
//! ```
//!
//! A program that never ends is stopped after [`HANG_LIMIT`]: its outcome
//! ends with the line [`NEVER_ENDS`]. The engine does not wait: a loop with
//! nothing that could ever wake its tasks stops and says so (a `RunError`),
//! and its twin prints the same line for it.

pub mod engine;

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a program that waits forever is given before it is stopped.
pub const HANG_LIMIT: Duration = Duration::from_secs(1);

/// Longest any other program may take (each takes a few ms).
pub const RUN_LIMIT: Duration = Duration::from_secs(30);

/// The last line of a program stopped after [`HANG_LIMIT`], or of an engine
/// run that stopped because nothing could ever wake its tasks.
pub const NEVER_ENDS: &str = "still waiting: nothing will ever wake it";

/// One program about which runtime a resource belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Case {
    /// A listener made with no runtime current.
    SocketOutsideRuntime,
    /// Runtime B awaits `accept` on runtime A's listener for 200 ms while a
    /// connection waits; then A itself accepts it.
    ForeignRuntimeNotDriven,
    /// The same `accept` in B with no time limit.
    ForeignRuntimeForever,
    /// A stream read after its runtime was dropped, then dropped.
    SocketAfterRuntimeDropped,
    /// `block_on` inside a spawned task.
    BlockOnInTask,
    /// `block_on` inside the future of another `block_on`.
    BlockOnInBlockOn,
}

impl Case {
    /// Every case, in the order the suite lists them.
    pub const ALL: [Case; 6] = [
        Case::SocketOutsideRuntime,
        Case::ForeignRuntimeNotDriven,
        Case::ForeignRuntimeForever,
        Case::SocketAfterRuntimeDropped,
        Case::BlockOnInTask,
        Case::BlockOnInBlockOn,
    ];

    /// The name on the command line of `tokio_ownership`.
    pub fn name(self) -> &'static str {
        match self {
            Case::SocketOutsideRuntime => "socket_outside_runtime",
            Case::ForeignRuntimeNotDriven => "foreign_runtime_not_driven",
            Case::ForeignRuntimeForever => "foreign_runtime_forever",
            Case::SocketAfterRuntimeDropped => "socket_after_runtime_dropped",
            Case::BlockOnInTask => "block_on_in_task",
            Case::BlockOnInBlockOn => "block_on_in_block_on",
        }
    }

    /// The case called `name`.
    pub fn from_name(name: &str) -> Option<Case> {
        Case::ALL.into_iter().find(|case| case.name() == name)
    }

    /// Whether the program is expected never to end.
    pub fn waits_forever(self) -> bool {
        self == Case::ForeignRuntimeForever
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a program printed: one fact per line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The lines, in order.
    pub lines: Vec<String>,
}

impl Outcome {
    /// The outcome of `text`, one fact per non-empty line.
    pub fn from_text(text: &str) -> Outcome {
        Outcome {
            lines: text
                .lines()
                .map(str::trim_end)
                .filter(|line| !line.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "  {line}")?;
        }
        Ok(())
    }
}

/// The line a program prints for a caught panic.
pub fn panicked(message: &str) -> String {
    format!("panicked: {message}")
}

/// The text of a panic's payload (`panic!` gives a `&str` or a `String`).
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".to_string())
}

/// The line a program prints for an I/O result: `ok` or the error's kind
/// and text.
pub fn io_line<T>(what: &str, result: &std::io::Result<T>) -> String {
    match result {
        Ok(_) => format!("{what}: ok"),
        Err(error) => format!("{what}: error {:?}: {error}", error.kind()),
    }
}

/// Run `case` of the `tokio_ownership` binary at `binary` and read what it
/// printed; a program that waits forever is stopped after [`HANG_LIMIT`]
/// and gets [`NEVER_ENDS`] as its last line.
pub fn run_tokio(binary: &Path, case: Case) -> Result<Outcome, String> {
    let mut child = Command::new(binary)
        .arg(case.name())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;
    let limit = if case.waits_forever() {
        HANG_LIMIT
    } else {
        RUN_LIMIT
    };
    let started = Instant::now();
    let finished = loop {
        if let Some(status) = child.try_wait().map_err(|error| error.to_string())? {
            break Some(status);
        }
        if started.elapsed() >= limit {
            child
                .kill()
                .map_err(|error| format!("cannot stop it: {error}"))?;
            child.wait().map_err(|error| error.to_string())?;
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout)
            .map_err(|error| error.to_string())?;
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr)
            .map_err(|error| error.to_string())?;
    }
    let mut outcome = Outcome::from_text(&stdout);
    match finished {
        Some(status) if status.success() => Ok(outcome),
        Some(status) => Err(format!(
            "Tokio's {case} failed: {status}\nstdout:\n{stdout}\nstderr:\n{stderr}"
        )),
        None if case.waits_forever() => {
            outcome.lines.push(NEVER_ENDS.to_string());
            Ok(outcome)
        }
        None => Err(format!(
            "Tokio's {case} was still running after {} s\nstdout:\n{stdout}",
            limit.as_secs()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for case in Case::ALL {
            assert_eq!(Case::from_name(case.name()), Some(case));
        }
        assert_eq!(Case::from_name("nope"), None);
    }

    #[test]
    fn an_outcome_is_its_non_empty_lines() {
        let outcome = Outcome::from_text("a: ok\n\nb: error Other: gone  \n");
        assert_eq!(outcome.lines, ["a: ok", "b: error Other: gone"]);
    }
}
