//! [`Records`]: the records a runtime hands out, in the chunks they were
//! written into, and the spare chunks that make the next run's recording
//! cheap.
//!
//! ```text
//!   Recorder ──push──▶ [chunk 0: 4096 records][chunk 1: 4096][chunk 2: 17]
//!                              │ take_records(): the chunks as they are
//!                              ▼
//!   Records { chunks } ──iterate / drop──▶ each emptied chunk ──▶ spares (this thread)
//!                                                                    │
//!   the next run's Recorder, once a chunk is full ◀──────────────────┘
//! ```
//!
//! What recording a long run costs is mostly memory, not the recorder's
//! work: a record is 112 bytes of newly touched pages, and on the virtual
//! machines this is built on, the kernel handing out and zeroing a fresh
//! page costs more than writing the record into it (docs/benchmarks.md).
//! One growing `Vec` cannot avoid that: grown by doubling, it is moved
//! into ever larger fresh memory, and once dropped its pages go back to
//! the kernel. So a run's records go into fixed chunks that are handed
//! out as they are (no copy), and a chunk the program has emptied, by
//! iterating or dropping its [`Records`], is kept for the next chunk this
//! thread's recorders need (at most [`SPARE_CHUNKS`] of them).
//!
//! The first chunk of a run grows as a `Vec` does: a lab stepping one
//! action at a time takes a few records per step and never fills one.
//! Past [`SMALL_RECORDS`] it moves into a spare chunk, if there is one, so
//! a thread makes a new chunk only when it has no spare left.

use std::cell::RefCell;
use std::collections::VecDeque;

use reactor_protocol::Record;

/// Records per chunk: 4096 × 112 bytes = 448 KiB.
pub const CHUNK_RECORDS: usize = 4096;

/// Emptied chunks a thread keeps for its next recordings: 256 × 448 KiB =
/// 112 MiB at most, a million records' worth.
///
/// Spares never raise what a thread holds at its peak: a new chunk is made
/// only when no spare is left, so the chunks a thread has (in use or spare)
/// are as many as its recordings ever filled at once (chunks dropped on
/// another thread, as a multi-thread runtime's workers' records are, join
/// that thread's spares instead, up to this bound). A lab session capped
/// at the default 100,000 records keeps at most 25 (11 MiB); a bench
/// recording 600k records per run keeps its 147 and pays for fresh pages
/// only in its first run.
pub const SPARE_CHUNKS: usize = 256;

thread_local! {
    static SPARES: RefCell<Vec<Vec<Record>>> = const { RefCell::new(Vec::new()) };
}

/// Records a recorder's first buffer holds before it moves into a spare
/// chunk (when the thread has one): more than a lab step takes, so a
/// step never holds a whole chunk; few enough that the move copies little.
pub(crate) const SMALL_RECORDS: usize = 256;

/// An empty chunk with room for [`CHUNK_RECORDS`]: a spare if one is kept.
pub(crate) fn new_chunk() -> Vec<Record> {
    spare_chunk().unwrap_or_else(|| Vec::with_capacity(CHUNK_RECORDS))
}

/// How many spare chunks this thread keeps.
#[cfg(test)]
pub(crate) fn spares_kept() -> usize {
    SPARES.with(|spares| spares.borrow().len())
}

/// A spare chunk, if this thread keeps one.
pub(crate) fn spare_chunk() -> Option<Vec<Record>> {
    SPARES.with(|spares| spares.borrow_mut().pop())
}

/// Drop what `chunk` still holds and keep its memory, if it is a whole
/// chunk and there is room.
fn recycle(mut chunk: Vec<Record>) {
    if chunk.capacity() != CHUNK_RECORDS {
        return;
    }
    chunk.clear();
    // Records own no runtime state, so dropping them cannot reach SPARES;
    // `try_with` still keeps a thread that is exiting from panicking.
    let _ = SPARES.try_with(|spares| {
        let mut spares = spares.borrow_mut();
        if spares.len() < SPARE_CHUNKS {
            spares.push(chunk);
        }
    });
}

/// Records handed out by `Runtime::take_records`, oldest first.
#[derive(Debug, Default)]
pub struct Records {
    chunks: Vec<Vec<Record>>,
}

impl Records {
    pub(crate) fn from_chunks(chunks: Vec<Vec<Record>>) -> Self {
        Records { chunks }
    }

