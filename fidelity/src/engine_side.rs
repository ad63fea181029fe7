//! The engine side: run a program on the engine and read its records.
//!
//! Built-in scenarios run through [`LabRun::load`] and `run`; the suite's
//! own cases through [`crate::engine_cases`]. Either way the records become
//! an [`Observed`]: `park` records (asked instant = `time_ms` + timeout;
//! the `unpark` after it says how many socket events it brought back),
//! `accept`/`read` syscall records, and `register` records.

use std::sync::mpsc;
use std::time::Duration;

use reactor_engine::{LabRun, LabRunOptions};
use reactor_protocol::{Event, Outcome, Record};

use crate::engine_cases;
use crate::observed::{IoCall, IoOp, IoOutcome, Observed, Park, Registration, Woken};
use crate::program::Program;

/// Longest an engine run may take. Every program finishes in well under a
/// second of real time on the virtual clock (`tcp_read` waits 5 ms of real
/// time for the kernel at most); a run past this is stuck.
pub const ENGINE_LIMIT: Duration = Duration::from_secs(30);

/// Run `program` on the engine (in its own thread, so a stuck run fails
/// instead of hanging the suite) and return its records.
pub fn records(program: Program) -> Result<Vec<Record>, String> {
    let (send, receive) = mpsc::channel();
    std::thread::Builder::new()
        .name(format!("engine {program}"))
        .spawn(move || {
            let _ = send.send(run(program));
        })
        .map_err(|error| format!("cannot start the engine thread: {error}"))?;
    receive.recv_timeout(ENGINE_LIMIT).unwrap_or_else(|error| {
        Err(format!(
            "the engine did not finish {program} within {} s ({error})",
            ENGINE_LIMIT.as_secs()
        ))
    })
}

fn run(program: Program) -> Result<Vec<Record>, String> {
    if let Some(records) = engine_cases::run(program) {
        return records;
    }
    let scenario = program
        .scenario()
        .ok_or_else(|| format!("{program} has no engine version"))?;
    let mut engine =
        LabRun::load(scenario, LabRunOptions::default()).map_err(|error| error.to_string())?;
    let records = engine.run();
    if let Some(message) = records.iter().find_map(|record| match &record.event {
        Event::Error { message, .. } => Some(message.clone()),
        _ => None,
    }) {
        return Err(format!(
            "the engine's {scenario} ended in an error: {message}"
        ));
    }
    Ok(records)
}

/// Run `program` on the engine and observe it.
pub fn observe_program(program: Program) -> Result<Observed, String> {
    Ok(observe(&records(program)?))
}

/// The parks, socket calls and registrations among `records`.
pub fn observe(records: &[Record]) -> Observed {
    let mut observed = Observed::default();
    for record in records {
        let origin = format!("record #{}", record.seq);
        match &record.event {
            Event::Park { timeout_ms } => {
                let at_ms = record.time_ms as f64;
                observed.parks.push(Park {
                    at_ms,
                    asked_ms: timeout_ms.map(|ms| at_ms + ms as f64),
                    origin,
                    ..Park::default()
                });
            }
            // The engine has no waker of its own in the OS: what a park
            // brings back are socket events.
            Event::Unpark { events } if *events > 0 => {
                if let Some(park) = observed.parks.last_mut() {
                    park.woken = Woken::Sockets(*events);
                    park.note = match events {
                        1 => "1 socket event".to_string(),
                        n => format!("{n} socket events"),
                    };
                }
            }
            Event::Syscall(syscall) => {
                let op = match syscall.op.as_str() {
                    "accept" => IoOp::Accept,
                    "read" => IoOp::Read,
                    _ => continue,
                };
                let outcome = match &syscall.outcome {
                    Outcome::WouldBlock => IoOutcome::WouldBlock,
                    Outcome::Ok { bytes } => IoOutcome::Ok {
                        bytes: if op == IoOp::Accept { None } else { *bytes },
                    },
                    Outcome::Failed { error } => IoOutcome::Failed(error.clone()),
                };
                observed.io.push(IoCall {
                    op,
                    outcome,
                    origin,
                });
            }
            Event::Register {
                readable,
                writable,
                resource,
                ..
            } => observed.registrations.push(Registration {
                readable: *readable,
                writable: *writable,
                origin: format!("{origin} ({resource})"),
            }),
            _ => {}
        }
    }
    observed
}
