//! A trace file's run, answering the commands the player would send the
//! server with the frames the server would send (see `super::local`).

use std::rc::Rc;

use reactor_protocol::{Command, Record, ServerFrame};

use crate::replay::TraceFile;

/// Actions before a sought one whose states are sent too, as the server's
/// seek does: stepping back from a jump needs no rebuilding.
const ACTIONS_BEFORE: usize = 2;

/// A trace file, and how far its run has been "stepped".
pub(crate) struct LocalRun {
    file: Rc<TraceFile>,
    /// Which load this is: frames answered for an earlier one are dropped.
    pub(crate) generation: u64,
    /// Actions answered since the last load.
    done_actions: usize,
}

impl LocalRun {
    /// The file's run, at its start.
    pub(crate) fn new(file: Rc<TraceFile>, generation: u64) -> LocalRun {
        LocalRun {
            file,
            generation,
            done_actions: 0,
        }
    }

    /// The file played.
    pub(crate) fn file(&self) -> &Rc<TraceFile> {
        &self.file
    }

    /// The frames the server would answer `command` with.
    pub(crate) fn answer(&mut self, command: &Command) -> Vec<ServerFrame> {
        match command {
            Command::Load { .. } | Command::LoadProgram { .. } | Command::Reset => self.load(),
            Command::Step => self.advance(1),
            Command::Turn => {
                let turn = self.next_record().map(|r| r.turn);
                let mut actions = 0;
                let ends = &self.file.outline.actions;
                while let Some(&end) = ends.get(self.done_actions + actions) {
                    actions += 1;
                    let next = self.file.records.get(end as usize).map(|r| r.turn);
                    if next != turn {
                        break;
                    }
                }
                self.advance(actions.max(1))
            }
            Command::Run => self.advance(usize::MAX),
            Command::Seek { records, have } => self.seek(*records, *have),
        }
    }

    fn next_record(&self) -> Option<&Record> {
        let start = self.action_start(self.done_actions);
        self.file.records.get(start)
    }

    /// Records made before action `action`.
    fn action_start(&self, action: usize) -> usize {
        action
            .checked_sub(1)
            .and_then(|previous| self.file.outline.actions.get(previous))
            .map_or(0, |&end| end as usize)
    }

    fn load(&mut self) -> Vec<ServerFrame> {
        self.done_actions = 0;
        let scenario = self.file.about.scenario.clone();
        vec![
            ServerFrame::Loaded { scenario },
            ServerFrame::Outline(self.file.outline.clone()),
            self.state(None),
        ]
    }

    fn state(&self, action: Option<usize>) -> ServerFrame {
        match self.file.state(action) {
            Ok(state) => ServerFrame::Snapshot { state },
            Err(message) => ServerFrame::error(message),
        }
    }

    fn total(&self) -> usize {
        self.file.outline.actions.len()
    }

    /// Answer `count` steps (or those left), as one batch of frames.
    fn advance(&mut self, count: usize) -> Vec<ServerFrame> {
        let mut frames = Vec::new();
        let last = self.done_actions.saturating_add(count).min(self.total());
        let records = self.action_start(self.done_actions)..self.action_start(last);
        frames.extend(self.records(records));
        self.done_actions = last;
        frames.push(self.state(last.checked_sub(1)));
        if last == self.total() {
            frames.push(ServerFrame::Done);
        }
        frames
    }

    /// Answer a seek: the records from `have` to the end of the action that
    /// makes record `records - 1`, with the states after it and the
    /// [`ACTIONS_BEFORE`] actions before it.
    fn seek(&mut self, records: u64, have: u64) -> Vec<ServerFrame> {
        let outline = &self.file.outline;
        let Some((index, _, end)) = outline.action_at(records.min(outline.records)) else {
            self.done_actions = 0;
            return vec![self.state(None)];
        };
        let mut frames: Vec<ServerFrame> = self.records(have as usize..end as usize).collect();
        let first = index.saturating_sub(ACTIONS_BEFORE);
        if first == 0 {
            frames.push(self.state(None));
        }
        for action in first..=index {
            frames.push(self.state(Some(action)));
        }
        self.done_actions = index + 1;
        if self.done_actions == self.total() {
            frames.push(ServerFrame::Done);
        }
        frames
    }

    fn records(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = ServerFrame> + '_ {
        let range =
            range.start.min(self.file.records.len())..range.end.min(self.file.records.len());
        self.file.records[range]
            .iter()
            .map(|record| ServerFrame::Record {
                record: record.clone(),
            })
    }
}

#[cfg(test)]
#[path = "local_run_tests.rs"]
mod tests;
