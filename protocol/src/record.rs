//! One [`Record`] per thing the runtime did.
//!
//! A record is a fact about the real engine: the task it polled, the syscall it
//! made and what the kernel answered, the timer it filed in the wheel. Each one
//! carries the engine source line that produced it, so the browser can show the
//! code next to the picture.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::pool::Queue;

/// A task's id: its key in the executor's slab.
pub type TaskId = u64;

/// One recorded action of the runtime.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Position in the trace, from 0, without gaps.
    pub seq: u64,
    /// The event-loop turn this action belongs to, from 0.
    pub turn: u64,
    /// The thread that acted: the only worker, 0, of a current-thread
    /// runtime; a worker of a multi-thread one, or its `block_on` thread
    /// ([`crate::pool::BLOCK_ON_THREAD`]).
    pub worker: u32,
    /// Virtual (or real, in real-clock mode) milliseconds since the runtime started.
    pub time_ms: u64,
    /// What happened. Serialised flat, as `"kind": "..."` plus its fields.
    #[serde(flatten)]
    pub event: Event,
    /// The engine source line that produced this record.
    pub source: Source,
    /// Where the learner's own program was (a playground program's line and
    /// column) when the runtime did this, for records made while polling one
    /// of its tasks. Absent for built-in scenarios and for the loop's own
    /// actions (park, OS events, timer fires).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// A place in a playground program: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// An engine source location, as `file:line`.
///
/// `file` is a [`Cow`]: the engine fills it with the `&'static str` of
/// [`std::panic::Location::file`], so recording a line allocates nothing,
/// while a decoded record owns its text. Both serialise as a plain string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Path relative to the workspace root, such as `engine/src/io/driver.rs`.
    pub file: Cow<'static, str>,
    /// 1-based line number.
    pub line: u32,
}

