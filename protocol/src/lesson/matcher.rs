//! How a [`Matcher`] reads a record: every record kind exposes a few *facts*
//! (its task, token, op, ...), and a matcher accepts a record when the kind is
//! right and every field it sets equals the record's fact of the same name.
//!
//! | kind                | fields a matcher may set                  |
//! |---------------------|-------------------------------------------|
//! | spawn, schedule, poll, pending, ready, push | `task`            |
//! | complete            | `task`, `text` (the output)               |
//! | register, os_event  | `token`, `readable`, `writable`           |
//! | deregister          | `token`                                   |
//! | syscall             | `task`, `op`, `token`, `outcome`          |
//! | waker_stored        | `task`, `token`, `direction`              |
//! | readiness_cleared   | `token`, `direction`                      |
//! | timer_insert        | `task`, `deadline_ms`, `level`            |
//! | timer_cascade       | `level` (left), `to_level` (entered)      |
//! | timer_fire          | `task`, `deadline_ms`                     |
//! | park                | `timeout_ms`                              |
//! | wake                | `task`, `cause`                           |
//! | output, error       | `task`, `text` (contained)                |
//! | timer_cancel, clock_advance, unpark | only `kind`               |
//! | the pool's other kinds (steal, notify, …) | only `kind`         |
//!
//! No field names the thread that acted (`worker`) or a pool record's
//! queue, victim, count or target; lessons bind those records by their
//! place and check the rest against the real traces (`lessons/README.md`).

use std::fmt;

use super::{Kind, Matcher, OutcomeKind, TaskNames, outcome_kind};
use crate::record::{Direction, Event, Record, TaskId, WakeCause};

/// The facts of one record that a matcher can test. `None`: the kind has no such fact.
#[derive(Default)]
struct Facts<'a> {
    task: Option<TaskId>,
    token: Option<usize>,
    op: Option<&'a str>,
    outcome: Option<OutcomeKind>,
    direction: Option<Direction>,
    cause: Option<WakeCause>,
    level: Option<u32>,
    to_level: Option<u32>,
    deadline_ms: Option<u64>,
    timeout_ms: Option<u64>,
    readable: Option<bool>,
    writable: Option<bool>,
    text: Option<&'a str>,
}

impl<'a> Facts<'a> {
    fn of(event: &'a Event) -> Facts<'a> {
        let none = Facts::default();
        match event {
            Event::Spawn { task, .. }
            | Event::Schedule { task }
            | Event::Poll { task }
            | Event::Pending { task }
            | Event::Ready { task }
            | Event::Push { task, .. } => Facts {
                task: Some(*task),
                ..none
            },
            Event::Complete { task, output } => Facts {
                task: Some(*task),
                text: output.as_deref(),
                ..none
            },
            Event::Register {
                token,
                readable,
                writable,
                ..
            }
            | Event::OsEvent {
                token,
                readable,
                writable,
            } => Facts {
                token: Some(*token),
                readable: Some(*readable),
                writable: Some(*writable),
                ..none
            },
            Event::Deregister { token } => Facts {
                token: Some(*token),
                ..none
            },
            Event::Syscall(call) => Facts {
                task: call.task,
                op: Some(&call.op),
                token: call.token,
                outcome: Some(outcome_kind(&call.outcome)),
                ..none
            },
            Event::WakerStored {
                token,
                task,
                direction,
            } => Facts {
                task: Some(*task),
                token: Some(*token),
                direction: Some(*direction),
                ..none
            },
            Event::ReadinessCleared {
                token, direction, ..
            } => Facts {
                token: Some(*token),
                direction: Some(*direction),
                ..none
            },
            Event::TimerInsert {
                task,
                deadline_ms,
                level,
                ..
            } => Facts {
                task: Some(*task),
                deadline_ms: Some(*deadline_ms),
                level: Some(*level),
                ..none
            },
            Event::TimerCascade {
                from_level,
                to_level,
                ..
            } => Facts {
                level: Some(*from_level),
                to_level: Some(*to_level),
                ..none
            },
            Event::TimerFire {
                task, deadline_ms, ..
            } => Facts {
                task: Some(*task),
                deadline_ms: Some(*deadline_ms),
                ..none
            },
            Event::Park { timeout_ms } => Facts {
                timeout_ms: *timeout_ms,
                ..none
            },
            Event::Wake { task, cause } => Facts {
                task: Some(*task),
                cause: Some(*cause),
                ..none
            },
            Event::Output { task, text } => Facts {
                task: Some(*task),
                text: Some(text),
                ..none
            },
            Event::Diagnostic(diagnostic) => Facts {
                task: diagnostic.tasks.first().copied(),
                text: Some(diagnostic.problem.name()),
                ..none
            },
            Event::Error { task, message } => Facts {
                task: *task,
                text: Some(message),
                ..none
            },
            Event::TimerCancel { .. }
            | Event::ClockAdvance { .. }
            | Event::Unpark { .. }
            | Event::InjectTaken { .. }
            | Event::Overflow { .. }
            | Event::Steal { .. }
            | Event::Search
            | Event::WorkerPark
            | Event::WorkerUnpark
            | Event::Notify { .. }
            | Event::DriverAcquired
            | Event::DriverReleased => none,
        }
    }
}

/// `want` is unset, or the fact exists and equals it.
fn agrees<T: PartialEq>(want: &Option<T>, fact: Option<T>) -> bool {
    want.as_ref().is_none_or(|want| fact.as_ref() == Some(want))
}

impl Matcher {
    /// A matcher for any record of `kind`.
    pub fn kind(kind: Kind) -> Matcher {
        Matcher {
            kind,
            task: None,
            token: None,
            op: None,
            outcome: None,
            direction: None,
            cause: None,
            level: None,
            to_level: None,
            deadline_ms: None,
            timeout_ms: None,
            readable: None,
            writable: None,
            text: None,
        }
    }

