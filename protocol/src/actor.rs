//! [`Actor`]: which part of the runtime acts in a record, as a learner
//! guesses it — the executor, the I/O driver, the timer wheel or the OS.
//!
//! Predict mode ("which part acts next?") and a classroom's quick poll
//! ("what happens next?") both offer these four answers and check them
//! against the next record with [`Actor::of`]. The diagram draws finer
//! parts (the futures, the reactor); this is the coarser split the article
//! teaches:
//!
//! ```text
//!  executor     spawns, schedules and polls tasks; what a polled future does
//!               without the OS (pending, ready, output); the pool's queues
//!  I/O driver   parks the thread, registers sources, stores wakers, turns
//!               OS events into wakes (cause `io`)
//!  timer wheel  files, cascades, fires and cancels timers; advances the
//!               clock; wakes for a timer (cause `timer`)
//!  OS           answers a system call (a read, a write, an accept) and
//!               reports a ready socket (`os_event`)
//! ```

use serde::{Deserialize, Serialize};

use crate::record::{Event, WakeCause};

/// A part of the runtime that acts, as a learner names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The executor: run queues and the loop that polls tasks.
    Executor,
    /// The I/O driver: parking, registrations, stored wakers.
    Driver,
    /// The timer wheel and the clock.
    TimerWheel,
    /// The kernel: system calls and readiness.
    Os,
}

impl Actor {
    /// Every actor, in the order choices show them.
    pub const ALL: [Actor; 4] = [Actor::Executor, Actor::Driver, Actor::TimerWheel, Actor::Os];

    /// The name on the wire, such as `timer_wheel`.
    pub fn name(self) -> &'static str {
        match self {
            Actor::Executor => "executor",
            Actor::Driver => "driver",
            Actor::TimerWheel => "timer_wheel",
            Actor::Os => "os",
        }
    }

    /// The actor as a choice reads, such as `The timer wheel`.
    pub fn label(self) -> &'static str {
        match self {
            Actor::Executor => "The executor",
            Actor::Driver => "The I/O driver",
            Actor::TimerWheel => "The timer wheel",
            Actor::Os => "The OS",
        }
    }

    /// The actor named `name` on the wire.
    pub fn from_name(name: &str) -> Option<Actor> {
        Actor::ALL.into_iter().find(|actor| actor.name() == name)
    }

    /// Who acts in `event` (see the table in the module docs).
    pub fn of(event: &Event) -> Actor {
        match event {
            Event::Syscall(_) | Event::OsEvent { .. } => Actor::Os,
            Event::Park { .. }
            | Event::Unpark { .. }
            | Event::Register { .. }
            | Event::Deregister { .. }
            | Event::WakerStored { .. }
            | Event::ReadinessCleared { .. }
            | Event::DriverAcquired
            | Event::DriverReleased
            | Event::Wake {
                cause: WakeCause::Io,
                ..
            } => Actor::Driver,
            Event::TimerInsert { .. }
            | Event::TimerCascade { .. }
            | Event::TimerFire { .. }
            | Event::TimerCancel { .. }
            | Event::ClockAdvance { .. }
            | Event::Wake {
                cause: WakeCause::Timer,
                ..
            } => Actor::TimerWheel,
            Event::Spawn { .. }
            | Event::Schedule { .. }
            | Event::Poll { .. }
            | Event::Pending { .. }
            | Event::Ready { .. }
            | Event::Complete { .. }
            | Event::Output { .. }
            | Event::Error { .. }
            | Event::Diagnostic(_)
            | Event::Wake { .. }
            | Event::Push { .. }
            | Event::InjectTaken { .. }
            | Event::Overflow { .. }
            | Event::Steal { .. }
            | Event::Search
            | Event::WorkerPark
            | Event::WorkerUnpark
            | Event::Notify { .. } => Actor::Executor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for actor in Actor::ALL {
            assert_eq!(Actor::from_name(actor.name()), Some(actor));
            let json = serde_json::to_string(&actor).unwrap();
            assert_eq!(json, format!("\"{}\"", actor.name()));
        }
        assert_eq!(Actor::from_name("reactor"), None);
    }

    #[test]
    fn a_wake_belongs_to_what_caused_it() {
        let wake = |cause| Event::Wake { task: 1, cause };
        assert_eq!(Actor::of(&wake(WakeCause::Io)), Actor::Driver);
        assert_eq!(Actor::of(&wake(WakeCause::Timer)), Actor::TimerWheel);
        assert_eq!(Actor::of(&wake(WakeCause::Join)), Actor::Executor);
        assert_eq!(Actor::of(&Event::Poll { task: 1 }), Actor::Executor);
    }
}
