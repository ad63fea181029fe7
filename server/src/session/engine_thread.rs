//! The thread that owns one session's engine.
//!
//! ```text
//!   socket task (async)                         engine thread (blocking)
//!   ───────────────────                         ────────────────────────
//!   text frame ─parse─▶ Request ══requests══▶  blocking_recv
//!                                               LabRun::step / turn / run
//!   socket.send ◀── Outgoing ◀════frames═══    blocking_send, one per frame
//!                (JSON text + its FrameType)    (each encoded once, here)
//! ```
//!
//! Both channels are bounded. The engine thread may block (in epoll, or on a
//! full `frames` channel when the client reads slowly); the socket task never
//! waits on it. When the socket task ends it drops its channel ends: the
//! thread's next `blocking_recv` or `blocking_send` fails, the thread returns,
//! and dropping the engine closes every socket the scenario opened.
//!
//! Each command is answered in order with its `record` frames, a `snapshot`,
//! and `done` once the scenario has completed. A panic inside the engine is
//! caught and reported as an `error` frame; the session survives it.
//!
//! A playground program's `load` first takes a turn from the server's
//! [`RunGate`](crate::programs::RunGate) (waiting for one here, on this
//! thread) for its compilation and its outline's whole run; the frames
//! that answer it are sent once the turn is given back. A program that
//! does not compile is answered with an `error` frame carrying its place,
//! and whatever was loaded before stays loaded.
//!
//! The `loaded` frame that answers a `load` carries beside its text what
//! was loaded and with which seed ([`Outgoing::loads`]): a classroom
//! presenter's room keeps it as a move of its lecture.

use std::any::Any;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::thread;

use reactor_engine::{LabRun, LabRunOptions};
use reactor_protocol::export::lecture::Shown;
use reactor_protocol::{Command, Record, ServerFrame, Snapshot};
use tokio::runtime::Handle;
use tokio::sync::mpsc;

use super::admission::Slot;
use super::loaded::{Loaded, Source};
use super::outgoing::Outgoing;
use super::request::Request;
use super::seek::{SeekableRun, Window};
use crate::programs::{Programs, fault_frame};

/// What a client must do before stepping.
const NOTHING_LOADED: &str =
    "no scenario is loaded: send {\"cmd\":\"load\",\"scenario\":\"tcp_read\"} first";

/// Everything the thread is handed when it starts.
pub(crate) struct EngineThreadStart {
    /// Used to name the thread, `session-<id>`, as seen in `top -H` and in logs.
    pub(crate) session: u64,
    /// Passed to every engine the session loads.
    pub(crate) max_records: u64,
    /// Commands from the socket task.
    pub(crate) requests: mpsc::Receiver<Request>,
    /// Encoded [`ServerFrame`]s back to the socket task.
    pub(crate) frames: mpsc::Sender<Outgoing>,
    /// The session's place under the session caps, given back when the thread ends.
    pub(crate) slot: Slot,
    /// The server's playground programs: their limits and turns to run.
    pub(crate) programs: Arc<Programs>,
    /// The server's runtime, whose timers bound a wait for a turn.
    pub(crate) runtime: Handle,
}

impl EngineThreadStart {
    /// Start the thread. Fails only if the OS refuses a new thread.
    pub(crate) fn spawn(self) -> io::Result<()> {
        let EngineThreadStart {
            session,
            max_records,
            mut requests,
            frames,
            slot,
            programs,
            runtime,
        } = self;
        thread::Builder::new()
            .name(format!("session-{session}"))
            .stack_size(programs.limits.thread_stack_bytes())
            .spawn(move || {
                let _slot = slot;
                let options = LabRunOptions {
                    max_records,
                    ..LabRunOptions::default()
                };
                let mut engine_thread = EngineThread {
                    loaded: None,
                    options,
                    frames,
                    programs,
                    runtime,
                };
                while let Some(request) = requests.blocking_recv() {
                    if engine_thread.answer(request).is_err() {
                        break;
                    }
                }
                tracing::debug!(session, "engine thread ends");
            })?;
        Ok(())
    }
}

/// The socket task has gone; there is nobody left to answer.
struct Disconnected;

