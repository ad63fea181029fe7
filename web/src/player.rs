//! The one store of app state: the [`Player`].
//!
//! Every panel reads these signals; every button, key and server frame goes
//! through the player's methods. A lesson panel (issue 6) or a classroom
//! follower (issue 7) plugs in by reading `history`/`position` and calling
//! [`Player::goto`], nothing else.
//!
//! ```text
//!  buttons/keys ─▶ Player::step/back/goto ─▶ goal ─▶ pump ─┬─▶ position (client-side, no server)
//!                                                          └─▶ socket: {"cmd":"step"} when the
//!  server frames ─▶ Player::on_frame ─▶ history ─▶ pump         history is too short
//! ```
//!
//! The server is asked for `step`s, each answered by one engine action's
//! records and the snapshot after it, so every record has a true state to
//! show (see [`crate::history`]). Near the goal one step is in flight at a
//! time; when the goal is far ahead (a deep link, a lesson stage, a replay
//! after reconnecting) up to [`PIPELINE`] are, so the round trips overlap.

use leptos::prelude::*;
use std::sync::Arc;

use reactor_protocol::{Command, Park, Record, ServerFrame, Snapshot};

use crate::history::{Goal, History, Plan, plan};
use crate::room::RoomLink;
use crate::socket::Socket;

/// Most `step` commands in flight at once. Never more than the records still
/// missing, since every action records at least one: a goal is overshot by
/// the last action's records at most, as with one step at a time. Eight hides
/// a loopback round trip behind the browser's own work on the answers.
const PIPELINE: usize = 8;

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

/// What the server's engine holds, as far as this client knows.
///
/// Invariants: `loaded` is true only between a `loaded` frame and the socket
/// closing; `in_flight` counts the `load` and `step` commands sent and not yet
/// answered — each is answered by exactly one `snapshot` or one `error` —
/// and is at most [`PIPELINE`]; `records` counts what the server sent since it
/// loaded, which is below `history.len()` only while replaying after a reconnect.
#[derive(Clone, Copy, Debug, Default)]
struct ServerSync {
    loaded: bool,
    in_flight: usize,
    done: bool,
    records: usize,
}

/// All app state, as copyable handles to signals.
#[derive(Clone, Copy)]
pub struct Player {
    /// The scenario shown, if any.
    pub scenario: RwSignal<Option<String>>,
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
    /// The current record (the last one shown).
    pub current: Memo<Option<Record>>,
    /// The state to show: the snapshot after the current record's action.
    pub state: Memo<Option<Arc<Snapshot>>>,
    /// Whether the driver is parked in the OS at this step, and its timeout.
    /// Read from the records (a `park` not yet followed by its wake-up), as the
    /// snapshot is only taken once the driver is back.
    pub park: Memo<Option<Park>>,
    /// The classroom room this socket is in, if any (issue 7).
    pub link: RoomLink,
    goal: StoredValue<Goal>,
    sync: StoredValue<ServerSync>,
    play_generation: StoredValue<u64>,
    socket: StoredValue<Option<Socket>, LocalStorage>,
}

/// Play speeds offered, in records per second.
pub const SPEEDS: [u32; 5] = [1, 2, 4, 8, 16];
/// The default play speed: slow enough to read the diagram.
pub const DEFAULT_SPEED: u32 = 2;

impl Player {
    /// A player with nothing loaded. Call [`crate::socket::connect`] to go online.
    pub fn new() -> Player {
        let history = RwSignal::new(History::new());
        let position = RwSignal::new(0);
        Player {
            scenario: RwSignal::new(None),
            history,
            position,
            current: Memo::new(move |_| history.with(|h| h.current(position.get()).cloned())),
            state: Memo::new(move |_| history.with(|h| h.snapshot_at(position.get()).cloned())),
            park: Memo::new(move |_| {
                history.with(|h| match position.get() {
                    0 => h.snapshot_at(0).and_then(|s| s.park.clone()),
                    shown => h.parked_at(shown).map(|timeout_ms| Park { timeout_ms }),
                })
            }),
            connection: RwSignal::new(Connection::Connecting),
            error: RwSignal::new(None),
            playing: RwSignal::new(false),
            speed: RwSignal::new(DEFAULT_SPEED),
            presenter: RwSignal::new(false),
            shortcuts: RwSignal::new(false),
            busy: RwSignal::new(false),
            link: RoomLink::new(),
            goal: StoredValue::new(Goal::Idle),
            sync: StoredValue::new(ServerSync::default()),
            play_generation: StoredValue::new(0),
            socket: StoredValue::new_local(None),
        }
    }

    /// Show `scenario` from its start (a fresh history).
    pub fn load(self, scenario: &str) {
        self.pause();
        self.scenario.set(Some(scenario.to_string()));
        self.history.set(History::new());
        self.position.set(0);
        self.goal.set_value(Goal::Idle);
        self.error.set(None);
        self.sync.set_value(ServerSync::default());
        self.send_load();
    }

    /// Back to the home page: nothing shown.
    pub fn unload(self) {
        self.pause();
        self.scenario.set(None);
        self.history.set(History::new());
        self.position.set(0);
        self.goal.set_value(Goal::Idle);
        self.busy.set(false);
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
        self.busy.set(false);
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
        self.busy.set(false);
        self.position.set(0);
    }

