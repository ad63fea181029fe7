//! Server frames read from JSON by hand, through `serde_json::Value`.
//!
//! Why not `serde_json::from_str::<ServerFrame>`? The protocol's tagged enums
//! and its flattened `Record` make serde's derive generate a large decoder
//! (about a quarter of the whole bundle); walking a `Value` costs a fraction
//! of that (docs/benchmarks.md, "Web"). The shapes are the protocol
//! crate's, field for field, and the tests check this decoder against
//! serde's on a full sample of every record kind, snapshot and frame and on
//! the engine's golden traces, and that it reads every key serde writes: a
//! field added to the protocol and not read here fails them.

use reactor_protocol::frame::{PollAsked, PollTally, RoomStatus, ViewPosition};
use reactor_protocol::{
    Event, Kind, LevelView, Mark, MarkKind, Outcome, Outline, Park, Record, RegistrationView,
    ServerFrame, SlotView, Snapshot, Source, Span, TaskState, TaskView, TimerView, WakeCause,
    WheelView,
};
use serde_json::Value;

use crate::decode_diagnostic as diagnostic;
/// A decoding error: which field was missing or of the wrong type.
pub use crate::decode_fields::Error;
pub(crate) use crate::decode_fields::{
    Object, direction, field, flag, index, list, maybe, named, object, small, text, uint,
};
use crate::decode_pool;

/// One frame's text.
pub fn frame(text_: &str) -> Result<ServerFrame, Error> {
    let value: Value = serde_json::from_str(text_).map_err(|e| format!("not JSON: {e}"))?;
    frame_value(&value)
}

/// One frame.
fn frame_value(value: &Value) -> Result<ServerFrame, Error> {
    let o = object(value, "frame")?;
    Ok(match text(o, "type")?.as_str() {
        "loaded" => ServerFrame::Loaded {
            scenario: text(o, "scenario")?,
        },
        "outline" => ServerFrame::Outline(outline(o)?),
        "record" => ServerFrame::Record {
            record: record(field(o, "record")?)?,
        },
        "records" => ServerFrame::Records {
            records: list(o, "records", record)?,
        },
        "snapshot" => ServerFrame::Snapshot {
            state: snapshot(field(o, "state")?)?,
        },
        "done" => ServerFrame::Done,
        "error" => ServerFrame::Error {
            message: text(o, "message")?,
            line: maybe(o, "line", small)?,
            column: maybe(o, "column", small)?,
            in_peer: maybe(o, "in_peer", flag)?.unwrap_or(false),
        },
        "room" => ServerFrame::Room(RoomStatus {
            code: text(o, "code")?,
            followers: index(o, "followers")?,
            exploring: maybe(o, "exploring", index)?.unwrap_or(0),
            presenter: flag(o, "presenter")?,
            ended: flag(o, "ended")?,
            reason: maybe(o, "reason", text)?,
            resync: maybe(o, "resync", flag)?.unwrap_or(false),
        }),
        "view" => ServerFrame::View(ViewPosition {
            step: uint(o, "step")?,
            lesson: maybe(o, "lesson", text)?,
            stage: maybe(o, "stage", uint)?,
        }),
        "gather" => ServerFrame::Gather,
        "poll" => ServerFrame::Poll(PollAsked {
            id: small(o, "id")?,
            text: text(o, "text")?,
            choices: list(o, "choices", |v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| "a poll's choice is not text".to_string())
            })?,
        }),
        "tally" => ServerFrame::Tally(tally(o)?),
        "answered" => ServerFrame::Answered {
            poll: small(o, "poll")?,
            choice: choice(o, "choice")?,
        },
        "revealed" => ServerFrame::Revealed(tally(o)?),
        other => return Err(format!("unknown frame type `{other}`")),
    })
}

/// The body of a `tally` or `revealed` frame.
fn tally(o: &Object) -> Result<PollTally, Error> {
    Ok(PollTally {
        poll: small(o, "poll")?,
        counts: list(o, "counts", |v| {
            v.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| format!("`{v}` is not a count"))
        })?,
        answered: small(o, "answered")?,
        right: maybe(o, "right", choice)?,
    })
}

/// A poll's choice number (from 0).
fn choice(o: &Object, name: &str) -> Result<u8, Error> {
    u8::try_from(uint(o, name)?).map_err(|_| format!("`{name}` is not a choice"))
}

