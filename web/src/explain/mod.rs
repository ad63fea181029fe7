//! Words and places for a record: which part of the diagram acts, which arrow
//! it uses, and one plain sentence saying what the record says happened.
//!
//! ```text
//!   Futures/tasks ──register, waker──▶ Reactor ──park──▶ OS (epoll)
//!        ▲   └────────syscall────────────────────────────▶   │
//!        │ poll                       ▲    └────events◀──────┘
//!   Executor (run queue) ◀────wake────┘
//! ```
//!
//! Every sentence restates fields of the record and of the state it left
//! (task names, the run queue, a registration's wakers, the wheel's next
//! expiration), or a fixed rule of the engine's loop (see
//! `engine/src/runtime/event_loop.rs` and `park.rs`): nothing here guesses.
//! `truth_tests.rs` replays every golden trace and checks each sentence's
//! claims against the state at its record.
//!
//! - `moment`: the state a record left, as the sentences read it;
//! - `the_loop`: the loop's own actions (park, clock advance);
//! - `sentence`: one sentence per record kind, [`explain`].

use reactor_protocol::{
    Direction, Event, Outcome, POLL_BUDGET, Record, RegistrationView, Snapshot, TaskId, TaskState,
    TaskView, WakeCause,
};

/// The four parts of the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The futures, each wrapped in a task.
    Futures,
    /// I/O registrations and the timer wheel.
    Reactor,
    /// The kernel's readiness queue (epoll).
    Os,
    /// The run queue and the loop that polls.
    Executor,
}

impl Part {
    /// All parts, in drawing order.
    pub const ALL: [Part; 4] = [Part::Futures, Part::Reactor, Part::Os, Part::Executor];

    /// The `data-part` value.
    pub fn id(self) -> &'static str {
        match self {
            Part::Futures => "futures",
            Part::Reactor => "reactor",
            Part::Os => "os",
            Part::Executor => "executor",
        }
    }
}

/// The arrows between the parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arrow {
    /// A task registers interest or stores its waker.
    FuturesToReactor,
    /// A task makes a non-blocking system call.
    FuturesToOs,
    /// The driver blocks in the OS.
    ReactorToOs,
    /// The OS reports readiness.
    OsToReactor,
    /// A waker puts a task back on the run queue.
    ReactorToExecutor,
    /// The executor polls a future.
    ExecutorToFutures,
    /// Work inside the timer wheel.
    InsideWheel,
}

impl Arrow {
    /// All arrows, in drawing order.
    pub const ALL: [Arrow; 7] = [
        Arrow::FuturesToReactor,
        Arrow::FuturesToOs,
        Arrow::ReactorToOs,
        Arrow::OsToReactor,
        Arrow::ReactorToExecutor,
        Arrow::ExecutorToFutures,
        Arrow::InsideWheel,
    ];

    /// The `data-arrow` value.
    pub fn id(self) -> &'static str {
        match self {
            Arrow::FuturesToReactor => "futures-reactor",
            Arrow::FuturesToOs => "futures-os",
            Arrow::ReactorToOs => "reactor-os",
            Arrow::OsToReactor => "os-reactor",
            Arrow::ReactorToExecutor => "reactor-executor",
            Arrow::ExecutorToFutures => "executor-futures",
            Arrow::InsideWheel => "wheel",
        }
    }
}

/// The part that acts in `event`, and the arrow it uses.
pub fn acting(event: &Event) -> (Part, Option<Arrow>) {
    match event {
        Event::Register { .. } | Event::WakerStored { .. } | Event::ReadinessCleared { .. } => {
            (Part::Reactor, Some(Arrow::FuturesToReactor))
        }
        Event::Deregister { .. } => (Part::Reactor, Some(Arrow::FuturesToReactor)),
        Event::Syscall(_) => (Part::Os, Some(Arrow::FuturesToOs)),
        Event::Park { .. } => (Part::Os, Some(Arrow::ReactorToOs)),
        Event::OsEvent { .. } | Event::Unpark { .. } => (Part::Reactor, Some(Arrow::OsToReactor)),
        // The reactor wakes a task for an OS event or a timer; the other
        // wakes (a join, a deferred yield, entering block_on) and pushing
        // onto the run queue happen without it.
        Event::Wake {
            cause: WakeCause::Io | WakeCause::Timer,
            ..
        } => (Part::Executor, Some(Arrow::ReactorToExecutor)),
        Event::Wake { .. } | Event::Schedule { .. } => (Part::Executor, None),
        Event::Poll { .. } => (Part::Futures, Some(Arrow::ExecutorToFutures)),
        Event::TimerInsert { .. }
        | Event::TimerCascade { .. }
        | Event::TimerFire { .. }
        | Event::TimerCancel { .. }
        | Event::ClockAdvance { .. } => (Part::Reactor, Some(Arrow::InsideWheel)),
        Event::Spawn { .. } => (Part::Executor, None),
        Event::Pending { .. }
        | Event::Ready { .. }
        | Event::Complete { .. }
        | Event::Output { .. } => (Part::Futures, None),
        Event::Error { .. } => (Part::Futures, None),
    }
}

