//! [`Handle`]: the runtime a resource belongs to, kept by the resource.
//!
//! A socket is registered with the driver of the runtime that is current
//! when it is made, and from then on it belongs to that runtime. Tokio's
//! `Registration` keeps a `scheduler::Handle` for this reason: every later
//! operation, and the deregistration on drop, goes to *that* driver, not to
//! whichever runtime happens to be current.
//!
//! ```text
//!   runtime A current:  TcpListener::bind ─▶ A's driver, token 0 ─▶ Handle(A)
//!   runtime B's task:   listener.accept() ─▶ Handle(A) ─▶ A's token 0
//!                                            (never B's token 0, some other socket)
//!   A dropped, then:    listener.accept() ─▶ Handle(A): gone ─▶ Err("…being shutdown.")
//! ```
//!
//! What follows from it is Tokio's behaviour too:
//!
//! - A task of runtime B may wait on a socket of runtime A: its waker is
//!   stored in A's driver. Only A's loop polls A's `mio::Poll`, so while A
//!   is not being driven the readiness never comes and the task waits
//!   forever. B's loop never touches A's driver: B parks as if the socket
//!   did not exist.
//! - Once A is shut down, the socket answers every operation with an
//!   `io::Error` of kind `Other` saying so ([`RUNTIME_SHUT_DOWN`]); dropping
//!   it then simply closes it.
//!
//! The handle is a `Weak` reference: a socket does not keep its runtime
//! alive, just as a Tokio socket does not keep its runtime running.
//!
//! # Whose trace
//!
//! A record naming a token is only ever written to the trace of the runtime
//! that owns the token, so a token number in a trace always means that
//! runtime's own registration. The syscalls, stored wakers and cleared
//! readiness of a socket are recorded when the task acting on it belongs to
//! the socket's runtime (always, with one runtime); a task of another
//! runtime leaves no record about it, and its snapshot says which runtime's
//! token it waits on. The deregistration is the owner's, recorded in the
//! owner's trace.

use std::io;
use std::rc::{Rc, Weak};

use super::context::{self, NO_RUNTIME, RUNTIME_SHUT_DOWN};
use super::core::Core;
use super::id::RuntimeId;

/// The runtime a resource belongs to; see the module docs.
#[derive(Clone, Debug)]
pub(crate) struct Handle {
    core: Weak<Core>,
    id: RuntimeId,
}

impl Handle {
    /// The current runtime's handle.
    ///
    /// # Panics
    /// With no runtime current, with Tokio's `NO_RUNTIME` message.
    #[track_caller]
    pub(crate) fn current() -> Handle {
        match context::current() {
            Some(core) => Handle {
                core: Rc::downgrade(&core),
                id: core.id(),
            },
            None => panic!("{NO_RUNTIME}"),
        }
    }

    /// The runtime's id.
    pub(crate) fn id(&self) -> RuntimeId {
        self.id
    }

    /// Run `f` with the runtime, while it is alive and not shut down;
    /// otherwise Tokio's error for a runtime that is gone.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&Core) -> R) -> io::Result<R> {
        match self.core.upgrade() {
            Some(core) if !core.driver.borrow().is_shut_down() => Ok(f(&core)),
            _ => Err(io::Error::other(RUNTIME_SHUT_DOWN)),
        }
    }

    /// Run `f` with the runtime if it is still alive, shut down or not.
    pub(crate) fn with_alive<R>(&self, f: impl FnOnce(&Core) -> R) -> Option<R> {
        self.core.upgrade().map(|core| f(&core))
    }

    /// Whether this runtime is the current one: the task running now, if
    /// any, is one of its own.
    pub(crate) fn is_current(&self) -> bool {
        context::current().is_some_and(|core| std::ptr::eq(self.core.as_ptr(), Rc::as_ptr(&core)))
    }
}
