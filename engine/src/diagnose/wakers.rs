//! [`WakerIndex`]: every place a waker of an idle task is stored, found by
//! looking in each place the runtime keeps wakers.
//!
//! ```text
//!   driver.registrations[token].{read,write}_waiter ──▶ registration spot
//!   timers (the wheel's entries)                    ──▶ timer_entry spot (level, slot)
//!   each task's join slot                           ──▶ join_handle spot
//!   core.deferred (yield_now, spent budget)         ──▶ deferred spot
//!   waiting_on = readiness of another runtime       ──▶ registration spot there
//!   Arc count − spots above                         ──▶ unseen (the program's own)
//! ```
//!
//! The `Arc` count is exact (see `task/inspect.rs`); the places say where.
//! A spot holding a clone of the task's own waker accounts for one count;
//! whatever the count has beyond them, the program's code holds.

use std::collections::{BTreeSet, HashMap};
use std::task::Waker;

use reactor_protocol::{
    Direction, DriverPart, FiredBy, TaskId, TaskState, WaitTarget, Waits, WakerPlace, WakerSpot,
};

use super::deadlock;
use crate::runtime::core::Core;
use crate::task::WaitingOn;

/// Where every idle task's wakers are; built once per question asked.
pub(crate) struct WakerIndex {
    /// Idle tasks: their spots, how many of them hold the task's own
    /// waker, and how many wakers of the task exist in all.
    idle: HashMap<TaskId, Located>,
    /// Idle tasks that wait only on each other's completion.
    pub(crate) deadlocked: BTreeSet<TaskId>,
}

#[derive(Default)]
struct Located {
    spots: Vec<WakerSpot>,
    direct: usize,
    stored: usize,
    on: Option<WaitingOn>,
}

/// A part of this runtime: driven while its loop runs.
fn own_part(part: DriverPart) -> FiredBy {
    FiredBy {
        part,
        foreign: false,
        driven: true,
    }
}

impl WakerIndex {
    /// Look everywhere in `core`.
    pub(crate) fn build(core: &Core) -> WakerIndex {
        let executor = core.executor.borrow();
        let idle = executor.idle_tasks();
        // Count first: the wakers made below to compare with are clones too.
        let mut located: HashMap<TaskId, Located> = idle
            .iter()
            .map(|&id| {
                let entry = Located {
                    stored: executor.stored_wakers(id).unwrap_or_default(),
                    on: executor.waiting_on_of(id),
                    ..Located::default()
                };
                (id, entry)
            })
            .collect();
        let joins = executor.join_waiters();
        let mut add = |task: TaskId, place: WakerPlace, fired_by: FiredBy, direct: bool| {
            if let Some(entry) = located.get_mut(&task) {
                entry.direct += usize::from(direct);
                entry.spots.push(WakerSpot {
                    task,
                    place,
                    fired_by,
                });
            }
        };
        let is_own = |task: Option<TaskId>, waker: &Waker| {
            task.is_some_and(|task| executor.is_own_waker(task, waker))
        };
        for (token, io) in core.driver.borrow().registrations.iter() {
            for (direction, waiter) in [
                (Direction::Read, &io.read_waiter),
                (Direction::Write, &io.write_waiter),
            ] {
                if let Some((Some(task), waker)) = waiter {
                    let place = WakerPlace::Registration { token, direction };
                    add(
                        *task,
                        place,
                        own_part(DriverPart::IoDriver),
                        is_own(Some(*task), waker),
                    );
                }
            }
        }
        for timer in core.timers.borrow().iter() {
            let place = WakerPlace::TimerEntry {
                timer: timer.key,
                deadline_ms: timer.deadline_ms,
                level: timer.position.level,
                slot: timer.position.slot,
            };
            let direct = timer
                .foreign
                .is_none_or(|waker| is_own(Some(timer.task), waker));
            add(timer.task, place, own_part(DriverPart::TimerWheel), direct);
        }
        for deferred in core.deferred.borrow().iter() {
            if let Some(task) = deferred.task {
                let direct = executor.kept_is_own(task, &deferred.waker);
                add(
                    task,
                    WakerPlace::Deferred,
                    own_part(DriverPart::EventLoop),
                    direct,
                );
            }
        }
        for &(waiter, awaited, direct) in &joins {
            let place = WakerPlace::JoinHandle { of_task: awaited };
            add(waiter, place, own_part(DriverPart::Task), direct);
        }
        for entry in located.values_mut() {
            if let Some(WaitingOn::Readiness {
                direction,
                token,
                runtime: Some(_),
            }) = entry.on
            {
                // Stored in the other runtime's driver, which only that
                // runtime's loop polls: never while this one is driven (a
                // thread drives one runtime at a time, and a runtime never
                // leaves its thread).
                entry.direct += 1;
                entry.spots.push(WakerSpot {
                    task: 0,
                    place: WakerPlace::Registration { token, direction },
                    fired_by: FiredBy {
                        part: DriverPart::IoDriver,
                        foreign: true,
                        driven: false,
                    },
                });
            }
        }
        for (&id, entry) in &mut located {
            for spot in &mut entry.spots {
                spot.task = id;
            }
        }
        let only_joins: HashMap<TaskId, Vec<TaskId>> = located
            .iter()
            .filter(|(_, entry)| {
                entry.stored > 0
                    && entry.direct == entry.stored
                    && entry.spots.iter().all(|spot| {
                        matches!(spot.place, WakerPlace::JoinHandle { .. })
                            && spot.fired_by.part == DriverPart::Task
                    })
            })
            .map(|(&id, entry)| {
                let awaited = entry.spots.iter().filter_map(|spot| match spot.place {
                    WakerPlace::JoinHandle { of_task } => Some(of_task),
                    _ => None,
                });
                (id, awaited.collect())
            })
            .collect();
        let deadlocked = deadlock::closed_set(&only_joins);
        let mut index = WakerIndex {
            idle: located,
            deadlocked,
        };
        index.mark_dead_joins(|task| executor.state_of(task));
        index
    }

