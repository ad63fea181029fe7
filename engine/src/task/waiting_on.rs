//! [`WaitingOn`]: what an idle task waits for, as the snapshot says it.
//!
//! A task that returns `Pending` notes what it waits on, once per `Pending`.
//! That can be millions of times in a long run, while the text is read only
//! when a snapshot is taken. So the note is a few copied numbers and the
//! sentence is written by [`Display`](fmt::Display) in `Executor::views`:
//!
//! ```text
//!   poll → Pending   set_waiting_on(WaitingOn::Timer { deadline_ms: 1000 })   (no allocation)
//!   snapshot()       waiting_on.to_string() == "timer (deadline 1000 ms)"    (text, once)
//! ```

use std::fmt;

use reactor_protocol::{DEFERRED_WAKE, Direction, TaskId};

/// What an idle task waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WaitingOn {
    /// Another task's completion, through its `JoinHandle`.
    Join {
        /// The task awaited.
        task: TaskId,
    },
    /// A `sleep` whose deadline has not come.
    Timer {
        /// The deadline, in runtime milliseconds.
        deadline_ms: u64,
    },
    /// The end of a `yield_now`: its wake is deferred until the driver ran.
    Yield,
    /// A fresh cooperative budget: its poll spent the old one (a forced yield).
    Budget,
    /// Readiness of a registered socket.
    Readiness {
        /// Read or write.
        direction: Direction,
        /// The socket's mio token.
        token: usize,
    },
}

impl fmt::Display for WaitingOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WaitingOn::Join { task } => write!(f, "join of task {task}"),
            WaitingOn::Timer { deadline_ms } => write!(f, "timer (deadline {deadline_ms} ms)"),
            WaitingOn::Yield => write!(f, "its yield ({DEFERRED_WAKE})"),
            WaitingOn::Budget => write!(f, "a new budget (forced to yield; {DEFERRED_WAKE})"),
            WaitingOn::Readiness { direction, token } => {
                let what = match direction {
                    Direction::Read => "read",
                    Direction::Write => "write",
                };
                write!(f, "{what} readiness on token {token}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_reads_as_a_sentence() {
        assert_eq!(WaitingOn::Join { task: 3 }.to_string(), "join of task 3");
        let timer = WaitingOn::Timer { deadline_ms: 1000 };
        assert_eq!(timer.to_string(), "timer (deadline 1000 ms)");
        let readiness = WaitingOn::Readiness {
            direction: Direction::Read,
            token: 2,
        };
        assert_eq!(readiness.to_string(), "read readiness on token 2");
    }
}
