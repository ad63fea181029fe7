//! A multi-thread pool's records and its part of a snapshot, read from
//! JSON by hand like the rest of `decode` (the same tests check both
//! against serde).

use reactor_protocol::{Event, Kind, PoolView, Queue, WorkerState, WorkerView};
use serde_json::Value;

use crate::decode_fields::{Error, Object, field, flag, list, maybe, named, object, small, uint};

/// The event of a pool record of `kind`; `None` for any other kind.
pub(crate) fn pool_event(kind: Kind, o: &Object) -> Result<Option<Event>, Error> {
    let count = || small(o, "count");
    Ok(Some(match kind {
        Kind::Push => Event::Push {
            task: uint(o, "task")?,
            queue: named(o, "queue", &Queue::ALL, Queue::name)?,
        },
        Kind::InjectTaken => Event::InjectTaken { count: count()? },
        Kind::Overflow => Event::Overflow { count: count()? },
        Kind::Steal => Event::Steal {
            from: small(o, "from")?,
            count: count()?,
        },
        Kind::Search => Event::Search,
        Kind::WorkerPark => Event::WorkerPark,
        Kind::WorkerUnpark => Event::WorkerUnpark,
        Kind::Notify => Event::Notify {
            target: small(o, "target")?,
        },
        Kind::DriverAcquired => Event::DriverAcquired,
        Kind::DriverReleased => Event::DriverReleased,
        _ => return Ok(None),
    }))
}

/// A snapshot's `pool`: absent for a current-thread runtime.
pub(crate) fn pool(o: &Object) -> Result<Option<PoolView>, Error> {
    maybe(o, "pool", |o, name| {
        let pool = object(field(o, name)?, name)?;
        Ok(PoolView {
            workers: list(pool, "workers", worker)?,
            inject: list(pool, "inject", task_id)?,
            seed: uint(pool, "seed")?,
        })
    })
}

fn worker(value: &Value) -> Result<WorkerView, Error> {
    let o = object(value, "worker")?;
    Ok(WorkerView {
        id: small(o, "id")?,
        state: named(o, "state", &WorkerState::ALL, WorkerState::name)?,
        driver: flag(o, "driver")?,
        notified: flag(o, "notified")?,
        lifo: maybe(o, "lifo", uint)?,
        queue: list(o, "queue", task_id)?,
    })
}

fn task_id(value: &Value) -> Result<u64, Error> {
    value
        .as_u64()
        .ok_or_else(|| "a task list holds a non-number".into())
}
