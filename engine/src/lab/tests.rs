//! Failure paths: each ends as one `error` record and a clean, finished
//! engine — no panic escapes, nothing hangs, every socket is closed.

use std::cell::Cell;
use std::future::pending;
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;

use reactor_protocol::{Event, Outcome, Problem, Record};

use super::{LabRun, LabRunOptions};
use crate::net::TcpListener;
use crate::scenario::Setup;
use crate::scenario::peer::{Peer, PeerAction};
use crate::{sleep, spawn_named};

fn run(setup: fn() -> Setup) -> (LabRun, Vec<Record>) {
    let mut engine = LabRun::with_setup(setup, LabRunOptions::default()).expect("engine starts");
    let records = engine.run();
    assert!(engine.is_done());
    (engine, records)
}

/// The error messages recorded, in order.
fn errors(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .filter_map(|record| match &record.event {
            Event::Error { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

fn localhost() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

#[test]
fn a_panicking_main_ends_in_an_error_record() {
    let (engine, records) = run(|| Setup {
        main: Box::pin(async { panic!("boom") }),
        script: None,
    });
    assert_eq!(errors(&records), ["task 0 panicked: boom"]);
    assert!(engine.snapshot().done);
}

#[test]
fn a_failed_assertion_in_main_is_reported() {
    let (_, records) = run(|| Setup {
        main: Box::pin(async {
            let answer = spawn_named("wrong", async { 41 })
                .await
                .map_err(|error| error.to_string())?;
            assert_eq!(answer, 42, "the answer");
            Ok(())
        }),
        script: None,
    });
    let errors = errors(&records);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("the answer"), "{errors:?}");
}

#[test]
fn a_script_error_ends_the_run_and_closes_the_listener() {
    // The peer tries to connect before any listener published its address.
    fn setup() -> Setup {
        let never_set = Rc::new(Cell::new(None));
        let main = async {
            let mut listener = TcpListener::bind(localhost()).map_err(|error| error.to_string())?;
            listener.accept().await.map_err(|error| error.to_string())?;
            Ok(())
        };
        Setup {
            main: Box::pin(main),
            script: Some(Box::new(Peer::new(
                never_set,
                vec![(0, PeerAction::Connect)],
            ))),
        }
    }
    let (engine, records) = run(setup);
    let errors = errors(&records);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("scenario script failed: the peer cannot connect"),
        "{errors:?}"
    );
    assert!(
        records
            .iter()
            .any(|record| record.event == Event::Deregister { token: 0 })
    );
    assert!(engine.snapshot().registrations.is_empty());
}

#[test]
fn an_os_error_is_recorded_as_a_failed_syscall_and_an_error() {
    // Binding the same port twice: the OS answers "address in use".
    fn setup() -> Setup {
        let main = async {
            let first = TcpListener::bind(localhost()).map_err(|error| error.to_string())?;
            TcpListener::bind(first.local_addr())
                .map_err(|error| format!("second bind: {error}"))?;
            Ok(())
        };
        Setup {
            main: Box::pin(main),
            script: None,
        }
    }
    let (_, records) = run(setup);
    assert!(records.iter().any(|record| matches!(
        &record.event,
        Event::Syscall(call) if call.op == "bind" && matches!(call.outcome, Outcome::Failed { .. })
    )));
    let errors = errors(&records);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("second bind:"), "{errors:?}");
}

#[test]
fn a_run_that_can_never_progress_ends_with_the_stuck_diagnostic() {
    let (engine, records) = run(|| Setup {
        main: Box::pin(pending()),
        script: None,
    });
    assert!(
        errors(&records).is_empty(),
        "no error record: a diagnostic says why"
    );
    let problems: Vec<(Problem, bool)> = records
        .iter()
        .filter_map(|record| match &record.event {
            Event::Diagnostic(diagnostic) => Some((diagnostic.problem, diagnostic.ends_run)),
            _ => None,
        })
        .collect();
    assert_eq!(
        problems,
        [(Problem::LostWaker, false), (Problem::Stuck, true)],
        "main's waker was never stored; then nothing could happen"
    );
    assert!(matches!(
        records.last().map(|record| &record.event),
        Some(Event::Diagnostic(_))
    ));
    assert!(engine.is_done());
}

#[test]
fn ending_early_cancels_timers_of_the_remaining_tasks() {
    fn setup() -> Setup {
        let main = async {
            // Detached: main finishes first, so shutdown drops the sleeper.
            drop(spawn_named("sleeper", async {
                sleep(std::time::Duration::from_secs(60)).await
            }));
            sleep(std::time::Duration::from_millis(1)).await;
            Ok(())
        };
        Setup {
            main: Box::pin(main),
            script: None,
        }
    }
    let (engine, records) = run(setup);
    assert!(errors(&records).is_empty());
    assert!(matches!(
        records.last().map(|record| &record.event),
        Some(Event::TimerCancel { .. })
    ));
    assert!(engine.snapshot().wheel.next_expiration_ms.is_none());
}
