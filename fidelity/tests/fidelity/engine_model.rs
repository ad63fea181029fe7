//! Rows of `docs/fidelity.md` that no program of the suite puts side by
//! side with Tokio, checked on the engine's own trace: what Tokio does
//! there is read off its source (cited in the doc).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use reactor_engine::net::{TcpListener, TcpStream};
use reactor_engine::{ClockMode, Runtime, RuntimeOptions, sleep, spawn_named};
use reactor_protocol::{Event, WakeCause};

/// Tokio's time driver parks in its I/O driver, which dispatches every
/// event, and only then processes the wheel (`park_internal` in
/// `runtime/time/mod.rs`): when a socket event and a due timer come out of
/// the same park, the reader is woken (and later polled) before the
/// sleeper. On the engine's real clock: a task blocks the thread for 5 ms
/// (so a 1 ms timer is due) and writes to a socket a reader waits on; the
/// next park brings the event back with the timer due.
#[test]
fn io_events_are_dispatched_before_the_timers_due_in_the_same_park() {
    let options = RuntimeOptions {
        clock: ClockMode::Real,
        ..RuntimeOptions::default()
    };
    let mut runtime = Runtime::new(options).expect("the engine starts");
    let (reader, sleeper) = runtime
        .block_on(async {
            let localhost = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
            let mut listener = TcpListener::bind(localhost).expect("bind");
            let mut client = TcpStream::connect(listener.local_addr())
                .await
                .expect("connect");
            let (mut server, _) = listener.accept().await.expect("accept");
            let reader = spawn_named("reader", async move {
                let mut buf = [0u8; 8];
                server.read(&mut buf).await.expect("read")
            });
            let sleeper = spawn_named("sleeper", async {
                sleep(Duration::from_millis(1)).await;
            });
            let writer = spawn_named("writer", async move {
                std::thread::sleep(Duration::from_millis(5));
                client.write_all(b"x").await.expect("write");
                client
            });
            let ids = (reader.id(), sleeper.id());
            assert_eq!(reader.await.expect("reader"), 1);
            sleeper.await.expect("sleeper");
            drop(writer.await.expect("writer"));
            ids
        })
        .expect("the program completes");
    let records = runtime.take_records().into_vec();
    let position = |wanted: &dyn Fn(&Event) -> bool| {
        records
            .iter()
            .position(|record| wanted(&record.event))
            .unwrap_or_else(|| panic!("missing record\n{records:#?}"))
    };
    let io_wake = position(
        &|event| matches!(event, Event::Wake { task, cause: WakeCause::Io } if *task == reader),
    );
    let fire =
        position(&|event| matches!(event, Event::TimerFire { task, .. } if *task == sleeper));
    let timer_wake = position(
        &|event| matches!(event, Event::Wake { task, cause: WakeCause::Timer } if *task == sleeper),
    );
    // The same park: no park between the reader's wake and the fire.
    let park_between = records[io_wake..fire]
        .iter()
        .any(|record| matches!(record.event, Event::Park { .. }));
    let shown = || {
        records
            .iter()
            .map(|record| format!("{} {} {:?}", record.seq, record.time_ms, record.event))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        io_wake < fire && fire < timer_wake && !park_between,
        "not dispatch-then-timers in one park\n{}",
        shown()
    );
    // And the reader is polled first.
    let polled = |task| {
        records[timer_wake..]
            .iter()
            .position(|record| record.event == Event::Poll { task })
    };
    assert!(polled(reader) < polled(sleeper), "{}", shown());
}

/// Tokio rounds a sleep's deadline up to the next whole ms
/// (`deadline_to_tick` in `runtime/time/source.rs`); so does the engine,
/// from its clock's whole-ms reading.
#[test]
fn deadlines_round_up_to_whole_milliseconds() {
    let mut runtime = Runtime::new(RuntimeOptions::default()).expect("the engine starts");
    let deadlines = runtime
        .block_on(async {
            [
                Duration::from_nanos(1),
                Duration::from_micros(999),
                Duration::from_millis(1),
                Duration::from_micros(1_001),
                Duration::from_micros(1_500),
                Duration::ZERO,
            ]
            .map(|duration| sleep(duration).deadline_ms())
        })
        .expect("the program completes");
    assert_eq!(deadlines, [1, 1, 1, 2, 2, 0]);
}
