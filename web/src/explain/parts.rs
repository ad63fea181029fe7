//! The diagram's four parts and the arrows between them, and which part
//! (and arrow) acts in a record.

use reactor_protocol::{Event, WakeCause};

/// The four parts of the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The futures, each wrapped in a task.
    Futures,
    /// I/O registrations and the timer wheel.
    Reactor,
    /// The kernel's readiness queue (epoll).
    Os,
    /// The run queue and the loop that polls.
    Executor,
}

impl Part {
    /// All parts, in drawing order.
    pub const ALL: [Part; 4] = [Part::Futures, Part::Reactor, Part::Os, Part::Executor];

    /// The `data-part` value.
    pub fn id(self) -> &'static str {
        match self {
            Part::Futures => "futures",
            Part::Reactor => "reactor",
            Part::Os => "os",
            Part::Executor => "executor",
        }
    }
}

/// The arrows between the parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arrow {
    /// A task registers interest or stores its waker.
    FuturesToReactor,
    /// A task makes a non-blocking system call.
    FuturesToOs,
    /// The driver blocks in the OS.
    ReactorToOs,
    /// The OS reports readiness.
    OsToReactor,
    /// A waker puts a task back on the run queue.
    ReactorToExecutor,
    /// The executor polls a future.
    ExecutorToFutures,
    /// Work inside the timer wheel.
    InsideWheel,
}

impl Arrow {
    /// All arrows, in drawing order.
    pub const ALL: [Arrow; 7] = [
        Arrow::FuturesToReactor,
        Arrow::FuturesToOs,
        Arrow::ReactorToOs,
        Arrow::OsToReactor,
        Arrow::ReactorToExecutor,
        Arrow::ExecutorToFutures,
        Arrow::InsideWheel,
    ];

    /// The `data-arrow` value.
    pub fn id(self) -> &'static str {
        match self {
            Arrow::FuturesToReactor => "futures-reactor",
            Arrow::FuturesToOs => "futures-os",
            Arrow::ReactorToOs => "reactor-os",
            Arrow::OsToReactor => "os-reactor",
            Arrow::ReactorToExecutor => "reactor-executor",
            Arrow::ExecutorToFutures => "executor-futures",
            Arrow::InsideWheel => "wheel",
        }
    }
}

/// The part that acts in `event`, and the arrow it uses.
pub fn acting(event: &Event) -> (Part, Option<Arrow>) {
    match event {
        Event::Register { .. } | Event::WakerStored { .. } | Event::ReadinessCleared { .. } => {
            (Part::Reactor, Some(Arrow::FuturesToReactor))
        }
        Event::Deregister { .. } => (Part::Reactor, Some(Arrow::FuturesToReactor)),
        Event::Syscall(_) => (Part::Os, Some(Arrow::FuturesToOs)),
        Event::Park { .. } => (Part::Os, Some(Arrow::ReactorToOs)),
        Event::OsEvent { .. } | Event::Unpark { .. } => (Part::Reactor, Some(Arrow::OsToReactor)),
        // The reactor wakes a task for an OS event or a timer; the other
        // wakes (a join, a deferred yield, entering block_on) and pushing
        // onto the run queue happen without it.
        Event::Wake {
            cause: WakeCause::Io | WakeCause::Timer,
            ..
        } => (Part::Executor, Some(Arrow::ReactorToExecutor)),
        Event::Wake { .. } | Event::Schedule { .. } => (Part::Executor, None),
        Event::Poll { .. } => (Part::Futures, Some(Arrow::ExecutorToFutures)),
        Event::TimerInsert { .. }
        | Event::TimerCascade { .. }
        | Event::TimerFire { .. }
        | Event::TimerCancel { .. }
        | Event::ClockAdvance { .. } => (Part::Reactor, Some(Arrow::InsideWheel)),
        Event::Spawn { .. } => (Part::Executor, None),
        Event::Pending { .. }
        | Event::Ready { .. }
        | Event::Complete { .. }
        | Event::Output { .. } => (Part::Futures, None),
        Event::Error { .. } | Event::Diagnostic(_) => (Part::Futures, None),
        // The pool's records move tasks between the executor's queues.
        Event::Push { .. }
        | Event::InjectTaken { .. }
        | Event::Overflow { .. }
        | Event::Steal { .. }
        | Event::Search
        | Event::WorkerPark
        | Event::WorkerUnpark
        | Event::Notify { .. } => (Part::Executor, None),
        Event::DriverAcquired | Event::DriverReleased => (Part::Reactor, None),
    }
}
