//! Samples of what an idle task waits on, for the decoder tests: every
//! target, every place a waker can be, each part firing it.

use reactor_protocol::{Direction, DriverPart, FiredBy, WaitTarget, Waits, WakerPlace, WakerSpot};

/// A waker in every place a waker can be, each part firing it.
pub(super) fn sample_spots() -> Vec<WakerSpot> {
    let places = [
        WakerPlace::Registration {
            token: 0,
            direction: Direction::Write,
        },
        WakerPlace::TimerEntry {
            timer: 3,
            deadline_ms: 50,
            level: 0,
            slot: 50,
        },
        WakerPlace::JoinHandle { of_task: 2 },
        WakerPlace::Deferred,
    ];
    places
        .into_iter()
        .zip(DriverPart::ALL)
        .enumerate()
        .map(|(at, (place, part))| WakerSpot {
            task: 1,
            place,
            fired_by: FiredBy {
                part,
                foreign: at == 0,
                driven: at != 2,
            },
        })
        .collect()
}

/// What a task may wait on: every target, with and without wakers.
pub(super) fn sample_waits() -> Vec<Option<Waits>> {
    let waits = |on, wakers, unseen_wakers| {
        Some(Waits {
            on,
            wakers,
            unseen_wakers,
        })
    };
    vec![
        waits(WaitTarget::Join { task: 2 }, sample_spots(), 1),
        waits(WaitTarget::Timer { deadline_ms: 50 }, Vec::new(), 0),
        waits(
            WaitTarget::Readiness {
                direction: Direction::Read,
                token: 0,
                runtime: Some(1),
            },
            Vec::new(),
            0,
        ),
        waits(
            WaitTarget::Readiness {
                direction: Direction::Write,
                token: 1,
                runtime: None,
            },
            Vec::new(),
            0,
        ),
        waits(WaitTarget::Yield, Vec::new(), 0),
        waits(WaitTarget::Budget, Vec::new(), 0),
        waits(WaitTarget::Nothing, Vec::new(), 0),
        None,
    ]
}
