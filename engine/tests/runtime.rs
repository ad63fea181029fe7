//! The general runtime API: spawn, join, yield, sleep, TCP, clocks.

use std::cell::{Cell, RefCell};
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;
use std::time::{Duration, Instant};

use reactor_engine::net::{TcpListener, TcpStream};
use reactor_engine::{
    ClockMode, RunError, Runtime, RuntimeOptions, sleep, spawn, spawn_named, yield_now,
};
use reactor_protocol::{Event, WakeCause};

fn runtime() -> Runtime {
    Runtime::new(RuntimeOptions::default()).expect("runtime starts")
}

fn localhost() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

#[test]
fn join_handle_of_a_panicking_task_is_an_error_and_the_runtime_goes_on() {
    let mut rt = runtime();
    let result = rt.block_on(async {
        let failed = spawn_named("doomed", async {
            if true {
                panic!("on purpose");
            }
            1
        })
        .await;
        let fine = spawn(async { 2 }).await;
        (failed, fine)
    });
    let (failed, fine) = result.expect("main itself does not panic");
    let error = failed.expect_err("the panic becomes a JoinError");
    assert!(error.is_panic());
    assert_eq!(error.message, "on purpose");
    assert_eq!(
        error.to_string(),
        format!("task {} panicked: on purpose", error.task)
    );
    assert_eq!(fine, Ok(2));
    let records = rt.take_records();
    assert!(
        records
            .iter()
            .any(|record| matches!(&record.event, Event::Error { task: Some(1), .. }))
    );
}

#[test]
fn dropping_a_join_handle_detaches_the_task() {
    let mut rt = runtime();
    let ran = Rc::new(Cell::new(false));
    let flag = Rc::clone(&ran);
    rt.block_on(async move {
        drop(spawn(async move {
            yield_now().await;
            flag.set(true);
        }));
        // Give the detached task its turns.
        sleep(Duration::from_millis(1)).await;
    })
    .expect("runs");
    assert!(ran.get(), "the detached task still ran to completion");
    let records = rt.take_records();
    assert!(records.iter().any(|record| record.event
        == Event::Complete {
            task: 1,
            output: None
        }));
}

#[test]
fn ten_thousand_tasks_all_complete() {
    const TASKS: u64 = 10_000;
    let mut rt = runtime();
    let sum = rt
        .block_on(async {
            let handles: Vec<_> = (0..TASKS)
                .map(|i| {
                    spawn(async move {
                        yield_now().await;
                        i
                    })
                })
                .collect();
            let mut sum = 0;
            for handle in handles {
                sum += handle.await.expect("no panic");
            }
            sum
        })
        .expect("runs");
    assert_eq!(sum, TASKS * (TASKS - 1) / 2);
}

#[test]
fn yield_now_lets_the_other_task_run_in_between() {
    let mut rt = runtime();
    let log = Rc::new(RefCell::new(Vec::new()));
    let (a, b) = (Rc::clone(&log), Rc::clone(&log));
    rt.block_on(async move {
        let first = spawn(async move {
            for i in 0..3 {
                a.borrow_mut().push(format!("a{i}"));
                yield_now().await;
            }
        });
        let second = spawn(async move {
            for i in 0..3 {
                b.borrow_mut().push(format!("b{i}"));
                yield_now().await;
            }
        });
        first.await.expect("a");
        second.await.expect("b");
    })
    .expect("runs");
    // Each yield's wake is deferred until the loop has parked (timeout 0);
    // the deferred wakers then fire last-in first-out, as Tokio's
    // `Defer::wake` pops them: b is queued before a after the first round.
    assert_eq!(*log.borrow(), ["a0", "b0", "b1", "a1", "a2", "b2"]);
    let records = rt.take_records();
    assert!(records.iter().any(|record| record.event
        == Event::Wake {
            task: 1,
            cause: WakeCause::Yield
        }));
    let zero_parks = records
        .iter()
        .filter(|record| {
            record.event
                == Event::Park {
                    timeout_ms: Some(0),
                }
        })
        .count();
    assert!(zero_parks >= 3, "the driver runs once per round of yields");
}

