//! The frames a room keeps so a late joiner (or a follower that fell behind)
//! can be brought to where the class is, in bounded memory.
//!
//! What a follower's browser needs is set by its history
//! (`web/src/history.rs`): **every record from `seq` 0** (it refuses a gap),
//! and snapshots as checkpoints between them. It keeps one checkpoint per
//! record count, a later snapshot with the same count replacing the earlier
//! one. So the room keeps:
//!
//! ```text
//!  loaded  outline  snapshot₀  record … record  snapshot  record … snapshot  [done]
//!  └ the run's start, and its shape                           └ the latest state
//! ```
//!
//! and compacts in two ways, each safe for that reader:
//!
//! 1. **Same record count, replaced.** A snapshot whose `state.records`
//!    equals the snapshot the history ends with (no record between them)
//!    replaces it, as the browser would; an identical one, or a second
//!    `done`, changes nothing and is not even sent on. So a presenter who
//!    steps ten thousand times past the end (8.2 MB of frames) leaves the
//!    history as it was.
//! 2. **Past the byte cap, every other snapshot dropped.** When the history
//!    weighs more than its cap, every second snapshot between the first and
//!    the last goes, as often as needed. Records always stay, and so do the
//!    start state and the latest state; a follower scrubbing back into the
//!    thinned stretch sees the records replayed onto an older snapshot
//!    (`reactor_protocol::state_within`) instead of the engine's own
//!    checkpoint. `crowd` stepped action by action (1.0 MB of records, 24.4
//!    MB of snapshots) keeps one snapshot in eight under the 4 MiB default.
//!    If records and the two snapshots alone do not fit, the history stops
//!    growing and says so ([`Kept::Overflowed`]): a joiner could only be
//!    handed a run with a hole, so joins are refused until the next `loaded`.
//!
//! Readers walk the history by index (a follower's catch-up is a cursor, not
//! a copy). A change that is not an append reports the first index it
//! touched ([`Kept::From`]); a reader past it goes back there and reads the
//! frames again, which the browser takes as a replay (same records, the
//! same or newer checkpoints).

use axum::extract::ws::Utf8Bytes;
use serde::Deserialize;

/// What a frame from the presenter's session is, as the history keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    /// `loaded`: a new run starts; the history restarts from it.
    Loaded,
    /// `outline`: the shape of the run just loaded. Kept like a record.
    Outline,
    /// `record`, or `records` (several).
    Record,
    /// `snapshot`.
    Snapshot,
    /// `done`.
    Done,
}

/// What keeping a frame did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kept {
    /// Appended at the end; every reader's place is still good.
    Appended,
    /// Nothing new (the same snapshot again, a second `done`): followers
    /// already have it, so it need not be sent on.
    Unchanged,
    /// Frames from this index on changed; a reader past it goes back there.
    From(usize),
    /// Records alone outgrew the cap: the history no longer holds the whole
    /// run, and stops growing until the next `loaded`.
    Overflowed,
}

/// One kept frame.
#[derive(Debug)]
struct Entry {
    frame: Utf8Bytes,
    kind: Held,
}

/// A kept frame's kind; a snapshot with its record count, when it could be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Held {
    Loaded,
    Record,
    Snapshot(Option<u64>),
    Done,
}

/// A room's history since its last `loaded` frame, at most `limit` bytes.
#[derive(Debug)]
pub(crate) struct History {
    entries: Vec<Entry>,
    bytes: usize,
    limit: usize,
    overflowed: bool,
}

impl History {
    /// An empty history that keeps at most `limit` bytes of frames.
    pub(crate) fn new(limit: usize) -> History {
        History {
            entries: Vec::new(),
            bytes: 0,
            limit,
            overflowed: false,
        }
    }

    /// Frames kept.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Bytes of the frames kept.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether the history stopped growing because records outgrew the cap.
    pub(crate) fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// The kept frame at `index`.
    pub(crate) fn get(&self, index: usize) -> Option<&Utf8Bytes> {
        self.entries.get(index).map(|entry| &entry.frame)
    }

