//! The built-in scenarios: small programs written with the runtime's API.
//!
//! Each scenario gives a `main` future and, if it needs the outside world,
//! a [`Script`] (for `tcp_read`, the peer socket). Everything is
//! deterministic: same scenario, same records.

mod blocking_poll;
mod cross_runtime;
mod crowd;
mod deadlock;
mod lost_waker;
mod multi_thread_spawn;
mod multi_thread_tcp_read;
pub(crate) mod peer;
mod self_wake;
mod spawn_lifecycle;
mod tcp_read;
mod timers;
pub(crate) mod work_stealing;

use std::future::Future;
use std::pin::Pin;

use crate::ScenarioInfo;
use crate::runtime::script::Script;

/// What `main` returns: `Err` ends the run with an `error` record.
pub(crate) type MainResult = Result<(), String>;

/// A scenario ready to run: its main future and its script.
pub(crate) struct Setup {
    pub(crate) main: Pin<Box<dyn Future<Output = MainResult>>>,
    pub(crate) script: Option<Box<dyn Script>>,
}

/// One registry entry.
pub(crate) struct Scenario {
    pub(crate) info: ScenarioInfo,
    /// Builds the main future and script (inside the runtime's context).
    pub(crate) setup: fn() -> Setup,
    /// A multi-thread runtime's workers; `None`: current-thread.
    pub(crate) workers: Option<u32>,
}

/// Every built-in scenario, in the order the lab lists them.
pub(crate) static SCENARIOS: [Scenario; 12] = [
    Scenario {
        info: ScenarioInfo {
            id: "tcp_read",
            title: "Reading from a TCP socket",
            summary: "A handler's read hits WouldBlock, stores its waker, and is woken by an OS event when the peer's bytes arrive.",
            program: "engine/src/scenario/tcp_read.rs",
        },
        workers: None,
        setup: tcp_read::setup,
    },
    Scenario {
        info: ScenarioInfo {
            id: "spawn_lifecycle",
            title: "The life of a spawned task",
            summary: "main spawns a task that sleeps 1 s and returns 42; the timer wheel, the park timeout and the JoinHandle do the rest.",
            program: "engine/src/scenario/spawn_lifecycle.rs",
        },
        workers: None,
        setup: spawn_lifecycle::setup,
    },
    Scenario {
        info: ScenarioInfo {
            id: "timers",
            title: "The hierarchical timer wheel",
            summary: "Sleeps of 3 ms, 150 ms, 5 s and 5 min land on different wheel levels and cascade down as virtual time jumps.",
            program: "engine/src/scenario/timers.rs",
        },
        workers: None,
        setup: timers::setup,
    },
    Scenario {
        info: ScenarioInfo {
            id: "crowd",
            title: "Many tasks, one thread",
            summary: "240 tasks nap to five rhythms: one run queue and one park per timer-wheel expiration serve them all, and the timers due together fire together. A long trace (about 6,000 records) to scrub through.",
            program: "engine/src/scenario/crowd.rs",
        },
        workers: None,
        setup: crowd::setup,
    },
    Scenario {
        info: ScenarioInfo {
            id: "lost_waker",
            title: "Lab: a lost waker",
            summary: "A hand-written future returns Pending without keeping its waker: nothing can ever poll its task again, and the run hangs.",
            program: "engine/src/scenario/lost_waker.rs",
        },
        workers: None,
        setup: lost_waker::setup,
    },
    Scenario {
        info: ScenarioInfo {
            id: "blocking_poll",
            title: "Lab: a blocking call in a task",
            summary: "A task blocks the thread for 200 ms (std::thread::sleep): the whole loop stops, and a 50 ms timer fires 150 ms late.",
            program: "engine/src/scenario/blocking_poll.rs",
        },
        workers: None,
        setup: blocking_poll::setup,
    },
    Scenario {
        info: ScenarioInfo {
            id: "self_wake",
            title: "Lab: a task that wakes itself",
            summary: "A future busy-waits by waking itself on every poll: it never leaves the run queue, and the loop's I/O gets a turn only every 61 polls.",
            program: "engine/src/scenario/self_wake.rs",
        },
        workers: None,
        setup: self_wake::setup,
    },
    Scenario {
        info: ScenarioInfo {
            id: "deadlock",
            title: "Lab: two tasks awaiting each other",
            summary: "ping awaits pong's JoinHandle and pong awaits ping's: neither can ever finish, and main gives up on them.",
            program: "engine/src/scenario/deadlock.rs",
        },
        workers: None,
        setup: deadlock::setup,
    },
    Scenario {
        info: ScenarioInfo {
            id: "cross_runtime",
            title: "Lab: a socket of another runtime",
            summary: "A listener made in runtime A is awaited in runtime B's loop: only A's driver could report the connection, A is never driven, and the run hangs.",
            program: "engine/src/scenario/cross_runtime.rs",
        },
        workers: None,
        setup: cross_runtime::setup,
    },
    Scenario {
        info: ScenarioInfo {
            id: "multi_thread_spawn",
            title: "Four workers: the spawn flow",
            summary: "main spawns four sleepers on a 4-worker runtime: they go through the inject queue to whichever worker wakes, and the one worker holding the driver fires their timers.",
            program: "engine/src/scenario/multi_thread_spawn.rs",
        },
        workers: Some(4),
        setup: multi_thread_spawn::setup,
    },
    Scenario {
        info: ScenarioInfo {
            id: "work_stealing",
            title: "Work stealing",
            summary: "One task spawns 16 short tasks on its own worker (LIFO slot, local queue); the idle workers of a 4-worker runtime wake and steal half its queue.",
            program: "engine/src/scenario/work_stealing.rs",
        },
        workers: Some(4),
        setup: work_stealing::setup,
    },
    Scenario {
        info: ScenarioInfo {
            id: "multi_thread_tcp_read",
            title: "Two workers: reading from TCP",
            summary: "Two clients write at once to a 2-worker runtime: the worker holding the driver gets both events, and the other worker steals one woken handler.",
            program: "engine/src/scenario/multi_thread_tcp_read.rs",
        },
        workers: Some(2),
        setup: multi_thread_tcp_read::setup,
    },
];

/// The registry entry for `id`.
pub(crate) fn find(id: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|scenario| scenario.info.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scenario_names_its_own_file_as_its_program() {
        for scenario in &SCENARIOS {
            let info = &scenario.info;
            assert_eq!(info.program, format!("engine/src/scenario/{}.rs", info.id));
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(info.program);
            assert!(path.is_file(), "{}", path.display());
        }
    }
}
