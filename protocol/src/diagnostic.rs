//! Why a future hangs, as data: what an idle task waits on, where its
//! waker is stored, who must fire it — and the `diagnostic` record the
//! engine writes the moment a problem becomes certain.
//!
//! A pending future only runs again when its waker fires. So "why is it
//! stuck?" is three questions, the article's own: is the waker registered,
//! is the driver that must fire it running, and (for a timer) is the wheel
//! being processed? The engine holds every waker it hands out, so it can
//! answer them exactly, never by guess:
//!
//! ```text
//!   task 1 ── Pending ──▶ waits: on    = read readiness of token 0
//!                                wakers = [registration 0, read slot]
//!                                          └─ fired_by: io_driver, driven
//!   task 2 ── Pending ──▶ waits: on    = nothing it told the runtime
//!                                wakers = []  ⇒ a `lost_waker` diagnostic
//! ```
//!
//! [`Waits`] is a task's entry in the snapshot (`tasks[].waits`);
//! [`Diagnostic`] is the payload of a `diagnostic` record.

use serde::{Deserialize, Serialize};

use crate::record::{Direction, TaskId};

/// What an idle task waits on, and whether anything will ever wake it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waits {
    /// What the leaf future it returned `Pending` from said it waits for.
    pub on: WaitTarget,
    /// Every place the engine holds one of the task's wakers. Empty, with
    /// `unseen_wakers` 0: nothing can ever wake the task.
    pub wakers: Vec<WakerSpot>,
    /// Clones of the task's waker held where the engine does not look: by
    /// the program's own code (a hand-written future that kept
    /// `cx.waker().clone()`). They may fire; the engine cannot say when.
    pub unseen_wakers: u32,
}

impl Waits {
    /// Whether no waker of the task exists at all: it can never run again.
    pub fn no_waker(&self) -> bool {
        self.wakers.is_empty() && self.unseen_wakers == 0
    }
}

/// What a task's last `Pending` said it waits for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum WaitTarget {
    /// Another task's completion, through its `JoinHandle`.
    Join {
        /// The task awaited.
        task: TaskId,
    },
    /// A `sleep`'s deadline.
    Timer {
        /// The deadline, in runtime milliseconds.
        deadline_ms: u64,
    },
    /// Readiness of a socket.
    Readiness {
        /// Read or write.
        direction: Direction,
        /// The socket's token, in its own runtime's driver.
        token: usize,
        /// That runtime's number on this thread, when it is not the task's
        /// own (`null`: the task's own runtime).
        runtime: Option<u32>,
    },
    /// The end of a `yield_now`: the wake waits for the driver's turn.
    Yield,
    /// A fresh cooperative budget: the poll spent it (a forced yield).
    Budget,
    /// Nothing the runtime knows of: the future returned `Pending` without
    /// waiting on a runtime resource (a hand-written future).
    Nothing,
}

/// One place a task's waker is stored, and what must fire it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WakerSpot {
    /// Whose waker it is.
    pub task: TaskId,
    /// Where it is stored.
    #[serde(flatten)]
    pub place: WakerPlace,
    /// The part of a runtime that fires it, and whether it is being driven.
    pub fired_by: FiredBy,
}

/// Where a waker is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum WakerPlace {
    /// A registration's read or write waker slot.
    Registration {
        /// The socket's token, in its own runtime's driver.
        token: usize,
        /// Which slot.
        direction: Direction,
    },
    /// A timer entry in the wheel.
    TimerEntry {
        /// The timer's id.
        timer: u64,
        /// Its deadline, in runtime milliseconds.
        deadline_ms: u64,
        /// The wheel level it is filed on, 0 to 5.
        level: u32,
        /// The slot within that level, 0 to 63.
        slot: u32,
    },
    /// The join slot of another task: fired when that task completes.
    JoinHandle {
        /// The task whose completion fires it.
        of_task: TaskId,
    },
    /// The runtime's deferred list (`yield_now`, a spent budget): fired
    /// after the next park.
    Deferred,
}

