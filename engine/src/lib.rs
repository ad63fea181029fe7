//! Reactor Lab's engine: a real, step-able runtime in Tokio's shape.
//!
//! PLACEHOLDER API, to be replaced by the real runtime (issue 3). The public
//! surface below is the contract the server codes against.

use reactor_protocol::{Record, Snapshot};

/// A built-in scenario the engine can run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioInfo {
    /// Stable id, such as `tcp_read`.
    pub id: &'static str,
    /// Title for people.
    pub title: &'static str,
    /// One-sentence summary.
    pub summary: &'static str,
}

/// The built-in scenarios.
pub fn scenarios() -> &'static [ScenarioInfo] {
    &[]
}

/// Why an engine could not be created.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// No scenario has that id.
    #[error("unknown scenario `{0}`")]
    UnknownScenario(String),
}

/// Settings for one engine.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Stop with an `error` record once this many records exist.
    pub max_records: u64,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            max_records: 100_000,
        }
    }
}

/// One runtime running one scenario, advanced by the caller.
pub struct Engine {
    done: bool,
}

impl Engine {
    /// Build the runtime for a scenario, before its first action.
    pub fn load(scenario: &str, _options: EngineOptions) -> Result<Engine, LoadError> {
        Err(LoadError::UnknownScenario(scenario.to_string()))
    }
    /// Advance by exactly one action.
    pub fn step(&mut self) -> Vec<Record> {
        Vec::new()
    }
    /// Advance to the end of the current turn.
    pub fn turn(&mut self) -> Vec<Record> {
        Vec::new()
    }
    /// Run to completion.
    pub fn run(&mut self) -> Vec<Record> {
        Vec::new()
    }
    /// The whole visible state.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::default()
    }
    /// Whether the scenario has completed.
    pub fn is_done(&self) -> bool {
        self.done
    }
}
