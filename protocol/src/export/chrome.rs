//! The Chrome Trace Event format, for Perfetto UI and `chrome://tracing`.
//!
//! [`write()`] gives the JSON object form, one event per line:
//! `{"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {...}}`.
//!
//! ```text
//!  pid 1 "Reactor Lab: tcp_read"       one process: the run's runtime
//!   ├─ tid 5 "block_on thread"         multi-thread only, after the workers
//!   ├─ tid 1 "worker 0"                worker n is tid n + 1
//!   │   [asleep .....................]          worker_park … worker_unpark
//!   │     [handler (task 1)][park][dispatch]    a slice per step
//!   │       · syscall · pending    · os_event · wake ──▶ flow to its next poll
//!   └─ counters: run queue, inject queue, worker n queue, timers in wheel
//! ```
//!
//! - Every record is one event: a slice's begin (`B`: `poll`, `park`,
//!   `worker_park`) or an instant (`i`) inside whatever slice is open on its
//!   thread, with the record itself in `args` (`seq`, `kind`, its fields,
//!   `source` as `file:line`, `task_name`).
//! - Slices (`B`/`E`) never span two engine actions, except `asleep`: a poll
//!   (named by the task's name and id) runs from `poll` to the end of its
//!   step, so a completion's join wake is inside it, as in Tokio's harness;
//!   a park from `park` to its step's end; the steps that dispatch an OS
//!   event, fire timers or wake outside a poll are `dispatch`, `fire timers`
//!   and `wake deferred` (`enter block_on` at load). So every wake is inside
//!   a slice, which a flow's start needs.
//! - A flow (`s` → `f`, `bp: "e"`, `id` the wake's `seq`) goes from each
//!   wake to the next poll of its task; a wake no poll follows has none.
//! - Counters (`C`) come from the snapshot after each step, when they change.
//!
//! One pid: records carry no runtime id. A run's trace is one runtime's
//! (`docs/trace-format.md`, "Several runtimes"): another runtime, such as
//! the one `cross_runtime` builds, writes nothing into it.
//!
//! Time: see [`TIME_RULE`]. Output is deterministic: the same run gives the
//! same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

use serde_json::{Value, json};

use super::RecordedRun;
use crate::pool::BLOCK_ON_THREAD;
use crate::record::{Event, Record, TaskId};
use crate::snapshot::Snapshot;
use slices::{Flows, Walk};

mod slices;

/// How `ts` is made from the records' `time_ms`, as the file states it.
pub const TIME_RULE: &str = "ts is in microseconds of the runtime's clock (time_ms * 1000): \
virtual time unless the run used the real clock. The n records that share one millisecond are \
spread over it in seq order, the k-th (from 0) at time_ms * 1000 + k * step, where step is 1 us \
when n <= 1000 and otherwise 1000 / n us rounded down to whole nanoseconds (at least 1 ns; past \
1,000,000 records in one millisecond the rest share its last nanosecond). A record spans one \
step, so no slice has zero length and none crosses into the next millisecond. A time_ms lower \
than an earlier record's counts as the earlier one.";

/// The one process.
const PID: u64 = 1;
/// Nanoseconds in a millisecond.
const MS: u64 = 1_000_000;

/// `run` as a Chrome trace (JSON object format).
pub fn write(run: &RecordedRun) -> String {
    let records: Vec<&Record> = run.records().collect();
    let cells = cells(&records);
    let threads = Threads::of(run);
    let names = task_names(run);
    let flows = Flows::of(&records);
    let mut out = Out::default();
    metadata(&mut out, run, &threads);
    let first = cells
        .first()
        .map_or(Ns(run.start.time_ms.saturating_mul(MS)), |c| c.0);
    let mut counters = BTreeMap::new();
    emit_counters(&mut out, &mut counters, &run.start, first, threads.home());
    let mut walk = Walk::new(&threads, &names, &flows, first);
    let mut cell = cells.iter();
    for action in &run.actions {
        let mut acted = threads.home();
        for (record, &(start, end)) in action.records.iter().zip(cell.by_ref()) {
            acted = threads.tid(record.worker);
            walk.record(&mut out, record, start, end);
        }
        walk.close_phase(&mut out);
        emit_counters(
            &mut out,
            &mut counters,
            &action.after,
            walk.last_end(),
            acted,
        );
    }
    walk.finish(&mut out);
    finish(out, run, &threads)
}

