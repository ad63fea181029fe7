//! What the suite compares: the same facts, taken from a Tokio run's
//! syscalls or from the engine's records.

use std::fmt;

/// One time the runtime parked: it asked the OS to wake it by an instant.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Park {
    /// When it parked, in ms since the runtime started.
    pub at_ms: f64,
    /// The instant it asked to be woken at, in ms since the runtime started:
    /// the park time plus the timeout (the park time itself for a zero
    /// timeout); `None` for no timeout.
    pub asked_ms: Option<f64>,
    /// `asked_ms` was not seen but inferred from the next park: Tokio's
    /// paused clock hides the instant of a park its own waker ended at once
    /// (see `tokio_side`). Always `false` on the real clock and the engine.
    pub asked_inferred: bool,
    /// What the wait came back with.
    pub woken: Woken,
    /// The runtime thread itself had written to Tokio's waker (its eventfd)
    /// since its previous park: it unparked its own driver. Tokio only.
    pub self_unparked: bool,
    /// How long the wait lasted on the run's clock, in ms, when known:
    /// strace's `-T` on the real clock, the jump between the park hooks on
    /// the paused clock; `None` for the engine.
    pub lasted_ms: Option<f64>,
    /// Where it comes from: `strace line 57`, `record #12`.
    pub origin: String,
    /// Read off a real clock (a Tokio run on the real clock), rather than a
    /// virtual or paused one that only moves by whole deadlines.
    pub real_clock: bool,
    /// Anything worth knowing when reading a table, such as `ended at once by
    /// Tokio's own waker`. Empty for most parks.
    pub note: String,
}

/// What a park came back with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Woken {
    /// No event: the timeout ran out, or a zero-timeout look found nothing.
    #[default]
    Nothing,
    /// Only the event of Tokio's waker: the eventfd it registers before
    /// `block_on` (mio's `TOKEN_WAKEUP`, data 0).
    OwnWaker,
    /// Only runtime-internal events, not the waker's alone (say, the
    /// signal driver's socket).
    Internal,
    /// This many socket events (the runtime's own may have come with them).
    Sockets(usize),
}

impl Park {
    /// Whether it was a zero-timeout look at the OS rather than a wait.
    pub fn is_zero(&self) -> bool {
        self.asked_ms == Some(self.at_ms)
    }

    /// The asked instant for a table: `∞`, or ms with three decimals.
    pub fn asked_text(&self) -> String {
        match self.asked_ms {
            None => "∞".to_string(),
            Some(ms) => format!("{ms:.3}"),
        }
    }
}

/// The non-blocking syscalls a task makes on a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoOp {
    /// Accept a connection on a listener.
    Accept,
    /// Read from a stream.
    Read,
}

/// What such a syscall returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IoOutcome {
    /// `EAGAIN` / `WouldBlock`.
    WouldBlock,
    /// Success; for reads, the byte count.
    Ok {
        /// Bytes read (`None` for an accept).
        bytes: Option<usize>,
    },
    /// Any other error.
    Failed(String),
}

/// One accept or read, with its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoCall {
    /// Which call.
    pub op: IoOp,
    /// What the kernel answered.
    pub outcome: IoOutcome,
    /// Where it comes from.
    pub origin: String,
}

impl fmt::Display for IoCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.op {
            IoOp::Accept => "accept",
            IoOp::Read => "read",
        };
        match &self.outcome {
            IoOutcome::WouldBlock => write!(f, "{op} → WouldBlock"),
            IoOutcome::Ok { bytes: None } => write!(f, "{op} → ok"),
            IoOutcome::Ok { bytes: Some(n) } => write!(f, "{op} → {n} bytes"),
            IoOutcome::Failed(error) => write!(f, "{op} → {error}"),
        }
    }
}

/// A user socket registered with the OS poller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    /// Interest in readable events.
    pub readable: bool,
    /// Interest in writable events.
    pub writable: bool,
    /// Where it comes from.
    pub origin: String,
}

impl fmt::Display for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let interest = match (self.readable, self.writable) {
            (true, true) => "R|W",
            (true, false) => "R",
            (false, true) => "W",
            (false, false) => "-",
        };
        write!(f, "register {interest}")
    }
}

/// Everything one run showed, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    /// Every park, in order.
    pub parks: Vec<Park>,
    /// Every accept and read on a user socket, in order.
    pub io: Vec<IoCall>,
    /// Every user socket registration, in order.
    pub registrations: Vec<Registration>,
}

impl Observed {
    /// The asked instants alone (`None` = no timeout), for assertions.
    pub fn asked(&self) -> Vec<Option<f64>> {
        self.parks.iter().map(|park| park.asked_ms).collect()
    }
}
