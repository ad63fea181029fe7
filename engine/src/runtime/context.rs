//! The current runtime, reachable from inside a task.
//!
//! A future such as `sleep(..)` or `TcpListener::bind(..)` needs the runtime
//! it runs on (to file a timer, to register a socket), but `Future::poll` only
//! receives a `Context` with a waker. Like Tokio's `CURRENT`, a thread-local
//! holds the runtime while it is stepping: [`enter`] sets it and the returned
//! guard restores the previous value on drop.
//!
//! The current runtime is only where a resource is *born*: a socket keeps
//! the runtime it was registered with (`runtime::handle`) and goes back to
//! it for every read, write and its deregistration, whichever runtime is
//! current then.
//!
//! # Entering to drive
//!
//! Being current is not the same as driving. [`enter_to_drive`] is what
//! `block_on` and the lab's step do: it makes the runtime current *and*
//! marks the thread as busy driving tasks. A second `block_on` while the
//! thread is marked (from inside a task, or from inside the `block_on`
//! future) would block the very thread that must run the tasks it waits
//! for, so it panics, with Tokio's words ([`NESTED_BLOCK_ON`]; Tokio's
//! `runtime/context/runtime.rs`, `enter_runtime`). A plain [`enter`] (a
//! runtime's shutdown, `Runtime::enter`) only changes what is current, and
//! may nest.
//!
//! # Tokio's words
//!
//! The panics and errors here say what Tokio 1.x says, word for word, so a
//! learner who meets one in the lab meets the same text in a real program
//! (and finds it when searching). The fidelity suite runs real Tokio
//! programs and checks the two agree.

use std::cell::{Cell, RefCell};
use std::panic::Location;
use std::rc::Rc;
use std::task::Poll;

use reactor_protocol::{Event, Span, TaskId};

use super::core::Core;
use crate::task::WaitingOn;

/// Tokio's panic for a resource or task made with no runtime current
/// (`util/error.rs`, `CONTEXT_MISSING_ERROR`).
pub const NO_RUNTIME: &str =
    "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

/// Tokio's panic for a `block_on` on a thread that is already driving a
/// runtime (`runtime/context/runtime.rs`, `enter_runtime`).
pub const NESTED_BLOCK_ON: &str = "Cannot start a runtime from within a runtime. This happens \
    because a function (like `block_on`) attempted to block the current thread while the \
    thread is being used to drive asynchronous tasks. If you are in an async function, use \
    `.await` on the future instead of blocking on it.";

/// Tokio's error for a socket whose runtime was shut down or dropped
/// (`util/error.rs`, `RUNTIME_SHUTTING_DOWN_ERROR`, returned by
/// `Registration::poll_ready` as `io::Error::other`).
pub const RUNTIME_SHUT_DOWN: &str = "A Tokio 1.x context was found, but it is being shutdown.";

thread_local! {
    static CURRENT: RefCell<Option<Rc<Core>>> = const { RefCell::new(None) };
    /// Whether this thread is inside a `block_on` or a lab step.
    static DRIVING: Cell<bool> = const { Cell::new(false) };
}

/// Restores the previously current runtime when dropped.
pub(crate) struct EnterGuard {
    previous: Option<Rc<Core>>,
}

/// Make `core` the current runtime of this thread until the guard drops.
pub(crate) fn enter(core: &Rc<Core>) -> EnterGuard {
    let previous = CURRENT.with(|current| current.borrow_mut().replace(Rc::clone(core)));
    EnterGuard { previous }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|current| *current.borrow_mut() = previous);
    }
}

/// Makes the thread free to drive a runtime again when dropped, and
/// restores the previously current runtime.
pub(crate) struct DriveGuard {
    _current: EnterGuard,
}

/// Make `core` current and mark the thread as driving it, until the guard
/// drops: what `block_on` and the lab's step do.
///
/// # Panics
/// With [`NESTED_BLOCK_ON`] if the thread is already driving a runtime.
#[track_caller]
pub(crate) fn enter_to_drive(core: &Rc<Core>) -> DriveGuard {
    if DRIVING.with(|driving| driving.replace(true)) {
        panic!("{NESTED_BLOCK_ON}");
    }
    DriveGuard {
        _current: enter(core),
    }
}