/// A time in the trace: nanoseconds, written as microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Ns(u64);

impl fmt::Display for Ns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (us, ns) = (self.0 / 1000, self.0 % 1000);
        if ns == 0 {
            return write!(f, "{us}");
        }
        let fraction = format!("{ns:03}");
        write!(f, "{us}.{}", fraction.trim_end_matches('0'))
    }
}

/// Where the `k`-th of `n` records in one millisecond starts and ends, in
/// nanoseconds from the millisecond's start ([`TIME_RULE`]).
fn cell(k: u64, n: u64) -> (u64, u64) {
    let step = if n <= 1000 { 1000 } else { (MS / n).max(1) };
    let start = k.saturating_mul(step).min(MS - 1);
    (start, (start + step).min(MS))
}

/// Every record's start and end.
fn cells(records: &[&Record]) -> Vec<(Ns, Ns)> {
    let mut times = Vec::with_capacity(records.len());
    let mut high = 0;
    for record in records {
        high = record.time_ms.max(high);
        times.push(high);
    }
    let mut cells = Vec::with_capacity(times.len());
    for group in times.chunk_by(|a, b| a == b) {
        let base = group[0].saturating_mul(MS);
        for k in 0..group.len() {
            let (start, end) = cell(k as u64, group.len() as u64);
            cells.push((Ns(base.saturating_add(start)), Ns(base.saturating_add(end))));
        }
    }
    cells
}

/// The run's threads: which exist, and their `tid`s.
struct Threads {
    /// Worker indices: from records and from the pool's snapshots.
    workers: BTreeSet<u32>,
    /// A multi-thread runtime (a pool, or a record of the block_on thread).
    multi: bool,
}

impl Threads {
    fn of(run: &RecordedRun) -> Threads {
        let snapshots = std::iter::once(&run.start).chain(run.actions.iter().map(|a| &a.after));
        let mut workers = BTreeSet::from([0]);
        let mut multi = false;
        for snapshot in snapshots {
            if let Some(pool) = &snapshot.pool {
                multi = true;
                workers.extend(pool.workers.iter().map(|worker| worker.id));
            }
        }
        for record in run.records() {
            match record.worker {
                BLOCK_ON_THREAD => multi = true,
                worker => {
                    workers.insert(worker);
                }
            }
        }
        Threads { workers, multi }
    }

    /// Worker `n` is tid `n + 1`; the block_on thread comes after the last.
    fn tid(&self, worker: u32) -> u64 {
        match worker {
            BLOCK_ON_THREAD => self.workers.last().map_or(0, |&w| u64::from(w)) + 2,
            worker => u64::from(worker) + 1,
        }
    }

    /// Worker 0's tid, which process-wide events name.
    fn home(&self) -> u64 {
        self.tid(0)
    }
}

/// Every task's name, by id: the snapshots', else its `spawn` record's.
fn task_names(run: &RecordedRun) -> BTreeMap<TaskId, String> {
    let mut names = BTreeMap::new();
    for snapshot in std::iter::once(&run.start).chain(run.actions.iter().map(|a| &a.after)) {
        for task in &snapshot.tasks {
            names.entry(task.id).or_insert_with(|| task.name.clone());
        }
    }
    for record in run.records() {
        if let Event::Spawn { task, name } = &record.event {
            names.entry(*task).or_insert_with(|| name.clone());
        }
    }
    names
}

