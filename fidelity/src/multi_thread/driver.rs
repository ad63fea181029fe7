//! Who waits in `epoll_wait`: the runtime's epoll instance, the time each
//! thread spent inside a wait on it, and whether two threads ever were.
//!
//! Tokio's multi-thread runtime has one I/O driver, behind a `TryLock`
//! (`tokio/src/runtime/scheduler/multi_thread/park.rs`, `Shared::driver`).
//! A worker with nothing to run parks: if it gets the lock it waits in the
//! driver (`epoll_wait`), otherwise on its condition variable (a futex).
//!
//! # When two calls overlap
//!
//! Each call is a [`Span`] of log lines, from the line where the thread
//! entered it to the line where it returned (the same line for a call
//! strace wrote whole; the end of the log for one it cut short). strace
//! handles the threads' stops one at a time and writes each line as it
//! handles the stop, so the order of lines is the order in which threads
//! were let into the kernel and came back out of it. A thread is stopped
//! at its return until strace has written it; so if worker A only releases
//! the driver after its `epoll_wait` returned, worker B's next
//! `epoll_wait` starts on a later line. Two spans of different threads
//! overlap when each starts before the other returns. Lines, not
//! timestamps, decide: the entry stamps are `-ttt`'s wall clock, the
//! return of a whole line is `-T`'s time added to it, and the two clocks
//! may disagree by a µs. The stamps are kept for the report.

use std::collections::BTreeMap;
use std::fmt;

use crate::markers;
use crate::strace::{Call, Log, Syscall, Unfinished, split_args};

/// The syscalls that wait on an epoll instance.
const EPOLL_WAITS: [&str; 3] = ["epoll_wait", "epoll_pwait", "epoll_pwait2"];

/// One thread inside one call, by log lines (see the module's docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The thread.
    pub tid: u32,
    /// The line where it entered the call.
    pub line: usize,
    /// The line where it returned; `None` if it never did in the log.
    pub returned_line: Option<usize>,
    /// When it entered, in µs of the wall clock.
    pub at_us: u64,
    /// When it returned, in µs (the log's last stamp if it never did).
    pub returned_us: u64,
    /// What it was, for a report: `epoll_wait(3, timeout -1) = 1 (1 events)`.
    pub what: String,
    /// An `epoll_wait` with a zero timeout: a look at the OS, not a park.
    pub zero_timeout: bool,
    /// The events an `epoll_wait` came back with (0 for other calls).
    pub events: usize,
}

impl Span {
    fn from_call(call: &Syscall, what: String) -> Span {
        Span {
            tid: call.tid,
            line: call.line,
            returned_line: Some(call.returned_line),
            at_us: call.at_us,
            returned_us: call.returned_us,
            what,
            zero_timeout: false,
            events: 0,
        }
    }

    fn from_unfinished(call: &Unfinished, last_us: u64) -> Span {
        Span {
            tid: call.tid,
            line: call.line,
            returned_line: None,
            at_us: call.at_us,
            returned_us: last_us,
            what: format!("{}({}… never returned", call.name, call.args),
            zero_timeout: false,
            events: 0,
        }
    }

    /// The last line it covers (`usize::MAX` if it never returned).
    pub fn end_line(&self) -> usize {
        self.returned_line.unwrap_or(usize::MAX)
    }

    /// Whether `self` and `other` are two threads inside their calls at once.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.tid != other.tid && self.line < other.end_line() && other.line < self.end_line()
    }

    /// Whether `self` was still inside its call when `other` returned.
    pub fn covers_the_return_of(&self, other: &Span) -> bool {
        self.line < other.end_line() && other.end_line() < self.end_line()
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let returned = match self.returned_line {
            Some(line) if line == self.line => "on the same line".to_string(),
            Some(line) => format!("returned on line {line}"),
            None => "never returned".to_string(),
        };
        write!(
            f,
            "thread {} line {} ({returned}, {:.3} ms): {}",
            self.tid,
            self.line,
            self.returned_us.saturating_sub(self.at_us) as f64 / 1000.0,
            self.what
        )
    }
}

