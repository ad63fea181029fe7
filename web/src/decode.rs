//! Server frames read from JSON by hand, through `serde_json::Value`.
//!
//! Why not `serde_json::from_str::<ServerFrame>`? The protocol's tagged enums
//! and its flattened `Record` make serde's derive generate a large decoder
//! (about a quarter of the whole bundle); walking a `Value` costs a fraction
//! of that. The shapes are the protocol crate's, field for field, and the
//! tests below check this decoder against serde's on every record kind and on
//! the engine's golden traces, so the two cannot drift apart unnoticed.

use reactor_protocol::frame::{RoomStatus, ViewPosition};
use reactor_protocol::{
    Direction, Event, LevelView, Outcome, Park, Record, RegistrationView, ServerFrame, SlotView,
    Snapshot, Source, TaskState, TaskView, TimerView, WakeCause, WheelView,
};
use serde_json::{Map, Value};

/// A decoding error: which field was missing or of the wrong type.
pub type Error = String;
pub(crate) type Object = Map<String, Value>;

pub(crate) fn field<'a>(object: &'a Object, name: &str) -> Result<&'a Value, Error> {
    object
        .get(name)
        .ok_or_else(|| format!("missing field `{name}`"))
}

pub(crate) fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Object, Error> {
    value
        .as_object()
        .ok_or_else(|| format!("`{what}` is not an object"))
}

pub(crate) fn uint(object: &Object, name: &str) -> Result<u64, Error> {
    field(object, name)?
        .as_u64()
        .ok_or_else(|| format!("`{name}` is not a whole number"))
}

pub(crate) fn small(object: &Object, name: &str) -> Result<u32, Error> {
    u32::try_from(uint(object, name)?).map_err(|_| format!("`{name}` is too large"))
}

pub(crate) fn index(object: &Object, name: &str) -> Result<usize, Error> {
    usize::try_from(uint(object, name)?).map_err(|_| format!("`{name}` is too large"))
}

pub(crate) fn flag(object: &Object, name: &str) -> Result<bool, Error> {
    field(object, name)?
        .as_bool()
        .ok_or_else(|| format!("`{name}` is not true/false"))
}

pub(crate) fn text(object: &Object, name: &str) -> Result<String, Error> {
    field(object, name)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("`{name}` is not text"))
}

/// `null` or absent is `None`.
pub(crate) fn maybe<T>(
    object: &Object,
    name: &str,
    read: fn(&Object, &str) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => read(object, name).map(Some),
    }
}

pub(crate) fn list<T>(
    object: &Object,
    name: &str,
    read: fn(&Value) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let items = field(object, name)?
        .as_array()
        .ok_or_else(|| format!("`{name}` is not a list"))?;
    items.iter().map(read).collect()
}

