//! WebSocket frames: [`Command`]s from the browser, [`ServerFrame`]s back.
//!
//! Both are JSON text frames. The envelope names (`cmd`, `type` and their
//! values) are a contract the web app, the tests and the classroom rooms rely
//! on: extend them, never rename them. See `docs/protocol.md`.

use serde::{Deserialize, Deserializer, Serialize};

use crate::outline::Outline;
pub use crate::poll::{
    FollowerCommand, MAX_POLL_CHOICE, MAX_POLL_TEXT, PollAsked, PollQuestion, PollTally,
    TALLY_INTERVAL_MS,
};
use crate::record::Record;
use crate::snapshot::Snapshot;

/// A command from a client, tagged by `cmd`.
///
/// `{"cmd":"load"}` takes either a `scenario` ([`Command::Load`]) or a
/// playground `program` ([`Command::LoadProgram`]); both are read by hand
/// (see [`Command`]'s `Deserialize`), so each is spelled `load` on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Command {
    /// Start a scenario from the beginning.
    Load {
        /// Scenario id, such as `tcp_read`.
        scenario: String,
        /// A multi-thread scenario's interleaving of its workers' actions:
        /// 0 (the default, and absent from the JSON) is round-robin; any
        /// other seed gives another valid order. Ignored on one thread.
        #[serde(default, skip_serializing_if = "is_default_seed")]
        seed: u64,
    },
    /// Compile a playground program (a subset of async Rust against
    /// Tokio's API) and start it from the beginning: `{"cmd":"load",
    /// "program":"…","peer":"…"}`. A program that does not compile is
    /// answered with an `error` frame carrying its `line` and `column`.
    #[serde(rename = "load")]
    LoadProgram {
        /// The program's source text.
        program: String,
        /// The peer description: what the other end of the program's
        /// sockets does, and when (empty: no peer). Always written.
        #[serde(default)]
        peer: String,
        /// As for a scenario: a multi-thread program's interleaving.
        #[serde(default, skip_serializing_if = "is_default_seed")]
        seed: u64,
    },
    /// Advance the engine by one action.
    Step,
    /// Advance to the end of the current event-loop turn.
    Turn,
    /// Run to completion.
    Run,
    /// Restart the loaded scenario.
    Reset,
    /// Bring the engine to the action that records the `records`-th record
    /// (forwards, or from a fresh start when it is already past it), and
    /// answer with the records from `have` on and the snapshots a browser
    /// needs to show any step of that action and of a few actions before
    /// it. See `docs/protocol.md`.
    Seek {
        /// Records to show: the engine stops at the end of the action
        /// that makes record `records - 1` (0: the start state).
        records: u64,
        /// Records the client already holds from `seq` 0: none of these
        /// is sent again.
        have: u64,
    },
}