/// The part of a runtime that fires a stored waker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredBy {
    /// Which part.
    pub part: DriverPart,
    /// The part belongs to another runtime than the one recording.
    pub foreign: bool,
    /// Whether it can still fire: its loop is being driven (for a join,
    /// the awaited task can still run). `false` means the waker waits
    /// where nothing will ever fire it.
    pub driven: bool,
}

/// A part of a runtime that fires wakers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriverPart {
    /// The I/O driver: an OS event sets readiness and wakes.
    IoDriver,
    /// The timer wheel, processed in the loop's timer phase.
    TimerWheel,
    /// Another task: its completion wakes whoever awaits its `JoinHandle`.
    Task,
    /// The loop itself: deferred wakes after its park.
    EventLoop,
}

impl DriverPart {
    /// Every part.
    pub const ALL: [DriverPart; 4] = [
        DriverPart::IoDriver,
        DriverPart::TimerWheel,
        DriverPart::Task,
        DriverPart::EventLoop,
    ];

    /// The name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            DriverPart::IoDriver => "io_driver",
            DriverPart::TimerWheel => "timer_wheel",
            DriverPart::Task => "task",
            DriverPart::EventLoop => "event_loop",
        }
    }
}

/// What a `diagnostic` record reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// A task returned `Pending` and no waker of it is stored anywhere.
    LostWaker,
    /// A task woke itself during its own poll, again and again.
    SelfWake,
    /// A poll held the thread in a blocking call; timers fired late.
    BlockingPoll,
    /// Tasks wait only on each other: none of them can ever finish.
    Deadlock,
    /// Nothing can ever happen again: the run ends here.
    Stuck,
}

impl Problem {
    /// Every problem.
    pub const ALL: [Problem; 5] = [
        Problem::LostWaker,
        Problem::SelfWake,
        Problem::BlockingPoll,
        Problem::Deadlock,
        Problem::Stuck,
    ];

    /// The name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Problem::LostWaker => "lost_waker",
            Problem::SelfWake => "self_wake",
            Problem::BlockingPoll => "blocking_poll",
            Problem::Deadlock => "deadlock",
            Problem::Stuck => "stuck",
        }
    }
}

/// A timer that fires late because a poll held the thread past its deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateTimer {
    /// The timer's id.
    pub timer: u64,
    /// The task it wakes.
    pub task: TaskId,
    /// Its deadline, in runtime milliseconds.
    pub deadline_ms: u64,
    /// How far past the deadline the clock already is when the poll ends.
    pub late_ms: u64,
}

/// The payload of a `diagnostic` record; see the module docs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// What is wrong.
    pub problem: Problem,
    /// The tasks concerned.
    pub tasks: Vec<TaskId>,
    /// Where their wakers are stored (empty: nowhere), and who fires them.
    pub wakers: Vec<WakerSpot>,
    /// `blocking_poll`: how long the poll held the thread, in ms.
    pub held_ms: Option<u64>,
    /// `blocking_poll`: the timers it made late.
    pub late_timers: Vec<LateTimer>,
    /// `self_wake`: how many times the task has woken itself so far.
    pub self_wakes: Option<u64>,
    /// This record ends the run (only `stuck`): nothing can happen any more.
    pub ends_run: bool,
    /// One line for a person.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waker_spot_is_flat_with_its_place() {
        let spot = WakerSpot {
            task: 1,
            place: WakerPlace::TimerEntry {
                timer: 0,
                deadline_ms: 50,
                level: 0,
                slot: 50,
            },
            fired_by: FiredBy {
                part: DriverPart::TimerWheel,
                foreign: false,
                driven: true,
            },
        };
        let json = serde_json::to_value(&spot).unwrap();
        assert_eq!(json["at"], "timer_entry");
        assert_eq!(json["slot"], 50);
        assert_eq!(json["fired_by"]["part"], "timer_wheel");
        let back: WakerSpot = serde_json::from_value(json).unwrap();
        assert_eq!(back, spot);
    }

    #[test]
    fn no_waker_means_none_seen_and_none_unseen() {
        let waits = Waits {
            on: WaitTarget::Nothing,
            wakers: Vec::new(),
            unseen_wakers: 0,
        };
        assert!(waits.no_waker());
        let json = serde_json::to_value(&waits).unwrap();
        assert_eq!(json["on"]["what"], "nothing");
    }
}
