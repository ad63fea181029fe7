//! The slices, instants and flows of a Chrome trace: how each record is
//! written, and which slice it opens, joins or ends (see [`super`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Ns, Out, Threads};
use crate::record::{Event, Record, TaskId, WakeCause};

/// Which wakes lead to which polls: each wake to the next poll of its task.
pub(super) struct Flows {
    /// Wakes (by `seq`) that a poll follows.
    starts: BTreeSet<u64>,
    /// Each poll's (by `seq`) wakes.
    ends: BTreeMap<u64, Vec<u64>>,
}

impl Flows {
    pub(super) fn of(records: &[&Record]) -> Flows {
        let mut waiting: BTreeMap<TaskId, Vec<u64>> = BTreeMap::new();
        let mut flows = Flows {
            starts: BTreeSet::new(),
            ends: BTreeMap::new(),
        };
        for record in records {
            match record.event {
                Event::Wake { task, .. } => waiting.entry(task).or_default().push(record.seq),
                Event::Poll { task } => {
                    if let Some(wakes) = waiting.remove(&task) {
                        flows.starts.extend(wakes.iter().copied());
                        flows.ends.insert(record.seq, wakes);
                    }
                }
                _ => {}
            }
        }
        flows
    }
}

/// The slice that one step opens on its thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// A task's poll, to the end of its step.
    Poll,
    /// The driver's wait in the OS, to the end of its step.
    Park,
    /// One OS event and the wakes it brought.
    Dispatch,
    /// One wheel instant: cascades, fires and their wakes.
    Timers,
    /// Wakes outside a poll: deferred ones, or `main`'s at load.
    Wakes,
}

impl Phase {
    /// The slice a record opens when none is open on its thread.
    fn opened_by(event: &Event) -> Option<Phase> {
        match event {
            Event::Poll { .. } => Some(Phase::Poll),
            Event::Park { .. } => Some(Phase::Park),
            Event::OsEvent { .. } => Some(Phase::Dispatch),
            Event::TimerCascade { .. } | Event::TimerFire { .. } => Some(Phase::Timers),
            Event::Wake { .. } | Event::Spawn { .. } => Some(Phase::Wakes),
            Event::Schedule { .. } | Event::Push { .. } => Some(Phase::Wakes),
            _ => None,
        }
    }

    /// The name of the [`Phase::Wakes`] slice `event` opens.
    fn wakes_name(event: &Event) -> &'static str {
        match event {
            Event::Wake {
                cause: WakeCause::Yield,
                ..
            } => "wake deferred",
            Event::Wake {
                cause: WakeCause::BlockOn,
                ..
            }
            | Event::Spawn { .. } => "enter block_on",
            _ => "wake",
        }
    }

    /// Whether a record belongs in this open slice, rather than ending it.
    fn holds(self, event: &Event) -> bool {
        let queued = matches!(
            event,
            Event::Wake { .. } | Event::Schedule { .. } | Event::Push { .. }
        );
        match self {
            Phase::Poll | Phase::Park => !matches!(
                event,
                Event::Poll { .. }
                    | Event::Park { .. }
                    | Event::OsEvent { .. }
                    | Event::TimerCascade { .. }
                    | Event::TimerFire { .. }
                    | Event::WorkerPark
                    | Event::WorkerUnpark
            ),
            Phase::Dispatch => queued,
            Phase::Timers => {
                queued || matches!(event, Event::TimerCascade { .. } | Event::TimerFire { .. })
            }
            Phase::Wakes => queued || matches!(event, Event::Spawn { .. }),
        }
    }
}

/// The name of a worker's sleep: `worker_park` to `worker_unpark`.
const ASLEEP: &str = "asleep";

/// The slice open now (at most one: one thread acts at a time).
struct Open {
    phase: Phase,
    name: String,
    cat: &'static str,
    tid: u64,
    /// The task a poll polls.
    task: Option<TaskId>,
    /// How a poll ended: `pending`, `ready`, `panicked` or `unfinished`.
    result: &'static str,
}

impl Open {
    /// Note how a poll ends from a record inside it.
    fn note(&mut self, event: &Event) {
        let ended = match event {
            Event::Pending { task } => (Some(*task), "pending"),
            Event::Ready { task } => (Some(*task), "ready"),
            Event::Error { task, .. } => (*task, "panicked"),
            _ => return,
        };
        if self.phase == Phase::Poll && ended.0 == self.task {
            self.result = ended.1;
        }
    }
}

/// The walk through the records, writing their events.
pub(super) struct Walk<'a> {
    threads: &'a Threads,
    names: &'a BTreeMap<TaskId, String>,
    flows: &'a Flows,
    open: Option<Open>,
    /// Threads inside an `asleep` slice.
    asleep: BTreeSet<u64>,
    /// Where the last record ended.
    last_end: Ns,
}