/// The engine thread's state: carries out requests against the loaded engine.
struct EngineThread {
    loaded: Option<Loaded>,
    /// Every engine's options but the seed, which is the loaded run's.
    options: LabRunOptions,
    frames: mpsc::Sender<Outgoing>,
    programs: Arc<Programs>,
    runtime: Handle,
}

impl EngineThread {
    fn answer(&mut self, request: Request) -> Result<(), Disconnected> {
        match request {
            Request::Invalid(message) => self.error(message),
            Request::Command(Command::Load { scenario, seed }) => {
                let shown = Shown::Load {
                    scenario: scenario.clone(),
                    seed,
                };
                match self.build(Source::Scenario(scenario), seed) {
                    Ok(loaded) => self.show(loaded, Some(shown)),
                    Err(message) => self.error(message),
                }
            }
            Request::Command(Command::LoadProgram {
                program,
                peer,
                seed,
            }) => self.load_program(program, peer, seed),
            Request::Command(Command::Reset) => self.reset(),
            Request::Command(Command::Step) => self.advance(LabRun::step),
            Request::Command(Command::Turn) => self.advance(LabRun::turn),
            Request::Command(Command::Run) => self.advance(LabRun::run),
            Request::Command(Command::Seek { records, have }) => self.seek(records, have),
        }
    }

    /// The options of a run with `seed`.
    fn options(&self, seed: u64) -> LabRunOptions {
        LabRunOptions {
            seed,
            ..self.options.clone()
        }
    }

    /// Build a fresh engine and its outline for `source`. Nothing is
    /// replaced yet, so a failed `load` leaves the session where it was.
    fn build(&self, source: Source, seed: u64) -> Result<Loaded, String> {
        let options = self.options(seed);
        let max_time = self.programs.limits.max_run_time;
        let built = catch_unwind(AssertUnwindSafe(|| {
            let outline = source.outline(options.clone(), max_time)?;
            let engine = source
                .start(options)
                .map_err(|error| source.cannot_start(&error))?;
            Ok::<_, String>((engine, outline))
        }));
        match built {
            Ok(Ok((engine, outline))) => Ok(Loaded {
                source,
                seed,
                run: SeekableRun::new(engine),
                outline,
            }),
            Ok(Err(message)) => Err(message),
            Err(panic) => Err(format!("the engine failed: {}", describe_panic(&*panic))),
        }
    }

    /// Compile a program and build its run, in a turn of the server's
    /// [`RunGate`](crate::programs::RunGate); answer once the turn is back.
    fn load_program(
        &mut self,
        program: String,
        peer: String,
        seed: u64,
    ) -> Result<(), Disconnected> {
        let built = match self.programs.gate.enter_blocking(&self.runtime) {
            Ok(_turn) => {
                let compiled =
                    catch_unwind(AssertUnwindSafe(|| self.programs.compile(&program, &peer)));
                match compiled {
                    Ok(Ok(compiled)) => self.build(Source::Program(compiled), seed),
                    Ok(Err(fault)) => return self.send(&fault_frame(fault)),
                    Err(panic) => Err(format!(
                        "the playground failed on this program ({}); please report it",
                        describe_panic(&*panic)
                    )),
                }
            }
            Err(busy) => Err(busy.message()),
        };
        let shown = Shown::Program {
            program,
            peer,
            seed,
        };
        match built {
            Ok(loaded) => self.show(loaded, Some(shown)),
            Err(message) => self.error(message),
        }
    }

    /// Make `loaded` the session's run and answer with its start:
    /// `loaded` (saying what a `load` loaded: `shown`), `outline`, `snapshot`.
    fn show(&mut self, loaded: Loaded, shown: Option<Shown>) -> Result<(), Disconnected> {
        let state = loaded.run.engine.snapshot();
        let frame = Outgoing::encode(&ServerFrame::Loaded {
            scenario: loaded.source.name().to_owned(),
        });
        self.frames
            .blocking_send(frame.loading(shown))
            .map_err(|_| Disconnected)?;
        self.send(&ServerFrame::Outline(loaded.outline.clone()))?;
        self.loaded = Some(loaded);
        self.send(&ServerFrame::Snapshot { state })
    }

