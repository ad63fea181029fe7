//! A waker that outlives its task, under real Tokio and under the engine.
//!
//! Finished tasks leave their wakers behind: clones kept by a future, or a
//! timer a task filed and never saw fire. Tasks spawned after them count
//! their polls and never finish. Firing the old wakers must wake none of
//! the later tasks: in Tokio a waker holds its own task's memory, so it can
//! name no other task. The engine (recording off) gives a finished task's
//! slot to a later task, and must still wake nobody.

use std::cell::RefCell;
use std::future::poll_fn;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::Duration;

use reactor_engine::{Runtime, RuntimeOptions};

/// Tasks that finish first, and then tasks that never finish.
const TASKS: usize = 40;

/// What both runtimes tell: polls after the later tasks' first turn, and
/// after the old wakers fired.
type Polls = (usize, usize);

/// A task that keeps a clone of its waker (every fourth one) and finishes.
fn finishing(number: usize, kept: &Arc<Mutex<Vec<Waker>>>) -> impl Future<Output = ()> + use<> {
    let kept = Arc::clone(kept);
    poll_fn(move |cx| {
        if number.is_multiple_of(4) {
            kept.lock().expect("not poisoned").push(cx.waker().clone());
        }
        Poll::Ready(())
    })
}

/// A task that counts its polls and never finishes.
fn counting(polls: &Arc<AtomicUsize>) -> impl Future<Output = ()> + use<> {
    let polls = Arc::clone(polls);
    poll_fn(move |_| {
        polls.fetch_add(1, Ordering::Relaxed);
        Poll::Pending
    })
}

fn fire(kept: &Mutex<Vec<Waker>>) {
    for waker in kept.lock().expect("not poisoned").drain(..) {
        waker.wake();
    }
}

/// The later tasks, the same on both runtimes: spawn them (`spawn` starts
/// one that counts into the given counter), give each its first poll, run
/// `meanwhile` (what fires the old wakers), then give them two more turns.
async fn later_tasks<Y: Future>(
    spawn: impl Fn(&Arc<AtomicUsize>),
    yield_now: impl Fn() -> Y,
    meanwhile: impl Future<Output = ()>,
) -> Polls {
    let polls = Arc::new(AtomicUsize::new(0));
    for _ in 0..TASKS {
        spawn(&polls);
    }
    yield_now().await;
    let first = polls.load(Ordering::Relaxed);
    meanwhile.await;
    yield_now().await;
    yield_now().await;
    (first, polls.load(Ordering::Relaxed))
}

fn on_tokio() -> Polls {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio starts");
    runtime.block_on(async {
        let kept = Arc::default();
        for number in 0..TASKS {
            tokio::spawn(finishing(number, &kept))
                .await
                .expect("the task finishes");
        }
        let spawn = |polls: &_| drop(tokio::spawn(counting(polls)));
        later_tasks(spawn, tokio::task::yield_now, async { fire(&kept) }).await
    })
}

/// The engine with recording off: finished tasks' slots are reused.
fn engine() -> Runtime {
    Runtime::new(RuntimeOptions {
        recording: false,
        ..RuntimeOptions::default()
    })
    .expect("the engine starts")
}

fn on_engine() -> Polls {
    let polls = engine().block_on(async {
        let kept = Arc::default();
        for number in 0..TASKS {
            reactor_engine::spawn(finishing(number, &kept))
                .await
                .expect("the task finishes");
        }
        let spawn = |polls: &_| drop(reactor_engine::spawn(counting(polls)));
        later_tasks(spawn, reactor_engine::yield_now, async { fire(&kept) }).await
    });
    polls.expect("main finishes")
}

/// When the task's timer fires: after the later tasks' first polls.
const TIMER: Duration = Duration::from_millis(10);

/// A task files a timer (polls a sleep once), hands the sleep to `main`
/// and finishes; `main` keeps it unpolled past its deadline.
fn timer_on_tokio() -> Polls {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("tokio starts");
    runtime.block_on(async {
        let parked = Arc::new(Mutex::new(None));
        let handed = Arc::clone(&parked);
        tokio::spawn(async move {
            let mut sleep = Box::pin(tokio::time::sleep(TIMER));
            poll_fn(|cx| Poll::Ready(sleep.as_mut().poll(cx).is_pending())).await;
            *handed.lock().expect("not poisoned") = Some(sleep);
        })
        .await
        .expect("the task finishes");
        let spawn = |polls: &_| drop(tokio::spawn(counting(polls)));
        let past_the_timer = async { tokio::time::sleep(TIMER * 2).await };
        let polls = later_tasks(spawn, tokio::task::yield_now, past_the_timer).await;
        drop(parked);
        polls
    })
}

fn timer_on_engine() -> Polls {
    let polls = engine().block_on(async {
        let parked: Rc<RefCell<Option<Pin<Box<reactor_engine::Sleep>>>>> = Rc::default();
        let handed = Rc::clone(&parked);
        reactor_engine::spawn(async move {
            let mut sleep = Box::pin(reactor_engine::sleep(TIMER));
            poll_fn(|cx| Poll::Ready(sleep.as_mut().poll(cx).is_pending())).await;
            *handed.borrow_mut() = Some(sleep);
        })
        .await
        .expect("the task finishes");
        let spawn = |polls: &_| drop(reactor_engine::spawn(counting(polls)));
        let past_the_timer = async { reactor_engine::sleep(TIMER * 2).await };
        let polls = later_tasks(spawn, reactor_engine::yield_now, past_the_timer).await;
        drop(parked);
        polls
    });
    polls.expect("main finishes")
}

#[test]
fn a_kept_waker_of_a_finished_task_wakes_no_later_task_on_either_runtime() {
    let tokio = on_tokio();
    assert_eq!(tokio, (TASKS, TASKS), "Tokio: each later task polled once");
    assert_eq!(on_engine(), tokio, "the engine polls as Tokio does");
}

#[test]
fn a_timer_of_a_finished_task_wakes_no_later_task_on_either_runtime() {
    let tokio = timer_on_tokio();
    assert_eq!(tokio, (TASKS, TASKS), "Tokio: each later task polled once");
    assert_eq!(timer_on_engine(), tokio, "the engine polls as Tokio does");
}