/// The body of an `outline` frame.
fn outline(o: &Object) -> Result<Outline, Error> {
    let counts = |name: &str| -> Result<Vec<u64>, Error> {
        list(o, name, |v| {
            v.as_u64()
                .ok_or_else(|| format!("`{v}` is not a whole number"))
        })
    };
    Ok(Outline {
        records: uint(o, "records")?,
        actions: counts("actions")?,
        turns: counts("turns")?,
        marks: list(o, "marks", mark)?,
    })
}

fn mark(value: &Value) -> Result<Mark, Error> {
    let o = object(value, "mark")?;
    Ok(Mark {
        seq: uint(o, "seq")?,
        kind: named(o, "kind", &MarkKind::ALL, MarkKind::name)?,
        waited_ms: maybe(o, "waited_ms", uint)?,
    })
}

/// One record.
pub fn record(value: &Value) -> Result<Record, Error> {
    let o = object(value, "record")?;
    let source = object(field(o, "source")?, "source")?;
    Ok(Record {
        seq: uint(o, "seq")?,
        turn: uint(o, "turn")?,
        worker: small(o, "worker")?,
        time_ms: uint(o, "time_ms")?,
        event: event(o)?,
        source: Source {
            file: text(source, "file")?.into(),
            line: small(source, "line")?,
        },
        span: maybe(o, "span", span_at)?,
    })
}

pub(crate) fn cause(o: &Object) -> Result<WakeCause, Error> {
    named(o, "cause", &WakeCause::ALL, WakeCause::name)
}

fn outcome(o: &Object) -> Result<Outcome, Error> {
    let o = object(field(o, "outcome")?, "outcome")?;
    Ok(match text(o, "result")?.as_str() {
        "ok" => Outcome::Ok {
            bytes: maybe(o, "bytes", index)?,
        },
        "would_block" => Outcome::WouldBlock,
        "failed" => Outcome::Failed {
            error: text(o, "error")?,
        },
        other => return Err(format!("unknown outcome `{other}`")),
    })
}

fn event(o: &Object) -> Result<Event, Error> {
    let task = || uint(o, "task");
    let token = || index(o, "token");
    let timer = || uint(o, "timer");
    let name = text(o, "kind")?;
    let kind = Kind::from_name(&name).ok_or_else(|| format!("unknown record kind `{name}`"))?;
    Ok(match kind {
        Kind::Spawn => Event::Spawn {
            task: task()?,
            name: text(o, "name")?,
        },
        Kind::Schedule => Event::Schedule { task: task()? },
        Kind::Poll => Event::Poll { task: task()? },
        Kind::Pending => Event::Pending { task: task()? },
        Kind::Ready => Event::Ready { task: task()? },
        Kind::Complete => Event::Complete {
            task: task()?,
            output: maybe(o, "output", text)?,
        },
        Kind::Register => Event::Register {
            token: token()?,
            resource: text(o, "resource")?,
            readable: flag(o, "readable")?,
            writable: flag(o, "writable")?,
            assumed_ready: flag(o, "assumed_ready")?,
        },
        Kind::Deregister => Event::Deregister { token: token()? },
        Kind::Syscall => Event::syscall(
            maybe(o, "task", uint)?,
            text(o, "op")?,
            maybe(o, "token", index)?,
            outcome(o)?,
        ),
        Kind::WakerStored => Event::WakerStored {
            token: token()?,
            task: task()?,
            direction: direction(o)?,
        },
        Kind::ReadinessCleared => Event::ReadinessCleared {
            token: token()?,
            direction: direction(o)?,
            tick: uint(o, "tick")?,
        },
        Kind::TimerInsert => Event::TimerInsert {
            timer: timer()?,
            task: task()?,
            deadline_ms: uint(o, "deadline_ms")?,
            level: small(o, "level")?,
            slot: small(o, "slot")?,
        },
        Kind::TimerCascade => Event::TimerCascade {
            timer: timer()?,
            from_level: small(o, "from_level")?,
            from_slot: small(o, "from_slot")?,
            to_level: small(o, "to_level")?,
            to_slot: small(o, "to_slot")?,
        },
        Kind::TimerFire => Event::TimerFire {
            timer: timer()?,
            task: task()?,
            deadline_ms: uint(o, "deadline_ms")?,
        },
        Kind::TimerCancel => Event::TimerCancel { timer: timer()? },
        Kind::Park => Event::Park {
            timeout_ms: maybe(o, "timeout_ms", uint)?,
        },
        Kind::ClockAdvance => Event::ClockAdvance {
            from_ms: uint(o, "from_ms")?,
            to_ms: uint(o, "to_ms")?,
        },
        Kind::OsEvent => Event::OsEvent {
            token: token()?,
            readable: flag(o, "readable")?,
            writable: flag(o, "writable")?,
        },
        Kind::Unpark => Event::Unpark {
            events: index(o, "events")?,
        },
        Kind::Wake => Event::Wake {
            task: task()?,
            cause: cause(o)?,
        },
        Kind::Output => Event::Output {
            task: task()?,
            text: text(o, "text")?,
        },
        Kind::Diagnostic => Event::Diagnostic(Box::new(diagnostic::diagnostic(o)?)),
        Kind::Error => Event::Error {
            task: maybe(o, "task", uint)?,
            message: text(o, "message")?,
        },
        pool => decode_pool::pool_event(pool, o)?
            .ok_or_else(|| format!("record kind `{name}` has no decoder"))?,
    })
}

