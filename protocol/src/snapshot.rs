//! A [`Snapshot`]: the whole visible state of the runtime after a step.
//!
//! Every panel in the browser is drawn from one snapshot, never from guesses
//! about what the records imply.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Waits;
use crate::pool::PoolView;
use crate::record::{Event, Record, Source, TaskId};

/// The runtime's state between two steps.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Runtime milliseconds now.
    pub time_ms: u64,
    /// The current event-loop turn.
    pub turn: u64,
    /// Records produced so far.
    pub records: u64,
    /// Whether the driver is blocked in the OS, and for how long at most.
    pub park: Option<Park>,
    /// Every task that exists or has existed, by id.
    pub tasks: Vec<TaskView>,
    /// Task ids waiting to be polled, front first.
    pub run_queue: Vec<TaskId>,
    /// Registered I/O resources, by token.
    pub registrations: Vec<RegistrationView>,
    /// The hierarchical timer wheel.
    pub wheel: WheelView,
    /// Lines the tasks printed, oldest first.
    pub console: Vec<String>,
    /// The main task has completed (or the run ended in an error).
    pub done: bool,
    /// A multi-thread runtime's workers and inject queue (`run_queue` is
    /// then empty); absent for a current-thread runtime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolView>,
}

/// The loop's park: its wait in the OS, and the dispatch of the events the
/// wait brought back. [`Park::after`] is the one rule for when it is in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Park {
    /// Timeout of the wait in milliseconds; `None` waits for I/O only.
    pub timeout_ms: Option<u64>,
}

impl Park {
    /// The park in force after `action`, the records so far of one engine
    /// action (a step), when `before` was in force as the action began.
    ///
    /// This is the one rule for "parked"; the engine's snapshots, the
    /// replay within an action ([`crate::state_within`]) and every view in
    /// the browser follow it:
    ///
    /// - a `park` record starts a park, in force from that record to the
    ///   end of its action (the clock jump and the `unpark` included), so
    ///   the picture after the park's step shows it;
    /// - an action that dispatches an event the wait brought back (its
    ///   first record is an `os_event`) keeps the park in force;
    /// - any other action ends it as it begins: the loop is running again.
    ///
    /// ```
    /// use reactor_protocol::{Event, Park, Record, Source};
    ///
    /// let record = |seq, event| Record {
    ///     seq, turn: 1, worker: 0, time_ms: 0, event,
    ///     source: Source { file: "engine/src/runtime/park.rs".into(), line: 1 }, span: None,
    /// };
    /// let park = record(7, Event::Park { timeout_ms: Some(960) });
    /// let unpark = record(8, Event::Unpark { events: 1 });
    /// let parked = Park::after(None, &[park, unpark]);
    /// assert_eq!(parked, Some(Park { timeout_ms: Some(960) }));
    ///
    /// let event = record(9, Event::OsEvent { token: 1, readable: true, writable: false });
    /// assert_eq!(Park::after(parked.as_ref(), &[event]), parked, "its events' dispatch");
    /// let poll = record(10, Event::Poll { task: 1 });
    /// assert_eq!(Park::after(parked.as_ref(), &[poll]), None, "running again");
    /// ```
    pub fn after(before: Option<&Park>, action: &[Record]) -> Option<Park> {
        let started = action.iter().rev().find_map(|record| match record.event {
            Event::Park { timeout_ms } => Some(Park { timeout_ms }),
            _ => None,
        });
        let dispatch = action
            .first()
            .is_some_and(|record| matches!(record.event, Event::OsEvent { .. }));
        match started {
            Some(park) => Some(park),
            None if dispatch => before.cloned(),
            None => None,
        }
    }
}

/// The words every [`TaskView::waiting_on`] of a task whose wake is
/// deferred until the driver has run (`yield_now`, or a spent cooperative
/// budget) contains; [`TaskView::wake_deferred`] looks for them.
pub const DEFERRED_WAKE: &str = "woken after the driver runs";