    /// Whether `record` is one this matcher describes. `names` must know the
    /// tasks spawned up to and including `record`.
    pub fn matches(&self, record: &Record, names: &TaskNames) -> bool {
        if record.event.kind() != self.kind {
            return false;
        }
        let facts = Facts::of(&record.event);
        let task_name = facts.task.and_then(|id| names.name(id));
        let text_agrees = match (&self.text, facts.text) {
            (None, _) => true,
            (Some(want), Some(text)) => text.contains(want.as_str()),
            (Some(_), None) => false,
        };
        agrees(&self.task.as_deref(), task_name)
            && agrees(&self.token, facts.token)
            && agrees(&self.op.as_deref(), facts.op)
            && agrees(&self.outcome, facts.outcome)
            && agrees(&self.direction, facts.direction)
            && agrees(&self.cause, facts.cause)
            && agrees(&self.level, facts.level)
            && agrees(&self.to_level, facts.to_level)
            && agrees(&self.deadline_ms, facts.deadline_ms)
            && agrees(&self.timeout_ms, facts.timeout_ms)
            && agrees(&self.readable, facts.readable)
            && agrees(&self.writable, facts.writable)
            && text_agrees
    }

    /// Refuse fields the kind does not have, so a typo in a lesson is an
    /// error instead of a stage that can never match.
    ///
    /// # Errors
    /// A sentence naming the field, the kind and the fields it does have.
    pub fn check(&self) -> Result<(), String> {
        let allowed = fields_of(self.kind);
        for (field, _) in self.set_fields() {
            if !allowed.contains(&field) {
                let has = if allowed.is_empty() {
                    "no fields".to_string()
                } else {
                    allowed.join(", ")
                };
                return Err(format!(
                    "`{field}` does not apply to kind `{}` (it has: {has})",
                    self.kind.name()
                ));
            }
        }
        if self.task.as_deref() == Some("") || self.op.as_deref() == Some("") {
            return Err("`task` and `op` must not be empty".to_string());
        }
        Ok(())
    }

    /// The fields set besides `kind`, with their values as TOML would write them.
    fn set_fields(&self) -> Vec<(&'static str, String)> {
        let quoted = |s: &str| format!("{s:?}");
        let mut set = Vec::new();
        let mut push = |name, value: Option<String>| {
            if let Some(value) = value {
                set.push((name, value));
            }
        };
        push("task", self.task.as_deref().map(quoted));
        push("token", self.token.map(|v| v.to_string()));
        push("op", self.op.as_deref().map(quoted));
        push(
            "outcome",
            self.outcome.map(|o| quoted(OutcomeKind::name(o))),
        );
        push(
            "direction",
            self.direction.map(|d| quoted(Direction::name(d))),
        );
        push("cause", self.cause.map(|c| quoted(c.name())));
        push("level", self.level.map(|v| v.to_string()));
        push("to_level", self.to_level.map(|v| v.to_string()));
        push("deadline_ms", self.deadline_ms.map(|v| v.to_string()));
        push("timeout_ms", self.timeout_ms.map(|v| v.to_string()));
        push("readable", self.readable.map(|v| v.to_string()));
        push("writable", self.writable.map(|v| v.to_string()));
        push("text", self.text.as_deref().map(quoted));
        set
    }
}

/// As a lesson file writes it: `{ kind = "park", timeout_ms = 1000 }`.
impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{ kind = {:?}", self.kind.name())?;
        for (name, value) in self.set_fields() {
            write!(f, ", {name} = {value}")?;
        }
        write!(f, " }}")
    }
}

/// The fields a matcher of `kind` may set (the table in the module docs,
/// and in `lessons/README.md`, which a test holds to this).
pub(super) fn fields_of(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Spawn | Kind::Schedule | Kind::Poll | Kind::Pending | Kind::Ready => &["task"],
        Kind::Complete | Kind::Output | Kind::Error | Kind::Diagnostic => &["task", "text"],
        Kind::Register | Kind::OsEvent => &["token", "readable", "writable"],
        Kind::Deregister => &["token"],
        Kind::Syscall => &["task", "op", "token", "outcome"],
        Kind::WakerStored => &["task", "token", "direction"],
        Kind::ReadinessCleared => &["token", "direction"],
        Kind::TimerInsert => &["task", "deadline_ms", "level"],
        Kind::TimerCascade => &["level", "to_level"],
        Kind::TimerFire => &["task", "deadline_ms"],
        Kind::Park => &["timeout_ms"],
        Kind::Wake => &["task", "cause"],
        Kind::Push => &["task"],
        Kind::TimerCancel
        | Kind::ClockAdvance
        | Kind::Unpark
        | Kind::InjectTaken
        | Kind::Overflow
        | Kind::Steal
        | Kind::Search
        | Kind::WorkerPark
        | Kind::WorkerUnpark
        | Kind::Notify
        | Kind::DriverAcquired
        | Kind::DriverReleased => &[],
    }
}