/// One snapshot.
pub fn snapshot(value: &Value) -> Result<Snapshot, Error> {
    let o = object(value, "state")?;
    let park = match field(o, "park")? {
        Value::Null => None,
        park => Some(Park {
            timeout_ms: maybe(object(park, "park")?, "timeout_ms", uint)?,
        }),
    };
    Ok(Snapshot {
        time_ms: uint(o, "time_ms")?,
        turn: uint(o, "turn")?,
        records: uint(o, "records")?,
        park,
        tasks: list(o, "tasks", task_view)?,
        run_queue: list(o, "run_queue", |v| {
            v.as_u64()
                .ok_or_else(|| "`run_queue` holds a non-number".into())
        })?,
        registrations: list(o, "registrations", registration)?,
        wheel: wheel(field(o, "wheel")?)?,
        console: list(o, "console", |v| {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| "`console` holds non-text".into())
        })?,
        done: flag(o, "done")?,
        pool: decode_pool::pool(o)?,
    })
}

fn task_view(value: &Value) -> Result<TaskView, Error> {
    let o = object(value, "task")?;
    Ok(TaskView {
        id: uint(o, "id")?,
        name: text(o, "name")?,
        state: named(o, "state", &TaskState::ALL, TaskState::name)?,
        waiting_on: maybe(o, "waiting_on", text)?,
        awaiting: maybe(o, "awaiting", source_at)?,
        waits: maybe(o, "waits", diagnostic::waits)?,
        at: maybe(o, "at", span_at)?,
    })
}

/// Field `name` of `o` as a playground program's `{line, column}`.
fn span_at(o: &Object, name: &str) -> Result<Span, Error> {
    let at = object(field(o, name)?, name)?;
    Ok(Span {
        line: small(at, "line")?,
        column: small(at, "column")?,
    })
}

/// Field `name` of `o` as a `{file, line}` source location.
fn source_at(o: &Object, name: &str) -> Result<Source, Error> {
    let at = object(field(o, name)?, name)?;
    Ok(Source {
        file: text(at, "file")?.into(),
        line: small(at, "line")?,
    })
}

fn registration(value: &Value) -> Result<RegistrationView, Error> {
    let o = object(value, "registration")?;
    Ok(RegistrationView {
        token: index(o, "token")?,
        resource: text(o, "resource")?,
        readable: flag(o, "readable")?,
        writable: flag(o, "writable")?,
        tick: uint(o, "tick")?,
        read_waker: maybe(o, "read_waker", uint)?,
        write_waker: maybe(o, "write_waker", uint)?,
    })
}

fn wheel(value: &Value) -> Result<WheelView, Error> {
    let o = object(value, "wheel")?;
    Ok(WheelView {
        elapsed_ms: uint(o, "elapsed_ms")?,
        next_expiration_ms: maybe(o, "next_expiration_ms", uint)?,
        earliest_deadline_ms: maybe(o, "earliest_deadline_ms", uint)?,
        levels: list(o, "levels", level)?,
    })
}

fn level(value: &Value) -> Result<LevelView, Error> {
    let o = object(value, "level")?;
    Ok(LevelView {
        level: small(o, "level")?,
        slot_ms: uint(o, "slot_ms")?,
        current_slot: small(o, "current_slot")?,
        occupied: uint(o, "occupied")?,
        slots: list(o, "slots", slot)?,
    })
}

fn slot(value: &Value) -> Result<SlotView, Error> {
    let o = object(value, "slot")?;
    Ok(SlotView {
        slot: small(o, "slot")?,
        timers: list(o, "timers", timer)?,
    })
}

fn timer(value: &Value) -> Result<TimerView, Error> {
    let o = object(value, "timer")?;
    Ok(TimerView {
        id: uint(o, "id")?,
        task: uint(o, "task")?,
        deadline_ms: uint(o, "deadline_ms")?,
    })
}

#[cfg(test)]
pub(crate) use crate::decode_fields::reads;

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
