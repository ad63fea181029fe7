//! What the records say, independently of any state, and the state
//! before the first record.

use reactor_protocol::{
    BLOCK_ON_THREAD, Event, LevelView, PoolView, Record, Snapshot, TaskId, WakeCause, WheelView,
    WorkerState, WorkerView,
};

/// What the records say, independently of any state: the ground truth.
pub(super) struct Truth<'a> {
    pub(super) records: &'a [Record],
    pub(super) main: Option<TaskId>,
}

impl Truth<'_> {
    /// A yield's wake is deferred past the park at `i`: a `wake` with cause
    /// `yield` follows in the same turn.
    pub(super) fn deferred_after(&self, i: usize) -> bool {
        let turn = self.records[i].turn;
        self.records[i + 1..]
            .iter()
            .take_while(|r| r.turn == turn)
            .any(|r| {
                matches!(
                    r.event,
                    Event::Wake {
                        cause: WakeCause::Yield,
                        ..
                    }
                )
            })
    }

    /// `main`'s waker fired since its last poll, at record `i`.
    pub(super) fn main_woken(&self, i: usize) -> bool {
        let Some(main) = self.main else { return false };
        self.records[..=i]
            .iter()
            .rev()
            .find_map(|r| match r.event {
                Event::Wake { task, .. } if task == main => Some(true),
                Event::Poll { task } if task == main => Some(false),
                _ => None,
            })
            .unwrap_or(false)
    }

    pub(super) fn next(&self, i: usize) -> Option<&Event> {
        self.records.get(i + 1).map(|r| &r.event)
    }
}

/// The runtime before its first record: six empty wheel levels, and a
/// pool of idle workers if the records come from several threads.
pub(super) fn start(records: &[Record]) -> Snapshot {
    let workers = records
        .iter()
        .map(|r| r.worker)
        .filter(|&w| w != BLOCK_ON_THREAD)
        .max()
        .unwrap_or(0);
    let pool = records.iter().any(|r| r.worker != 0).then(|| PoolView {
        workers: (0..=workers)
            .map(|id| WorkerView {
                id,
                state: WorkerState::Running,
                driver: false,
                notified: false,
                lifo: None,
                queue: Vec::new(),
            })
            .collect(),
        inject: Vec::new(),
        seed: 0,
    });
    let levels = (0..6)
        .map(|level| LevelView {
            level,
            slot_ms: 64u64.pow(level),
            current_slot: 0,
            occupied: 0,
            slots: Vec::new(),
        })
        .collect();
    Snapshot {
        wheel: WheelView {
            levels,
            ..WheelView::default()
        },
        pool,
        ..Snapshot::default()
    }
}
