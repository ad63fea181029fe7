//! Binding stages to records: which record each stage of a lesson explains.
//!
//! See the picture in the [module above](super): stage `k` is bound to the
//! first record after stage `k-1`'s that its [`Matcher`] accepts. The server
//! binds a whole trace to refuse a stale lesson; the browser binds the
//! records it has received, so the text shown is always the one whose record
//! is on screen.

use std::collections::BTreeMap;

use super::Matcher;
use crate::record::{Event, Record, TaskId};

/// Task ids to the names they were spawned with, learnt from `spawn` records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskNames(BTreeMap<TaskId, String>);

impl TaskNames {
    /// The names spawned in `records`.
    pub fn from_records(records: &[Record]) -> TaskNames {
        let mut names = TaskNames::default();
        records.iter().for_each(|record| names.learn(record));
        names
    }

    /// Remember the name if `record` is a `spawn`.
    pub fn learn(&mut self, record: &Record) {
        if let Event::Spawn { task, name } = &record.event {
            self.0.insert(*task, name.clone());
        }
    }

    /// The name of task `id`, if it was spawned.
    pub fn name(&self, id: TaskId) -> Option<&str> {
        self.0.get(&id).map(String::as_str)
    }
}

/// A stage that matched no record where it should have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmatched {
    /// Index of the stage, from 0.
    pub stage: usize,
    /// Index of the record the previous stage was bound to (`None` for the first stage).
    pub after: Option<usize>,
    /// Indexes of records the matcher does accept, all at or before `after`.
    pub earlier: Vec<usize>,
}

/// Bind stages to records: stage `k` gets the first record after stage `k-1`'s
/// that its matcher accepts. Returns the record index of each stage bound so
/// far — every stage for a complete trace, a prefix for a partial one.
pub fn bind<'a>(matchers: impl IntoIterator<Item = &'a Matcher>, records: &[Record]) -> Vec<usize> {
    let mut names = TaskNames::default();
    let mut bound = Vec::new();
    let mut next = 0;
    let mut matchers = matchers.into_iter();
    let mut wanted = matchers.next();
    for (index, record) in records.iter().enumerate() {
        names.learn(record);
        let Some(matcher) = wanted else { break };
        if index >= next && matcher.matches(record, &names) {
            bound.push(index);
            next = index + 1;
            wanted = matchers.next();
        }
    }
    bound
}

/// [`bind`] over a complete trace, failing on the first stage left unbound.
///
/// # Errors
/// [`Unmatched`] names the stage and where the search began.
pub fn bind_all(matchers: &[Matcher], records: &[Record]) -> Result<Vec<usize>, Unmatched> {
    let bound = bind(matchers, records);
    if bound.len() == matchers.len() {
        return Ok(bound);
    }
    let stage = bound.len();
    let after = bound.last().copied();
    let names = TaskNames::from_records(records);
    let earlier = records
        .iter()
        .enumerate()
        .take(after.map_or(0, |a| a + 1))
        .filter(|(_, record)| matchers[stage].matches(record, &names))
        .map(|(index, _)| index)
        .collect();
    Err(Unmatched {
        stage,
        after,
        earlier,
    })
}

/// The stage shown when `position` records are shown (the current record is
/// `position - 1`): the last stage whose record is already on screen, or
/// `None` before the first stage's record.
pub fn active_stage(bound: &[usize], position: usize) -> Option<usize> {
    bound
        .partition_point(|&index| index < position)
        .checked_sub(1)
}

/// The position (records shown) at which stage `stage` becomes active: just
/// after its record.
pub fn stage_position(bound: &[usize], stage: usize) -> Option<usize> {
    bound.get(stage).map(|index| index + 1)
}
