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

use std::any::Any;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::thread;

use reactor_engine::{LabRun, LabRunOptions, LoadError};
use reactor_protocol::{Command, Outline, Record, ServerFrame, Snapshot};
use tokio::sync::mpsc;

use super::admission::Slot;
use super::outgoing::Outgoing;
use super::request::Request;
use super::seek::{SeekableRun, Window, outline_of};

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
        } = self;
        thread::Builder::new()
            .name(format!("session-{session}"))
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

/// The engine a session has loaded, which scenario it runs (for `reset`
/// and for starting again when a seek goes back), and its whole run's shape.
struct Loaded {
    scenario: String,
    run: SeekableRun,
    outline: Outline,
}

/// The engine thread's state: carries out requests against the loaded engine.
struct EngineThread {
    loaded: Option<Loaded>,
    options: LabRunOptions,
    frames: mpsc::Sender<Outgoing>,
}

impl EngineThread {
    fn answer(&mut self, request: Request) -> Result<(), Disconnected> {
        match request {
            Request::Invalid(message) => self.send(&ServerFrame::Error { message }),
            Request::Command(Command::Load { scenario, seed }) => {
                // Kept for `reset` and for a seek that starts again.
                self.options.seed = seed;
                self.load(scenario)
            }
            Request::Command(Command::Reset) => match &self.loaded {
                Some(loaded) => self.load(loaded.scenario.clone()),
                None => self.error(NOTHING_LOADED.to_owned()),
            },
            Request::Command(Command::Step) => self.advance(LabRun::step),
            Request::Command(Command::Turn) => self.advance(LabRun::turn),
            Request::Command(Command::Run) => self.advance(LabRun::run),
            Request::Command(Command::Seek { records, have }) => self.seek(records, have),
        }
    }

    /// Build a fresh engine; only once it exists does it replace the old one,
    /// so a failed `load` leaves the session where it was.
    fn load(&mut self, scenario: String) -> Result<(), Disconnected> {
        let options = self.options.clone();
        let built = catch_unwind(AssertUnwindSafe(|| {
            let outline = outline_of(&scenario, options.clone())?;
            Ok::<_, LoadError>((LabRun::load(&scenario, options)?, outline))
        }));
        let (engine, outline) = match built {
            Ok(Ok(built)) => built,
            Ok(Err(error)) => return self.error(format!("{error}: {}", known_scenarios())),
            Err(panic) => return self.error(format!("the engine failed: {}", describe(&*panic))),
        };
        let state = engine.snapshot();
        self.send(&ServerFrame::Loaded {
            scenario: scenario.clone(),
        })?;
        self.send(&ServerFrame::Outline(outline.clone()))?;
        self.loaded = Some(Loaded {
            scenario,
            run: SeekableRun::new(engine),
            outline,
        });
        self.send(&ServerFrame::Snapshot { state })
    }

    /// Bring the engine to the action that shows `records` records (see
    /// [`super::seek`]), and say `done` if the run is over.
    fn seek(&mut self, records: u64, have: u64) -> Result<(), Disconnected> {
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
                let restarted = LabRun::load(&loaded.scenario, self.options.clone())
                    .map_err(|error| SeekStopped::CannotRestart(error.to_string()))?;
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
            Ok(Err(SeekStopped::CannotRestart(message))) => {
                self.error(format!("the scenario could not start again: {message}"))
            }
            Err(panic) => {
                self.loaded = None;
                self.error(format!(
                    "the engine failed ({}) and was dropped: load a scenario to start again",
                    describe(&*panic)
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
                    describe(&*panic)
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
        self.send(&ServerFrame::Error { message })
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
    /// The engine had to start again and could not be built: why.
    CannotRestart(String),
}

fn known_scenarios() -> String {
    let ids: Vec<&str> = reactor_engine::scenarios()
        .iter()
        .map(|info| info.id)
        .collect();
    format!("the scenarios are {}", ids.join(", "))
}

/// The message of a caught panic, when it has one.
fn describe(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}
