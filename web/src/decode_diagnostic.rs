//! The `diagnostic` record and a task's `waits`, read from JSON by hand
//! like the rest of `decode` (the same tests check both against serde).

use reactor_protocol::{
    Diagnostic, DriverPart, FiredBy, LateTimer, Problem, WaitTarget, Waits, WakerPlace, WakerSpot,
};
use serde_json::Value;

use crate::decode_fields::{
    Error, Object, direction, field, flag, index, list, maybe, named, object, small, text, uint,
};

/// The fields of a `diagnostic` record, beside its `kind`.
pub(crate) fn diagnostic(o: &Object) -> Result<Diagnostic, Error> {
    Ok(Diagnostic {
        problem: named(o, "problem", &Problem::ALL, Problem::name)?,
        tasks: list(o, "tasks", |v| {
            v.as_u64()
                .ok_or_else(|| "`tasks` holds a non-number".into())
        })?,
        wakers: list(o, "wakers", waker_spot)?,
        held_ms: maybe(o, "held_ms", uint)?,
        late_timers: list(o, "late_timers", late_timer)?,
        self_wakes: maybe(o, "self_wakes", uint)?,
        ends_run: flag(o, "ends_run")?,
        message: text(o, "message")?,
    })
}

/// A task's `waits`, field `name` of `o`.
pub(crate) fn waits(o: &Object, name: &str) -> Result<Waits, Error> {
    let w = object(field(o, name)?, name)?;
    Ok(Waits {
        on: target(object(field(w, "on")?, "on")?)?,
        wakers: list(w, "wakers", waker_spot)?,
        unseen_wakers: small(w, "unseen_wakers")?,
    })
}

fn target(o: &Object) -> Result<WaitTarget, Error> {
    Ok(match text(o, "what")?.as_str() {
        "join" => WaitTarget::Join {
            task: uint(o, "task")?,
        },
        "timer" => WaitTarget::Timer {
            deadline_ms: uint(o, "deadline_ms")?,
        },
        "readiness" => WaitTarget::Readiness {
            direction: direction(o)?,
            token: index(o, "token")?,
            runtime: maybe(o, "runtime", small)?,
        },
        "yield" => WaitTarget::Yield,
        "budget" => WaitTarget::Budget,
        "nothing" => WaitTarget::Nothing,
        other => return Err(format!("unknown wait `{other}`")),
    })
}

fn waker_spot(value: &Value) -> Result<WakerSpot, Error> {
    let o = object(value, "waker")?;
    let place = match text(o, "at")?.as_str() {
        "registration" => WakerPlace::Registration {
            token: index(o, "token")?,
            direction: direction(o)?,
        },
        "timer_entry" => WakerPlace::TimerEntry {
            timer: uint(o, "timer")?,
            deadline_ms: uint(o, "deadline_ms")?,
            level: small(o, "level")?,
            slot: small(o, "slot")?,
        },
        "join_handle" => WakerPlace::JoinHandle {
            of_task: uint(o, "of_task")?,
        },
        "deferred" => WakerPlace::Deferred,
        other => return Err(format!("unknown waker place `{other}`")),
    };
    let fired_by = object(field(o, "fired_by")?, "fired_by")?;
    Ok(WakerSpot {
        task: uint(o, "task")?,
        place,
        fired_by: FiredBy {
            part: named(fired_by, "part", &DriverPart::ALL, DriverPart::name)?,
            foreign: flag(fired_by, "foreign")?,
            driven: flag(fired_by, "driven")?,
        },
    })
}

fn late_timer(value: &Value) -> Result<LateTimer, Error> {
    let o = object(value, "late timer")?;
    Ok(LateTimer {
        timer: uint(o, "timer")?,
        task: uint(o, "task")?,
        deadline_ms: uint(o, "deadline_ms")?,
        late_ms: uint(o, "late_ms")?,
    })
}