/// The JSON shape of a [`Command`], as serde reads it: `load` with every
/// field it may take, sorted into a scenario or a program afterwards.
#[derive(Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case", deny_unknown_fields)]
enum WireCommand {
    Load {
        scenario: Option<String>,
        program: Option<String>,
        peer: Option<String>,
        #[serde(default)]
        seed: u64,
    },
    Step,
    Turn,
    Run,
    Reset,
    Seek {
        records: u64,
        have: u64,
    },
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Command, D::Error> {
        let wire = WireCommand::deserialize(deserializer)?;
        Command::try_from(wire).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<WireCommand> for Command {
    type Error = &'static str;

    fn try_from(wire: WireCommand) -> Result<Command, &'static str> {
        Ok(match wire {
            WireCommand::Load {
                scenario,
                program,
                peer,
                seed,
            } => match (scenario, program, peer) {
                (Some(scenario), None, None) => Command::Load { scenario, seed },
                (None, Some(program), peer) => Command::LoadProgram {
                    program,
                    peer: peer.unwrap_or_default(),
                    seed,
                },
                (Some(_), Some(_), _) => {
                    return Err("a load takes a `scenario` or a `program`, not both");
                }
                (Some(_), None, Some(_)) => {
                    return Err("`peer` goes with a `program`, not with a `scenario`");
                }
                (None, None, _) => {
                    return Err(
                        "missing field `scenario` (or `program`, to run a program): \
                         send {\"cmd\":\"load\",\"scenario\":\"tcp_read\"}",
                    );
                }
            },
            WireCommand::Step => Command::Step,
            WireCommand::Turn => Command::Turn,
            WireCommand::Run => Command::Run,
            WireCommand::Reset => Command::Reset,
            WireCommand::Seek { records, have } => Command::Seek { records, have },
        })
    }
}

/// Most records in one [`ServerFrame::Records`] frame.
///
/// A browser handles each WebSocket message as a task of its own, and
/// Chromium spends about 0.1 ms on one before the app's code runs: sent
/// one to a message, a deep link's 4,000 records cost the browser most of
/// a second ("A deep link's records, many to a message" in
/// `docs/benchmarks.md`). 256 records are about 40 KB of JSON (some 150
/// bytes each): a few tens of KB, like a snapshot of a busy run.
pub const RECORDS_PER_FRAME: usize = 256;

/// A frame from the server, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// A scenario was loaded (or reset) and is at its start.
    Loaded {
        /// Scenario id.
        scenario: String,
    },
    /// The shape of the whole run just loaded; follows `loaded`.
    Outline(Outline),
    /// One record, in `seq` order.
    Record {
        /// The record.
        record: Record,
    },
    /// Several records, in `seq` order: the same as that many `record`
    /// frames. A `seek` sends its records this way, at most
    /// [`RECORDS_PER_FRAME`] to a frame.
    Records {
        /// The records.
        records: Vec<Record>,
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
        /// A playground program that does not compile: the 1-based line of
        /// the construct at fault (with `column`; both or neither).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
        /// The 1-based column, in characters, of the construct at fault.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        column: Option<u32>,
        /// The position is in the peer description, not in the program.
        #[serde(default, skip_serializing_if = "is_false")]
        in_peer: bool,
    },
    /// Classroom rooms only: who is in the room and whether it still runs.
    /// Sent to the presenter and every follower when they connect, when the
    /// follower count changes (at most a few times a second), and when the
    /// room ends.
    Room(RoomStatus),
    /// Classroom rooms only: where the presenter is looking. Followers show
    /// the same step (and lesson stage); the presenter moves there without a
    /// server trip, so its client reports every move with [`PresenterCommand::View`].
    View(ViewPosition),
    /// Classroom rooms only: the presenter asks everyone exploring on their
    /// own to follow again ([`PresenterCommand::Gather`]). Sent to every
    /// follower and every student watching the room while exploring.
    Gather,
    /// Classroom rooms only: the presenter asks the class
    /// ([`PresenterCommand::Poll`]). Sent to every follower, and to a
    /// follower that joins while the poll is open.
    Poll(PollAsked),
    /// Classroom rooms only, to the presenter: the answers so far. Sent
    /// when a poll opens and as answers come (at most every
    /// [`TALLY_INTERVAL_MS`], and once after the last).
    Tally(PollTally),
    /// Classroom rooms only, to one follower: its answer to poll `poll` is
    /// counted. Only the follower who answered gets it.
    Answered {
        /// The poll answered.
        poll: u32,
        /// The choice counted, from 0.
        choice: u8,
    },
    /// Classroom rooms only, to everyone: the poll is closed, with the
    /// right choice if the presenter's step revealed one, and every count.
    Revealed(PollTally),
}

impl ServerFrame {
    /// An `error` frame that points at no place in a program.
    pub fn error(message: impl Into<String>) -> ServerFrame {
        ServerFrame::Error {
            message: message.into(),
            line: None,
            column: None,
            in_peer: false,
        }
    }

    /// Whether the frame is about the loaded run (`loaded`, `outline`,
    /// `record`, `records`, `snapshot`, `done`, `error`) rather than a
    /// classroom room.
    pub fn is_run(&self) -> bool {
        !matches!(
            self,
            ServerFrame::Room(_)
                | ServerFrame::View(_)
                | ServerFrame::Gather
                | ServerFrame::Poll(_)
                | ServerFrame::Tally(_)
                | ServerFrame::Answered { .. }
                | ServerFrame::Revealed(_)
        )
    }
}

