//! [`LabRun`]: one built-in scenario on one runtime, advanced one action at
//! a time by the caller — what the server runs per browser session.
//!
//! ```text
//!   LabRun   one scenario, stepped by the caller; knows when the run is over
//!     └── Runtime   the general API: block_on runs a future to its end
//!           └── Core   the parts: executor, driver, timers, clock, recorder
//! ```
//!
//! `load` builds the runtime and spawns the scenario's `main` (no action
//! yet), then every `step` performs exactly one action of the event loop
//! and returns its records. The run ends when `main` completes, or with one
//! `error` record (a panic in `main`, an OS error, a script error, a
//! deadlock, or the record limit); then every task is dropped, so sockets
//! close. From then on the snapshot shows the tasks as the run left them:
//! one that never finished stays idle (or queued) with its `waits`, instead
//! of looking complete because its future was dropped.

use std::rc::Rc;
use std::time::Duration;

use reactor_protocol::export::{RecordedAction, RecordedRun, RunAbout};
use reactor_protocol::{Event, Park, PoolView, Record, Snapshot, TaskId, TaskView};

use crate::runtime::core::{Core, CoreOptions};
use crate::runtime::{self, ClockMode, DEFAULT_IO_WAIT_CAP, Flavor, Runtime, context, event_loop};
use crate::scenario::{self, MainResult, Setup};
use crate::task::JoinHandle;
use crate::{DEFAULT_MAX_RECORDS, LoadError, ScenarioInfo};

/// The built-in scenarios.
pub fn scenarios() -> &'static [ScenarioInfo] {
    static INFOS: std::sync::OnceLock<Vec<ScenarioInfo>> = std::sync::OnceLock::new();
    INFOS.get_or_init(|| {
        scenario::SCENARIOS
            .iter()
            .map(|scenario| scenario.info.clone())
            .collect()
    })
}

/// Settings for one [`LabRun`].
#[derive(Clone, Debug)]
pub struct LabRunOptions {
    /// Stop with one `error` record once this many records exist.
    pub max_records: u64,
    /// Virtual (default: deterministic) or real clock.
    pub clock: ClockMode,
    /// Longest single wait for an OS event the script made sure will come.
    pub io_wait_cap: Duration,
    /// A multi-thread scenario's interleaving of its workers' actions
    /// (0: round-robin); other seeds give other valid orders.
    pub seed: u64,
}

impl Default for LabRunOptions {
    fn default() -> Self {
        LabRunOptions {
            max_records: DEFAULT_MAX_RECORDS,
            clock: ClockMode::Virtual,
            io_wait_cap: DEFAULT_IO_WAIT_CAP,
            seed: 0,
        }
    }
}

/// A program from outside the engine — a playground program, interpreted:
/// its `main` future and the peer at the other end of its sockets.
pub struct Program {
    /// `block_on`'s future; `Err` ends the run with an `error` record.
    pub main: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>>>>,
    /// The world outside the program, if it uses sockets.
    pub peer: Option<crate::Peer>,
}

/// One built-in scenario on one runtime, advanced one action at a time by
/// the caller — what the server runs per browser session.
pub struct LabRun {
    runtime: Runtime,
    main: JoinHandle<MainResult>,
    max_records: u64,
    /// The park in force after the last step, by the records' rule.
    park: Option<Park>,
    done: bool,
    /// The tasks, the run queue and the pool when the run ended, before
    /// shutdown dropped every future.
    left: Option<Left>,
}

/// What a finished run's snapshot keeps of the moment it ended.
struct Left {
    tasks: Vec<TaskView>,
    run_queue: Vec<TaskId>,
    pool: Option<PoolView>,
}

impl LabRun {
    /// Build the runtime for a scenario, before its first action.
    pub fn load(scenario: &str, options: LabRunOptions) -> Result<LabRun, LoadError> {
        let entry = scenario::find(scenario)
            .ok_or_else(|| LoadError::UnknownScenario(scenario.to_string()))?;
        LabRun::on_flavor(entry.setup, entry.workers, options)
    }

    /// Build a run of a program from outside the engine, on one thread or
    /// on a pool of `workers`. `build` is called inside the new runtime.
    pub fn load_program(
        build: impl FnOnce() -> Program,
        workers: Option<u32>,
        options: LabRunOptions,
    ) -> Result<LabRun, LoadError> {
        let setup = move || {
            let program = build();
            Setup {
                main: program.main,
                script: program
                    .peer
                    .map(|peer| Box::new(peer) as Box<dyn crate::runtime::script::Script>),
            }
        };
        LabRun::on_flavor(setup, workers, options)
    }

