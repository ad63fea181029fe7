//! What a session has loaded: a built-in scenario or a playground program,
//! kept to start it again (`reset`, a seek back), with its run and outline.
//!
//! ```text
//!   {"cmd":"load","scenario":"tcp_read"}      ─▶ Source::Scenario("tcp_read")
//!   {"cmd":"load","program":"…","peer":"…"}   ─▶ compile ─▶ Source::Program(Compiled)
//!         each: throwaway run to the end ─▶ Outline;  fresh engine ─▶ SeekableRun
//! ```
//!
//! A [`Compiled`] program is not `Send`; it lives and dies on the engine
//! thread that compiled it, as the engines it loads do.

use std::time::Duration;

use reactor_engine::{LabRun, LabRunOptions, LoadError};
use reactor_playground::Compiled;
use reactor_protocol::api::PROGRAM;
use reactor_protocol::{Outline, OutlineBuilder};

use super::seek::SeekableRun;
use crate::programs::run_to_end;

/// What a session runs.
pub(crate) enum Source {
    /// A built-in scenario, by id.
    Scenario(String),
    /// A compiled playground program.
    Program(Compiled),
}

/// The engine a session has loaded, what it runs (for `reset` and for
/// starting again when a seek goes back), with which interleaving, and its
/// whole run's shape.
pub(crate) struct Loaded {
    pub(crate) source: Source,
    pub(crate) seed: u64,
    pub(crate) run: SeekableRun,
    pub(crate) outline: Outline,
}

impl Source {
    /// What the `loaded` frame calls it: the scenario id, or `"program"`.
    pub(crate) fn name(&self) -> &str {
        match self {
            Source::Scenario(id) => id,
            Source::Program(_) => PROGRAM,
        }
    }

    /// "scenario" or "program", for messages.
    pub(crate) fn what(&self) -> &'static str {
        match self {
            Source::Scenario(_) => "scenario",
            Source::Program(_) => PROGRAM,
        }
    }

    /// A fresh engine at the start of the run.
    pub(crate) fn start(&self, options: LabRunOptions) -> Result<LabRun, LoadError> {
        match self {
            Source::Scenario(id) => LabRun::load(id, options),
            Source::Program(compiled) => compiled.load(options),
        }
    }

    /// The outline of the whole run, from a throwaway engine. A program's
    /// run stops after `max_time` of real time, and is then refused.
    pub(crate) fn outline(
        &self,
        options: LabRunOptions,
        max_time: Duration,
    ) -> Result<Outline, String> {
        let mut run = self
            .start(options)
            .map_err(|error| self.cannot_start(&error))?;
        let mut outline = OutlineBuilder::default();
        match self {
            Source::Scenario(_) => {
                while !run.is_done() {
                    outline.add_action(&run.step());
                }
            }
            Source::Program(_) => run_to_end(&mut run, max_time, |_, action| {
                outline.add_action(&action);
            })?,
        }
        Ok(outline.finish())
    }

    /// What the client is told when the engine cannot be built.
    pub(crate) fn cannot_start(&self, error: &LoadError) -> String {
        match self {
            Source::Scenario(_) => format!("{error}: {}", known_scenarios()),
            Source::Program(_) => format!("the program could not start: {error}"),
        }
    }
}

fn known_scenarios() -> String {
    let ids: Vec<&str> = reactor_engine::scenarios()
        .iter()
        .map(|info| info.id)
        .collect();
    format!("the scenarios are {}", ids.join(", "))
}