/// The runtime's epoll instance: the only one made while the runtime was
/// built, between the start and block-on markers. Others (none in Tokio
/// 1.x today) are not the runtime's driver.
pub fn runtime_epoll(log: &Log) -> Result<i32, String> {
    let marker = |call: &Syscall, path: &str| {
        matches!(&call.call, Call::Stat { path: p } if p == path).then_some(call.line)
    };
    let start = log
        .calls
        .iter()
        .find_map(|call| marker(call, markers::START));
    let block_on = log
        .calls
        .iter()
        .find_map(|call| marker(call, markers::BLOCK_ON));
    let (Some(start), Some(block_on)) = (start, block_on) else {
        return Err("no start or block-on marker in the log".into());
    };
    let made: Vec<i32> = log
        .calls
        .iter()
        .filter(|call| call.call == Call::EpollCreate && (start..block_on).contains(&call.line))
        .filter_map(|call| call.ret.value.and_then(|fd| i32::try_from(fd).ok()))
        .filter(|fd| *fd >= 0)
        .collect();
    match made[..] {
        [fd] => Ok(fd),
        _ => Err(format!(
            "{} epoll instances made while the runtime was built ({made:?}), not one",
            made.len()
        )),
    }
}

/// Every wait on the epoll instance `epfd`, by any thread, including one
/// the log cut short.
pub fn epoll_spans(log: &Log, epfd: i32) -> Vec<Span> {
    let mut spans: Vec<Span> = log
        .calls
        .iter()
        .filter_map(|call| match &call.call {
            Call::EpollWait {
                epfd: fd,
                timeout_ms,
                ready,
            } if *fd == epfd => {
                let timeout = timeout_ms.map_or("-1".to_string(), |ms| ms.to_string());
                let returned = call.ret.value.map_or("?".to_string(), |n| n.to_string());
                let events = ready.len();
                let what =
                    format!("epoll_wait({fd}, timeout {timeout}) = {returned} ({events} events)");
                Some(Span {
                    zero_timeout: *timeout_ms == Some(0),
                    events,
                    ..Span::from_call(call, what)
                })
            }
            _ => None,
        })
        .collect();
    spans.extend(
        log.cut_short
            .iter()
            .filter(|call| {
                EPOLL_WAITS.contains(&call.name.as_str()) && call.first_fd() == Some(epfd)
            })
            .map(|call| Span::from_unfinished(call, log.last_us)),
    );
    spans.sort_by_key(|span| span.line);
    spans
}

/// Every untimed futex wait of the threads `tids`, including one cut
/// short: how a worker parks on its condition variable (`Parker::park` →
/// `Inner::park_condvar(None)` → `Condvar::wait`, a `FUTEX_WAIT` with a
/// `NULL` timeout). A contended mutex waits the same way, briefly; the
/// blocking pool's keep-alive wait, after the workers stop, has a timeout
/// and is left out.
pub fn futex_wait_spans(log: &Log, tids: &[u32]) -> Vec<Span> {
    let mut spans: Vec<Span> = log
        .calls
        .iter()
        .filter(|call| tids.contains(&call.tid) && call.is_futex_wait())
        .filter_map(|call| match &call.call {
            Call::Futex {
                addr,
                op,
                untimed: true,
            } => Some(Span::from_call(
                call,
                format!("futex({addr}, {op}, …, NULL)"),
            )),
            _ => None,
        })
        .collect();
    spans.extend(
        log.cut_short
            .iter()
            .filter(|call| call.name == "futex" && tids.contains(&call.tid))
            .filter(|call| {
                let args = split_args(&call.args);
                args.get(1).is_some_and(|op| op.starts_with("FUTEX_WAIT"))
                    && args.get(3) == Some(&"NULL")
            })
            .map(|call| Span::from_unfinished(call, log.last_us)),
    );
    spans.sort_by_key(|span| span.line);
    spans
}

/// Every pair of spans of different threads that overlap, the earlier one first.
pub fn overlaps(spans: &[Span]) -> Vec<(Span, Span)> {
    let mut sorted: Vec<&Span> = spans.iter().collect();
    sorted.sort_by_key(|span| span.line);
    let mut pairs = Vec::new();
    for (index, first) in sorted.iter().enumerate() {
        // Sorted by entry: only later entries can start before `first` returns.
        for second in &sorted[index + 1..] {
            if second.line >= first.end_line() {
                break;
            }
            if first.overlaps(second) {
                pairs.push(((*first).clone(), (*second).clone()));
            }
        }
    }
    pairs
}

