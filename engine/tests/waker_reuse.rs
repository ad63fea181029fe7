//! A finished task's waker, and a task spawned after it.
//!
//! With recording off the executor forgets finished tasks, reuses their
//! slab keys as new tasks' ids, and hands their waker `Arc`s to new tasks
//! when nothing else holds a clone. A clone some future kept after its
//! task finished is still a waker: firing it must not wake a task spawned
//! later, as in Tokio, where a waker points at its own task's memory.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

use reactor_engine::{Runtime, RuntimeOptions, spawn, yield_now};

/// Tasks finished before the later ones are spawned: more than one batch
/// of spare wakers, so reuse goes past the first batch checked.
const FINISHED: usize = 40;

#[test]
fn a_kept_waker_of_a_finished_task_wakes_no_later_task() {
    let mut runtime = Runtime::new(RuntimeOptions {
        recording: false,
        ..RuntimeOptions::default()
    })
    .expect("runtime starts");
    let polls = runtime.block_on(async {
        // Every fourth finished task leaves a clone of its waker behind.
        let kept: Rc<RefCell<Vec<Waker>>> = Rc::default();
        for number in 0..FINISHED {
            let kept = Rc::clone(&kept);
            let finished = spawn(poll_fn(move |cx| {
                if number % 4 == 0 {
                    kept.borrow_mut().push(cx.waker().clone());
                }
                Poll::Ready(())
            }));
            finished.await.expect("the task finishes");
        }
        // Later tasks that count their polls and never finish.
        let polls = Rc::new(Cell::new(0));
        for _ in 0..FINISHED {
            let polls = Rc::clone(&polls);
            drop(spawn(poll_fn(move |_| {
                polls.set(polls.get() + 1);
                Poll::<()>::Pending
            })));
        }
        yield_now().await;
        let polled_once = polls.get();
        for waker in kept.borrow_mut().drain(..) {
            waker.wake();
        }
        yield_now().await;
        yield_now().await;
        (polled_once, polls.get())
    });
    let polls = polls.expect("main finishes");
    assert_eq!(polls.0, FINISHED, "each later task is polled once");
    assert_eq!(polls.1, FINISHED, "the old wakers woke none of them");
}