    /// A join spot is driven while the awaited task can still finish: it is
    /// queued or running, or idle with some waker and not deadlocked.
    fn mark_dead_joins(&mut self, state_of: impl Fn(TaskId) -> Option<TaskState>) {
        let stuck: BTreeSet<TaskId> = self
            .idle
            .iter()
            .filter(|(id, entry)| {
                self.deadlocked.contains(id) || (entry.spots.is_empty() && entry.stored == 0)
            })
            .map(|(&id, _)| id)
            .collect();
        for entry in self.idle.values_mut() {
            for spot in &mut entry.spots {
                if let WakerPlace::JoinHandle { of_task } = spot.place {
                    let finishing = state_of(of_task).is_some_and(|state| {
                        state != TaskState::Complete
                            && (state != TaskState::Idle || !stuck.contains(&of_task))
                    });
                    spot.fired_by.driven = finishing;
                }
            }
        }
    }

    /// The snapshot's `waits` of an idle task (`None` for any other).
    pub(crate) fn waits(&self, id: TaskId) -> Option<Waits> {
        let entry = self.idle.get(&id)?;
        Some(Waits {
            on: target(entry.on),
            wakers: entry.spots.clone(),
            unseen_wakers: u32::try_from(entry.stored.saturating_sub(entry.direct))
                .unwrap_or(u32::MAX),
        })
    }

    /// The spots of every task in `tasks`, in their order.
    pub(crate) fn spots_of(&self, tasks: &[TaskId]) -> Vec<WakerSpot> {
        tasks
            .iter()
            .filter_map(|id| self.idle.get(id))
            .flat_map(|entry| entry.spots.iter().cloned())
            .collect()
    }
}

/// What a task's `WaitingOn` says, as the wire's [`WaitTarget`].
fn target(on: Option<WaitingOn>) -> WaitTarget {
    match on {
        None => WaitTarget::Nothing,
        Some(WaitingOn::Join { task }) => WaitTarget::Join { task },
        Some(WaitingOn::Timer { deadline_ms }) => WaitTarget::Timer { deadline_ms },
        Some(WaitingOn::Yield) => WaitTarget::Yield,
        Some(WaitingOn::Budget) => WaitTarget::Budget,
        Some(WaitingOn::Readiness {
            direction,
            token,
            runtime,
        }) => WaitTarget::Readiness {
            direction,
            token,
            runtime: runtime.map(|runtime| runtime.number()),
        },
    }
}
