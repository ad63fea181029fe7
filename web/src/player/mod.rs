//! The one store of app state: the [`Player`], and its connection to the
//! server.
//!
//! Every panel reads these signals; every button, key and server frame goes
//! through the player's methods. A lesson panel or a classroom follower
//! plugs in by reading `history`/`position` and calling [`Player::goto`],
//! nothing else.
//!
//! ```text
//!  buttons/keys ─▶ Player::step/back/goto ─▶ goal ─▶ pump ─┬─▶ position (client-side, no server)
//!                                                          └─▶ socket: {"cmd":"step"} when the
//!  server frames ─▶ Player::on_frame ─▶ history ─▶ pump         history is too short
//! ```
//!
//! The server is asked for `step`s, each answered by one engine action's
//! records and the snapshot after it; the records inside an action are
//! replayed onto the snapshot before it, so every record shows the state it
//! left (see [`crate::history`]). Near the goal one step is in flight at a
//! time; when the goal is far ahead (a deep link, a late lesson stage, a
//! replay after reconnecting) up to eight are, so the round trips overlap.
//!
//! - `connection`: the socket to the server, reconnecting, frames decoded;
//! - `server`: what each frame does to the history, and the commands sent;
//! - `sync`: what the server's engine holds, and how many steps to ask for;
//! - `link`: the classroom room the socket is in;
//! - `poll`: the room's poll, as its frames leave it.

use leptos::prelude::*;
use std::sync::Arc;

use reactor_protocol::{Record, Snapshot};

mod connection;
mod link;
mod local;
mod local_run;
pub mod poll;
mod server;
mod sync;

pub use link::{PRIVATE_ENDPOINT, RoomLink};

use crate::history::History;
use crate::plan::Goal;
use crate::socket::Socket;
use sync::ServerSync;

/// The scenario id the server's `loaded` frame gives a playground program
/// (no scenario has it).
pub const PROGRAM: &str = "program";

/// A playground program the learner loaded, as sent.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Program {
    /// The program's text.
    pub source: String,
    /// Its peer description.
    pub peer: String,
}

/// Where the server placed a program's compile error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramError {
    /// The server's words.
    pub message: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The place is in the peer description, not the program.
    pub in_peer: bool,
}

/// The socket's state, shown in `#connection[data-state]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    /// Opening, or waiting to retry.
    Connecting,
    /// Open.
    Connected,
    /// Closed; a retry is scheduled.
    Disconnected,
}

impl Connection {
    /// The `data-state` value.
    pub fn id(self) -> &'static str {
        match self {
            Connection::Connecting => "connecting",
            Connection::Connected => "connected",
            Connection::Disconnected => "disconnected",
        }
    }
}

/// All app state, as copyable handles to signals.
#[derive(Clone, Copy)]
pub struct Player {
    /// The scenario shown, if any.
    pub scenario: RwSignal<Option<String>>,
    /// The interleaving asked of a multi-thread scenario (0: round-robin),
    /// sent with every `load`; one thread ignores it. Not a signal: it
    /// changes only with a load, which the views hear of through `history`.
    pub seed: StoredValue<u64>,
    /// Every record and snapshot received for it.
    pub history: RwSignal<History>,
    /// Records shown: 0 is the start.
    pub position: RwSignal<usize>,
    /// The socket's state.
    pub connection: RwSignal<Connection>,
    /// The last error from the server or the socket, until dismissed.
    pub error: RwSignal<Option<String>>,
    /// Playing automatically.
    pub playing: RwSignal<bool>,
    /// Records per second while playing.
    pub speed: RwSignal<u32>,
    /// Presenter mode.
    pub presenter: RwSignal<bool>,
    /// The shortcut list is open.
    pub shortcuts: RwSignal<bool>,
    /// Waiting for the server to reach a goal.
    pub busy: RwSignal<bool>,
    /// Waiting with several steps in flight towards a far goal: a deep link,
    /// a late lesson stage or a replay after reconnecting (implies `busy`).
    pub replaying: RwSignal<bool>,
    /// The current record (the last one shown).
    pub current: Memo<Option<Record>>,
    /// The state to show: the state the current record left (its `park`
    /// follows [`reactor_protocol::Park::after`]).
    pub state: Memo<Option<Arc<Snapshot>>>,
    /// The classroom room this socket is in, if any.
    pub link: RoomLink,
    /// The playground program loaded (when `scenario` is [`PROGRAM`]).
    pub program: RwSignal<Option<Program>>,
    /// The last program refused, with the place at fault.
    pub program_error: RwSignal<Option<ProgramError>>,
    /// The run shown is played from a trace file, with no engine behind it
    /// ([`Player::load_file`]).
    pub from_file: RwSignal<bool>,
    goal: StoredValue<Goal>,
    sync: StoredValue<ServerSync>,
    /// Frames put in the history untracked that the views have not been told
    /// of yet; only `show_history` clears it (see `player::server`).
    unshown: StoredValue<usize>,
    play_generation: StoredValue<u64>,
    socket: StoredValue<Option<Socket>, LocalStorage>,
    local: StoredValue<Option<local_run::LocalRun>, LocalStorage>,
}

/// Play speeds offered, in records per second.
pub const SPEEDS: [u32; 5] = [1, 2, 4, 8, 16];
/// The default play speed: slow enough to read the diagram.
pub const DEFAULT_SPEED: u32 = 2;

