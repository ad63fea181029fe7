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
//! Each checkpoint closes one engine action (one `step`): its *group* of
//! records. The state shown at position `p` is the state the current record
//! left: the snapshot itself at the end of a group, else the group's records
//! up to `p` replayed onto the snapshot before it. Stepping back and forth
//! over what has been recorded never needs the server.
//!
//! The run's [`Outline`] (sent with `loaded`) tells where every action ends,
//! so checkpoints may be sparse: a jump far ahead (a `seek`) brings every
//! record up to there but snapshots only around the goal, and a position is
//! shown exactly once both snapshots around its action are here
//! ([`History::shows`]).
//!
//! Invariants:
//! - `records[i].seq == i` for every `i` (a gap is refused, a replayed record
//!   that differs truncates the history from there).
//! - checkpoints are strictly increasing in their record count.
//! - the outline, once set, stays until the history is replaced.
//! - `done` is only ever set by the server, when the scenario completed.

use std::sync::Arc;

use reactor_protocol::{Outline, Record, Snapshot, state_within};

/// Actions the player keeps fetched past the one it shows (see
/// [`History::prefetch`]): a `crowd` action is often three records, so a
/// learner holding → for a second stays on fetched ground.
pub const PREFETCH_ACTIONS: usize = 8;

/// Records and snapshots of one run, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    records: Vec<Record>,
    checkpoints: Vec<Checkpoint>,
    done: bool,
    outline: Option<Arc<Outline>>,
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

    /// Keep the shape of the whole run.
    pub fn set_outline(&mut self, outline: Outline) {
        self.outline = Some(Arc::new(outline));
    }

    /// The shape of the whole run, once the server sent it.
    pub fn outline(&self) -> Option<&Arc<Outline>> {
        self.outline.as_ref()
    }

    /// Records in the whole run: the outline's count, else those recorded.
    pub fn total(&self) -> usize {
        self.outline
            .as_ref()
            .map_or(self.records.len(), |o| o.records as usize)
    }

    /// Whether `position` shows the run's last record: the outline's count,
    /// or, without one, every record of a completed run.
    pub fn at_end(&self, position: usize) -> bool {
        match &self.outline {
            Some(outline) => position as u64 >= outline.records,
            None => self.done && position >= self.records.len(),
        }
    }

    /// Whether the state at `position` can be shown exactly: its records are
    /// here, and the snapshots before and after its action. Without an
    /// outline, actions are only known by their snapshots, so every record
    /// up to the last one is.
    pub fn shows(&self, position: usize) -> bool {
        if position > self.records.len() {
            return false;
        }
        let Some(outline) = &self.outline else {
            return position <= self.settled();
        };
        let has = |records: u64| self.has_checkpoint(records as usize);
        match outline.action_at(position as u64) {
            None => position == 0 && has(0),
            Some((_, start, end)) => has(start) && has(end),
        }
    }

    /// How many `step`s to send so that the engine, at `engine_at` records,
    /// stands [`PREFETCH_ACTIONS`] actions past the one shown at `position`,
    /// with every action between shown: the learner's next presses need no
    /// server trip. 0 without an outline, at the run's end, or when the
    /// engine is behind or past a gap (a seek will move it).
    pub fn prefetch(&self, position: usize, engine_at: usize) -> usize {
        let Some(outline) = &self.outline else {
            return 0;
        };
        let engine_at = self.engine_boundary(engine_at);
        let index = |records: usize| {
            outline
                .actions
                .partition_point(|&end| (end as usize) < records)
        };
        let (here, engine) = (index(position), index(engine_at));
        let ahead = match engine_at {
            0 => 0,
            _ if engine_at < position => return 0,
            _ => engine + 1 - here.min(engine + 1),
        };
        let shown = outline.actions[here.min(outline.actions.len())..]
            .iter()
            .take(ahead)
            .all(|&end| self.has_checkpoint(end as usize));
        let left = outline.actions.len().saturating_sub(here + ahead);
        if shown {
            PREFETCH_ACTIONS.saturating_sub(ahead).min(left)
        } else {
            0
        }
    }

    /// Whether the snapshot taken when `records` records existed is here.
    /// The start state counts as 0: the server takes it after `load`, which
    /// may already have recorded main's spawn (sent with the first step).
    pub fn has_checkpoint(&self, records: usize) -> bool {
        if records == 0 {
            return self
                .checkpoints
                .first()
                .is_some_and(|c| self.is_start(c.records));
        }
        self.checkpoints
            .binary_search_by_key(&records, |c| c.records)
            .is_ok()
    }

    /// Whether a snapshot of `records` records is the start state: no action
    /// ends before it.
    fn is_start(&self, records: usize) -> bool {
        self.outline
            .as_ref()
            .and_then(|o| o.actions.first())
            .is_none_or(|&first| (records as u64) < first)
    }

    /// Where the server's engine stands, as a record count an action ends
    /// at: 0 for the start state (see [`History::has_checkpoint`]).
    pub fn engine_boundary(&self, engine_at: usize) -> usize {
        if self.is_start(engine_at) {
            0
        } else {
            engine_at
        }
    }

    /// The record count after the action that makes record `position - 1`:
    /// where a `seek` for `position` stops. `None` without an outline.
    pub fn action_end(&self, position: usize) -> Option<usize> {
        let outline = self.outline.as_ref()?;
        Some(
            outline
                .action_at(position as u64)
                .map_or(0, |(_, _, end)| end as usize),
        )
    }

    /// Where the action that makes record `position - 1` starts, if known.
    pub fn action_start(&self, position: usize) -> Option<usize> {
        let outline = self.outline.as_ref()?;
        let (_, start, _) = outline.action_at(position as u64)?;
        Some(start as usize)
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
        // In place: a replay or a seek back brings older states, a later
        // snapshot of the same count replaces the earlier one.
        match self
            .checkpoints
            .binary_search_by_key(&records, |c| c.records)
        {
            Ok(known) => self.checkpoints[known] = checkpoint,
            Err(at) => self.checkpoints.insert(at, checkpoint),
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
        if let Some(outline) = &self.outline {
            return Some(outline.turn_end(position as u64) as usize);
        }
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

#[cfg(test)]
#[path = "history_tests.rs"]
pub(crate) mod tests;