impl Drop for DriveGuard {
    fn drop(&mut self) {
        DRIVING.with(|driving| driving.set(false));
    }
}

/// The current runtime, if there is one.
pub(crate) fn current() -> Option<Rc<Core>> {
    CURRENT.with(|current| current.borrow().clone())
}

/// Run `f` with the current runtime, if there is one.
pub(crate) fn try_with<R>(f: impl FnOnce(&Core) -> R) -> Option<R> {
    let core = CURRENT.with(|current| current.borrow().clone())?;
    Some(f(&core))
}

/// Run `f` with the current runtime.
///
/// # Panics
/// Outside a runtime, with Tokio's [`NO_RUNTIME`]: spawning, sleeping or
/// making a socket needs one.
#[track_caller]
pub(crate) fn with<R>(f: impl FnOnce(&Core) -> R) -> R {
    match try_with(f) {
        Some(result) => result,
        None => panic!("{NO_RUNTIME}"),
    }
}

/// The task being polled right now.
pub(crate) fn current_task() -> Option<TaskId> {
    try_with(|core| core.current_task.get()).flatten()
}

/// Pass `poll` on; if it is `Pending`, note `at` as the `.await` the running
/// task is parked on (only kept when recording). Every leaf future (`sleep`,
/// `accept`, `read`, a `JoinHandle`) calls this with the line the program
/// awaited it at, which its `#[track_caller]` constructor took; `yield_now`,
/// which looks up the runtime anyway, calls `Core::note_awaiting` itself.
pub(crate) fn awaiting_at<T>(at: &'static Location<'static>, poll: Poll<T>) -> Poll<T> {
    if poll.is_pending() {
        try_with(|core| core.note_awaiting(at));
    }
    poll
}

/// Note what the running task waits on (only kept when recording).
pub(crate) fn set_waiting_on(what: WaitingOn) {
    try_with(|core| core.note_waiting_on(what));
}

/// Print a line from the running task: an `output` record and a console
/// line. The record's source is the caller's line, the program's print.
///
/// # Panics
/// Outside a runtime: call it from a task or from `block_on`.
#[track_caller]
pub fn output(text: impl Into<String>) {
    let at = Location::caller();
    let text = text.into();
    with(|core| {
        let mut recorder = core.recorder.borrow_mut();
        if !recorder.enabled() {
            return;
        }
        let task = core.current_task.get().unwrap_or_default();
        // The console keeps what the trace keeps: bounded by the record limit.
        let printed = Event::Output {
            task,
            text: text.clone(),
        };
        if recorder.record_at(printed, at) {
            core.console.borrow_mut().push(text);
        }
    });
}

/// A playground program's interpreter says where in the learner's program
/// the running task is: the records made from here on carry `span`, and the
/// task remembers it (the snapshot's `at`) until it moves on. Does nothing
/// outside a recording runtime's poll.
pub fn program_at(span: Span) {
    try_with(|core| {
        if let Some(task) = core.current_task.get()
            && core.recorder.borrow().enabled()
        {
            core.recorder.borrow_mut().set_span(Some(span));
            core.executor.borrow_mut().set_at(task, span);
        }
    });
}

/// End the run now, from inside a task: one `error` record with `message`
/// (and the running task), and the loop stops after this action. For a
/// playground program's limits (time, tasks, sockets), which end the whole
/// run rather than one task. Does nothing outside a runtime.
#[track_caller]
pub fn end_run(message: String) {
    let at = Location::caller();
    try_with(|core| {
        let task = core.current_task.get();
        core.recorder.borrow_mut().record_past_limit_at(
            Event::Error {
                task,
                message: message.clone(),
            },
            at,
        );
        core.state.borrow_mut().failure = Some(message);
    });
}

/// The current runtime's time, in milliseconds since it started (virtual,
/// unless the run uses the real clock); `None` outside a runtime.
pub fn now_ms() -> Option<u64> {
    try_with(|core| core.clock.borrow_mut().now())
}
