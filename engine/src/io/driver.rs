//! The I/O driver: owns the `mio::Poll` and one `ScheduledIo` per token.
//!
//! ```text
//!   register(socket) ──▶ token = slab key ──▶ epoll knows the fd under it
//!   park:  poll(timeout) ──▶ events queued here (one `unpark`)
//!   dispatch_next (one event per step, called by the loop):
//!          event(token) ─▶ tick += 1, set bits ─▶ take out the stored waker(s)
//!                                                  │ handed back: Dispatched
//!   the loop (runtime/dispatch.rs) ◀───────────────┘ records `os_event`, wakes
//! ```
//!
//! Events are copied out of `mio::Events` into a queue at park time and
//! dispatched one per step, so the browser can show each one arriving.
//!
//! The driver turns an event into readiness and returns, as Tokio's
//! `runtime/io/driver.rs` does; it wakes nobody itself. Who records the
//! event and wakes the tasks is the loop's business, not the driver's.
//!
//! When its runtime shuts down, the driver is marked shut down (Tokio's
//! `Driver::shutdown`): it takes no new socket, and the sockets still
//! registered answer every operation with an error from then on.

use std::collections::VecDeque;
use std::io;
use std::task::Waker;
use std::time::Duration;

use mio::event::Source;
use mio::{Events, Interest, Poll, Token};
use reactor_protocol::{Event, RegistrationView};
use slab::Slab;

use super::scheduled_io::{ScheduledIo, Waiter};
use crate::trace::{Recorder, located};

/// Default number of OS events one park can bring back. Tokio's I/O driver
/// uses 1024 as its default event capacity; more events simply wait for the
/// next park.
pub const DEFAULT_EVENT_CAPACITY: usize = 1024;

/// The interest every socket is registered with, once: readable and
/// writable, as Tokio's `PollEvented::new` does for its TCP types (epoll
/// adds `EPOLLRDHUP` and edge triggering: `EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET`).
/// An event for a direction nobody waits on simply wakes nobody.
pub(crate) const INTEREST: Interest = Interest::READABLE.add(Interest::WRITABLE);

/// One readiness report from the OS, waiting to be dispatched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OsEvent {
    pub(crate) token: usize,
    pub(crate) readable: bool,
    pub(crate) writable: bool,
}

/// One OS event, dispatched: the event, and the waiters its readiness
/// satisfied (a reader, a writer, or none), taken out of the registration
/// for the caller to wake.
#[derive(Debug)]
pub(crate) struct Dispatched {
    pub(crate) event: OsEvent,
    pub(crate) woken: [Option<Waiter>; 2],
}

/// The driver; see the module docs.
pub(crate) struct Driver {
    poll: Poll,
    events: Events,
    pub(crate) registrations: Slab<ScheduledIo>,
    pending: VecDeque<OsEvent>,
    shut_down: bool,
}

impl Driver {
    pub(crate) fn new(event_capacity: usize) -> io::Result<Driver> {
        Ok(Driver {
            poll: Poll::new()?,
            events: Events::with_capacity(event_capacity.max(1)),
            registrations: Slab::new(),
            pending: VecDeque::new(),
            shut_down: false,
        })
    }

    /// Register `source` with epoll under a fresh token, with Tokio's
    /// interest for every socket ([`INTEREST`]); records `register`.
    pub(crate) fn register(
        &mut self,
        source: &mut impl Source,
        resource: String,
        assumed_ready: bool,
        recorder: &mut Recorder,
    ) -> io::Result<usize> {
        if self.shut_down {
            return Err(io::Error::other(crate::runtime::RUNTIME_SHUT_DOWN));
        }
        let entry = self.registrations.vacant_entry();
        let token = entry.key();
        let registry = self.poll.registry();
        let (registered, at) = located(registry.register(source, Token(token), INTEREST));
        registered?;
        let register = Event::Register {
            token,
            resource: resource.clone(),
            readable: INTEREST.is_readable(),
            writable: INTEREST.is_writable(),
            assumed_ready,
        };
        recorder.record_at(register, at);
        entry.insert(ScheduledIo::new(resource, assumed_ready));
        Ok(token)
    }

