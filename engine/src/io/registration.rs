//! [`Registration`]: a mio socket registered with the driver, and the
//! readiness loop every socket operation goes through.
//!
//! ```text
//!   poll_io(read):
//!     loop {
//!       tick = poll_ready(Read)?      cached bit set? go on : store waker, Pending
//!       read()                        the real non-blocking syscall
//!       Ok / error   → Ready
//!       WouldBlock   → clear_readiness(Read, tick), loop (stores the waker)
//!     }
//! ```
//!
//! That is the article's `poll_read`, and Tokio's `Registration::poll_io`.
//!
//! A registration belongs to the runtime that was current when it was
//! made, and keeps that runtime's [`Handle`]: every operation and the
//! deregistration go to *its* driver, whichever runtime is current then
//! (see `runtime::handle`, which also says whose trace records what).
//! Made with no runtime current, it panics as Tokio does; used after its
//! runtime shut down, it answers Tokio's "being shutdown" error.

use std::io;
use std::panic::Location;
use std::task::{Context, Poll};

use mio::event::Source;
use reactor_protocol::{Direction, Event, Outcome};

use crate::runtime::context;
use crate::runtime::handle::Handle;
use crate::task::{WaitingOn, coop};
use crate::trace::located;

/// A socket registered under a token with its runtime's driver;
/// deregistered from that driver on drop.
#[derive(Debug)]
pub(crate) struct Registration<S: Source> {
    io: S,
    token: usize,
    runtime: Handle,
}

impl<S: Source> Registration<S> {
    /// Register `io` with the current runtime's driver, readable and
    /// writable; its readiness starts empty, or set both ways if
    /// `assumed_ready` (see `ScheduledIo`).
    ///
    /// # Panics
    /// With no runtime current, with Tokio's message (`NO_RUNTIME`).
    #[track_caller]
    pub(crate) fn new(mut io: S, resource: String, assumed_ready: bool) -> io::Result<Self> {
        let runtime = Handle::current();
        let token = runtime.with(|core| {
            let mut recorder = core.recorder.borrow_mut();
            core.driver
                .borrow_mut()
                .register(&mut io, resource, assumed_ready, &mut recorder)
        })??;
        Ok(Registration { io, token, runtime })
    }

    /// The mio token, in its own runtime's driver.
    pub(crate) fn token(&self) -> usize {
        self.token
    }

    /// The socket itself.
    pub(crate) fn io(&self) -> &S {
        &self.io
    }

    /// Run the non-blocking operation `op` once readiness allows, recording
    /// it as a `syscall`; see the module docs. `bytes` reads the byte count
    /// out of a success for the record.
    pub(crate) fn poll_io<T>(
        &mut self,
        cx: &mut Context<'_>,
        direction: Direction,
        name: &str,
        bytes: impl Fn(&T) -> Option<usize>,
        mut op: impl FnMut(&S) -> io::Result<T>,
    ) -> Poll<io::Result<T>> {
        loop {
            let tick = match self.poll_ready(cx, direction) {
                Poll::Ready(Ok(tick)) => tick,
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Pending => return Poll::Pending,
            };
            let (result, at) = located(op(&self.io));
            let outcome = match &result {
                Ok(value) => Outcome::Ok {
                    bytes: bytes(value),
                },
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => Outcome::WouldBlock,
                Err(error) => Outcome::Failed {
                    error: error.to_string(),
                },
            };
            let would_block = outcome == Outcome::WouldBlock;
            if self.runtime.is_current() {
                record_syscall(name, Some(self.token), outcome, at);
            }
            if !would_block {
                return Poll::Ready(result);
            }
            self.clear_readiness(direction, tick);
        }
    }

