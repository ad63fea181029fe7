//! Samples of a multi-thread pool's records and snapshot part, for the
//! decoder tests (`decode_tests.rs`): every variant, every optional field
//! filled in and left out.

use reactor_protocol::{Event, Kind, PoolView, Queue, WorkerState, WorkerView};

/// The pool's records of `kind`.
pub(super) fn pool_samples(kind: Kind) -> Vec<Event> {
    match kind {
        Kind::Push => Queue::ALL
            .into_iter()
            .map(|queue| Event::Push { task: 3, queue })
            .collect(),
        Kind::InjectTaken => vec![Event::InjectTaken { count: 2 }],
        Kind::Overflow => vec![Event::Overflow { count: 128 }],
        Kind::Steal => vec![Event::Steal { from: 1, count: 4 }],
        Kind::Search => vec![Event::Search],
        Kind::WorkerPark => vec![Event::WorkerPark],
        Kind::WorkerUnpark => vec![Event::WorkerUnpark],
        Kind::Notify => vec![Event::Notify { target: 2 }],
        Kind::DriverAcquired => vec![Event::DriverAcquired],
        Kind::DriverReleased => vec![Event::DriverReleased],
        other => panic!("{other:?} is not a pool record"),
    }
}

/// A pool with a worker in every state.
pub(super) fn sample_pool() -> PoolView {
    PoolView {
        workers: WorkerState::ALL
            .into_iter()
            .enumerate()
            .map(|(id, state)| WorkerView {
                id: id as u32,
                state,
                driver: state == WorkerState::Parked,
                notified: id == 0,
                lifo: (id == 1).then_some(4),
                queue: vec![id as u64 + 5, 9],
            })
            .collect(),
        inject: vec![7, 8],
        seed: 3,
    }
}