    /// Remove a registration and free its token; records `deregister`.
    pub(crate) fn deregister(
        &mut self,
        source: &mut impl Source,
        token: usize,
        recorder: &mut Recorder,
    ) {
        // The socket is about to close, which removes it from epoll anyway;
        // an error here changes nothing.
        let (_ignored, at) = located(self.poll.registry().deregister(source));
        if self.registrations.try_remove(token).is_some() {
            // An event the OS already reported for it must not reach a
            // future registration that gets the same token. Tokio's token is
            // the address of its `ScheduledIo`, kept until the next turn, so
            // such an event wakes nobody there; slab keys are reused here,
            // so the event goes.
            self.pending.retain(|event| event.token != token);
            recorder.record_at(Event::Deregister { token }, at);
        }
    }

    /// Wait for OS events up to `timeout` and queue them; returns how many.
    pub(crate) fn poll_os(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            // A signal cut the wait short: no events, the loop simply goes on.
            Err(error) if error.kind() == io::ErrorKind::Interrupted => return Ok(0),
            Err(error) => return Err(error),
        }
        let before = self.pending.len();
        for event in self.events.iter() {
            self.pending.push_back(OsEvent {
                token: event.token().0,
                readable: event.is_readable() || event.is_read_closed() || event.is_error(),
                writable: event.is_writable() || event.is_write_closed(),
            });
        }
        Ok(self.pending.len() - before)
    }

    /// Whether events from the last park wait to be dispatched.
    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Dispatch the oldest queued OS event: bump its registration's tick,
    /// set the readiness bits, and take out the waiters they satisfy.
    /// `None` when no event is queued. Nothing is recorded and nobody is
    /// woken here: the loop does both with what comes back.
    pub(crate) fn dispatch_next(&mut self) -> Option<Dispatched> {
        let event = self.pending.pop_front()?;
        let woken = match self.registrations.get_mut(event.token) {
            Some(io) => io.set_readiness(event.readable, event.writable),
            // The socket was deregistered after the OS queued the event.
            None => [None, None],
        };
        Some(Dispatched { event, woken })
    }

    /// Whether some task waits for readiness (so an OS event could wake it).
    pub(crate) fn has_waiters(&self) -> bool {
        self.registrations
            .iter()
            .any(|(_, io)| io.read_waiter.is_some() || io.write_waiter.is_some())
    }

    /// Mark the driver shut down, and hand back the wakers still stored in
    /// its registrations: tasks of other runtimes waiting on its sockets.
    /// Woken, they poll again and get the error (as Tokio's
    /// `ScheduledIo::shutdown` wakes every waiter).
    pub(crate) fn shut_down(&mut self) -> Vec<Waker> {
        self.shut_down = true;
        self.registrations
            .iter_mut()
            .flat_map(|(_, io)| [io.read_waiter.take(), io.write_waiter.take()])
            .flatten()
            .map(|(_, waker)| waker)
            .collect()
    }

    /// Whether the driver's runtime has shut down.
    pub(crate) fn is_shut_down(&self) -> bool {
        self.shut_down
    }

    /// Registrations for the snapshot, by token.
    pub(crate) fn views(&self) -> Vec<RegistrationView> {
        use super::scheduled_io::{READABLE, WRITABLE};
        use reactor_protocol::Direction;
        self.registrations
            .iter()
            .map(|(token, io)| RegistrationView {
                token,
                resource: io.resource.clone(),
                readable: io.readiness & READABLE != 0,
                writable: io.readiness & WRITABLE != 0,
                tick: io.tick,
                read_waker: io.waiter_task(Direction::Read),
                write_waker: io.waiter_task(Direction::Write),
            })
            .collect()
    }
}
