//! The programs the suite runs on both runtimes, by name.
//!
//! Each program exists twice: written against real Tokio in the
//! `tokio_programs` binary, and against the engine (a built-in scenario, or
//! a case in [`crate::engine_cases`]). Same tasks, same sleeps, same peer.

use std::fmt;

/// One program of the suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Program {
    /// The built-in `tcp_read`: accept one connection, read once.
    TcpRead,
    /// The built-in `spawn_lifecycle`: a task sleeps 1 s and returns 42.
    SpawnLifecycle,
    /// The built-in `timers`: 3 ms, 150 ms, 5 s and 5 min (paused clock only).
    Timers,
    /// `timers` without its 5-minute task, short enough for the real clock.
    TimersShort,
    /// The built-in `crowd`: 240 workers nap three times to five rhythms.
    Crowd,
    /// A spawned task calls `yield_now` five times.
    YieldLoop,
    /// Sleeps of odd lengths around the wheel's slot and level edges.
    OddSleeps,
    /// Fifty-one timers in one level-1 slot, 200..=250 ms.
    OneSlot,
    /// A sleep past the wheel's 2^36 ms horizon (paused clock only).
    BeyondWheel,
    /// `sleep(Duration::MAX)` raced against a 300 ms sleep.
    SleepMaxRace,
    /// `sleep(Duration::MAX)` awaited to its end (paused clock only).
    SleepMax,
    /// Sleeps until deadlines already past: one before the runtime started,
    /// one 10 ms ago after a 20 ms sleep.
    PastDeadline,
}

impl Program {
    /// Every program, in the order the suite lists them.
    pub const ALL: [Program; 12] = [
        Program::TcpRead,
        Program::SpawnLifecycle,
        Program::Timers,
        Program::TimersShort,
        Program::Crowd,
        Program::YieldLoop,
        Program::OddSleeps,
        Program::OneSlot,
        Program::BeyondWheel,
        Program::SleepMaxRace,
        Program::SleepMax,
        Program::PastDeadline,
    ];

    /// The name on the command line of `tokio_programs`.
    pub fn name(self) -> &'static str {
        match self {
            Program::TcpRead => "tcp_read",
            Program::SpawnLifecycle => "spawn_lifecycle",
            Program::Timers => "timers",
            Program::TimersShort => "timers_short",
            Program::Crowd => "crowd",
            Program::YieldLoop => "yield_loop",
            Program::OddSleeps => "odd_sleeps",
            Program::OneSlot => "one_slot",
            Program::BeyondWheel => "beyond_wheel",
            Program::SleepMaxRace => "sleep_max_race",
            Program::SleepMax => "sleep_max",
            Program::PastDeadline => "past_deadline",
        }
    }

    /// The program called `name`.
    pub fn from_name(name: &str) -> Option<Program> {
        Program::ALL
            .into_iter()
            .find(|program| program.name() == name)
    }

    /// Whether a real-clock run is short enough to make (a few seconds at most).
    pub fn runs_on_real_clock(self) -> bool {
        !matches!(
            self,
            Program::Timers | Program::BeyondWheel | Program::SleepMax
        )
    }

    /// The clock of the Tokio run the engine is compared with.
    ///
    /// Programs with sockets need the real clock: the peer acts in real
    /// time. Programs made of timers use the paused clock, Tokio's own
    /// model of a virtual clock: its deadlines are exact and its park
    /// sequence does not depend on how loaded the machine is. (On the real
    /// clock each wake lands a fraction of a ms late and the next sleep's
    /// deadline rounds up from there, so a program that sleeps again after
    /// waking, like `crowd`, drifts by up to 1 ms per nap, and timers that
    /// the engine files in one slot land in two.) The paused method is
    /// checked against the real clock by the suite's validation tests.
    pub fn comparison_clock(self) -> Clock {
        match self {
            Program::TcpRead | Program::YieldLoop => Clock::Real,
            _ => Clock::Paused,
        }
    }

    /// The engine's built-in scenario with the same program, if there is one.
    pub fn scenario(self) -> Option<&'static str> {
        match self {
            Program::TcpRead => Some("tcp_read"),
            Program::SpawnLifecycle => Some("spawn_lifecycle"),
            Program::Timers => Some("timers"),
            Program::Crowd => Some("crowd"),
            _ => None,
        }
    }
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which clock a Tokio run uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Clock {
    /// The real clock: parks really wait, instants come from strace's timestamps.
    Real,
    /// `start_paused(true)`: the clock auto-advances by each park's duration;
    /// instants come from the park hooks.
    Paused,
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Clock::Real => "real clock",
            Clock::Paused => "paused clock",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for program in Program::ALL {
            assert_eq!(Program::from_name(program.name()), Some(program));
        }
        assert_eq!(Program::from_name("nope"), None);
    }
}