    /// `Ready(tick)` if the cached readiness allows `direction`; otherwise
    /// store the task's waker (a `waker_stored` record) and return `Pending`.
    /// Being ready spends a unit of the task's cooperative budget (`coop`).
    /// Once the socket's runtime is gone: `Ready(Err)`, Tokio's
    /// `RUNTIME_SHUT_DOWN`.
    pub(crate) fn poll_ready(
        &mut self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<u64>> {
        coop::budgeted(cx, |cx| self.poll_readiness(cx, direction))
    }

    /// [`poll_ready`](Self::poll_ready)'s look at the cached readiness in
    /// the socket's own driver, once the cooperative budget allowed it.
    fn poll_readiness(
        &mut self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<u64>> {
        let token = self.token;
        // The waiting task is named only to its own runtime: a task of
        // another runtime is `None` there (see `ScheduledIo::Waiter`).
        let own_task = self
            .runtime
            .is_current()
            .then(|| context::current_task().unwrap_or_default());
        let ready = self.runtime.with(|core| {
            let mut driver = core.driver.borrow_mut();
            let Some(io) = driver.registrations.get_mut(token) else {
                return Err(io::Error::other(format!(
                    "token {token} is no longer registered"
                )));
            };
            if let Some(tick) = io.ready(direction) {
                return Ok(Some(tick));
            }
            let (_replaced, at) =
                located(io.store_waiter(direction, (own_task, cx.waker().clone())));
            if let Some(task) = own_task {
                let stored = Event::WakerStored {
                    token,
                    task,
                    direction,
                };
                core.recorder.borrow_mut().record_at(stored, at);
            }
            Ok(None)
        })??;
        match ready {
            Some(tick) => Poll::Ready(Ok(tick)),
            None => {
                let runtime = own_task.is_none().then(|| self.runtime.id());
                context::set_waiting_on(WaitingOn::Readiness {
                    direction,
                    token,
                    runtime,
                });
                Poll::Pending
            }
        }
    }

    /// Forget `direction`'s readiness seen at `tick` (see `ScheduledIo`).
    fn clear_readiness(&mut self, direction: Direction, tick: u64) {
        let token = self.token;
        let recorded = self.runtime.is_current();
        // A runtime gone since the syscall has nothing left to clear.
        let _gone = self.runtime.with(|core| {
            let mut driver = core.driver.borrow_mut();
            let io = driver.registrations.get_mut(token);
            let (cleared, at) = located(io.is_some_and(|io| io.clear_readiness(direction, tick)));
            if cleared && recorded {
                let cleared = Event::ReadinessCleared {
                    token,
                    direction,
                    tick,
                };
                core.recorder.borrow_mut().record_at(cleared, at);
            }
        });
    }
}

impl<S: Source> Drop for Registration<S> {
    fn drop(&mut self) {
        let token = self.token;
        // To the socket's own driver, wherever it is dropped; its runtime
        // records the `deregister`. With the runtime dropped first, the
        // socket just closes.
        self.runtime.with_alive(|core| {
            let mut recorder = core.recorder.borrow_mut();
            core.driver
                .borrow_mut()
                .deregister(&mut self.io, token, &mut recorder);
        });
    }
}

/// Record a syscall made by the running task at `at`, the syscall's line,
/// in the current runtime's trace.
pub(crate) fn record_syscall(
    name: &str,
    token: Option<usize>,
    outcome: Outcome,
    at: &'static Location<'static>,
) {
    let Some(core) = context::current() else {
        return;
    };
    let mut recorder = core.recorder.borrow_mut();
    if recorder.enabled() {
        let task = core.current_task.get();
        recorder.record_at(Event::syscall(task, name, token, outcome), at);
    }
}

#[cfg(test)]
#[path = "registration_tests.rs"]
mod ownership_tests;

#[cfg(test)]
mod tests {
    use std::future::poll_fn;
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::Duration;

    use super::*;
    use crate::{Runtime, RuntimeOptions};

    /// The tick race on real sockets: the peer's bytes arrive, and their OS
    /// event is dispatched, while a read is in flight that already came back
    /// `WouldBlock`. Clearing the readiness then would lose the event for
    /// good (edge-triggered); the tick check keeps it, so the task reads the
    /// bytes at once instead of waiting forever.
    #[test]
    fn an_event_arriving_during_a_read_is_not_erased() {
        let mut runtime = Runtime::new(RuntimeOptions::default()).expect("runtime starts");
        let read = runtime
            .block_on(async {
                let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
                let mut peer =
                    TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
                let (accepted, _) = listener.accept().expect("accept");
                accepted.set_nonblocking(true).expect("non-blocking");
                let stream = mio::net::TcpStream::from_std(accepted);
                let mut registration =
                    Registration::new(stream, "race".into(), true).expect("register");
                let mut raced = false;
                let read = poll_fn(|cx| {
                    registration.poll_io(
                        cx,
                        Direction::Read,
                        "read",
                        |n| Some(*n),
                        |mut io| {
                            if !raced {
                                raced = true;
                                peer.write_all(b"late").expect("peer writes");
                                context::with(|core| {
                                    let wait = Some(Duration::from_secs(2));
                                    let events =
                                        core.driver.borrow_mut().poll_os(wait).expect("poll");
                                    assert_eq!(events, 1);
                                    let dispatched = core.driver.borrow_mut().dispatch_next();
                                    let dispatched = dispatched.expect("the event is queued");
                                    // Nobody waits yet: the readiness is all it leaves.
                                    assert_eq!(dispatched.woken.iter().flatten().count(), 0);
                                });
                                return Err(io::ErrorKind::WouldBlock.into());
                            }
                            let mut buf = [0u8; 16];
                            io.read(&mut buf)
                        },
                    )
                })
                .await;
                read.expect("the second attempt reads")
            })
            .expect("main completes instead of deadlocking");
        assert_eq!(read, 4);
        let records = runtime.take_records();
        assert!(!records.iter().any(|record| matches!(
            record.event,
            Event::WakerStored { .. } | Event::ReadinessCleared { .. }
        )));
    }
}
