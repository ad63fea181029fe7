//! The recorder: one [`Record`] per thing the runtime does.
//!
//! Every part of the engine reports its actions here, and each record's
//! `source` is the line that did the work (the `read` syscall, the wheel
//! insert, the call that polls the future), never the line that records it.
//! The browser shows that line next to the picture. Two ways get it there:
//!
//! - the work comes first: [`located`] returns its value with the line it
//!   was computed on, and [`Recorder::record_at`] records at that line:
//!
//!   ```text
//!   let (dispatched, at) = located(driver.dispatch_next());   ◀── the source
//!   recorder.record_at(Event::OsEvent { .. }, at);
//!   ```
//!
//! - the record comes first (`poll` before the future runs, `park` before
//!   the wait): the work is done by a `#[track_caller]` function that
//!   records with [`Recorder::record`], also `#[track_caller]`, so the
//!   source is the line that calls that function (`poll_future(core, ..)`).
//!
//! ```text
//!   runtime/*.rs ─┐
//!   task/*.rs ────┤
//!   io/*.rs ──────┼─ record(Event) ──▶ Recorder ──▶ Records (chunks) ──▶ Runtime::take_records()
//!                 │                        └──▶ one Vec<Record> ──▶ LabRun::step()
//!   time/*.rs ────┘     (seq, turn, time_ms, file:line added here)
//! ```
//!
//! Recording can be switched off (for benchmarks): `record` then returns at
//! once and nothing is kept. Call sites that would have to format text first
//! check [`Recorder::enabled`].
//!
//! # Storage: chunks, handed out whole
//!
//! Records go into chunks of [`CHUNK_RECORDS`] (`records.rs`), and
//! `Runtime::take_records` hands them out as they are, as [`Records`]:
//! nothing is copied, and a chunk the program is done with is reused by
//! the next chunk this thread records into. The lab's `LabRun::step`,
//! which takes a few records per step, gets them as one small `Vec`
//! ([`Recorder::take`]). What a long run pays for is mostly memory: each
//! record is 112 bytes (x86-64) of pages that must be touched (144 before
//! `Event::Syscall` was boxed; see `reactor_protocol::Syscall`).

mod records;

use std::panic::Location;

use reactor_protocol::{Event, Record, Source, Span};

pub use records::{CHUNK_RECORDS, Records, RecordsIntoIter, SPARE_CHUNKS};

/// `value` and the source line it was computed on: the line that did the
/// work, for the record that reports it (see the module docs).
#[track_caller]
pub(crate) fn located<T>(value: T) -> (T, &'static Location<'static>) {
    (value, Location::caller())
}

/// Collects records, stamping each with its position, turn, time and origin.
#[derive(Debug)]
pub(crate) struct Recorder {
    enabled: bool,
    /// Full chunks not yet handed out, oldest first.
    full: Vec<Vec<Record>>,
    /// The chunk being filled (it grows as a `Vec` until it holds
    /// [`CHUNK_RECORDS`], then joins `full`).
    buffer: Vec<Record>,
    /// Records produced so far, including those handed out.
    count: u64,
    /// Stop accepting records once `count` reaches this; `None`: no limit.
    limit: Option<u64>,
    /// A record was refused because of the limit.
    overflowed: bool,
    /// The event-loop turn stamped on new records.
    turn: u64,
    /// The runtime time stamped on new records.
    time_ms: u64,
    /// The thread stamped on new records (0 for a current-thread runtime).
    worker: u32,
    /// The playground program's position stamped on new records, while a
    /// task of such a program is polled.
    span: Option<Span>,
}

impl Recorder {
    /// A recorder; `enabled: false` keeps nothing.
    pub(crate) fn new(enabled: bool, limit: Option<u64>) -> Self {
        Recorder {
            enabled,
            full: Vec::new(),
            buffer: Vec::new(),
            count: 0,
            limit,
            overflowed: false,
            turn: 0,
            time_ms: 0,
            worker: 0,
            span: None,
        }
    }

    /// Whether records are being kept.
    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Record `event` as happening at the caller's source line, which must
    /// be the line doing the work: call it from a `#[track_caller]` function
    /// that does it. Returns whether it was kept (not when recording is off
    /// or the limit is reached).
    #[track_caller]
    #[inline]
    pub(crate) fn record(&mut self, event: Event) -> bool {
        self.record_at(event, Location::caller())
    }

    /// Record `event` as happening at `at`, the line that did the work
    /// (from [`located`]). Returns whether it was kept.
    ///
    /// Inlined, so that with recording off the caller does not even build
    /// the event: the check is all that is left.
    #[inline]
    pub(crate) fn record_at(&mut self, event: Event, at: &'static Location<'static>) -> bool {
        if !self.enabled {
            return false;
        }
        if self.limit.is_some_and(|limit| self.count >= limit) {
            self.overflowed = true;
            return false;
        }
        self.push(event, at);
        true
    }

    /// Record `event` even past the limit: the one `error` that reports it.
    #[track_caller]
    pub(crate) fn record_past_limit(&mut self, event: Event) {
        self.record_past_limit_at(event, Location::caller());
    }

