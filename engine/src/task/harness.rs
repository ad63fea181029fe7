//! Polling one task: the executor's single most important action.
//!
//! ```text
//!   pop id ─▶ state = Running, take the future out of the slab
//!          ─▶ poll it (inside catch_unwind, with the task's own waker)
//!          ─▶ Pending: put the future back, Idle (or straight back in the
//!                      queue if its waker fired during the poll)
//!             Ready:   drop the future, Complete, wake the JoinHandle's waiter
//!             panic:   an `error` record, Complete, the JoinHandle gets Err
//! ```
//!
//! The future is taken out of the slab while it runs, so the code inside it
//! may freely spawn tasks or touch the executor without a double borrow.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::{Context, Poll};

use reactor_protocol::{Event, TaskId, TaskState, WakeCause};

use super::JoinError;
use crate::runtime::core::Core;

/// Poll task `id` once, recording everything it does.
pub(crate) fn poll_task(core: &Core, id: TaskId) {
    let taken = {
        let mut executor = core.executor.borrow_mut();
        executor.tasks.get_mut(id as usize).and_then(|task| {
            let future = task.future.take()?;
            task.state = TaskState::Running;
            task.notified = false;
            task.waiting_on = None;
            Some((future, task.waker.clone()))
        })
    };
    let Some((mut future, waker)) = taken else {
        return;
    };
    core.recorder.borrow_mut().record(Event::Poll { task: id });

    core.current_task.set(Some(id));
    core.budget.set(super::coop::BUDGET);
    let mut cx = Context::from_waker(&waker);
    let result = catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx)));
    core.current_task.set(None);

    match result {
        Ok(Poll::Pending) => {
            core.recorder
                .borrow_mut()
                .record(Event::Pending { task: id });
            let mut executor = core.executor.borrow_mut();
            if let Some(task) = executor.tasks.get_mut(id as usize) {
                task.future = Some(future);
                task.state = TaskState::Idle;
                if std::mem::take(&mut task.notified) {
                    executor.schedule(id, &mut core.recorder.borrow_mut());
                }
            }
        }
        Ok(Poll::Ready(output)) => {
            core.recorder.borrow_mut().record(Event::Ready { task: id });
            drop_quietly(future);
            finish(core, id, output, None);
        }
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            core.recorder.borrow_mut().record(Event::Error {
                task: Some(id),
                message: format!("task {id} panicked: {message}"),
            });
            drop_quietly(future);
            finish(core, id, None, Some(JoinError { task: id, message }));
        }
    }
    // Wakers fired directly by the task's code (not through the driver, the
    // wheel or a JoinHandle) are picked up here.
    core.schedule_woken();
}

/// Mark the task complete, hand over a failure, and wake whoever awaits it.
fn finish(core: &Core, id: TaskId, output: Option<String>, failure: Option<JoinError>) {
    let join = {
        let mut executor = core.executor.borrow_mut();
        let keep = executor.keep_finished;
        let Some(task) = executor.tasks.get_mut(id as usize) else {
            return;
        };
        task.state = TaskState::Complete;
        let join = task.join.clone();
        if !keep {
            executor.tasks.remove(id as usize);
        }
        join
    };
    core.recorder
        .borrow_mut()
        .record(Event::Complete { task: id, output });
    if let Some(failure) = failure {
        join.fail(failure);
    }
    match join.take_waiter() {
        Some((Some(waiter), waker)) => core.wake(waiter, WakeCause::Join, &waker),
        Some((None, waker)) => waker.wake(),
        None => {}
    }
}

/// Drop a finished future; a panic in its destructor is contained too.
fn drop_quietly(future: super::TaskFuture) {
    let _ = catch_unwind(AssertUnwindSafe(move || drop(future)));
}

/// The text of a panic payload (`panic!("...")` gives `&str` or `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a non-text panic payload".to_string()
    }
}