    /// Start the loaded run again from its beginning (its outline stays:
    /// runs are deterministic).
    fn reset(&mut self) -> Result<(), Disconnected> {
        let Some(loaded) = self.loaded.take() else {
            return self.error(NOTHING_LOADED.to_owned());
        };
        let options = self.options(loaded.seed);
        let started = catch_unwind(AssertUnwindSafe(|| loaded.source.start(options)));
        let failure = match started {
            Ok(Ok(engine)) => {
                let restarted = Loaded {
                    run: SeekableRun::new(engine),
                    ..loaded
                };
                return self.show(restarted, None);
            }
            Ok(Err(error)) => loaded.source.cannot_start(&error),
            Err(panic) => format!("the engine failed: {}", describe_panic(&*panic)),
        };
        self.loaded = Some(loaded);
        self.error(failure)
    }

    /// Bring the engine to the action that shows `records` records (see
    /// [`super::seek`]), and say `done` if the run is over.
    fn seek(&mut self, records: u64, have: u64) -> Result<(), Disconnected> {
        let options = self.options(self.loaded.as_ref().map_or(0, |loaded| loaded.seed));
        let Some(loaded) = &mut self.loaded else {
            return self.error(NOTHING_LOADED.to_owned());
        };
        let window = Window::of(&loaded.outline, records);
        let frames = &self.frames;
        let send = |frame: &ServerFrame| {
            frames
                .blocking_send(Outgoing::encode(frame))
                .map_err(|_| Disconnected)
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if loaded.run.is_past(window) {
                let restarted = loaded.source.start(options).map_err(|error| {
                    SeekStopped::CannotRestart(loaded.source.what(), error.to_string())
                })?;
                loaded.run = SeekableRun::new(restarted);
                if window.first == 0 {
                    let state = loaded.run.engine.snapshot();
                    send(&ServerFrame::Snapshot { state }).map_err(|_| SeekStopped::ClientGone)?;
                }
            }
            loaded
                .run
                .advance_to(window, have, |frame| send(&frame))
                .map_err(|_| SeekStopped::ClientGone)?;
            Ok(loaded.run.engine.is_done())
        }));
        match outcome {
            Ok(Ok(true)) => self.send(&ServerFrame::Done),
            Ok(Ok(false)) => Ok(()),
            Ok(Err(SeekStopped::ClientGone)) => Err(Disconnected),
            Ok(Err(SeekStopped::CannotRestart(what, message))) => {
                self.error(format!("the {what} could not start again: {message}"))
            }
            Err(panic) => {
                self.loaded = None;
                self.error(format!(
                    "the engine failed ({}) and was dropped: load a scenario to start again",
                    describe_panic(&*panic)
                ))
            }
        }
    }

    /// Run one of the engine's advancing methods and stream what it recorded.
    fn advance(&mut self, how: fn(&mut LabRun) -> Vec<Record>) -> Result<(), Disconnected> {
        let Some(loaded) = &mut self.loaded else {
            return self.error(NOTHING_LOADED.to_owned());
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| advance(&mut loaded.run, how)));
        let (records, state, done) = match outcome {
            Ok(outcome) => outcome,
            Err(panic) => {
                self.loaded = None;
                return self.error(format!(
                    "the engine failed ({}) and was dropped: load a scenario to start again",
                    describe_panic(&*panic)
                ));
            }
        };
        for record in records {
            self.send(&ServerFrame::Record { record })?;
        }
        self.send(&ServerFrame::Snapshot { state })?;
        if done {
            self.send(&ServerFrame::Done)?;
        }
        Ok(())
    }

    fn error(&self, message: String) -> Result<(), Disconnected> {
        self.send(&ServerFrame::error(message))
    }

    fn send(&self, frame: &ServerFrame) -> Result<(), Disconnected> {
        self.frames
            .blocking_send(Outgoing::encode(frame))
            .map_err(|_| Disconnected)
    }
}

/// The records one advance produced, the state after it, and whether the scenario is over.
fn advance(
    run: &mut SeekableRun,
    how: fn(&mut LabRun) -> Vec<Record>,
) -> (Vec<Record>, Snapshot, bool) {
    let records = run.advance(how);
    (records, run.engine.snapshot(), run.engine.is_done())
}

/// Why a seek stopped early.
enum SeekStopped {
    /// The client has gone: nobody to answer.
    ClientGone,
    /// The engine had to start again and could not be built: what it runs, and why.
    CannotRestart(&'static str, String),
}

/// The message of a caught panic, when it has one.
pub(crate) fn describe_panic(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}
