//! The whole run up front, and jumps anywhere in it.
//!
//! On `load` the engine thread runs the scenario (or program) once to its
//! end on a throwaway engine and sends its [`Outline`]
//! ([`super::loaded::Source::outline`]): the browser's scrub bar and
//! timeline span the whole run before a step is shown. Runs are
//! deterministic, so the session's own engine then makes the same records.
//!
//! A `seek` brings the session's engine to the action that makes the
//! record the browser wants to show, without a snapshot per action on the
//! way (a snapshot of `crowd` weighs up to 30 KB, and it has 1,005 actions):
//!
//! ```text
//!   engine at ─▶ step … step  step  step  step  step  ◀ the sought action
//!   sent:        records from `have` on, every action
//!   snapshots:               ├─ ACTIONS_BEFORE ───────┤ + the sought one's
//! ```
//!
//! The records go in `records` frames, many to a WebSocket message: a
//! browser pays for each message it receives (`RECORDS_PER_FRAME`).
//!
//! An engine already past the window starts again from a fresh load (a
//! whole `crowd` run takes about 2 ms): an engine only runs forwards.

use reactor_engine::LabRun;
use reactor_protocol::frame::RECORDS_PER_FRAME;
use reactor_protocol::{Outline, Record, ServerFrame};

/// Actions before the sought one whose closing snapshots are sent too, so
/// a learner stepping back from a far jump does not wait for the server
/// at each of them.
pub(crate) const ACTIONS_BEFORE: usize = 2;

/// The session's engine, with how many records it has handed out.
pub(crate) struct SeekableRun {
    /// The engine.
    pub(crate) engine: LabRun,
    /// Records its steps have returned since it loaded.
    pub(crate) recorded: u64,
}

impl SeekableRun {
    /// A run at its start.
    pub(crate) fn new(engine: LabRun) -> SeekableRun {
        SeekableRun {
            engine,
            recorded: 0,
        }
    }

    /// Advance the engine by one of its methods (`LabRun::step`, `turn`,
    /// `run`), counting the records it returns.
    pub(crate) fn advance(&mut self, how: fn(&mut LabRun) -> Vec<Record>) -> Vec<Record> {
        let records = how(&mut self.engine);
        self.recorded += records.len() as u64;
        records
    }

    /// Whether the engine is already past the start of `window`: it must
    /// start again from a fresh load.
    pub(crate) fn is_past(&self, window: Window) -> bool {
        self.recorded > window.first
    }

    /// Step to the end of `window`, handing `send` the records from `have`
    /// on, in `records` frames of at most [`RECORDS_PER_FRAME`], and a
    /// `snapshot` frame after every action inside the window (see the
    /// module docs); at least one snapshot, the last. A snapshot follows
    /// every record made before it. Stops at the first failed `send` (the
    /// client has gone).
    pub(crate) fn advance_to<E>(
        &mut self,
        window: Window,
        have: u64,
        mut send: impl FnMut(ServerFrame) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut pending = Vec::new();
        let mut answered = false;
        while self.recorded < window.end && !self.engine.is_done() {
            for record in self.advance(LabRun::step) {
                if record.seq >= have {
                    pending.push(record);
                }
                if pending.len() == RECORDS_PER_FRAME {
                    flush(&mut pending, &mut send)?;
                }
            }
            if self.recorded >= window.first {
                flush(&mut pending, &mut send)?;
                let state = self.engine.snapshot();
                send(ServerFrame::Snapshot { state })?;
                answered = true;
            }
        }
        if !answered {
            flush(&mut pending, &mut send)?;
            let state = self.engine.snapshot();
            send(ServerFrame::Snapshot { state })?;
        }
        Ok(())
    }
}

/// Send the records in `pending`, if any, as one `records` frame, and
/// leave `pending` empty.
fn flush<E>(
    pending: &mut Vec<Record>,
    send: &mut impl FnMut(ServerFrame) -> Result<(), E>,
) -> Result<(), E> {
    if pending.is_empty() {
        return Ok(());
    }
    send(ServerFrame::Records {
        records: std::mem::take(pending),
    })
}

/// The record counts between which a seek sends snapshots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    /// Records before the first action whose snapshot is sent.
    pub(crate) first: u64,
    /// Records after the sought action: where the engine stops.
    pub(crate) end: u64,
}

impl Window {
    /// The window for showing `records` records of the run `outline` describes.
    pub(crate) fn of(outline: &Outline, records: u64) -> Window {
        match outline.action_at(records.min(outline.records)) {
            Some((index, _, end)) => {
                let first = index.saturating_sub(ACTIONS_BEFORE);
                let first = first.checked_sub(1).map_or(0, |i| outline.actions[i]);
                Window { first, end }
            }
            None => Window { first: 0, end: 0 },
        }
    }
}
