//! The player's side of the `/ws` conversation: what each server frame does
//! to the history, and the commands the player sends (how many steps at
//! once is `sync`'s to say).
//!
//! Frames go into the history *untracked*; [`Player::pump`] then tells the
//! views once per answered command (a step's records are only shown with
//! the snapshot after them) or, during a long replay, at the first answered
//! command after [`PROGRESS_EVERY`] frames. Every tracked change re-checks
//! every view downstream of the history, and a replay brings thousands of
//! frames.

use leptos::prelude::*;
use reactor_protocol::{Command, Record, ServerFrame};

use super::sync::ServerSync;
use super::{Connection, PROGRAM, Player, ProgramError};
use crate::history::History;
use crate::plan::{Goal, Plan, plan};

/// Frames, at least, between two updates of the views while replaying
/// towards a far goal. Telling the views of every frame made a replay of
/// `crowd` (6,784 frames) spend most of its time re-checking and redrawing
/// views: 12.5 s; showing progress every 256 frames: about 3 s
/// (docs/benchmarks.md).
const PROGRESS_EVERY: usize = 256;

impl Player {
    /// Move towards the goal: arrive if the history allows, else ask the
    /// server for more steps (see [`ServerSync::depth`]).
    pub(super) fn pump(self) {
        let goal = self.goal.get_value();
        let position = self.position.get_untracked();
        let sync = self.sync.get_value();
        let engine_at = self.link.driving.get_untracked().then_some(sync.records);
        let (planned, recorded) = self
            .history
            .with_untracked(|h| (plan(h, position, goal, engine_at), h.len()));
        if let Plan::Arrive(arrived) = planned {
            self.goal.set_value(Goal::Idle);
            if arrived != position {
                self.position.set(arrived);
            }
            self.wait(false, false);
        }
        // With the run's outline a jump anywhere is one `seek`, so a history
        // longer than the engine (after reconnecting) need not be replayed.
        // With the outline, an idle player also keeps a few actions ahead
        // fetched, so the next presses are served here.
        let outlined = self.history.with_untracked(|h| h.outline().is_some());
        let depth = match (planned, engine_at) {
            (Plan::Arrive(at), Some(engine_at)) if outlined => {
                let ahead = self.history.with_untracked(|h| h.prefetch(at, engine_at));
                ahead.min(super::sync::PIPELINE)
            }
            (Plan::Arrive(_), None) if outlined => 0,
            _ => sync.depth(planned, goal, recorded),
        };
        if let Plan::Seek(wanted) = planned {
            self.wait(true, true);
            self.show_history(true);
            self.seek(sync, wanted, recorded);
            return;
        }
        if planned == Plan::NeedMore {
            self.wait(true, depth > 1);
        }
        self.show_history(depth > 1);
        if !sync.loaded || sync.done || sync.seeking.is_some() {
            return;
        }
        for _ in sync.in_flight..depth {
            if !self.send(&Command::Step) {
                break;
            }
            self.sync.update_value(|s| s.in_flight += 1);
        }
    }

    /// Ask the server's engine for `wanted` records, unless a command is in
    /// flight (its answer re-plans).
    fn seek(self, sync: ServerSync, wanted: usize, have: usize) {
        if !sync.loaded || sync.in_flight > 0 || sync.seeking.is_some() {
            return;
        }
        let end = self.history.with_untracked(|h| h.action_end(wanted));
        let command = Command::Seek {
            records: wanted as u64,
            have: have as u64,
        };
        if self.send(&command) {
            self.sync.update_value(|s| s.seeking = end.or(Some(0)));
        }
    }

    /// Add records that came (a `record` or `records` frame) to the
    /// history. Nothing is planned or shown yet: the snapshot (or error)
    /// that answers the command follows its records. Records out of order
    /// load the scenario again.
    fn take_records(self, records: impl IntoIterator<Item = Record>) {
        for record in records {
            let seq = record.seq as usize;
            let pushed = self.history.try_update_untracked(|h| h.push_record(record));
            if let Some(Err(gap)) = pushed {
                self.error.set(Some(format!(
                    "records arrived out of order (expected {}, got {}); reloading the scenario",
                    gap.expected, gap.got
                )));
                self.send_load();
                break;
            }
            self.sync
                .update_value(|s| s.records = s.records.max(seq + 1));
            self.unshown.update_value(|n| *n += 1);
        }
        self.clamp_position();
    }

