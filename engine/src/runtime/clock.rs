//! The runtime's clock, in whole milliseconds since the runtime started.
//!
//! - **Virtual** (the default, like Tokio's paused clock): time stands still
//!   while tasks run and only moves when the loop parks with nothing else to
//!   do; then it jumps straight to the instant the loop parks until (the
//!   timer wheel's next expiration, or the scripted peer's next action, if
//!   sooner). A 5-minute sleep takes
//!   no real time, and every run gives the same trace.
//! - **Real**: milliseconds of `Instant` since start; parking really waits.

use std::time::Instant;

/// Which clock a runtime uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClockMode {
    /// Time jumps to the end of the wait when the loop would wait.
    #[default]
    Virtual,
    /// Wall-clock time; parking really blocks.
    Real,
}

/// The runtime's notion of "now".
#[derive(Debug)]
pub(crate) struct Clock {
    mode: ClockMode,
    start: Instant,
    /// Virtual mode: the current time. Real mode: the last reading.
    now_ms: u64,
}

impl Clock {
    pub(crate) fn new(mode: ClockMode) -> Self {
        Clock {
            mode,
            start: Instant::now(),
            now_ms: 0,
        }
    }

    pub(crate) fn mode(&self) -> ClockMode {
        self.mode
    }

    /// Milliseconds since start (virtual: the current virtual time).
    pub(crate) fn now(&mut self) -> u64 {
        if self.mode == ClockMode::Real {
            let elapsed = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
            self.now_ms = self.now_ms.max(elapsed);
        }
        self.now_ms
    }

    /// Virtual mode: jump forward to `to_ms`. Never moves backwards.
    pub(crate) fn advance_to(&mut self, to_ms: u64) {
        self.now_ms = self.now_ms.max(to_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_time_only_moves_when_advanced_and_never_back() {
        let mut clock = Clock::new(ClockMode::Virtual);
        assert_eq!(clock.now(), 0);
        clock.advance_to(1000);
        clock.advance_to(10);
        assert_eq!(clock.now(), 1000);
    }
}