/// One frame's text.
pub fn frame(text_: &str) -> Result<ServerFrame, Error> {
    let value: Value = serde_json::from_str(text_).map_err(|e| format!("not JSON: {e}"))?;
    let o = object(&value, "frame")?;
    Ok(match text(o, "type")?.as_str() {
        "loaded" => ServerFrame::Loaded {
            scenario: text(o, "scenario")?,
        },
        "record" => ServerFrame::Record {
            record: record(field(o, "record")?)?,
        },
        "snapshot" => ServerFrame::Snapshot {
            state: snapshot(field(o, "state")?)?,
        },
        "done" => ServerFrame::Done,
        "error" => ServerFrame::Error {
            message: text(o, "message")?,
        },
        "room" => ServerFrame::Room(RoomStatus {
            code: text(o, "code")?,
            followers: index(o, "followers")?,
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
        other => return Err(format!("unknown frame type `{other}`")),
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
    })
}

pub(crate) fn direction(o: &Object) -> Result<Direction, Error> {
    match text(o, "direction")?.as_str() {
        "read" => Ok(Direction::Read),
        "write" => Ok(Direction::Write),
        other => Err(format!("unknown direction `{other}`")),
    }
}

pub(crate) fn cause(o: &Object) -> Result<WakeCause, Error> {
    Ok(match text(o, "cause")?.as_str() {
        "io" => WakeCause::Io,
        "timer" => WakeCause::Timer,
        "join" => WakeCause::Join,
        "yield" => WakeCause::Yield,
        "block_on" => WakeCause::BlockOn,
        "other" => WakeCause::Other,
        other => return Err(format!("unknown wake cause `{other}`")),
    })
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
    Ok(match text(o, "kind")?.as_str() {
        "spawn" => Event::Spawn {
            task: task()?,
            name: text(o, "name")?,
        },
        "schedule" => Event::Schedule { task: task()? },
        "poll" => Event::Poll { task: task()? },
        "pending" => Event::Pending { task: task()? },
        "ready" => Event::Ready { task: task()? },
        "complete" => Event::Complete {
            task: task()?,
            output: maybe(o, "output", text)?,
        },
        "register" => Event::Register {
            token: token()?,
            resource: text(o, "resource")?,
            readable: flag(o, "readable")?,
            writable: flag(o, "writable")?,
            assumed_ready: flag(o, "assumed_ready")?,
        },
        "deregister" => Event::Deregister { token: token()? },
        "syscall" => Event::syscall(
            maybe(o, "task", uint)?,
            text(o, "op")?,
            maybe(o, "token", index)?,
            outcome(o)?,
        ),
        "waker_stored" => Event::WakerStored {
            token: token()?,
            task: task()?,
            direction: direction(o)?,
        },
        "readiness_cleared" => Event::ReadinessCleared {
            token: token()?,
            direction: direction(o)?,
            tick: uint(o, "tick")?,
        },
        "timer_insert" => Event::TimerInsert {
            timer: timer()?,
            task: task()?,
            deadline_ms: uint(o, "deadline_ms")?,
            level: small(o, "level")?,
            slot: small(o, "slot")?,
        },
        "timer_cascade" => Event::TimerCascade {
            timer: timer()?,
            from_level: small(o, "from_level")?,
            from_slot: small(o, "from_slot")?,
            to_level: small(o, "to_level")?,
            to_slot: small(o, "to_slot")?,
        },
        "timer_fire" => Event::TimerFire {
            timer: timer()?,
            task: task()?,
            deadline_ms: uint(o, "deadline_ms")?,
        },
        "timer_cancel" => Event::TimerCancel { timer: timer()? },
        "park" => Event::Park {
            timeout_ms: maybe(o, "timeout_ms", uint)?,
        },
        "clock_advance" => Event::ClockAdvance {
            from_ms: uint(o, "from_ms")?,
            to_ms: uint(o, "to_ms")?,
        },
        "os_event" => Event::OsEvent {
            token: token()?,
            readable: flag(o, "readable")?,
            writable: flag(o, "writable")?,
        },
        "unpark" => Event::Unpark {
            events: index(o, "events")?,
        },
        "wake" => Event::Wake {
            task: task()?,
            cause: cause(o)?,
        },
        "output" => Event::Output {
            task: task()?,
            text: text(o, "text")?,
        },
        "error" => Event::Error {
            task: maybe(o, "task", uint)?,
            message: text(o, "message")?,
        },
        other => return Err(format!("unknown record kind `{other}`")),
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
    })
}

fn task_view(value: &Value) -> Result<TaskView, Error> {
    let o = object(value, "task")?;
    let state = match text(o, "state")?.as_str() {
        "idle" => TaskState::Idle,
        "scheduled" => TaskState::Scheduled,
        "running" => TaskState::Running,
        "complete" => TaskState::Complete,
        other => return Err(format!("unknown task state `{other}`")),
    };
    Ok(TaskView {
        id: uint(o, "id")?,
        name: text(o, "name")?,
        state,
        waiting_on: maybe(o, "waiting_on", text)?,
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
#[path = "decode_tests.rs"]
mod tests;