/// The body of a `{"type":"room", ...}` frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomStatus {
    /// The room code, as students type it (8 symbols, no dash).
    pub code: String,
    /// Followers connected right now (the presenter not counted), following
    /// the presenter.
    pub followers: usize,
    /// Students in the room exploring on their own right now: they watch
    /// the room (`?watch=true`) from a private session of their own.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub exploring: usize,
    /// Whether a presenter socket is connected right now.
    pub presenter: bool,
    /// The room is over: nothing more will be sent, and the socket closes.
    pub ended: bool,
    /// Why the room ended, in words for people. Only when `ended`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// This follower fell too far behind: the frames that follow replay the
    /// room from its last `loaded` frame, exactly as a late joiner gets them.
    #[serde(default, skip_serializing_if = "is_false")]
    pub resync: bool,
}

/// The body of a `{"type":"view", ...}` frame and of a `{"cmd":"view", ...}` command.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewPosition {
    /// Records shown: 0 is the start, `N` shows the record with `seq` `N-1`.
    pub step: u64,
    /// The lesson open at the presenter, if any (such as `tcp-read`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<String>,
    /// The lesson stage shown, from 1, when a lesson is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<u64>,
}

/// Extra commands a room's presenter may send on `/rooms/{code}/ws?key=...`,
/// besides every [`Command`]. Tagged by `cmd` like [`Command`], so the two
/// never share a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case", deny_unknown_fields)]
pub enum PresenterCommand {
    /// The presenter's client now shows this position; followers follow it.
    View(ViewPosition),
    /// End the room now: followers see `ended` and their sockets close.
    End,
    /// Bring everyone back: students exploring on their own follow again.
    Gather,
    /// Ask the class a question (a lesson stage's, or "what happens
    /// next?"): followers may answer once each. An open poll is closed
    /// first, without an answer.
    Poll(PollQuestion),
    /// Close the open poll. `right` is the right choice (from 0) when the
    /// step just shown revealed it; absent, the poll closes unanswered.
    Reveal {
        /// The right choice, from 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        right: Option<u8>,
    },
}

impl PresenterCommand {
    /// The `cmd` names of the presenter commands, so a server can tell them
    /// apart from a [`Command`] before parsing.
    pub const NAMES: [&'static str; 5] = ["view", "end", "gather", "poll", "reveal"];
}

/// `POST /api/rooms` answers with this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomCreated {
    /// The code students type, 8 symbols from [`ROOM_CODE_ALPHABET`].
    pub code: String,
    /// The secret that makes a socket the presenter's: `?key=` on the room's
    /// WebSocket. Never shown to students.
    pub presenter_key: String,
    /// The path a student opens to join, such as `/join/K7QX2MPD`.
    pub join: String,
}

/// The 32 symbols of a room code: digits and capitals without `0`/`O` and
/// `1`/`I`, so a code read off a projector cannot be mistyped as another.
pub const ROOM_CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Symbols in a room code: 8 × 5 bits = 40 bits of entropy.
pub const ROOM_CODE_LEN: usize = 8;

/// Close code of a room socket: no room has this code (4000 + HTTP 404).
pub const CLOSE_ROOM_UNKNOWN: u16 = 4404;
/// Close code of a room socket: wrong presenter key (4000 + HTTP 403).
pub const CLOSE_ROOM_WRONG_KEY: u16 = 4403;
/// Close code of a room socket: the room has ended (4000 + HTTP 410 "gone").
pub const CLOSE_ROOM_ENDED: u16 = 4410;
/// Close code of a room socket: another socket became the presenter (4000 + HTTP 409).
pub const CLOSE_ROOM_REPLACED: u16 = 4409;
/// Close code of a room socket: too many failed joins from this address (4000 + HTTP 429).
pub const CLOSE_ROOM_RATE_LIMITED: u16 = 4429;

fn is_zero(value: &usize) -> bool {
    *value == 0
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Whether a seed is the default one, left out of the JSON.
fn is_default_seed(seed: &u64) -> bool {
    *seed == 0
}

#[cfg(test)]
#[path = "frame_tests.rs"]
mod tests;
