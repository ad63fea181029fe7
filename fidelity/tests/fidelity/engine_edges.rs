//! The engine on the edge cases the project names: a sleep of
//! `Duration::MAX`, a deadline in the past, and a registration dropped
//! while its event is in flight. Each ends with Tokio's outcome and a clean
//! trace: it finishes (every engine run has `ENGINE_LIMIT` to do so), the
//! number of parks and cascades stays bounded, no `error` record, and the
//! last record is `main`'s completion.
//!
//! The comparisons with Tokio themselves are in `against_engine`
//! (`sleep_max`, `past_deadline`); these look inside the engine's trace.

use std::cell::RefCell;
use std::future::poll_fn;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::task::{Poll, Wake, Waker};
use std::time::Duration;

use reactor_engine::net::{TcpListener, TcpStream};
use reactor_engine::{MAX_SLEEP, Runtime, RuntimeOptions};
use reactor_fidelity::engine_side;
use reactor_fidelity::program::Program;
use reactor_protocol::{Event, Record, WakeCause};

/// The engine's records of `program`, checked to end cleanly: no `error`
/// record, and `main` (task 0) completes last.
fn clean_records(program: Program) -> Vec<Record> {
    let records = engine_side::records(program).unwrap_or_else(|error| panic!("{error}"));
    assert_ends_cleanly(&records);
    records
}

fn assert_ends_cleanly(records: &[Record]) {
    let errors: Vec<_> = records
        .iter()
        .filter(|record| matches!(record.event, Event::Error { .. }))
        .collect();
    assert!(errors.is_empty(), "error records: {errors:?}");
    let last = records.last().map(|record| &record.event);
    assert!(
        matches!(last, Some(Event::Complete { task: 0, .. })),
        "the trace ends with {last:?}, not main's completion"
    );
    // Time never runs backwards.
    assert!(
        records
            .windows(2)
            .all(|pair| pair[0].time_ms <= pair[1].time_ms)
    );
}

/// `(time_ms, timeout_ms)` of every park.
fn parks(records: &[Record]) -> Vec<(u64, Option<u64>)> {
    records
        .iter()
        .filter_map(|record| match record.event {
            Event::Park { timeout_ms } => Some((record.time_ms, timeout_ms)),
            _ => None,
        })
        .collect()
}

fn count(records: &[Record], kind: impl Fn(&Event) -> bool) -> usize {
    records.iter().filter(|record| kind(&record.event)).count()
}

/// `sleep(Duration::MAX)` is Tokio's 30-year sleep: filed once in top-level
/// slot 49, visited once per rotation of the top level (2^36 ms), then
/// cascaded down a level per park to fire at exactly 30 years. Twenty
/// parks at most, one cascade per timed park but the last.
#[test]
fn a_sleep_of_duration_max_parks_once_per_top_level_rotation_and_ends_cleanly() {
    let records = clean_records(Program::SleepMax);
    let thirty_years = u64::try_from(MAX_SLEEP.as_millis()).unwrap();
    assert_eq!(thirty_years, 946_080_000_000);

    let inserts: Vec<_> = records
        .iter()
        .filter_map(|record| match record.event {
            Event::TimerInsert {
                deadline_ms,
                level,
                slot,
                ..
            } => Some((deadline_ms, level, slot)),
            _ => None,
        })
        .collect();
    assert_eq!(inserts, [(thirty_years, 5, 49)]);

    let parks = parks(&records);
    let asked: Vec<Option<u64>> = parks
        .iter()
        .map(|&(at, timeout)| timeout.map(|ms| at + ms))
        .collect();
    assert!(parks.len() <= 20, "{} parks: {asked:?}", parks.len());
    let top_slot = 1u64 << 30;
    let rotation = 1u64 << 36;
    // The first wake is top-level slot 49's start; then the same slot,
    // one rotation later, until the deadline's own rotation.
    assert_eq!(asked[0], Some(49 * top_slot));
    let rotations = (thirty_years - 49 * top_slot) / rotation;
    for turn in 1..=rotations {
        assert_eq!(asked[turn as usize], Some(49 * top_slot + turn * rotation));
    }
    // Every wake is later than the one before, none past the deadline, and
    // the last is the zero-timeout look after the task's end woke main.
    assert!(asked.windows(2).all(|pair| pair[0] <= pair[1]), "{asked:?}");
    assert!(asked.iter().flatten().all(|&ms| ms <= thirty_years));
    assert_eq!(parks.last(), Some(&(thirty_years, Some(0))));

    let cascades = count(&records, |event| {
        matches!(event, Event::TimerCascade { .. })
    });
    assert_eq!(cascades, parks.len() - 2, "one per timed park but the last");
    let fires: Vec<_> = records
        .iter()
        .filter(|record| matches!(record.event, Event::TimerFire { .. }))
        .map(|record| record.time_ms)
        .collect();
    assert_eq!(fires, [thirty_years]);
    assert!(records.iter().any(|record| matches!(
        &record.event,
        Event::Output { text, .. } if text == "forever is over"
    )));
}