impl Player {
    /// A player with nothing loaded. Call [`Player::connect`] to go online.
    pub fn new() -> Player {
        let history = RwSignal::new(History::new());
        let position = RwSignal::new(0);
        Player {
            scenario: RwSignal::new(None),
            seed: StoredValue::new(0),
            history,
            position,
            current: Memo::new(move |_| history.with(|h| h.current(position.get()).cloned())),
            state: Memo::new(move |_| history.with(|h| h.state_at(position.get()))),
            connection: RwSignal::new(Connection::Connecting),
            error: RwSignal::new(None),
            playing: RwSignal::new(false),
            speed: RwSignal::new(DEFAULT_SPEED),
            presenter: RwSignal::new(false),
            shortcuts: RwSignal::new(false),
            busy: RwSignal::new(false),
            replaying: RwSignal::new(false),
            link: RoomLink::new(),
            program: RwSignal::new(None),
            program_error: RwSignal::new(None),
            from_file: RwSignal::new(false),
            goal: StoredValue::new(Goal::Idle),
            sync: StoredValue::new(ServerSync::default()),
            unshown: StoredValue::new(0),
            play_generation: StoredValue::new(0),
            socket: StoredValue::new_local(None),
            local: StoredValue::new_local(None),
        }
    }

    /// Show `scenario` from its start (a fresh history), in the round-robin
    /// interleaving.
    pub fn load(self, scenario: &str) {
        self.load_seeded(scenario, 0);
    }

    /// Show `scenario` from its start in the interleaving of `seed`.
    pub fn load_seeded(self, scenario: &str, seed: u64) {
        self.leave_file();
        self.seed.set_value(seed);
        self.pause();
        self.scenario.set(Some(scenario.to_string()));
        self.history.set(History::new());
        self.position.set(0);
        self.goal.set_value(Goal::Idle);
        self.error.set(None);
        self.sync.set_value(ServerSync::default());
        if crate::site::is_static() {
            // No server: the run is the static site's trace file.
            self.fetch_static_run(scenario.to_string());
            return;
        }
        self.send_load();
    }

    /// Run a playground program from its start (a fresh history): every
    /// step, jump and reset then works on it as on a scenario.
    pub fn load_program(self, source: &str, peer: &str) {
        self.program.set(Some(Program {
            source: source.to_string(),
            peer: peer.to_string(),
        }));
        self.program_error.set(None);
        self.load_seeded(PROGRAM, 0);
    }

    /// Back to the home page: nothing shown.
    pub fn unload(self) {
        self.leave_file();
        self.pause();
        self.program.set(None);
        self.scenario.set(None);
        self.history.set(History::new());
        self.position.set(0);
        self.goal.set_value(Goal::Idle);
        self.wait(false, false);
        self.sync.set_value(ServerSync::default());
    }

    /// Show one more record.
    pub fn step(self) {
        let next = match self.goal.get_value() {
            Goal::Position(wanted) => wanted + 1,
            _ => self.position.get_untracked() + 1,
        };
        self.head_for(Goal::Position(next));
    }

    /// Go to the end of the current event-loop turn.
    pub fn next_turn(self) {
        self.head_for(Goal::TurnEnd);
    }

    /// Show one record less (never needs the server).
    pub fn back(self) {
        self.goal.set_value(Goal::Idle);
        self.wait(false, false);
        self.position.update(|p| *p = p.saturating_sub(1));
    }

    /// Show `position` records, asking the server for more if needed.
    pub fn goto(self, position: usize) {
        self.head_for(Goal::Position(position));
    }

    /// Back to step 0; the history is kept, so stepping again is instant.
    pub fn restart(self) {
        self.pause();
        self.goal.set_value(Goal::Idle);
        self.wait(false, false);
        self.position.set(0);
    }

    /// The scenario has no more records and all are shown.
    pub fn at_end(self) -> bool {
        self.history.with(|h| h.at_end(self.position.get()))
    }

    /// Show the last record of the run.
    pub fn end(self) {
        let total = self.history.with_untracked(History::total);
        self.head_for(Goal::Position(total.max(self.position.get_untracked())));
    }

    /// Start or stop playing.
    pub fn toggle_play(self) {
        if self.playing.get_untracked() {
            self.pause();
        } else {
            if self.at_end() {
                self.position.set(0);
            }
            self.playing.set(true);
            let generation = self.play_generation.get_value() + 1;
            self.play_generation.set_value(generation);
            self.tick(generation);
        }
    }

    /// Stop playing.
    pub fn pause(self) {
        self.playing.set(false);
        self.play_generation.update_value(|g| *g += 1);
    }

    fn tick(self, generation: u64) {
        if self.play_generation.get_value() != generation || !self.playing.get_untracked() {
            return;
        }
        if self
            .history
            .with_untracked(|h| h.at_end(self.position.get_untracked()))
        {
            self.playing.set(false);
            return;
        }
        if !self.busy.get_untracked() {
            self.step();
        }
        let delay = 1000 / u64::from(self.speed.get_untracked().max(1));
        set_timeout(
            move || self.tick(generation),
            std::time::Duration::from_millis(delay),
        );
    }

    /// Set `busy` and `replaying`, telling the views only of a change.
    fn wait(self, busy: bool, replaying: bool) {
        if self.busy.get_untracked() != busy {
            self.busy.set(busy);
        }
        if self.replaying.get_untracked() != replaying {
            self.replaying.set(replaying);
        }
    }

    fn head_for(self, goal: Goal) {
        self.goal.set_value(goal);
        self.pump();
    }
}

impl Default for Player {
    fn default() -> Self {
        Player::new()
    }
}
