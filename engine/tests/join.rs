//! `JoinHandle` as Tokio's behaves: a detached task's output is dropped the
//! moment the task finishes, and a handle polled with a waker from outside
//! the runtime is woken like any other.

use std::cell::Cell;
use std::future::{Future, IntoFuture};
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use reactor_engine::{Runtime, RuntimeOptions, sleep, spawn};

/// An output that notes when it is dropped.
#[derive(Debug)]
struct NotesDrop(Rc<Cell<bool>>);

impl Drop for NotesDrop {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[test]
fn a_detached_tasks_output_is_dropped_when_it_finishes() {
    let mut runtime = Runtime::new(RuntimeOptions::default()).expect("runtime starts");
    let dropped = Rc::new(Cell::new(false));
    let seen = Rc::clone(&dropped);
    let dropped_while_running = runtime
        .block_on(async move {
            let output = NotesDrop(Rc::clone(&seen));
            let handle = spawn(async move {
                sleep(Duration::from_millis(1)).await;
                output
            });
            drop(handle);
            sleep(Duration::from_millis(5)).await;
            seen.get()
        })
        .expect("main completes");
    assert!(
        dropped_while_running,
        "nobody can take the output, so it goes as the task completes"
    );
    assert!(dropped.get());
}

/// A waker from outside the runtime that notes it was woken.
struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
// Main hands the handle out on purpose, to poll it from outside.
#[allow(clippy::async_yields_async)]
fn a_handle_polled_outside_the_runtime_is_woken_when_the_task_ends() {
    let mut runtime = Runtime::new(RuntimeOptions::default()).expect("runtime starts");
    let handle = runtime
        .block_on(async {
            spawn(async {
                sleep(Duration::from_millis(10)).await;
                7
            })
        })
        .expect("main returns the handle; the task lives on");
    let flag = Arc::new(Flag(AtomicBool::new(false)));
    let waker = Waker::from(Arc::clone(&flag));
    let mut cx = Context::from_waker(&waker);
    // What `.await` does first: a handle is awaited through `IntoFuture`.
    let mut handle = pin!(handle.into_future());
    assert!(handle.as_mut().poll(&mut cx).is_pending());
    assert!(!flag.0.load(Ordering::SeqCst));
    // Driving the runtime lets the task finish: the stored waker fires.
    runtime
        .block_on(async { sleep(Duration::from_millis(20)).await })
        .expect("runs");
    assert!(flag.0.load(Ordering::SeqCst), "the outside waker was woken");
    assert_eq!(handle.as_mut().poll(&mut cx), Poll::Ready(Ok(7)));
}
