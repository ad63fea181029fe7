//! The client-side history of one scenario run: every record received, and the
//! snapshot the server sent after each engine action.
//!
//! ```text
//!  records:     0     1     2     3     4     5     6
//!              [spawn][sched][poll][sys ][wake][pend][park]...
//!  checkpoints: ^0          ^2                      ^6 ...     (snapshot.records)
//!  position:    0 = nothing shown yet; p = records[..p] shown, current = records[p-1]
//! ```
//!
//! The app drives the server one `step` (one engine action) at a time, so each
//! checkpoint closes one *group* of records. The state shown at position `p`
//! is the state the current record left: the snapshot itself at the end of
//! a group, else the group's records up to `p` replayed onto the snapshot
//! before it. Stepping back and forth over what has been recorded never
//! needs the server.
//!
//! Invariants:
//! - `records[i].seq == i` for every `i` (a gap is refused, a replayed record
//!   that differs truncates the history from there).
//! - checkpoints are strictly increasing in their record count.
//! - `done` is only ever set by the server, when the scenario completed.

use std::sync::Arc;

use reactor_protocol::{Record, Snapshot, state_within};

/// Records and snapshots of one run, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    records: Vec<Record>,
    checkpoints: Vec<Checkpoint>,
    done: bool,
}

/// A snapshot and how many records existed when it was taken.
#[derive(Clone, Debug, PartialEq)]
struct Checkpoint {
    records: usize,
    snapshot: Arc<Snapshot>,
}

/// What happened to a record handed to [`History::push_record`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pushed {
    /// A new record, appended.
    Appended,
    /// A record we already had (a replay after reconnecting), identical.
    Known,
    /// A replayed record differed: the history was cut there and it was appended.
    Replaced,
}

/// A record that does not follow the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    /// The `seq` we expected.
    pub expected: u64,
    /// The `seq` that came.
    pub got: u64,
}

impl History {
    /// An empty history.
    pub fn new() -> History {
        History::default()
    }

    /// Number of records recorded.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// No record yet.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// All records, in `seq` order.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Records whose action's snapshot has arrived too: the player stops
    /// only within these, so it never shows a record beside the state from
    /// before its action (the snapshot follows the records by a moment).
    pub fn settled(&self) -> usize {
        if self.done {
            return self.records.len();
        }
        self.checkpoints
            .last()
            .map_or(0, |c| c.records.min(self.records.len()))
    }

    /// The scenario has completed: no record will follow the last one.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Mark the scenario complete.
    pub fn set_done(&mut self) {
        self.done = true;
    }

    /// The record current at `position` (the last one shown), if any.
    pub fn current(&self, position: usize) -> Option<&Record> {
        position
            .checked_sub(1)
            .and_then(|index| self.records.get(index))
    }

    /// Add a record from the server.
    pub fn push_record(&mut self, record: Record) -> Result<Pushed, Gap> {
        let expected = self.records.len() as u64;
        if record.seq > expected {
            return Err(Gap {
                expected,
                got: record.seq,
            });
        }
        if record.seq == expected {
            self.records.push(record);
            return Ok(Pushed::Appended);
        }
        let index = record.seq as usize;
        if self.records[index] == record {
            return Ok(Pushed::Known);
        }
        self.truncate(index);
        self.records.push(record);
        Ok(Pushed::Replaced)
    }

    /// Add the snapshot the server sent after an action.
    pub fn push_snapshot(&mut self, snapshot: Snapshot) {
        let records = usize::try_from(snapshot.records).unwrap_or(usize::MAX);
        if snapshot.done {
            self.done = true;
        }
        let checkpoint = Checkpoint {
            records,
            snapshot: Arc::new(snapshot),
        };
        match self.checkpoints.last() {
            Some(last) if last.records > records => {
                // A replay of an older state: keep ours unless it differs.
                if let Some(known) = self.checkpoints.iter_mut().find(|c| c.records == records) {
                    *known = checkpoint;
                }
            }
            Some(last) if last.records == records => {
                if let Some(last) = self.checkpoints.last_mut() {
                    *last = checkpoint;
                }
            }
            _ => self.checkpoints.push(checkpoint),
        }
    }

    /// The state to show at `position`: the state the current record left.
    /// At the end of an action that is the engine's snapshot; inside one,
    /// the records shown so far replayed onto the snapshot before it
    /// ([`state_within`]).
    pub fn state_at(&self, position: usize) -> Option<Arc<Snapshot>> {
        let closing = self.checkpoints.partition_point(|c| c.records < position);
        let before = closing.checked_sub(1).and_then(|i| self.checkpoints.get(i));
        let after = self.checkpoints.get(closing);
        match (before, after) {
            (Some(before), Some(after)) if after.records > position => {
                let shown = self.records.get(before.records..position)?;
                let state = state_within(&before.snapshot, &after.snapshot, shown);
                Some(Arc::new(state))
            }
            _ => self.snapshot_at(position).cloned(),
        }
    }

    /// The snapshot closing the action that produced the current record at
    /// `position` (or the start state at position 0).
    pub fn snapshot_at(&self, position: usize) -> Option<&Arc<Snapshot>> {
        if position == 0 {
            return self
                .checkpoints
                .first()
                .filter(|c| c.records == 0)
                .map(|c| &c.snapshot);
        }
        let closing = self.checkpoints.partition_point(|c| c.records < position);
        self.checkpoints
            .get(closing)
            .or_else(|| self.checkpoints.last())
            .map(|c| &c.snapshot)
    }

    /// Where "next turn" from `position` lands: just after the last record of
    /// the turn the next record belongs to. `None` when more records are needed
    /// to know where that turn ends.
    pub fn turn_end(&self, position: usize) -> Option<usize> {
        let Some(next) = self.records.get(position) else {
            return self.done.then_some(self.records.len());
        };
        let ends = self.records[position..]
            .iter()
            .position(|r| r.turn != next.turn);
        match ends {
            Some(offset) => Some(position + offset),
            None if self.done => Some(self.records.len()),
            None => None,
        }
    }

    fn truncate(&mut self, records: usize) {
        self.records.truncate(records);
        self.checkpoints.retain(|c| c.records <= records);
        self.done = false;
    }
}

/// Where the player is heading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Goal {
    /// Nowhere: stay.
    #[default]
    Idle,
    /// Show this many records.
    Position(usize),
    /// The end of the turn of the next record.
    TurnEnd,
}

/// What to do for a goal, given the history so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// The goal is reached at this position.
    Arrive(usize),
    /// Ask the server for another step first.
    NeedMore,
}

/// Decide how to reach `goal` from `position`.
pub fn plan(history: &History, position: usize, goal: Goal) -> Plan {
    let settled = history.settled();
    match goal {
        Goal::Idle => Plan::Arrive(position.min(history.len())),
        Goal::Position(wanted) if wanted <= settled => Plan::Arrive(wanted),
        Goal::Position(_) if history.is_done() => Plan::Arrive(history.len()),
        Goal::Position(_) => Plan::NeedMore,
        Goal::TurnEnd => match history.turn_end(position) {
            Some(end) if end <= settled => Plan::Arrive(end),
            _ => Plan::NeedMore,
        },
    }
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