    /// The scenario has no more records and all are shown.
    pub fn at_end(self) -> bool {
        self.history
            .with(|h| h.is_done() && self.position.get() >= h.len())
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
            .with_untracked(|h| h.is_done() && self.position.get_untracked() >= h.len())
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

    fn head_for(self, goal: Goal) {
        self.goal.set_value(goal);
        self.pump();
    }

    /// Move towards the goal: arrive if the history allows, else ask the
    /// server for one more step (one at a time).
    fn pump(self) {
        let goal = self.goal.get_value();
        let position = self.position.get_untracked();
        let (planned, recorded) = self
            .history
            .with_untracked(|h| (plan(h, position, goal), h.len()));
        match planned {
            Plan::Arrive(arrived) => {
                self.goal.set_value(Goal::Idle);
                if arrived != position {
                    self.position.set(arrived);
                }
                self.busy.set(false);
            }
            Plan::NeedMore => self.busy.set(true),
        }
        let sync = self.sync.get_value();
        // How many records the server still owes: up to the goal, or up to
        // what we had before a reconnect (one step when the goal's distance
        // is unknown, as for "next turn").
        let target = match (planned, goal) {
            (Plan::NeedMore, Goal::Position(wanted)) => wanted.max(recorded),
            (Plan::NeedMore, _) => sync.records.max(recorded) + 1,
            (Plan::Arrive(_), _) => recorded,
        };
        let owed = target.saturating_sub(sync.records).min(PIPELINE);
        if !sync.loaded || sync.done {
            return;
        }
        for _ in sync.in_flight..owed {
            if !self.send(&Command::Step) {
                break;
            }
            self.sync.update_value(|s| s.in_flight += 1);
        }
    }

    /// Handle one frame from the server.
    pub fn on_frame(self, frame: ServerFrame) {
        let answers_old_load = matches!(
            frame,
            ServerFrame::Record { .. } | ServerFrame::Snapshot { .. } | ServerFrame::Done
        ) && !self.sync.get_value().loaded;
        if answers_old_load {
            // An answer to a command sent before the current `load`: it
            // belongs to the engine that load replaced.
            return;
        }
        match frame {
            ServerFrame::Loaded { scenario } => {
                if !self.link.driving.get_untracked() {
                    self.adopt(&scenario);
                }
                if self.scenario.get_untracked().as_deref() == Some(scenario.as_str()) {
                    // The start state's snapshot follows: still in flight until it comes.
                    self.sync.set_value(ServerSync {
                        loaded: true,
                        in_flight: 1,
                        ..ServerSync::default()
                    });
                }
            }
            ServerFrame::Record { record } => {
                let seq = record.seq as usize;
                let pushed = self.history.try_update(|h| h.push_record(record));
                match pushed {
                    Some(Err(gap)) => {
                        self.error.set(Some(format!(
                            "records arrived out of order (expected {}, got {}); reloading the scenario",
                            gap.expected, gap.got
                        )));
                        self.send_load();
                    }
                    _ => self
                        .sync
                        .update_value(|s| s.records = s.records.max(seq + 1)),
                }
                self.clamp_position();
            }
            ServerFrame::Snapshot { state } => {
                let (records, done) = (state.records as usize, state.done);
                self.history.update(|h| h.push_snapshot(state));
                self.sync.update_value(|s| {
                    s.records = records;
                    s.done |= done;
                    s.in_flight = s.in_flight.saturating_sub(1);
                });
            }
            ServerFrame::Done => {
                self.history.update(History::set_done);
                // Follows the snapshot that answered the command.
                self.sync.update_value(|s| s.done = true);
            }
            ServerFrame::Error { message } => {
                self.error.set(Some(message));
                self.sync
                    .update_value(|s| s.in_flight = s.in_flight.saturating_sub(1));
                self.pause();
                self.goal.set_value(Goal::Idle);
            }
            // Classroom frames (issue 7): `crate::room` acts on them.
            ServerFrame::Room(status) => self.link.status.set(Some(status)),
            ServerFrame::View(at) => self.link.view.set(Some(at)),
        }
        self.pump();
    }

    fn clamp_position(self) {
        let len = self.history.with_untracked(History::len);
        if self.position.get_untracked() > len {
            self.position.set(len);
        }
    }

    /// Hold the socket of a new connection attempt (dropping the old one).
    pub fn attach(self, socket: Socket) {
        self.socket.set_value(Some(socket));
        self.connection.set(Connection::Connecting);
    }

    /// The socket opened: load the scenario again and replay to where we were.
    pub fn on_open(self) {
        self.connection.set(Connection::Connected);
        self.send_load();
    }

    /// The socket closed: the history stays, the server's engine is gone.
    pub fn on_close(self) {
        self.connection.set(Connection::Disconnected);
        self.sync.set_value(ServerSync::default());
    }

    fn send_load(self) {
        self.sync.set_value(ServerSync::default());
        if let Some(scenario) = self.scenario.get_untracked()
            && self.send(&Command::Load { scenario })
        {
            self.sync.update_value(|s| s.in_flight = 1);
        }
    }

    fn send(self, command: &Command) -> bool {
        if !self.link.driving.get_untracked() {
            return false; // following a room: only its presenter drives
        }
        let json = serde_json::to_string(command).unwrap_or_default();
        self.send_text(&json)
    }

    /// Send a text frame as is (the classroom's `view`/`end` commands); false
    /// when not connected.
    pub fn send_text(self, text: &str) -> bool {
        if self.connection.get_untracked() != Connection::Connected {
            return false;
        }
        self.socket
            .with_value(|socket| socket.as_ref().is_some_and(|s| s.send(text)))
    }

    /// Following a room: show whatever scenario it loads, from a fresh history.
    fn adopt(self, scenario: &str) {
        if self.scenario.get_untracked().as_deref() != Some(scenario) {
            self.pause();
            self.scenario.set(Some(scenario.to_string()));
            self.history.set(History::new());
            self.position.set(0);
            self.goal.set_value(Goal::Idle);
        }
    }
}

impl Default for Player {
    fn default() -> Self {
        Player::new()
    }
}
