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
//! - `parts`: the diagram's parts and arrows, and which a record uses;
//! - `words`: the small phrases every sentence shares (task labels, lists);
//! - `moment`: the state a record left, as the sentences read it;
//! - `the_loop`: the loop's own actions (park, clock advance);
//! - `sentence`: one sentence per record kind, [`explain`].

use reactor_protocol::{Event, TaskId};

use words::{direction, outcome};

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
        | Event::Push { task, .. }
        | Event::Output { task, .. } => Some(*task),
        Event::Syscall(call) => call.task,
        Event::Error { task, .. } => *task,
        Event::Diagnostic(diagnostic) => diagnostic.tasks.first().copied(),
        _ => None,
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
        Event::Diagnostic(diagnostic) => diagnostic.problem.name().to_string(),
        Event::Push { task, queue } => format!("#{task} → {}", queue.name()),
        Event::InjectTaken { count } | Event::Overflow { count } => format!("{count} tasks"),
        Event::Steal { from, count } => format!("{count} from worker {from}"),
        Event::Notify { target } => format!("worker {target}"),
        Event::Search
        | Event::WorkerPark
        | Event::WorkerUnpark
        | Event::DriverAcquired
        | Event::DriverReleased => String::new(),
    };
    format!("{} {details}", event.kind_name())
        .trim_end()
        .to_string()
}

mod moment;
mod parts;
pub mod pool;
mod sentence;
pub mod stuck;
mod the_loop;
mod words;

pub use moment::{Moment, main_task};
pub use parts::{Arrow, Part, acting};
pub use sentence::explain;
pub use words::task_label;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod truth_tests;