/// A deadline in the past (before the runtime's start, then 10 ms ago)
/// completes on its first poll: no timer is filed for it and no park waits
/// for it. The only timer is the 20 ms sleep between them.
#[test]
fn a_deadline_in_the_past_completes_at_once_without_a_timer() {
    let records = clean_records(Program::PastDeadline);
    let inserts: Vec<u64> = records
        .iter()
        .filter_map(|record| match record.event {
            Event::TimerInsert { deadline_ms, .. } => Some(deadline_ms),
            _ => None,
        })
        .collect();
    assert_eq!(inserts, [20], "only the 20 ms sleep files a timer");
    assert_eq!(parks(&records), [(0, Some(20)), (20, Some(0))]);
    // Each past deadline is over within the poll that reached it: the
    // task's output follows its `poll` with no `pending` between.
    for text in ["before the start: already past", "10 ms ago: already past"] {
        let output = records
            .iter()
            .position(|record| matches!(&record.event, Event::Output { text: t, .. } if t == text))
            .unwrap_or_else(|| panic!("no output {text:?}"));
        let poll = records[..output]
            .iter()
            .rposition(|record| matches!(record.event, Event::Poll { task: 1 }))
            .expect("a poll of the sleeper");
        assert!(
            !records[poll..output]
                .iter()
                .any(|record| matches!(record.event, Event::Pending { .. })),
            "{text}: the sleeper waited"
        );
    }
    assert_eq!(
        count(&records, |event| matches!(event, Event::TimerCancel { .. })),
        0
    );
}

thread_local! {
    /// The two accepted streams of the in-flight test, by reader.
    static STREAMS: RefCell<[Option<TcpStream>; 2]> = const { RefCell::new([None, None]) };
}

/// The waker each reader's read stores: when the driver dispatches that
/// reader's event, it first drops the *other* reader's stream (so that
/// stream is deregistered while its own event, from the same park, still
/// waits to be dispatched), then wakes the task.
struct DropTheOther {
    reader: usize,
    task: Waker,
}

impl Wake for DropTheOther {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let other = STREAMS.with(|streams| streams.borrow_mut()[1 - self.reader].take());
        drop(other);
        self.task.wake_by_ref();
    }
}