/// The counters a snapshot shows, each with its series, in a fixed order.
fn counter_values(snapshot: &Snapshot) -> Vec<(String, Vec<(&'static str, usize)>)> {
    let mut queued = snapshot.run_queue.len();
    let mut pool = Vec::new();
    if let Some(view) = &snapshot.pool {
        queued += view.inject.len();
        pool.push((
            "inject queue".to_string(),
            vec![("tasks", view.inject.len())],
        ));
        for worker in &view.workers {
            let lifo = usize::from(worker.lifo.is_some());
            queued += worker.queue.len() + lifo;
            let series = vec![("local", worker.queue.len()), ("lifo", lifo)];
            pool.push((format!("worker {} queue", worker.id), series));
        }
    }
    let mut counters = vec![("run queue".to_string(), vec![("tasks", queued)])];
    counters.extend(pool);
    let timers = snapshot.wheel.timers().count();
    counters.push(("timers in wheel".to_string(), vec![("timers", timers)]));
    counters
}

type Counted = BTreeMap<String, Vec<(&'static str, usize)>>;

/// Write the counters of `snapshot` that differ from the last written.
fn emit_counters(out: &mut Out, last: &mut Counted, snapshot: &Snapshot, ts: Ns, tid: u64) {
    for (name, series) in counter_values(snapshot) {
        if last.get(&name) == Some(&series) {
            continue;
        }
        let args = series
            .iter()
            .map(|(key, n)| (key.to_string(), Value::from(*n)));
        let args = [("args", Value::Object(args.collect()))];
        out.event("C", &name, "state", ts, tid, &args);
        last.insert(name, series);
    }
}

/// The process's and threads' names and order.
fn metadata(out: &mut Out, run: &RecordedRun, threads: &Threads) {
    let home = threads.home();
    let process = format!("Reactor Lab: {}", run.about.scenario);
    out.meta("process_name", home, json!({ "name": process }));
    let labels = format!("{}, seed {}", runtime(threads), run.about.seed);
    out.meta("process_labels", home, json!({ "labels": labels }));
    out.meta("process_sort_index", home, json!({ "sort_index": 0 }));
    if threads.multi {
        let tid = threads.tid(BLOCK_ON_THREAD);
        out.meta("thread_name", tid, json!({ "name": "block_on thread" }));
        out.meta("thread_sort_index", tid, json!({ "sort_index": 0 }));
    }
    for &worker in &threads.workers {
        let tid = threads.tid(worker);
        let name = match threads.multi {
            true => format!("worker {worker}"),
            false => format!("worker {worker} (current_thread)"),
        };
        out.meta("thread_name", tid, json!({ "name": name }));
        out.meta("thread_sort_index", tid, json!({ "sort_index": tid }));
    }
}

/// `current_thread`, or `multi_thread, 4 workers`.
fn runtime(threads: &Threads) -> String {
    match threads.multi {
        true => format!("multi_thread, {} workers", threads.workers.len()),
        false => "current_thread".to_string(),
    }
}

/// The whole file around the events.
fn finish(out: Out, run: &RecordedRun, threads: &Threads) -> String {
    let about = &run.about;
    let mut other = vec![
        ("source", Value::from("Reactor Lab")),
        ("scenario", Value::from(about.scenario.as_str())),
        ("seed", Value::from(about.seed)),
    ];
    if let Some(program) = &about.program {
        other.push(("program", Value::from(program.source.as_str())));
        other.push(("peer", Value::from(program.peer.as_str())));
    }
    other.extend([
        ("runtime", Value::from(runtime(threads))),
        ("records", Value::from(run.record_count())),
        ("actions", Value::from(run.actions.len())),
        ("time_rule", Value::from(TIME_RULE)),
    ]);
    let mut text = String::from("{\"traceEvents\":[\n");
    text.push_str(&out.events);
    text.push_str("\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":{");
    for (index, (key, value)) in other.iter().enumerate() {
        let comma = if index == 0 { "" } else { "," };
        let _ = write!(text, "{comma}\n{}:{value}", Value::from(*key));
    }
    text.push_str("\n}}\n");
    text
}

/// The events written so far, one a line.
#[derive(Default)]
struct Out {
    events: String,
}

impl Out {
    /// One event; `tail` are its fields after `tid`, such as `args`.
    fn event(&mut self, ph: &str, name: &str, cat: &str, ts: Ns, tid: u64, tail: &[(&str, Value)]) {
        if !self.events.is_empty() {
            self.events.push_str(",\n");
        }
        let (name, cat) = (Value::from(name), Value::from(cat));
        let _ = write!(
            self.events,
            r#"{{"ph":"{ph}","name":{name},"cat":{cat},"ts":{ts},"pid":{PID},"tid":{tid}"#
        );
        for (key, value) in tail {
            let _ = write!(self.events, r#","{key}":{value}"#);
        }
        self.events.push('}');
    }

    /// One metadata event (`ph: "M"`) at time 0.
    fn meta(&mut self, name: &str, tid: u64, args: Value) {
        self.event("M", name, "__metadata", Ns(0), tid, &[("args", args)]);
    }
}

#[cfg(test)]
#[path = "chrome_tests.rs"]
mod tests;