/// `handler (#1)`, or `task #1` when the name is unknown.
pub fn task_label(task: TaskId, tasks: &[TaskView]) -> String {
    match tasks.iter().find(|t| t.id == task) {
        Some(view) => format!("{} (#{task})", view.name),
        None => format!("task #{task}"),
    }
}

fn direction(direction: Direction) -> &'static str {
    match direction {
        Direction::Read => "read",
        Direction::Write => "write",
    }
}

fn interest(readable: bool, writable: bool) -> &'static str {
    match (readable, writable) {
        (true, true) => "readable and writable",
        (true, false) => "readable",
        (false, true) => "writable",
        (false, false) => "nothing",
    }
}

fn outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Ok { bytes: Some(bytes) } => format!("Ok, {bytes} bytes"),
        Outcome::Ok { bytes: None } => "Ok".into(),
        Outcome::WouldBlock => "WouldBlock (not ready yet)".into(),
        Outcome::Failed { error } => format!("an error: {error}"),
    }
}

/// The task a record is about, if it names one.
pub fn task_of(event: &Event) -> Option<TaskId> {
    match event {
        Event::Spawn { task, .. }
        | Event::Schedule { task }
        | Event::Poll { task }
        | Event::Pending { task }
        | Event::Ready { task }
        | Event::Complete { task, .. }
        | Event::WakerStored { task, .. }
        | Event::TimerInsert { task, .. }
        | Event::TimerFire { task, .. }
        | Event::Wake { task, .. }
        | Event::Output { task, .. } => Some(*task),
        Event::Syscall(call) => call.task,
        Event::Error { task, .. } => *task,
        _ => None,
    }
}

/// The record's `kind` as it appears in JSON.
pub fn kind(event: &Event) -> &'static str {
    match event {
        Event::Spawn { .. } => "spawn",
        Event::Schedule { .. } => "schedule",
        Event::Poll { .. } => "poll",
        Event::Pending { .. } => "pending",
        Event::Ready { .. } => "ready",
        Event::Complete { .. } => "complete",
        Event::Register { .. } => "register",
        Event::Deregister { .. } => "deregister",
        Event::Syscall(_) => "syscall",
        Event::WakerStored { .. } => "waker_stored",
        Event::ReadinessCleared { .. } => "readiness_cleared",
        Event::TimerInsert { .. } => "timer_insert",
        Event::TimerCascade { .. } => "timer_cascade",
        Event::TimerFire { .. } => "timer_fire",
        Event::TimerCancel { .. } => "timer_cancel",
        Event::Park { .. } => "park",
        Event::ClockAdvance { .. } => "clock_advance",
        Event::OsEvent { .. } => "os_event",
        Event::Unpark { .. } => "unpark",
        Event::Wake { .. } => "wake",
        Event::Output { .. } => "output",
        Event::Error { .. } => "error",
    }
}

/// A short line for the event log, such as `os_event token 1 R`.
pub fn summary(event: &Event) -> String {
    let details = match event {
        Event::Spawn { task, name } => format!("#{task} {name}"),
        Event::Schedule { task }
        | Event::Poll { task }
        | Event::Pending { task }
        | Event::Ready { task }
        | Event::WakerStored { task, .. } => format!("#{task}"),
        Event::Complete { task, output } => format!("#{task} {}", output.as_deref().unwrap_or("")),
        Event::Register {
            token,
            resource,
            assumed_ready,
            ..
        } => {
            let assumed = if *assumed_ready {
                " (assumed ready)"
            } else {
                ""
            };
            format!("token {token} {resource}{assumed}")
        }
        Event::Deregister { token } => format!("token {token}"),
        Event::Syscall(call) => format!("{} → {}", call.op, outcome(&call.outcome)),
        Event::ReadinessCleared {
            token,
            direction: d,
            ..
        } => format!("token {token} {}", direction(*d)),
        Event::TimerInsert {
            timer,
            level,
            slot,
            deadline_ms,
            ..
        } => {
            format!("timer {timer} L{level}/{slot} @{deadline_ms}ms")
        }
        Event::TimerCascade {
            timer,
            from_level,
            to_level,
            ..
        } => format!("timer {timer} L{from_level}→L{to_level}"),
        Event::TimerFire { timer, .. } | Event::TimerCancel { timer } => format!("timer {timer}"),
        Event::Park { timeout_ms } => {
            timeout_ms.map_or("no timeout".into(), |ms| format!("timeout {ms} ms"))
        }
        Event::ClockAdvance { from_ms, to_ms } => format!("{from_ms} → {to_ms} ms"),
        Event::OsEvent {
            token,
            readable,
            writable,
        } => format!(
            "token {token} {}{}",
            if *readable { "R" } else { "" },
            if *writable { "W" } else { "" }
        ),
        Event::Unpark { events: 1 } => "1 event".into(),
        Event::Unpark { events } => format!("{events} events"),
        Event::Wake { task, cause } => format!("#{task} ({})", cause.name()),
        Event::Output { text, .. } => format!("\"{text}\""),
        Event::Error { message, .. } => message.clone(),
    };
    format!("{} {details}", kind(event)).trim_end().to_string()
}

mod moment;
mod sentence;
mod the_loop;

pub use moment::{Moment, main_task};
pub use sentence::explain;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod truth_tests;