#[test]
fn virtual_sleeps_take_no_real_time_and_end_in_deadline_order() {
    let mut rt = runtime();
    let started = Instant::now();
    let order = rt
        .block_on(async {
            let order = Rc::new(RefCell::new(Vec::new()));
            let handles: Vec<_> = [300_000u64, 5, 70_000, 64]
                .into_iter()
                .map(|ms| {
                    let order = Rc::clone(&order);
                    spawn(async move {
                        sleep(Duration::from_millis(ms)).await;
                        order.borrow_mut().push(ms);
                    })
                })
                .collect();
            for handle in handles {
                handle.await.expect("no panic");
            }
            order.take()
        })
        .expect("runs");
    assert_eq!(order, [5, 64, 70_000, 300_000]);
    assert_eq!(rt.snapshot().time_ms, 300_000);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "five virtual minutes are not waited for"
    );
}

#[test]
fn dropping_a_sleep_cancels_its_timer() {
    let mut rt = runtime();
    rt.block_on(async {
        let long = sleep(Duration::from_secs(10));
        let mut long = Box::pin(long);
        // Poll it once so it files its timer, then drop it.
        std::future::poll_fn(|cx| {
            let _ = long.as_mut().poll(cx);
            std::task::Poll::Ready(())
        })
        .await;
        drop(long);
        sleep(Duration::from_millis(2)).await;
    })
    .expect("runs");
    let records = rt.take_records();
    assert!(
        records
            .iter()
            .any(|record| matches!(record.event, Event::TimerCancel { .. }))
    );
    // The cancelled 10 s timer did not hold the clock back.
    assert_eq!(rt.snapshot().time_ms, 2);
}

#[test]
fn tcp_echo_round_trips_on_loopback() {
    const ROUNDS: usize = 50;
    let mut rt = runtime();
    let echoed = rt
        .block_on(async {
            let mut listener = TcpListener::bind(localhost()).expect("bind");
            let addr = listener.local_addr();
            let server = spawn_named("echo server", async move {
                let (mut stream, _) = listener.accept().await.expect("accept");
                let mut buf = [0u8; 64];
                loop {
                    let n = stream.read(&mut buf).await.expect("server read");
                    if n == 0 {
                        return;
                    }
                    stream.write_all(&buf[..n]).await.expect("server write");
                }
            });
            let mut client = TcpStream::connect(addr).await.expect("connect");
            let mut echoed = 0;
            for round in 0..ROUNDS {
                let message = format!("ping {round}");
                client
                    .write_all(message.as_bytes())
                    .await
                    .expect("client write");
                let mut buf = [0u8; 64];
                let mut got = 0;
                while got < message.len() {
                    got += client.read(&mut buf[got..]).await.expect("client read");
                }
                assert_eq!(&buf[..got], message.as_bytes());
                echoed += 1;
            }
            drop(client);
            server.await.expect("server ends cleanly on EOF");
            echoed
        })
        .expect("runs");
    assert_eq!(echoed, ROUNDS);
    assert!(
        rt.snapshot().registrations.is_empty(),
        "every socket was deregistered"
    );
}

#[test]
fn only_loopback_addresses_are_accepted() {
    let mut rt = runtime();
    let error = rt
        .block_on(async {
            TcpListener::bind(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0))).map(|_| ())
        })
        .expect("runs")
        .expect_err("0.0.0.0 is refused");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn a_deadlocked_main_is_an_error_not_a_hang() {
    let mut rt = runtime();
    let result = rt.block_on(std::future::pending::<()>());
    assert!(matches!(result, Err(RunError::Stopped(message)) if message.starts_with("deadlock")));
}

#[test]
fn a_panicking_main_is_an_error() {
    let mut rt = runtime();
    let result = rt.block_on(async { panic!("main broke") });
    assert_eq!(
        result,
        Err::<(), _>(RunError::MainPanicked("main broke".into()))
    );
}

#[test]
fn recording_can_be_switched_off() {
    let options = RuntimeOptions {
        recording: false,
        ..RuntimeOptions::default()
    };
    let mut rt = Runtime::new(options).expect("runtime starts");
    let value = rt
        .block_on(async { spawn(async { 7 }).await.expect("no panic") })
        .expect("runs");
    assert_eq!(value, 7);
    assert!(rt.take_records().is_empty());
}

