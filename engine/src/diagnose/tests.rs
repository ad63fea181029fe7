//! Each diagnosis on the smallest program that shows it, and none on a
//! healthy one.

use std::cell::RefCell;
use std::future::{Future, pending, poll_fn};
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use reactor_protocol::{Diagnostic, Event, Problem, Record, WakerPlace};

use crate::lab::{LabRun, LabRunOptions};
use crate::scenario::Setup;
use crate::task::JoinHandle;
use crate::{block_thread_for, sleep, spawn_named};

fn run(main: fn() -> Setup) -> Vec<Record> {
    let mut engine = LabRun::with_setup(main, LabRunOptions::default()).expect("engine starts");
    let records = engine.run();
    assert!(engine.is_done());
    records
}

fn setup(main: impl Future<Output = Result<(), String>> + 'static) -> Setup {
    Setup {
        main: Box::pin(main),
        script: None,
    }
}

fn diagnostics(records: &[Record]) -> Vec<Diagnostic> {
    records
        .iter()
        .filter_map(|record| match &record.event {
            Event::Diagnostic(diagnostic) => Some((**diagnostic).clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_healthy_program_has_no_diagnostic() {
    let records = run(|| {
        setup(async {
            let sleeper = spawn_named("sleeper", async { sleep(Duration::from_millis(5)).await });
            sleeper.await.map_err(|error| error.to_string())
        })
    });
    assert!(diagnostics(&records).is_empty());
}

#[test]
fn a_pending_without_a_stored_waker_is_a_lost_waker_right_after_its_poll() {
    let records = run(|| setup(pending()));
    let at = records
        .iter()
        .position(|record| matches!(record.event, Event::Pending { task: 0 }))
        .expect("main returns Pending");
    let Event::Diagnostic(lost) = &records[at + 1].event else {
        panic!("{:?}", records[at + 1]);
    };
    assert_eq!(
        (lost.problem, lost.tasks.clone()),
        (Problem::LostWaker, vec![0])
    );
    let last = diagnostics(&records).pop().expect("a last record");
    assert_eq!((last.problem, last.ends_run), (Problem::Stuck, true));
}

#[test]
fn a_waker_kept_by_the_program_is_not_lost() {
    let records = run(|| {
        setup(async {
            let kept = Rc::new(RefCell::new(None));
            let mut polled = false;
            poll_fn(move |cx| {
                if polled {
                    return Poll::Ready(());
                }
                polled = true;
                *kept.borrow_mut() = Some(cx.waker().clone());
                // Nobody fires it, but the engine cannot know that.
                Poll::Pending
            })
            .await;
            Ok(())
        })
    });
    let problems: Vec<Problem> = diagnostics(&records).iter().map(|d| d.problem).collect();
    assert_eq!(problems, [Problem::Stuck]);
}

#[test]
fn waking_oneself_on_every_poll_is_reported_once_at_the_threshold() {
    let records = run(|| {
        setup(async {
            let mut polls = 0;
            poll_fn(move |cx| {
                polls += 1;
                if polls == 10 {
                    return Poll::Ready(());
                }
                cx.waker().wake_by_ref();
                Poll::Pending
            })
            .await;
            Ok(())
        })
    });
    let found = diagnostics(&records);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].problem, Problem::SelfWake);
    assert_eq!(found[0].self_wakes, Some(super::SELF_WAKES_REPORTED_AT));
}

#[test]
fn two_tasks_awaiting_each_other_are_a_deadlock() {
    let records = run(|| {
        setup(async {
            let mailbox: Rc<RefCell<Option<JoinHandle<()>>>> = Rc::default();
            let inbox = Rc::clone(&mailbox);
            let ping = spawn_named("ping", async move {
                let pong = inbox.borrow_mut().take().expect("main filled it");
                let _ = pong.await;
            });
            let pong = spawn_named("pong", async move {
                let _ = ping.await;
            });
            *mailbox.borrow_mut() = Some(pong);
            sleep(Duration::from_millis(1)).await;
            Ok(())
        })
    });
    let found = diagnostics(&records);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].problem, Problem::Deadlock);
    assert_eq!(found[0].tasks, [1, 2]);
    let places: Vec<WakerPlace> = found[0].wakers.iter().map(|w| w.place.clone()).collect();
    assert_eq!(
        places,
        [
            WakerPlace::JoinHandle { of_task: 2 },
            WakerPlace::JoinHandle { of_task: 1 }
        ]
    );
}

#[test]
fn a_blocking_call_moves_the_clock_and_makes_a_timer_late() {
    let records = run(|| {
        setup(async {
            let timed = spawn_named("timed", async { sleep(Duration::from_millis(50)).await });
            let blocker = spawn_named("blocker", async {
                block_thread_for(Duration::from_millis(200));
            });
            blocker.await.map_err(|error| error.to_string())?;
            timed.await.map_err(|error| error.to_string())
        })
    });
    let found = diagnostics(&records);
    assert_eq!(found.len(), 1, "{found:?}");
    let blocking = &found[0];
    assert_eq!(blocking.problem, Problem::BlockingPoll);
    assert_eq!(blocking.held_ms, Some(200));
    assert_eq!(blocking.late_timers.len(), 1);
    assert_eq!(blocking.late_timers[0].late_ms, 150);
}
