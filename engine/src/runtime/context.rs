//! The current runtime, reachable from inside a task.
//!
//! A future such as `sleep(..)` or `TcpListener::bind(..)` needs the runtime
//! it runs on (to file a timer, to register a socket), but `Future::poll` only
//! receives a `Context` with a waker. Like Tokio's `CURRENT`, a thread-local
//! holds the runtime while it is stepping: [`enter`] sets it and the returned
//! guard restores the previous value on drop.

use std::cell::RefCell;
use std::panic::Location;
use std::rc::Rc;
use std::task::Poll;

use reactor_protocol::{Event, TaskId};

use super::core::Core;
use crate::task::WaitingOn;

thread_local! {
    static CURRENT: RefCell<Option<Rc<Core>>> = const { RefCell::new(None) };
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
/// Outside a runtime: like Tokio, spawning or sleeping needs one.
#[track_caller]
pub(crate) fn with<R>(f: impl FnOnce(&Core) -> R) -> R {
    match try_with(f) {
        Some(result) => result,
        None => panic!("this needs a reactor-engine runtime: call it from a task or block_on"),
    }
}

/// The task being polled right now.
pub(crate) fn current_task() -> Option<TaskId> {
    try_with(|core| core.current_task.get()).flatten()
}

/// Whether the current runtime keeps records.
pub(crate) fn recording() -> bool {
    try_with(|core| core.recorder.borrow().enabled()).unwrap_or(false)
}

/// Pass `poll` on; if it is `Pending`, note `at` as the `.await` the running
/// task is parked on (only kept when recording). Every leaf future (`sleep`,
/// `accept`, `read`, a `JoinHandle`, `yield_now`) calls this with the line
/// the program awaited it at, which its `#[track_caller]` constructor took.
pub(crate) fn awaiting_at<T>(at: &'static Location<'static>, poll: Poll<T>) -> Poll<T> {
    if poll.is_pending() {
        try_with(|core| {
            if let Some(task) = core.current_task.get()
                && core.recorder.borrow().enabled()
            {
                core.executor.borrow_mut().set_awaiting(task, at);
            }
        });
    }
    poll
}

/// Note what the running task waits on (only kept when recording).
pub(crate) fn set_waiting_on(what: WaitingOn) {
    try_with(|core| {
        if let Some(task) = core.current_task.get()
            && core.recorder.borrow().enabled()
        {
            core.executor.borrow_mut().set_waiting_on(task, what);
        }
    });
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