    /// How many records.
    pub fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.chunks.iter().all(Vec::is_empty)
    }

    /// The records, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Record> {
        self.chunks.iter().flatten()
    }

    /// All of them in one `Vec` (a copy, unless they fill one chunk or less).
    pub fn into_vec(mut self) -> Vec<Record> {
        let mut chunks = std::mem::take(&mut self.chunks);
        if chunks.len() <= 1 {
            return chunks.pop().unwrap_or_default();
        }
        let mut all = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for mut chunk in chunks {
            all.append(&mut chunk);
            recycle(chunk);
        }
        all
    }
}

impl Drop for Records {
    fn drop(&mut self) {
        for chunk in self.chunks.drain(..) {
            recycle(chunk);
        }
    }
}

impl<'a> IntoIterator for &'a Records {
    type Item = &'a Record;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<Record>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flatten()
    }
}

impl IntoIterator for Records {
    type Item = Record;
    type IntoIter = RecordsIntoIter;

    fn into_iter(mut self) -> RecordsIntoIter {
        RecordsIntoIter {
            chunks: std::mem::take(&mut self.chunks).into_iter(),
            current: VecDeque::new(),
        }
    }
}

/// The records of a [`Records`], by value; each chunk is kept for reuse
/// once emptied.
#[derive(Debug)]
pub struct RecordsIntoIter {
    chunks: std::vec::IntoIter<Vec<Record>>,
    /// The chunk being emptied (a `VecDeque` made from the chunk's `Vec`
    /// takes its memory as it is, and gives it back the same way).
    current: VecDeque<Record>,
}

impl Iterator for RecordsIntoIter {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(record) = self.current.pop_front() {
                return Some(record);
            }
            let next = VecDeque::from(self.chunks.next()?);
            recycle(Vec::from(std::mem::replace(&mut self.current, next)));
        }
    }
}

impl Drop for RecordsIntoIter {
    fn drop(&mut self) {
        recycle(Vec::from(std::mem::take(&mut self.current)));
        for chunk in self.chunks.by_ref() {
            recycle(chunk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactor_protocol::{Event, Source};

    fn record(seq: u64) -> Record {
        Record {
            seq,
            turn: 0,
            worker: 0,
            time_ms: 0,
            event: Event::Unpark { events: 0 },
            source: Source {
                file: "here".into(),
                line: 1,
            },
            span: None,
        }
    }

    fn chunk(seqs: std::ops::Range<u64>) -> Vec<Record> {
        let mut chunk = new_chunk();
        chunk.extend(seqs.map(record));
        chunk
    }

    #[test]
    fn records_come_out_in_order_across_chunks() {
        let records = Records::from_chunks(vec![chunk(0..3), chunk(3..5), chunk(5..6)]);
        assert_eq!(records.len(), 6);
        let by_ref: Vec<u64> = records.iter().map(|r| r.seq).collect();
        assert_eq!(by_ref, [0, 1, 2, 3, 4, 5]);
        let by_value: Vec<u64> = records.into_iter().map(|r| r.seq).collect();
        assert_eq!(by_value, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn emptied_chunks_are_kept_for_the_next_recording() {
        SPARES.with(|spares| spares.borrow_mut().clear());
        drop(Records::from_chunks(vec![chunk(0..2), chunk(2..4)]));
        assert_eq!(spares_kept(), 2);
        let reused = new_chunk();
        assert!(reused.is_empty());
        assert_eq!(reused.capacity(), CHUNK_RECORDS);
        assert_eq!(spares_kept(), 1);
        // Iterating part way and stopping gives every chunk back too.
        let mut records = Records::from_chunks(vec![reused, chunk(0..3)]).into_iter();
        records.next();
        drop(records);
        assert_eq!(spares_kept(), 2);
        // A chunk that is not whole (a lab's few records) is not kept.
        drop(Records::from_chunks(vec![vec![record(0)]]));
        assert_eq!(spares_kept(), 2);
    }

    #[test]
    fn the_spares_are_bounded() {
        SPARES.with(|spares| spares.borrow_mut().clear());
        let chunks = (0..SPARE_CHUNKS + 3).map(|_| Vec::with_capacity(CHUNK_RECORDS));
        drop(Records::from_chunks(chunks.collect()));
        assert_eq!(spares_kept(), SPARE_CHUNKS);
    }

    #[test]
    fn into_vec_keeps_one_chunk_as_it_is() {
        let one = chunk(0..2);
        let capacity = one.capacity();
        let all = Records::from_chunks(vec![one]).into_vec();
        assert_eq!((all.len(), all.capacity()), (2, capacity));
        let many = Records::from_chunks(vec![chunk(0..2), chunk(2..3)]).into_vec();
        assert_eq!(many.iter().map(|r| r.seq).collect::<Vec<_>>(), [0, 1, 2]);
    }
}