    /// Handle one frame from the server.
    pub(super) fn on_frame(self, frame: ServerFrame) {
        let answers_old_load = matches!(
            frame,
            ServerFrame::Record { .. }
                | ServerFrame::Records { .. }
                | ServerFrame::Snapshot { .. }
                | ServerFrame::Done
        ) && !self.sync.get_value().loaded;
        // `loaded` and `outline` come before the start state's snapshot.
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
            ServerFrame::Outline(outline) => {
                if self.sync.get_value().loaded {
                    self.history.update(|h| h.set_outline(outline));
                }
                return;
            }
            ServerFrame::Record { record } => {
                self.take_records([record]);
                return;
            }
            ServerFrame::Records { records } => {
                self.take_records(records);
                return;
            }
            ServerFrame::Snapshot { state } => {
                let (records, done) = (state.records as usize, state.done);
                // Following a room: its seed, so exploring goes on in the
                // same interleaving.
                let seed = state.pool.as_ref().map(|pool| pool.seed);
                if let Some(seed) = seed.filter(|_| !self.link.driving.get_untracked()) {
                    self.seed.set_value(seed);
                }
                self.history.update_untracked(|h| h.push_snapshot(state));
                self.unshown.update_value(|n| *n += 1);
                self.sync.update_value(|s| {
                    s.records = records;
                    // The engine's latest state: a seek back may have started it again.
                    s.done = done;
                    match s.seeking {
                        // One of a seek's snapshots: the last one answers it.
                        Some(end) if records < end && !done => {}
                        Some(_) => s.seeking = None,
                        None => s.in_flight = s.in_flight.saturating_sub(1),
                    }
                });
            }
            ServerFrame::Done => {
                self.history.update_untracked(History::set_done);
                // Follows the snapshot that answered the command.
                self.sync.update_value(|s| {
                    s.done = true;
                    s.seeking = None;
                });
                self.unshown.update_value(|n| *n += 1);
            }
            ServerFrame::Error {
                message,
                line,
                column,
                in_peer,
            } => {
                // A program refused: the playground shows it in place.
                match (line, column) {
                    (Some(line), Some(column)) => self.program_error.set(Some(ProgramError {
                        message,
                        line,
                        column,
                        in_peer,
                    })),
                    _ => self.error.set(Some(message)),
                }
                self.sync.update_value(|s| {
                    s.in_flight = s.in_flight.saturating_sub(1);
                    s.seeking = None;
                });
                self.pause();
                self.goal.set_value(Goal::Idle);
            }
            // Classroom frames: `crate::room` acts on them.
            ServerFrame::Room(status) => self.link.status.set(Some(status)),
            ServerFrame::View(at) => self.link.view.set(Some(at)),
            // For students exploring, who hear it on their watch socket
            // (`crate::room`); a follower already follows.
            ServerFrame::Gather => {}
            // A classroom poll: `ui::poll` shows it.
            poll @ (ServerFrame::Poll(_)
            | ServerFrame::Tally(_)
            | ServerFrame::Answered { .. }
            | ServerFrame::Revealed(_)) => {
                self.link
                    .poll
                    .update(|shown| super::poll::apply(shown, poll));
                return;
            }
        }
        self.pump();
    }

    pub(super) fn clamp_position(self) {
        let len = self.history.with_untracked(History::len);
        if self.position.get_untracked() > len {
            self.position.set(len);
        }
    }

    /// Tell the views about the frames put in the history untracked: at once,
    /// or, while `replaying` towards a far goal (several steps in flight), once
    /// [`PROGRESS_EVERY`] frames have come; then only the log's length and the
    /// slider show progress.
    pub(super) fn show_history(self, replaying: bool) {
        let unshown = self.unshown.get_value();
        if unshown > 0 && (!replaying || unshown >= PROGRESS_EVERY) {
            self.unshown.set_value(0);
            self.history.notify();
        }
    }

    pub(super) fn send_load(self) {
        self.sync.set_value(ServerSync::default());
        let seed = self.seed.get_value();
        let command = match (self.scenario.get_untracked(), self.program.get_untracked()) {
            (Some(scenario), Some(program)) if scenario == PROGRAM => Command::LoadProgram {
                program: program.source,
                peer: program.peer,
                seed,
            },
            (Some(scenario), _) => Command::Load { scenario, seed },
            (None, _) => return,
        };
        if self.send(&command) {
            self.sync.update_value(|s| s.in_flight = 1);
        }
    }

    pub(super) fn send(self, command: &Command) -> bool {
        if self.answer_locally(command) {
            return true;
        }
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
    pub(super) fn adopt(self, scenario: &str) {
        if self.scenario.get_untracked().as_deref() != Some(scenario) {
            self.pause();
            self.scenario.set(Some(scenario.to_string()));
            self.history.set(History::new());
            self.position.set(0);
            self.goal.set_value(Goal::Idle);
        }
    }
}
