//! Small phrases the sentences share: task labels, interests, outcomes,
//! counts, lists and what fired a waker.

use reactor_protocol::{Direction, Outcome, TaskId, TaskView, WakeCause};

/// `handler (#1)`, or `task #1` when the name is unknown.
pub fn task_label(task: TaskId, tasks: &[TaskView]) -> String {
    match tasks.iter().find(|t| t.id == task) {
        Some(view) => format!("{} (#{task})", view.name),
        None => format!("task #{task}"),
    }
}

/// `read` or `write`.
pub(super) fn direction(direction: Direction) -> &'static str {
    match direction {
        Direction::Read => "read",
        Direction::Write => "write",
    }
}

/// What a registration or an event is interested in, in words.
pub(super) fn interest(readable: bool, writable: bool) -> &'static str {
    match (readable, writable) {
        (true, true) => "readable and writable",
        (true, false) => "readable",
        (false, true) => "writable",
        (false, false) => "nothing",
    }
}

/// A syscall's answer, such as `WouldBlock (not ready yet)`.
pub(super) fn outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Ok { bytes: Some(bytes) } => format!("Ok, {bytes} bytes"),
        Outcome::Ok { bytes: None } => "Ok".into(),
        Outcome::WouldBlock => "WouldBlock (not ready yet)".into(),
        Outcome::Failed { error } => format!("an error: {error}"),
    }
}

/// `1 task`, `3 tasks`.
pub(super) fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("{n} {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(super) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What fired the waker of `who`.
pub(super) fn wake_cause(why: WakeCause, who: &str) -> String {
    match why {
        WakeCause::BlockOn => format!("Entering block_on marks {who} woken."),
        WakeCause::Io => format!("An OS readiness event wakes the waker of {who}."),
        WakeCause::Timer => format!("Its timer fired: the waker of {who} is woken."),
        WakeCause::Join => {
            format!("The task that {who} awaits has finished: its JoinHandle wakes {who}.")
        }
        WakeCause::Yield => format!(
            "The deferred wake of {who} fires now that the driver has run (park, OS events, timers): its yield_now, or its spent cooperative budget, put the wake off until now."
        ),
        WakeCause::Other => format!(
            "Code wakes the waker of {who} directly (not the driver, the wheel or a JoinHandle)."
        ),
    }
}
