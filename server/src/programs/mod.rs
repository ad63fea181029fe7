//! Playground programs: a learner's async Rust, compiled by
//! `reactor_playground` and run as real futures on the engine.
//!
//! ```text
//!  POST /api/run {program, peer} ─▶ body ≤ 64 KiB ─▶ RunGate turn ─▶ a thread of its own:
//!                                                        compile ─▶ run to the end (≤ 5 s) ─▶ Trace
//!  /ws {"cmd":"load","program":…} ─▶ engine thread ─▶ RunGate turn ─▶ compile ─▶ outline run ─▶ loaded
//! ```
//!
//! A [`reactor_playground::Compiled`] is not `Send`: it is made, loaded and
//! dropped on the one thread that runs it (a thread of its own for HTTP,
//! the session's engine thread for a WebSocket), each with the stack the
//! interpreter may use and the engine's on top
//! ([`ProgramLimits::thread_stack_bytes`]). What crosses threads is the
//! text. Every run takes a turn from the [`RunGate`], so a burst of
//! programs queues (boundedly) instead of taking every core. A run's CPU
//! is bounded by the playground (its interpreter steps in all); the
//! server stops a whole run after [`ProgramLimits::max_run_time`] of real
//! time besides, whatever the playground's limits are set to.

mod gate;
mod limits;

use std::time::{Duration, Instant};

use axum::body::Bytes;
use reactor_engine::{LabRun, LabRunOptions};
use reactor_playground::{Compiled, ProgramError};
use reactor_protocol::api::{PROGRAM, ProgramFault, RunRequest};
use reactor_protocol::export::{
    Format, ProgramText, RecordedAction, RecordedRun, RunAbout, chrome, trace_file,
};
use reactor_protocol::{Record, Snapshot};
use reactor_protocol::{ServerFrame, Trace};

pub(crate) use gate::RunGate;
pub use limits::{
    DEFAULT_MAX_CONCURRENT_RUNS, DEFAULT_MAX_RUN_BODY_BYTES, DEFAULT_MAX_RUN_TIME,
    DEFAULT_MAX_WAITING_RUNS, DEFAULT_RUN_WAIT_TIMEOUT, ENGINE_STACK_BYTES, ProgramFlags,
    ProgramLimits,
};

/// What every program run on this server shares.
pub(crate) struct Programs {
    /// The bounds.
    pub(crate) limits: ProgramLimits,
    /// Turns to run.
    pub(crate) gate: RunGate,
    /// The server's `--max-records`, passed to every run (the playground's
    /// own `max_records` may lower it).
    max_records: u64,
    /// How long a request body may take to arrive (the server's header-read timeout).
    pub(crate) body_timeout: Duration,
}

/// Why `POST /api/run` has no trace to answer with.
#[derive(Debug)]
pub(crate) enum RunFailed {
    /// The program (or its peer description) does not compile.
    Refused(ProgramFault),
    /// The run took more real time than [`ProgramLimits::max_run_time`].
    TooLong(String),
    /// The engine could not start, or the trace could not be written.
    Broken(String),
}

impl Programs {
    /// Programs bounded by `limits`; runs stop at `max_records` records.
    pub(crate) fn new(limits: ProgramLimits, max_records: u64, body_timeout: Duration) -> Programs {
        Programs {
            gate: RunGate::new(&limits),
            limits,
            max_records,
            body_timeout,
        }
    }

    /// Compile `program` with its `peer` description.
    pub(crate) fn compile(&self, program: &str, peer: &str) -> Result<Compiled, ProgramFault> {
        reactor_playground::compile(program, peer, &self.limits.playground).map_err(fault)
    }

    /// The options every run of a program starts with.
    pub(crate) fn options(&self, seed: u64) -> LabRunOptions {
        LabRunOptions {
            max_records: self.max_records,
            seed,
            ..LabRunOptions::default()
        }
    }

    /// Compile and run `request` to its end on this thread (one with
    /// [`ProgramLimits::thread_stack_bytes`] of stack): the JSON [`Trace`]
    /// `POST /api/run` answers with.
    pub(crate) fn trace(&self, request: &RunRequest, format: Format) -> Result<Bytes, RunFailed> {
        let compiled = self
            .compile(&request.program, &request.peer)
            .map_err(RunFailed::Refused)?;
        let mut engine = compiled
            .load(self.options(request.seed))
            .map_err(|error| RunFailed::Broken(format!("the program could not start: {error}")))?;
        let about = RunAbout {
            scenario: PROGRAM.to_owned(),
            seed: request.seed,
            program: Some(ProgramText {
                source: request.program.clone(),
                peer: request.peer.clone(),
            }),
        };
        let mut run = RecordedRun {
            about,
            start: engine.snapshot(),
            actions: Vec::new(),
        };
        run_to_end(&mut engine, self.limits.max_run_time, |engine, records| {
            // Only the file formats need the state after every action.
            let after = match format {
                Format::Json => Snapshot::default(),
                Format::Jsonl | Format::Chrome => engine.snapshot(),
            };
            run.actions.push(RecordedAction { records, after });
        })
        .map_err(RunFailed::TooLong)?;
        let body = match format {
            Format::Json => serde_json::to_vec(&Trace {
                scenario: PROGRAM.to_owned(),
                records: run.records().cloned().collect(),
                final_state: engine.snapshot(),
            })
            .map_err(|error| RunFailed::Broken(error.to_string()))?,
            Format::Jsonl => trace_file::write(&run, None).into_bytes(),
            Format::Chrome => chrome::write(&run).into_bytes(),
        };
        Ok(Bytes::from(body))
    }
}

/// Step `engine` to its end, handing `each` every action's records, for at
/// most `max_time` of real time.
///
/// # Errors
/// The run was still going after `max_time`: a message for the learner.
pub(crate) fn run_to_end(
    engine: &mut LabRun,
    max_time: Duration,
    mut each: impl FnMut(&LabRun, Vec<Record>),
) -> Result<(), String> {
    let started = Instant::now();
    let mut records = 0_usize;
    while !engine.is_done() {
        if started.elapsed() > max_time {
            let virtual_ms = engine.snapshot().time_ms;
            return Err(format!(
                "the program ran for more than {} s of the server's time and was stopped \
                 after {records} records, at {virtual_ms} ms of virtual time: a loop that \
                 barely waits keeps the runtime busy; make it shorter",
                max_time.as_secs_f32()
            ));
        }
        let action = engine.step();
        records += action.len();
        each(engine, action);
    }
    Ok(())
}

/// The playground's refusal as the protocol spells it.
pub(crate) fn fault(error: ProgramError) -> ProgramFault {
    ProgramFault {
        message: error.message,
        line: error.line,
        column: error.column,
        in_peer: error.in_peer,
    }
}

/// The `error` frame that answers a session's `load` of a program that
/// does not compile: the message with its place.
pub(crate) fn fault_frame(fault: ProgramFault) -> ServerFrame {
    ServerFrame::Error {
        message: fault.message,
        line: Some(fault.line),
        column: Some(fault.column),
        in_peer: fault.in_peer,
    }
}