/// One task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskView {
    /// Slab key.
    pub id: TaskId,
    /// Human name.
    pub name: String,
    /// Lifecycle state.
    pub state: TaskState,
    /// What an idle task waits on, such as `read readiness on token 1`.
    pub waiting_on: Option<String>,
    /// The `.await` in the program the task last returned `Pending` at: where
    /// an idle task is parked, and where a scheduled or running one resumes.
    /// `None` before its first `Pending`, once complete, or when the future
    /// it waits on does not know its line.
    pub awaiting: Option<Source>,
    /// A playground program's task: the line and column of its program the
    /// task last reached — the `.await` it is parked on while idle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<crate::Span>,
    /// What an idle task waits on, every place its waker is stored and
    /// whether what must fire it is being driven (`null` unless idle).
    /// Absent in older JSON.
    #[serde(default)]
    pub waits: Option<Waits>,
}

impl TaskView {
    /// Whether the task's wake is deferred until the driver has run: it
    /// yielded, and wakes after the next park.
    pub fn wake_deferred(&self) -> bool {
        self.waiting_on
            .as_deref()
            .is_some_and(|what| what.contains(DEFERRED_WAKE))
    }
}

/// A task's lifecycle state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Returned `Pending`; waits for its waker.
    Idle,
    /// On the run queue.
    Scheduled,
    /// Being polled right now.
    Running,
    /// Finished.
    Complete,
}

impl TaskState {
    /// Every state, in lifecycle order.
    pub const ALL: [TaskState; 4] = [
        TaskState::Idle,
        TaskState::Scheduled,
        TaskState::Running,
        TaskState::Complete,
    ];

    /// The name on the wire (`"idle"`, `"scheduled"`, `"running"`, `"complete"`).
    pub fn name(self) -> &'static str {
        match self {
            TaskState::Idle => "idle",
            TaskState::Scheduled => "scheduled",
            TaskState::Running => "running",
            TaskState::Complete => "complete",
        }
    }
}

/// One registration in the I/O driver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationView {
    /// The mio token.
    pub token: usize,
    /// What it is, such as `TcpStream 127.0.0.1:40000`.
    pub resource: String,
    /// Cached readable readiness.
    pub readable: bool,
    /// Cached writable readiness.
    pub writable: bool,
    /// Bumped by every OS event for this token.
    pub tick: u64,
    /// Task whose waker waits for readable.
    pub read_waker: Option<TaskId>,
    /// Task whose waker waits for writable.
    pub write_waker: Option<TaskId>,
}

/// The timer wheel: six levels of 64 slots.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WheelView {
    /// Milliseconds the wheel has processed up to.
    pub elapsed_ms: u64,
    /// The wheel's next expiration: the start of the first slot with a timer
    /// to fire or cascade. The loop parks until this instant, as Tokio's
    /// time driver does. `None` when no timer is filed.
    pub next_expiration_ms: Option<u64>,
    /// The earliest deadline of any filed timer (at or after the next
    /// expiration; later when the first slot only cascades).
    pub earliest_deadline_ms: Option<u64>,
    /// Levels 0 to 5.
    pub levels: Vec<LevelView>,
}

impl WheelView {
    /// Every filed timer, level by level, slot by slot.
    pub fn timers(&self) -> impl Iterator<Item = &TimerView> {
        self.levels
            .iter()
            .flat_map(|level| &level.slots)
            .flat_map(|slot| &slot.timers)
    }
}

/// One level of the wheel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelView {
    /// 0 to 5.
    pub level: u32,
    /// Milliseconds one slot of this level spans (1, 64, 4096, ...).
    pub slot_ms: u64,
    /// The slot the wheel's current time falls in.
    pub current_slot: u32,
    /// Occupancy bitmap: bit `i` set when slot `i` holds a timer.
    pub occupied: u64,
    /// The non-empty slots only.
    pub slots: Vec<SlotView>,
}

/// One non-empty slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    /// 0 to 63.
    pub slot: u32,
    /// Timers filed here.
    pub timers: Vec<TimerView>,
}

/// One timer entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimerView {
    /// Timer id.
    pub id: u64,
    /// The task it wakes.
    pub task: TaskId,
    /// Deadline in runtime milliseconds.
    pub deadline_ms: u64,
}