#[test]
fn the_real_clock_really_waits_and_a_yielding_task_cannot_starve_a_timer() {
    const WAIT: Duration = Duration::from_millis(20);
    let options = RuntimeOptions {
        clock: ClockMode::Real,
        ..RuntimeOptions::default()
    };
    let mut rt = Runtime::new(options).expect("runtime starts");
    let started = Instant::now();
    let yields = rt
        .block_on(async {
            let done = Rc::new(Cell::new(false));
            let flag = Rc::clone(&done);
            let timer = spawn(async move {
                sleep(WAIT).await;
                flag.set(true);
            });
            // Busy: yields until the timer task says it woke up.
            let mut yields = 0u64;
            while !done.get() {
                yield_now().await;
                yields += 1;
            }
            timer.await.expect("no panic");
            yields
        })
        .expect("runs");
    assert!(started.elapsed() >= WAIT);
    assert!(yields > 0);
}

#[test]
fn a_busy_run_queue_still_checks_the_os_after_the_poll_budget() {
    let mut rt = runtime();
    rt.block_on(async {
        // More ready tasks than one turn's budget of polls.
        let tasks: Vec<_> = (0..reactor_engine::runtime::POLL_BUDGET * 2)
            .map(|n| spawn(async move { n }))
            .collect();
        for task in tasks {
            task.await.expect("no panic");
        }
    })
    .expect("runs");
    let records = rt.take_records().into_vec();
    let first_park = records
        .iter()
        .position(|record| matches!(record.event, Event::Park { .. }))
        .expect("the loop parks although tasks are queued");
    assert_eq!(
        records[first_park].event,
        Event::Park {
            timeout_ms: Some(0)
        }
    );
    // `main` (task 0) is polled outside the budget.
    let polls_before = records[..first_park]
        .iter()
        .filter(|record| matches!(record.event, Event::Poll { task } if task != 0))
        .count();
    assert_eq!(polls_before, reactor_engine::runtime::POLL_BUDGET as usize);
}

#[test]
fn a_waker_fired_directly_by_task_code_schedules_its_task() {
    use std::task::{Poll, Waker};
    let mut rt = runtime();
    let value = rt
        .block_on(async {
            // A one-shot "channel" built by hand: the receiver stores its
            // waker, the sender fills the slot and wakes it directly.
            let slot: Rc<RefCell<(Option<u32>, Option<Waker>)>> = Rc::default();
            let receiver_slot = Rc::clone(&slot);
            let receiver = spawn(std::future::poll_fn(move |cx| {
                let mut slot = receiver_slot.borrow_mut();
                match slot.0.take() {
                    Some(value) => Poll::Ready(value),
                    None => {
                        slot.1 = Some(cx.waker().clone());
                        Poll::Pending
                    }
                }
            }));
            yield_now().await; // the receiver parks its waker
            let waker = {
                let mut slot = slot.borrow_mut();
                slot.0 = Some(5);
                slot.1.take().expect("the receiver waits")
            };
            waker.wake();
            receiver.await.expect("no panic")
        })
        .expect("runs without a deadlock");
    assert_eq!(value, 5);
}

#[test]
fn a_waker_fired_from_another_thread_schedules_its_task() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::Poll;
    let mut rt = runtime();
    let woken = Arc::new(AtomicBool::new(false));
    let result = rt.block_on(std::future::poll_fn(move |cx| {
        if woken.load(Ordering::SeqCst) {
            return Poll::Ready("woken");
        }
        // Another thread wakes this task (joined here, so the wake has
        // certainly happened when the poll returns `Pending`).
        let waker = cx.waker().clone();
        let flag = Arc::clone(&woken);
        let thread = std::thread::spawn(move || {
            flag.store(true, Ordering::SeqCst);
            waker.wake();
        });
        thread.join().expect("the waking thread does not panic");
        Poll::Pending
    }));
    assert_eq!(result, Ok("woken"));
}
