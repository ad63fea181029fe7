//! The world outside the runtime, as a scenario scripts it.
//!
//! A scenario such as `tcp_read` needs a peer that is *not* a task: a plain
//! blocking socket that connects and writes at chosen virtual times. The loop
//! consults the script when it parks: the next scripted time bounds the park
//! timeout, and when the clock reaches it the script acts.

/// Actions scheduled at virtual times, performed on the engine thread.
pub(crate) trait Script {
    /// When the next action is due, in runtime milliseconds; `None` when done.
    fn next_time(&self) -> Option<u64>;

    /// Perform the next action (its time has come).
    ///
    /// `Ok(true)`: the action must make the OS report an event, so the driver
    /// may block (up to a safety cap) until one arrives. `Err`: the script
    /// failed; the text says why.
    fn run_next(&mut self) -> Result<bool, String>;
}
