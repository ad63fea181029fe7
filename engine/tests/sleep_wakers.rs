//! Whom a timer wakes: the task that polled its `Sleep` last, through the
//! waker it was polled with.
//!
//! A timer whose `Sleep` was polled with its task's own waker names the task
//! in its wheel line; one polled with any other waker (a combinator's) keeps
//! that waker beside the wheel. A `Sleep` handed to another task, or polled
//! through another waker, must wake the new one, and a cancelled one must
//! let go of the waker it kept.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use reactor_engine::{Records, Runtime, RuntimeOptions, Sleep, sleep, spawn_named};
use reactor_protocol::{Event, WakeCause};

fn runtime() -> Runtime {
    Runtime::new(RuntimeOptions::default()).expect("runtime starts")
}

/// Polls `sleep` once, with the calling task's own waker.
async fn poll_once(sleep: &mut Pin<Box<Sleep>>) -> Poll<()> {
    std::future::poll_fn(|cx| Poll::Ready(sleep.as_mut().poll(cx))).await
}

/// A combinator's waker: counts its wakes and passes each on to the task.
struct Relay {
    task: Waker,
    wakes: AtomicUsize,
}

impl Relay {
    /// A relay to `task`'s waker that has not been woken yet.
    fn to(task: &Waker) -> Arc<Relay> {
        Arc::new(Relay {
            task: task.clone(),
            wakes: AtomicUsize::new(0),
        })
    }
}

impl Wake for Relay {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        self.task.wake_by_ref();
    }
}

/// Polls `sleep` through a [`Relay`] of the calling task's waker until it
/// is ready; returns the relay.
async fn sleep_through_relay(sleep: &mut Pin<Box<Sleep>>) -> Arc<Relay> {
    let mut relay: Option<Arc<Relay>> = None;
    std::future::poll_fn(|cx| {
        let relay = relay.get_or_insert_with(|| Relay::to(cx.waker()));
        let waker = Waker::from(Arc::clone(relay));
        sleep.as_mut().poll(&mut Context::from_waker(&waker))
    })
    .await;
    relay.expect("polled at least once")
}

/// What `pick` finds in each record that has it.
fn picked<T>(records: &Records, pick: impl Fn(&Event) -> Option<T>) -> Vec<T> {
    records
        .iter()
        .filter_map(|record| pick(&record.event))
        .collect()
}

#[test]
fn a_sleep_handed_to_another_task_wakes_that_task() {
    let mut rt = runtime();
    let (first, second, ended_at) = rt
        .block_on(async {
            let shared = Rc::new(Cell::new(Some(Box::pin(sleep(Duration::from_millis(50))))));
            let handed = Rc::clone(&shared);
            let first = spawn_named("first", async move {
                let mut sleep = handed.take().expect("the sleep is here");
                assert!(
                    poll_once(&mut sleep).await.is_pending(),
                    "50 ms have not passed"
                );
                handed.set(Some(sleep));
            });
            let first_id = first.id();
            first.await.expect("the first task ends");
            let second = spawn_named("second", async move {
                let sleep = shared.take().expect("the first task handed it back");
                sleep.await;
                reactor_engine::now_ms()
            });
            let second_id = second.id();
            let ended_at = second.await.expect("the second task ends");
            (first_id, second_id, ended_at)
        })
        .expect("runs");
    assert_eq!(ended_at, Some(50));
    let records = rt.take_records();
    assert_eq!(
        picked(&records, |event| match event {
            Event::TimerInsert { task, .. } => Some(*task),
            _ => None,
        }),
        vec![first]
    );
    assert_eq!(
        picked(&records, |event| match event {
            Event::TimerFire { task, .. } => Some(*task),
            _ => None,
        }),
        vec![second]
    );
    assert_eq!(
        picked(&records, |event| match event {
            Event::Wake {
                task,
                cause: WakeCause::Timer,
            } => Some(*task),
            _ => None,
        }),
        vec![second]
    );
}

#[test]
fn a_sleep_polled_through_another_waker_fires_that_waker() {
    let mut rt = runtime();
    let wakes = rt
        .block_on(async {
            let mut sleep = Box::pin(sleep(Duration::from_millis(30)));
            // Filed with the task's own waker first, then polled through a
            // relay: the timer must fire the relay.
            assert!(poll_once(&mut sleep).await.is_pending());
            let relay = sleep_through_relay(&mut sleep).await;
            assert_eq!(reactor_engine::now_ms(), Some(30));
            relay.wakes.load(Ordering::SeqCst)
        })
        .expect("runs");
    assert_eq!(wakes, 1, "the timer fired the relay, once");
    let fired = picked(&rt.take_records(), |event| match event {
        Event::TimerFire { task, .. } => Some(*task),
        _ => None,
    });
    assert_eq!(fired.len(), 1);
}

#[test]
fn a_cancelled_sleep_lets_go_of_the_waker_it_kept() {
    let mut rt = runtime();
    let relay = rt
        .block_on(async {
            let mut sleep = Box::pin(sleep(Duration::from_secs(10)));
            let relay = std::future::poll_fn(|cx| {
                let relay = Relay::to(cx.waker());
                let waker = Waker::from(Arc::clone(&relay));
                let polled = sleep.as_mut().poll(&mut Context::from_waker(&waker));
                assert!(polled.is_pending());
                Poll::Ready(relay)
            })
            .await;
            assert_eq!(Arc::strong_count(&relay), 2, "the timer keeps the relay");
            drop(sleep);
            relay
        })
        .expect("runs");
    assert_eq!(Arc::strong_count(&relay), 1, "cancelling dropped it");
    assert_eq!(relay.wakes.load(Ordering::SeqCst), 0);
    let cancels = picked(&rt.take_records(), |event| match event {
        Event::TimerCancel { timer } => Some(*timer),
        _ => None,
    });
    assert_eq!(
        cancels,
        vec![0],
        "the one timer filed, timer 0, was cancelled"
    );
}
