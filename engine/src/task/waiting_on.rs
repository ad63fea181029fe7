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

use crate::runtime::id::RuntimeId;

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
        /// The socket's mio token, in its own runtime's driver.
        token: usize,
        /// That runtime, when it is not the waiting task's own: only that
        /// runtime's loop polls its driver, so while it is not being driven
        /// the readiness never comes.
        runtime: Option<RuntimeId>,
    },
}

impl fmt::Display for WaitingOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WaitingOn::Join { task } => write!(f, "join of task {task}"),
            WaitingOn::Timer { deadline_ms } => write!(f, "timer (deadline {deadline_ms} ms)"),
            WaitingOn::Yield => write!(f, "its yield ({DEFERRED_WAKE})"),
            WaitingOn::Budget => write!(f, "a new budget (forced to yield; {DEFERRED_WAKE})"),
            WaitingOn::Readiness {
                direction,
                token,
                runtime,
            } => {
                let what = match direction {
                    Direction::Read => "read",
                    Direction::Write => "write",
                };
                write!(f, "{what} readiness on token {token}")?;
                match runtime {
                    None => Ok(()),
                    Some(runtime) => write!(
                        f,
                        " of {runtime}, another runtime: only its own loop polls its driver"
                    ),
                }
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
            runtime: None,
        };
        assert_eq!(readiness.to_string(), "read readiness on token 2");
    }

    #[test]
    fn a_socket_of_another_runtime_names_that_runtime() {
        let slot = crate::runtime::id::IdSlot::take();
        let readiness = WaitingOn::Readiness {
            direction: Direction::Write,
            token: 0,
            runtime: Some(slot.id()),
        };
        assert_eq!(
            readiness.to_string(),
            format!(
                "write readiness on token 0 of {}, another runtime: only its own loop polls its driver",
                slot.id()
            )
        );
    }
}