/// Two connections, both readers waiting; both peers write before the
/// loop parks, so one park brings both readable events back. Dispatching
/// the first drops the other stream while the other's event is still
/// queued: that event is dropped with its registration (Tokio hands it to
/// a `ScheduledIo` with no waiters, which wakes nobody). Nobody is woken
/// for it, and the first reader gets its byte.
async fn dropped_while_in_flight() -> (usize, usize, usize) {
    let localhost = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let mut listener = TcpListener::bind(localhost).expect("bind");
    let mut peers = Vec::new();
    for reader in 0..2 {
        let peer = TcpStream::connect(listener.local_addr())
            .await
            .expect("connect");
        let (stream, _) = listener.accept().await.expect("accept");
        STREAMS.with(|streams| streams.borrow_mut()[reader] = Some(stream));
        peers.push(peer);
    }
    let tokens: Vec<usize> = STREAMS.with(|streams| {
        streams
            .borrow()
            .iter()
            .map(|stream| stream.as_ref().expect("accepted").token())
            .collect()
    });
    // The fresh streams' first (writable) events come and go first.
    reactor_engine::sleep(Duration::from_millis(1)).await;

    let mut buf = [0u8; 16];
    let mut read = |cx: &mut std::task::Context<'_>| {
        for reader in 0..2 {
            let waker = Waker::from(Arc::new(DropTheOther {
                reader,
                task: cx.waker().clone(),
            }));
            let mut cx = std::task::Context::from_waker(&waker);
            let polled = STREAMS.with(|streams| {
                streams.borrow_mut()[reader]
                    .as_mut()
                    .map(|stream| stream.poll_read(&mut cx, &mut buf))
            });
            if let Some(Poll::Ready(result)) = polled {
                return Poll::Ready((reader, result.expect("read")));
            }
        }
        Poll::Pending
    };
    // Both reads would block: each reader's waker is stored.
    poll_fn(|cx| match read(cx) {
        Poll::Pending => Poll::Ready(()),
        Poll::Ready(got) => panic!("read {got:?} before anything was sent"),
    })
    .await;
    for peer in &mut peers {
        peer.write_all(b"x").await.expect("write");
    }
    let (reader, bytes) = poll_fn(&mut read).await;
    let victim = tokens[1 - reader];
    STREAMS.with(|streams| *streams.borrow_mut() = [None, None]);
    (victim, reader, bytes)
}

#[test]
fn a_registration_dropped_while_its_event_is_in_flight_loses_the_event_quietly() {
    let mut runtime = Runtime::new(RuntimeOptions::default()).expect("the engine starts");
    let (victim, reader, bytes) = runtime
        .block_on(dropped_while_in_flight())
        .expect("the program completes");
    let records = runtime.take_records().into_vec();
    assert_ends_cleanly(&records);
    assert_eq!(bytes, 1, "reader {reader} got the byte");

    let deregister = records
        .iter()
        .position(|record| record.event == Event::Deregister { token: victim })
        .expect("the victim is deregistered");
    // The park that brought both events back, and what it dispatched.
    let unpark = records[..deregister]
        .iter()
        .rposition(|record| matches!(record.event, Event::Unpark { .. }))
        .expect("an unpark before the deregistration");
    let Event::Unpark { events } = records[unpark].event else {
        unreachable!()
    };
    let end_of_dispatch = records[unpark..]
        .iter()
        .position(|record| matches!(record.event, Event::Park { .. } | Event::Poll { .. }))
        .map_or(records.len(), |offset| unpark + offset);
    let dispatched: Vec<usize> = records[unpark..end_of_dispatch]
        .iter()
        .filter_map(|record| match record.event {
            Event::OsEvent { token, .. } => Some(token),
            _ => None,
        })
        .collect();
    let table = || {
        records[unpark..end_of_dispatch]
            .iter()
            .map(|record| format!("{} {:?}", record.seq, record.event))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        deregister < end_of_dispatch,
        "not deregistered during the dispatch\n{}",
        table()
    );
    // One event fewer than the park brought back: the victim's, which was
    // queued when its registration went and never reaches anyone.
    assert_eq!(dispatched.len(), events - 1, "{}", table());
    assert!(!dispatched.contains(&victim), "{}", table());
    // The only wakes of that dispatch are for the surviving reader's event:
    // the io wake of main and the wake its waker passes on.
    let io_wakes = count(&records[unpark..end_of_dispatch], |event| {
        matches!(
            event,
            Event::Wake {
                cause: WakeCause::Io,
                ..
            }
        )
    });
    assert_eq!(io_wakes, 1, "{}", table());
}