/// What a record says happened. `kind` in JSON is the snake_case variant name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A task was created and given an id.
    Spawn {
        /// The new task.
        task: TaskId,
        /// Its human name, such as `main` or `handler`.
        name: String,
    },
    /// A task was pushed onto the back of the run queue.
    Schedule {
        /// The task queued.
        task: TaskId,
    },
    /// The executor took a task off the run queue and is polling it.
    Poll {
        /// The task polled.
        task: TaskId,
    },
    /// The poll returned `Poll::Pending`: the task waits for a waker.
    Pending {
        /// The task that is now idle.
        task: TaskId,
    },
    /// The poll returned `Poll::Ready`.
    Ready {
        /// The task whose future finished.
        task: TaskId,
    },
    /// The task is finished and its output handed to its `JoinHandle`.
    Complete {
        /// The finished task.
        task: TaskId,
        /// `Debug` text of the output (such as `42`), if it has one worth showing.
        output: Option<String>,
    },
    /// An I/O resource was registered with `mio::Poll` under a token.
    Register {
        /// The token the OS will report events with.
        token: usize,
        /// What the resource is, such as `TcpListener 127.0.0.1:40000`.
        resource: String,
        /// Interest: readable.
        readable: bool,
        /// Interest: writable.
        writable: bool,
        /// The driver starts out assuming the resource readable and writable
        /// (Tokio does so for an accepted stream, so that its first read is
        /// simply tried); otherwise readiness starts empty and only an OS
        /// event sets it.
        assumed_ready: bool,
    },
    /// An I/O resource was deregistered and its token freed.
    Deregister {
        /// The freed token.
        token: usize,
    },
    /// A non-blocking system call made on behalf of a task.
    ///
    /// Boxed: its fields are twice the size of any other event's, and every
    /// record pays for the largest variant (see [`Syscall`]).
    Syscall(Box<Syscall>),
    /// A task's waker was stored in a registration, waiting for readiness.
    WakerStored {
        /// The registration's token.
        token: usize,
        /// The waiting task.
        task: TaskId,
        /// Which waker slot: read or write.
        direction: Direction,
    },
    /// Cached readiness was cleared after an operation hit `WouldBlock`.
    ReadinessCleared {
        /// The registration's token.
        token: usize,
        /// Which readiness bit.
        direction: Direction,
        /// The tick the clearing operation observed. Only cleared if still current.
        tick: u64,
    },
    /// A timer was filed in the wheel.
    TimerInsert {
        /// The timer's id.
        timer: u64,
        /// The task whose waker it holds.
        task: TaskId,
        /// When it fires, in runtime milliseconds.
        deadline_ms: u64,
        /// Wheel level, 0 (1 ms slots) to 5.
        level: u32,
        /// Slot within the level, 0 to 63.
        slot: u32,
    },
    /// A timer moved from a higher level down to a finer one as time advanced.
    TimerCascade {
        /// The timer moved.
        timer: u64,
        /// Level it left.
        from_level: u32,
        /// Slot it left.
        from_slot: u32,
        /// Level it entered.
        to_level: u32,
        /// Slot it entered.
        to_slot: u32,
    },
    /// A timer reached its deadline and its waker is about to be woken.
    TimerFire {
        /// The timer.
        timer: u64,
        /// The task it wakes.
        task: TaskId,
        /// Its deadline in runtime milliseconds.
        deadline_ms: u64,
    },
    /// A timer was removed before it fired (its `Sleep` was dropped).
    TimerCancel {
        /// The timer.
        timer: u64,
    },
    /// The loop waits in the OS until an event or the timeout (once per turn).
    Park {
        /// Milliseconds until the timer wheel's next expiration (the start of
        /// the next slot with work); `0` when work is already waiting (tasks
        /// left after the poll budget, a deferred yield, `main` woken);
        /// `null` when no timer is filed: only an OS event ends the wait.
        timeout_ms: Option<u64>,
    },
    /// The virtual clock jumped forward while parked: to the wheel's next
    /// expiration, or to the scripted peer's next action when that is sooner.
    ClockAdvance {
        /// Time before the jump.
        from_ms: u64,
        /// Time after the jump.
        to_ms: u64,
    },
    /// The OS reported readiness for a token.
    OsEvent {
        /// The token.
        token: usize,
        /// The resource is readable.
        readable: bool,
        /// The resource is writable.
        writable: bool,
    },
    /// The driver returned from the OS wait.
    Unpark {
        /// How many OS events it brought back.
        events: usize,
    },
    /// A waker was woken: the task goes back to the run queue.
    Wake {
        /// The task woken.
        task: TaskId,
        /// Why.
        cause: WakeCause,
    },
    /// A task printed a line.
    Output {
        /// The printing task.
        task: TaskId,
        /// The text, without the trailing newline.
        text: String,
    },
    /// The engine found, for certain, why a task hangs or stalls the
    /// loop: a lost waker, a self-wake, a blocking poll, a deadlock, or a
    /// run that can never progress (the last record). Boxed like
    /// [`Event::Syscall`].
    Diagnostic(Box<Diagnostic>),
    /// Something went wrong: a panicking task, an OS error, a broken script.
    Error {
        /// The task concerned, if any.
        task: Option<TaskId>,
        /// What went wrong.
        message: String,
    },
    /// Multi-thread: a task was pushed to the acting worker's LIFO slot or
    /// local queue, or to the inject queue (see [`crate::pool`]). A task
    /// moving out of the LIFO slot to make room is pushed too.
    Push {
        /// The task.
        task: TaskId,
        /// Where it went.
        queue: Queue,
    },
    /// Multi-thread: the acting worker took `count` tasks from the front of
    /// the inject queue: it polls the first now, and the others go to the
    /// back of its local queue.
    InjectTaken {
        /// How many.
        count: u32,
    },
    /// Multi-thread: the acting worker's local queue was full, so its
    /// `count` oldest tasks moved to the back of the inject queue.
    Overflow {
        /// How many (half the queue).
        count: u32,
    },
    /// Multi-thread: the acting worker stole the older half of worker
    /// `from`'s local queue into its own, and polls the first.
    Steal {
        /// The worker robbed.
        from: u32,
        /// How many tasks moved.
        count: u32,
    },
    /// Multi-thread: the acting worker ran out of work and began searching
    /// the other workers' queues and the inject queue.
    Search,
    /// Multi-thread: the acting worker went to sleep: on the driver if it
    /// took it (`driver_acquired` follows), else on its condition variable.
    WorkerPark,
    /// Multi-thread: the acting worker woke up and runs again.
    WorkerUnpark,
    /// Multi-thread: the acting thread woke a parked worker, because work
    /// is waiting that it cannot do at once.
    Notify {
        /// The worker woken.
        target: u32,
    },
    /// Multi-thread: the acting worker took the runtime's one I/O driver
    /// and timer wheel, to wait on them while it sleeps.
    DriverAcquired,
    /// Multi-thread: the acting worker, awake again, let go of the driver.
    DriverReleased,
}

impl Event {
    /// A [`Event::Syscall`], boxing its fields.
    pub fn syscall(
        task: Option<TaskId>,
        op: impl Into<String>,
        token: Option<usize>,
        outcome: Outcome,
    ) -> Event {
        Event::Syscall(Box::new(Syscall {
            task,
            op: op.into(),
            token,
            outcome,
        }))
    }
}