impl<'a> Walk<'a> {
    /// A walk from `start`, before any record.
    pub(super) fn new(
        threads: &'a Threads,
        names: &'a BTreeMap<TaskId, String>,
        flows: &'a Flows,
        start: Ns,
    ) -> Walk<'a> {
        Walk {
            threads,
            names,
            flows,
            open: None,
            asleep: BTreeSet::new(),
            last_end: start,
        }
    }

    /// Where the last record ended.
    pub(super) fn last_end(&self) -> Ns {
        self.last_end
    }

    /// End every slice still open, where the last record ended.
    pub(super) fn finish(mut self, out: &mut Out) {
        self.close_phase(out);
        for tid in std::mem::take(&mut self.asleep) {
            out.event("E", ASLEEP, "worker", self.last_end, tid, &[]);
        }
    }

    /// Write `record`, which spans `start..end`: end the open slice if it
    /// does not hold the record, then begin a slice or write an instant,
    /// and the flow events the record starts or finishes.
    pub(super) fn record(&mut self, out: &mut Out, record: &Record, start: Ns, end: Ns) {
        let tid = self.threads.tid(record.worker);
        let event = &record.event;
        let ends_open = |open: &Open| open.tid != tid || !open.phase.holds(event);
        if self.open.as_ref().is_some_and(ends_open) {
            self.close_phase(out);
        }
        if let Some(open) = &mut self.open {
            open.note(event);
            self.instant(out, record, start, tid);
        } else if matches!(event, Event::WorkerPark) && self.asleep.insert(tid) {
            let args = [("args", self.args(record))];
            out.event("B", ASLEEP, "worker", start, tid, &args);
        } else if matches!(event, Event::WorkerUnpark) && self.asleep.remove(&tid) {
            self.instant(out, record, start, tid);
            out.event("E", ASLEEP, "worker", end, tid, &[]);
        } else if let Some(phase) = Phase::opened_by(event) {
            self.begin(out, phase, record, start, tid);
        } else {
            self.instant(out, record, start, tid);
        }
        if self.flows.starts.contains(&record.seq) {
            let id = [("id", Value::from(record.seq))];
            out.event("s", "wake", "wake", start, tid, &id);
        }
        for &wake in self.flows.ends.get(&record.seq).into_iter().flatten() {
            let tail = [("id", Value::from(wake)), ("bp", Value::from("e"))];
            out.event("f", "wake", "wake", start, tid, &tail);
        }
        self.last_end = end;
    }

    /// Begin the slice `phase` that `record` opens.
    fn begin(&mut self, out: &mut Out, phase: Phase, record: &Record, start: Ns, tid: u64) {
        let task = match record.event {
            Event::Poll { task } => Some(task),
            _ => None,
        };
        let (name, cat) = match phase {
            Phase::Poll => (self.task_label(task.unwrap_or_default()), "poll"),
            Phase::Park => ("park".to_string(), "driver"),
            Phase::Dispatch => ("dispatch".to_string(), "driver"),
            Phase::Timers => ("fire timers".to_string(), "driver"),
            Phase::Wakes => (Phase::wakes_name(&record.event).to_string(), "wake"),
        };
        // A poll's or a park's record is its slice's begin; the others are
        // instants in theirs.
        let carried = matches!(phase, Phase::Poll | Phase::Park);
        let args = match carried {
            true => vec![("args", self.args(record))],
            false => vec![],
        };
        out.event("B", &name, cat, start, tid, &args);
        self.open = Some(Open {
            phase,
            name,
            cat,
            tid,
            task,
            result: "unfinished",
        });
        if !carried {
            self.instant(out, record, start, tid);
        }
    }

    /// End the open slice where the last record ended.
    pub(super) fn close_phase(&mut self, out: &mut Out) {
        if let Some(open) = self.open.take() {
            let tail = match open.phase {
                Phase::Poll => vec![("args", serde_json::json!({ "result": open.result }))],
                _ => vec![],
            };
            out.event("E", &open.name, open.cat, self.last_end, open.tid, &tail);
        }
    }

    fn instant(&self, out: &mut Out, record: &Record, ts: Ns, tid: u64) {
        let scope = match record.event {
            Event::Diagnostic(_) | Event::Error { .. } => "p",
            _ => "t",
        };
        let tail = [("s", Value::from(scope)), ("args", self.args(record))];
        out.event(
            "i",
            &self.label(record),
            record.event.kind_name(),
            ts,
            tid,
            &tail,
        );
    }

    /// `handler (task 1)`.
    fn task_label(&self, task: TaskId) -> String {
        match self.names.get(&task) {
            Some(name) => format!("{name} (task {task})"),
            None => format!("task {task}"),
        }
    }

    /// An instant's name: its kind, and for the main ones what it concerns.
    fn label(&self, record: &Record) -> String {
        let kind = record.event.kind_name();
        match &record.event {
            Event::Wake { task, .. }
            | Event::TimerFire { task, .. }
            | Event::Spawn { task, .. } => {
                format!("{kind} {}", self.task_label(*task))
            }
            Event::OsEvent {
                token,
                readable,
                writable,
            } => {
                let ready = match (readable, writable) {
                    (true, true) => "readable, writable",
                    (true, false) => "readable",
                    (false, true) => "writable",
                    (false, false) => "no readiness",
                };
                format!("{kind} token {token} ({ready})")
            }
            Event::Syscall(call) => format!("{kind} {}", call.op),
            Event::Diagnostic(diagnostic) => format!("{kind}: {}", diagnostic.problem.name()),
            _ => kind.to_string(),
        }
    }

    /// The record as an event's `args`: its JSON, `source` as `file:line`,
    /// and the name of the task it names.
    fn args(&self, record: &Record) -> Value {
        let mut value = serde_json::to_value(record).unwrap_or_default();
        if let Value::Object(map) = &mut value {
            let source = format!("{}:{}", record.source.file, record.source.line);
            map.insert("source".into(), Value::from(source));
            let task = map.get("task").and_then(Value::as_u64);
            if let Some(name) = task.and_then(|task| self.names.get(&task)) {
                map.insert("task_name".into(), Value::from(name.as_str()));
            }
        }
        value
    }
}