/// One thread's waits: on the runtime's epoll instance, and on a futex.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ThreadWaits {
    /// Every `epoll_wait` it made.
    pub waits: usize,
    /// Those with a zero timeout: a look at the OS, not a park.
    pub zero_timeout: usize,
    /// Its untimed futex waits (see [`futex_wait_spans`]; workers only).
    pub futex_waits: usize,
}

/// What a run shows about the runtime's I/O driver.
#[derive(Clone, Debug, Default)]
pub struct DriverReport {
    /// The runtime's epoll instance.
    pub epfd: i32,
    /// The runtime's worker threads (from the worker marker).
    pub workers: Vec<u32>,
    /// Each worker's waits, and those of any other thread that waited on
    /// the runtime's epoll instance, by thread id.
    pub per_thread: BTreeMap<u32, ThreadWaits>,
    /// Times the next wait was made by another thread than the last one.
    pub handoffs: usize,
    /// Waits of two threads at once: what the runtime never does.
    pub overlaps: Vec<(Span, Span)>,
    /// Waits during which another worker was inside an untimed futex wait
    /// (see [`futex_wait_spans`]).
    pub beside_futex: usize,
    /// Waits that returned while another worker slept on a futex.
    pub asleep_at_return: usize,
    /// Waits that came back with two events or more.
    pub multi_event_waits: usize,
    /// One such wait (a park, not a zero-timeout look) and the futex wait
    /// the other worker was still in when it returned, for the report.
    pub example: Option<(Span, Span)>,
}

impl DriverReport {
    /// How many threads waited on the runtime's epoll instance.
    pub fn threads_that_waited(&self) -> usize {
        self.per_thread
            .values()
            .filter(|counts| counts.waits > 0)
            .count()
    }
}

/// Read the driver's story off `log`, whose runtime's workers are `workers`.
pub fn check(log: &Log, workers: &[u32]) -> Result<DriverReport, String> {
    let epfd = runtime_epoll(log)?;
    let waits = epoll_spans(log, epfd);
    let futexes = futex_wait_spans(log, workers);
    let mut report = DriverReport {
        epfd,
        workers: workers.to_vec(),
        overlaps: overlaps(&waits),
        ..DriverReport::default()
    };
    for futex in &futexes {
        report.per_thread.entry(futex.tid).or_default().futex_waits += 1;
    }
    for worker in workers {
        report.per_thread.entry(*worker).or_default();
    }
    for (index, wait) in waits.iter().enumerate() {
        let counts = report.per_thread.entry(wait.tid).or_default();
        counts.waits += 1;
        if wait.zero_timeout {
            counts.zero_timeout += 1;
        }
        if wait.events >= 2 {
            report.multi_event_waits += 1;
        }
        if index > 0 && waits[index - 1].tid != wait.tid {
            report.handoffs += 1;
        }
        if futexes.iter().any(|futex| futex.overlaps(wait)) {
            report.beside_futex += 1;
        }
        let around = futexes
            .iter()
            .find(|futex| futex.tid != wait.tid && futex.covers_the_return_of(wait));
        if let Some(futex) = around {
            report.asleep_at_return += 1;
            if report.example.is_none() && !wait.zero_timeout {
                report.example = Some((wait.clone(), futex.clone()));
            }
        }
    }
    Ok(report)
}

impl fmt::Display for DriverReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "epoll instance {}; workers {:?}; {} handoffs of the driver; {} overlapping waits",
            self.epfd,
            self.workers,
            self.handoffs,
            self.overlaps.len()
        )?;
        for (tid, counts) in &self.per_thread {
            let role = if self.workers.contains(tid) {
                "worker"
            } else {
                "not a worker"
            };
            writeln!(
                f,
                "  thread {tid} ({role}): {} epoll_waits ({} zero-timeout looks), {} untimed futex waits",
                counts.waits, counts.zero_timeout, counts.futex_waits
            )?;
        }
        writeln!(
            f,
            "  {} waits had another worker inside a futex wait; {} returned while it slept there; {} came back with 2+ events",
            self.beside_futex, self.asleep_at_return, self.multi_event_waits
        )?;
        if let Some((wait, futex)) = &self.example {
            writeln!(f, "  e.g. {wait}\n       while {futex}")?;
        }
        for (first, second) in &self.overlaps {
            writeln!(f, "  OVERLAP: {first}\n      and {second}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