/// A non-blocking system call, the payload of [`Event::Syscall`].
///
/// In JSON its fields sit beside `kind` like every other event's. In memory it
/// lives behind a `Box`: unboxed, these 80 bytes would be the size of *every*
/// [`Event`] (an enum is as large as its largest variant), and a long run keeps
/// hundreds of thousands of records. Boxed, an event is 48 bytes and a
/// [`Record`] 112 instead of 144; syscalls are rare next to polls and wakes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Syscall {
    /// The task that made it, if any.
    pub task: Option<TaskId>,
    /// The call: `accept`, `read`, `write`, `connect`, `bind`.
    pub op: String,
    /// The resource's token, if registered.
    pub token: Option<usize>,
    /// What the kernel answered.
    pub outcome: Outcome,
}

/// What a non-blocking system call returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// It succeeded; for reads and writes, with the byte count.
    Ok {
        /// Bytes moved, when the call moves bytes.
        bytes: Option<usize>,
    },
    /// `EWOULDBLOCK`: nothing to do right now.
    WouldBlock,
    /// Any other error, as the OS described it.
    Failed {
        /// The error text.
        error: String,
    },
}

/// Read or write side of a registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Readable readiness / the read waker.
    Read,
    /// Writable readiness / the write waker.
    Write,
}

impl Direction {
    /// Both directions.
    pub const ALL: [Direction; 2] = [Direction::Read, Direction::Write];

    /// The name on the wire (`"read"`, `"write"`).
    pub fn name(self) -> &'static str {
        match self {
            Direction::Read => "read",
            Direction::Write => "write",
        }
    }
}

/// Why a waker was woken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WakeCause {
    /// An OS readiness event.
    Io,
    /// A timer fired.
    Timer,
    /// The task it was joining completed.
    Join,
    /// `yield_now` deferred the wake until the driver had been polled.
    Yield,
    /// Entering `block_on`: the main future is marked woken so the loop
    /// polls it first (Tokio sets its `woken` flag the same way).
    BlockOn,
    /// Anything else: a waker fired by the task's own code.
    Other,
}

impl WakeCause {
    /// Every cause.
    pub const ALL: [WakeCause; 6] = [
        WakeCause::Io,
        WakeCause::Timer,
        WakeCause::Join,
        WakeCause::Yield,
        WakeCause::BlockOn,
        WakeCause::Other,
    ];

    /// The name on the wire (`"io"`, `"timer"`, `"join"`, `"yield"`, `"block_on"`, `"other"`).
    pub fn name(self) -> &'static str {
        match self {
            WakeCause::Io => "io",
            WakeCause::Timer => "timer",
            WakeCause::Join => "join",
            WakeCause::Yield => "yield",
            WakeCause::BlockOn => "block_on",
            WakeCause::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_json_is_flat_with_kind() {
        let record = Record {
            seq: 3,
            turn: 1,
            worker: 0,
            time_ms: 5,
            event: Event::OsEvent {
                token: 1,
                readable: true,
                writable: false,
            },
            source: Source {
                file: "engine/src/io/driver.rs".into(),
                line: 120,
            },
            span: None,
        };
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["kind"], "os_event");
        assert_eq!(json["token"], 1);
        assert_eq!(json["source"]["line"], 120);
        let back: Record = serde_json::from_value(json).unwrap();
        assert_eq!(back, record);
    }

    #[test]
    fn a_boxed_syscall_is_still_flat_json() {
        let event = Event::syscall(Some(1), "read", Some(2), Outcome::Ok { bytes: Some(14) });
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["kind"], "syscall");
        assert_eq!(json["op"], "read");
        assert_eq!(json["outcome"]["result"], "ok");
        assert_eq!(json["outcome"]["bytes"], 14);
        let back: Event = serde_json::from_value(json).unwrap();
        assert_eq!(back, event);
    }

    /// Every record pays for the largest event, and long runs keep hundreds
    /// of thousands of them: a new large variant belongs in a `Box`.
    #[test]
    fn records_stay_small() {
        assert!(
            size_of::<Event>() <= 48,
            "Event is {} bytes",
            size_of::<Event>()
        );
        // 112 bytes before the playground's program position (`span`).
        assert!(
            size_of::<Record>() <= 120,
            "Record is {} bytes",
            size_of::<Record>()
        );
    }

    #[test]
    fn would_block_outcome_is_spelled_snake_case() {
        let json = serde_json::to_value(Outcome::WouldBlock).unwrap();
        assert_eq!(json["result"], "would_block");
    }
}
