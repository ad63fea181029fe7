//! [`Engine`]: one scenario on one runtime, advanced by the caller.
//!
//! This is what the server drives for each browser session: `load` builds
//! the runtime and spawns the scenario's `main` (no action yet), then every
//! `step` performs exactly one action of the event loop and returns its
//! records. The run ends when `main` completes, or with one `error` record
//! (a panic in `main`, an OS error, a script error, a deadlock, or the
//! record limit); then every task is dropped, so sockets close.

use std::rc::Rc;
use std::time::Duration;

use reactor_protocol::{Event, Record, Snapshot};

use crate::runtime::core::{Core, CoreOptions};
use crate::runtime::{self, ClockMode, DEFAULT_IO_WAIT_CAP, Runtime, context, event_loop};
use crate::scenario::{self, MainResult, Setup};
use crate::task::{self, JoinHandle};
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

/// Settings for one engine.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Stop with one `error` record once this many records exist.
    pub max_records: u64,
    /// Virtual (default: deterministic) or real clock.
    pub clock: ClockMode,
    /// Longest single wait for an OS event the script made sure will come.
    pub io_wait_cap: Duration,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            max_records: DEFAULT_MAX_RECORDS,
            clock: ClockMode::Virtual,
            io_wait_cap: DEFAULT_IO_WAIT_CAP,
        }
    }
}

/// One runtime running one scenario, advanced by the caller.
pub struct Engine {
    runtime: Runtime,
    main: JoinHandle<MainResult>,
    max_records: u64,
    done: bool,
}

impl Engine {
    /// Build the runtime for a scenario, before its first action.
    pub fn load(scenario: &str, options: EngineOptions) -> Result<Engine, LoadError> {
        let entry = scenario::find(scenario)
            .ok_or_else(|| LoadError::UnknownScenario(scenario.to_string()))?;
        Engine::with_setup(entry.setup, options)
    }

    /// Build an engine for any scenario setup (the built-ins, or tests' own).
    pub(crate) fn with_setup(
        setup: fn() -> Setup,
        options: EngineOptions,
    ) -> Result<Engine, LoadError> {
        let core_options = CoreOptions {
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
        let main = task::spawn_main(&core, setup.main);
        Ok(Engine {
            runtime,
            main,
            max_records: options.max_records,
            done: false,
        })
    }

    /// Advance by exactly one action and return its records. After the
    /// end, returns nothing.
    pub fn step(&mut self) -> Vec<Record> {
        if self.done {
            return Vec::new();
        }
        let core = Rc::clone(self.runtime.core());
        let _enter = context::enter(&core);
        let acted = event_loop::step(&core);
        self.check_end(&core, acted);
        core.recorder.borrow_mut().take()
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

    /// The whole visible state.
    pub fn snapshot(&self) -> Snapshot {
        runtime::snapshot(self.runtime.core(), self.done)
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
                // The panic already has its `error` record, from the task harness.
                Some(Err(_)) => {}
            }
        }
        self.done = true;
        core.shutdown();
    }
}

#[cfg(test)]
mod tests;