    /// Keep `frame`, a frame of kind `kind` from the presenter's session.
    pub(crate) fn keep(&mut self, frame: &Utf8Bytes, kind: Frame) -> Kept {
        let mut kept = match kind {
            Frame::Loaded => {
                self.entries.clear();
                self.bytes = 0;
                self.overflowed = false;
                self.push(frame, Held::Loaded);
                return Kept::From(0);
            }
            _ if self.overflowed => return Kept::Overflowed,
            Frame::Record | Frame::Outline => {
                self.push(frame, Held::Record);
                Kept::Appended
            }
            Frame::Done if self.entries.last().is_some_and(|e| e.kind == Held::Done) => {
                return Kept::Unchanged;
            }
            Frame::Done => {
                self.push(frame, Held::Done);
                Kept::Appended
            }
            Frame::Snapshot => match self.replaceable(frame) {
                Some((_, true)) => return Kept::Unchanged,
                Some((at, false)) => {
                    self.truncate(at);
                    self.push(frame, Held::Snapshot(snapshot_records(frame)));
                    Kept::From(at)
                }
                None => {
                    self.push(frame, Held::Snapshot(snapshot_records(frame)));
                    Kept::Appended
                }
            },
        };
        while self.bytes > self.limit {
            let Some(first) = self.thin() else {
                self.truncate(self.entries.len() - 1);
                self.overflowed = true;
                return Kept::Overflowed;
            };
            kept = match kept {
                Kept::From(at) => Kept::From(at.min(first)),
                _ => Kept::From(first),
            };
        }
        kept
    }

    /// If `frame` (a snapshot) stands for the same record count as the
    /// snapshot the history ends with (before a `done`), that snapshot's
    /// index and whether the two are identical.
    fn replaceable(&self, frame: &Utf8Bytes) -> Option<(usize, bool)> {
        let mut at = self.entries.len().checked_sub(1)?;
        if self.entries[at].kind == Held::Done {
            at = at.checked_sub(1)?;
        }
        let last = &self.entries[at];
        let Held::Snapshot(Some(records)) = last.kind else {
            return None;
        };
        (snapshot_records(frame) == Some(records)).then(|| (at, last.frame == *frame))
    }

    fn push(&mut self, frame: &Utf8Bytes, kind: Held) {
        self.bytes += frame.len();
        self.entries.push(Entry {
            frame: frame.clone(),
            kind,
        });
    }

    fn truncate(&mut self, len: usize) {
        for entry in self.entries.drain(len..) {
            self.bytes -= entry.frame.len();
        }
    }

    /// Drop every other snapshot between the first and the last; the index of
    /// the first one dropped, or `None` if there was none to drop.
    fn thin(&mut self) -> Option<usize> {
        let snapshots: Vec<usize> = (self.entries.iter().enumerate())
            .filter(|(_, entry)| matches!(entry.kind, Held::Snapshot(_)))
            .map(|(index, _)| index)
            .collect();
        let inner = snapshots.get(1..snapshots.len().checked_sub(1)?)?;
        let first = *inner.first()?;
        let mut doomed = inner.iter().step_by(2).copied().peekable();
        let mut index = 0;
        let mut freed = 0;
        self.entries.retain(|entry| {
            let drop = doomed.next_if_eq(&index).is_some();
            index += 1;
            if drop {
                freed += entry.frame.len();
            }
            !drop
        });
        self.bytes -= freed;
        Some(first)
    }
}

/// The record count of a `snapshot` frame (`state.records`), read without
/// building the snapshot; `None` if the frame does not say.
fn snapshot_records(frame: &Utf8Bytes) -> Option<u64> {
    #[derive(Deserialize)]
    struct Head {
        state: State,
    }
    #[derive(Deserialize)]
    struct State {
        records: u64,
    }
    serde_json::from_str::<Head>(frame.as_str())
        .ok()
        .map(|head| head.state.records)
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