    /// Build a current-thread lab run for any scenario setup (tests' own).
    #[cfg(test)]
    pub(crate) fn with_setup(
        setup: fn() -> Setup,
        options: LabRunOptions,
    ) -> Result<LabRun, LoadError> {
        LabRun::on_flavor(setup, None, options)
    }

    /// Build a lab run on one thread, or on a pool of `workers`.
    pub(crate) fn on_flavor(
        setup: impl FnOnce() -> Setup,
        workers: Option<u32>,
        options: LabRunOptions,
    ) -> Result<LabRun, LoadError> {
        let flavor = match workers {
            None => Flavor::CurrentThread,
            Some(workers) => Flavor::MultiThread {
                workers,
                seed: options.seed,
            },
        };
        let core_options = CoreOptions {
            flavor,
            clock: options.clock,
            recording: true,
            max_records: Some(options.max_records),
            io_wait_cap: options.io_wait_cap,
            event_capacity: crate::io::driver::DEFAULT_EVENT_CAPACITY,
        };
        let core =
            Rc::new(Core::new(&core_options).map_err(|error| LoadError::Io(error.to_string()))?);
        let runtime = Runtime::from_core(Rc::clone(&core));
        let _enter = context::enter(&core);
        let setup = setup();
        *core.script.borrow_mut() = setup.script;
        let main = core.spawn_main(setup.main);
        Ok(LabRun {
            runtime,
            main,
            max_records: options.max_records,
            park: None,
            done: false,
            left: None,
        })
    }

    /// Advance by exactly one action and return its records. After the
    /// end, returns nothing.
    pub fn step(&mut self) -> Vec<Record> {
        if self.done {
            return Vec::new();
        }
        let core = Rc::clone(self.runtime.core());
        let _driving = context::enter_to_drive(&core);
        let acted = event_loop::step(&core);
        self.check_end(&core, acted);
        let records = core.recorder.borrow_mut().take();
        self.park = Park::after(self.park.as_ref(), &records);
        records
    }

    /// Advance to the end of the current event-loop turn.
    pub fn turn(&mut self) -> Vec<Record> {
        let start = event_loop::turn(self.runtime.core());
        let mut records = Vec::new();
        while !self.done && event_loop::turn(self.runtime.core()) == start {
            records.extend(self.step());
        }
        records
    }

    /// Run to completion.
    pub fn run(&mut self) -> Vec<Record> {
        let mut records = Vec::new();
        while !self.done {
            records.extend(self.step());
        }
        records
    }

    /// Run to completion, keeping the state after every action: what a
    /// trace file and a Chrome trace are written from (`reactor_protocol::export`).
    pub fn run_recorded(mut self, about: RunAbout) -> RecordedRun {
        let start = self.snapshot();
        let mut actions = Vec::new();
        while !self.done {
            let records = self.step();
            actions.push(RecordedAction {
                records,
                after: self.snapshot(),
            });
        }
        RecordedRun {
            about,
            start,
            actions,
        }
    }

    /// The whole visible state.
    pub fn snapshot(&self) -> Snapshot {
        let mut snapshot = runtime::snapshot(self.runtime.core(), self.park.clone(), self.done);
        if let Some(left) = &self.left {
            snapshot.tasks.clone_from(&left.tasks);
            snapshot.run_queue.clone_from(&left.run_queue);
            snapshot.pool.clone_from(&left.pool);
        }
        snapshot
    }

    /// Whether the scenario has completed (or ended in an error).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Decide whether the run is over after a step, and clean up if so.
    fn check_end(&mut self, core: &Core, acted: bool) {
        if core.recorder.borrow().overflowed() {
            let message = format!(
                "the trace reached its limit of {} records",
                self.max_records
            );
            core.recorder.borrow_mut().record_past_limit(Event::Error {
                task: None,
                message,
            });
        } else if acted && core.state.borrow().failure.is_none() {
            match self.main.try_take() {
                None => return,
                Some(Ok(Ok(()))) => {}
                Some(Ok(Err(message))) => core.fail(message),
                // The panic already has its `error` record, from the loop's poll.
                Some(Err(_)) => {}
            }
        }
        self.done = true;
        let left = runtime::snapshot(core, None, true);
        self.left = Some(Left {
            tasks: left.tasks,
            run_queue: left.run_queue,
            pool: left.pool,
        });
        core.shutdown();
    }
}

#[cfg(test)]
mod tests;