    /// [`Recorder::record_past_limit`] at `at`, the line that did the work.
    pub(crate) fn record_past_limit_at(&mut self, event: Event, at: &'static Location<'static>) {
        if self.enabled {
            self.push(event, at);
        }
    }

    fn push(&mut self, event: Event, location: &'static Location<'static>) {
        if self.buffer.len() == self.buffer.capacity() {
            self.make_room();
        }
        self.buffer.push(Record {
            seq: self.count,
            turn: self.turn,
            worker: self.worker,
            time_ms: self.time_ms,
            event,
            source: Source {
                file: location.file().into(),
                line: location.line(),
            },
            span: self.span,
        });
        self.count += 1;
    }

    /// The buffer is full. A whole chunk joins `full` and a new one (a
    /// spare if the thread has one) takes its place. A first buffer, which
    /// grows as a `Vec` does so that a lab step's few records take little
    /// memory, moves into a spare chunk once it outgrows
    /// [`records::SMALL_RECORDS`]: otherwise every long run would grow a
    /// chunk of its own and add it to the spares.
    fn make_room(&mut self) {
        if self.buffer.len() == CHUNK_RECORDS {
            let next = records::new_chunk();
            self.full.push(std::mem::replace(&mut self.buffer, next));
        } else if self.buffer.len() >= records::SMALL_RECORDS
            && let Some(mut spare) = records::spare_chunk()
        {
            spare.append(&mut self.buffer);
            self.buffer = spare;
        }
    }

    /// Hand out the records produced since the last call, in the chunks
    /// they were written into.
    pub(crate) fn take_chunks(&mut self) -> Records {
        let mut chunks = std::mem::take(&mut self.full);
        if !self.buffer.is_empty() {
            chunks.push(std::mem::take(&mut self.buffer));
        }
        Records::from_chunks(chunks)
    }

    /// Hand out the records produced since the last call as one `Vec` (a
    /// copy only if they filled more than one chunk).
    pub(crate) fn take(&mut self) -> Vec<Record> {
        self.take_chunks().into_vec()
    }

    /// Records produced so far.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// Whether a record was dropped because the limit was reached.
    pub(crate) fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// Set the turn stamped on the following records.
    pub(crate) fn set_turn(&mut self, turn: u64) {
        self.turn = turn;
    }

    /// Set the thread stamped on the following records (a multi-thread
    /// runtime's worker, or its `block_on` thread).
    pub(crate) fn set_worker(&mut self, worker: u32) {
        self.worker = worker;
    }

    /// Set the time stamped on the following records.
    pub(crate) fn set_time(&mut self, time_ms: u64) {
        self.time_ms = time_ms;
    }

    /// Stamp new records with this program position (`None`: none).
    pub(crate) fn set_span(&mut self, span: Option<Span>) {
        self.span = span;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_carry_seq_and_the_callers_line() {
        let mut recorder = Recorder::new(true, None);
        recorder.set_time(7);
        recorder.record(Event::Park { timeout_ms: None });
        let line = line!() - 1;
        recorder.record(Event::Unpark { events: 0 });
        let records = recorder.take();
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].seq, 1);
        assert_eq!(records[0].time_ms, 7);
        assert_eq!(records[0].source.file, "engine/src/trace/mod.rs");
        assert_eq!(records[0].source.line, line);
    }

    #[test]
    fn located_gives_the_line_of_the_work() {
        let mut recorder = Recorder::new(true, None);
        let (events, at) = located(3);
        let line = line!() - 1;
        recorder.record_at(Event::Unpark { events }, at);
        assert_eq!(recorder.take()[0].source.line, line);
    }

    #[test]
    fn the_limit_refuses_records_and_remembers_it() {
        let mut recorder = Recorder::new(true, Some(1));
        recorder.record(Event::Park { timeout_ms: None });
        recorder.record(Event::Park { timeout_ms: None });
        assert!(recorder.overflowed());
        assert_eq!(recorder.take().len(), 1);
    }

    #[test]
    fn a_long_run_is_handed_out_in_whole_chunks_in_order() {
        let mut recorder = Recorder::new(true, None);
        let total = CHUNK_RECORDS * 2 + 5;
        for _ in 0..total {
            recorder.record(Event::Park { timeout_ms: None });
        }
        let records = recorder.take_chunks();
        assert_eq!(records.len(), total);
        assert!(records.iter().map(|r| r.seq).eq(0..total as u64));
        assert!(recorder.take_chunks().is_empty());
    }

    #[test]
    fn long_runs_reuse_the_spare_chunks_and_never_add_to_them() {
        let run = || {
            let mut recorder = Recorder::new(true, None);
            for _ in 0..CHUNK_RECORDS + 300 {
                recorder.record(Event::Park { timeout_ms: None });
            }
            drop(recorder.take_chunks());
        };
        run();
        let kept = records::spares_kept();
        assert_eq!(kept, 2, "the first run's two chunks are kept");
        for _ in 0..5 {
            run();
        }
        assert_eq!(records::spares_kept(), kept);
    }

    #[test]
    fn disabled_recorder_keeps_nothing() {
        let mut recorder = Recorder::new(false, None);
        recorder.record(Event::Park { timeout_ms: None });
        assert_eq!(recorder.count(), 0);
        assert!(recorder.take().is_empty());
    }
}
