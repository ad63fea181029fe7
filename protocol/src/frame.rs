//! WebSocket frames: [`Command`]s from the browser, [`ServerFrame`]s back.
//!
//! Both are JSON text frames. The envelope names (`cmd`, `type` and their
//! values) are a contract the web app, the tests and the classroom rooms rely
//! on: extend them, never rename them. See `docs/protocol.md`.

use serde::{Deserialize, Serialize};

use crate::record::Record;
use crate::snapshot::Snapshot;

/// A command from a client, tagged by `cmd`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Start a scenario from the beginning.
    Load {
        /// Scenario id, such as `tcp_read`.
        scenario: String,
    },
    /// Advance the engine by one action.
    Step,
    /// Advance to the end of the current event-loop turn.
    Turn,
    /// Run to completion.
    Run,
    /// Restart the loaded scenario.
    Reset,
}

/// A frame from the server, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// A scenario was loaded (or reset) and is at its start.
    Loaded {
        /// Scenario id.
        scenario: String,
    },
    /// One record, in `seq` order.
    Record {
        /// The record.
        record: Record,
    },
    /// The state after a command.
    Snapshot {
        /// The state.
        state: Snapshot,
    },
    /// The scenario has completed; further steps answer `done` again.
    Done,
    /// A command could not be carried out. The session stays usable.
    Error {
        /// What was wrong, in words a person can act on.
        message: String,
    },
}
