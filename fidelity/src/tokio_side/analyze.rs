//! From the syscalls of a Tokio run to an [`Observed`].
//!
//! Only the runtime thread counts: the current-thread runtime runs on the
//! main thread, the one that made the start marker; the `tcp_read` peer's
//! lines carry another thread id. Only the calls between the block-on and
//! end markers count: before them Tokio registers its own waker (an
//! eventfd) and the signal driver's socket, after them it shuts down.
//! Events carrying the `data` of those early registrations are Tokio's own
//! wakes; a `write` to the eventfd is Tokio unparking its I/O driver.
//!
//! # What each park records
//!
//! - what the wait came back with ([`Woken`]): nothing, only Tokio's waker,
//!   other runtime-internal events, or socket events;
//! - whether the runtime thread had written to the eventfd itself since its
//!   previous park (`self_unparked`): the time driver's `unpark` when a
//!   timer is filed earlier than the wake it promised;
//! - how long the wait lasted (`lasted_ms`): strace's `-T` on the real
//!   clock, the clock's jump between the park hooks on the paused clock.
//!
//! # Asked instants
//!
//! - **Real clock**: call time − t0 (the block-on marker, right after the
//!   time driver fixed its start) + timeout.
//! - **Paused clock**: every timed park is an `epoll_wait(…, 0)`; the hooks
//!   around it give the clock before (`park`) and after (`unpark`). A jump
//!   from `p` to `u` is a park that asked for `u`. Without a jump, either
//!   - the wait came back with Tokio's own waker event: the real clock makes
//!     the same park (cut short at once); nothing changes before the next
//!     park, which asks again for the same instant, so that is its instant
//!     (marked `asked_inferred`; the suite's validation tests check it
//!     against the real clock, where the instant is seen);
//!   - or it came back empty: the paused clock's `did_wake` (set whenever a
//!     task was scheduled since the last park) skipped the advance. The real
//!     clock waits through that park, so it is dropped (kept in
//!     [`Analysis::dropped`]).
//!
//!   A zero-timeout `epoll_wait` outside the hooks is `park_yield`, at the
//!   clock's current reading.

use std::collections::HashSet;

use crate::compare::AT_ONCE_MS;
use crate::markers;
use crate::observed::{IoCall, IoOp, IoOutcome, Observed, Park, Registration, Woken};
use crate::program::Clock;
use crate::strace::{Call, Syscall};

/// The note on a park that Tokio's own waker ended at once.
pub const CUT_SHORT: &str = "own waker: returned at once";
/// The note on a zero-timeout park that found Tokio's own waker event.
pub const OWN_EVENT: &str = "own waker event";

/// The analysis of one run.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Parks, socket calls and registrations.
    pub observed: Observed,
    /// Paused clock: parks without a clock jump or an event, which the real
    /// clock does not make.
    pub dropped: Vec<Park>,
    /// The runtime thread's calls between the block-on and end markers.
    pub calls: Vec<Syscall>,
}

/// A park hook seen, waiting for its unpark.
struct OpenPark {
    at_ms: f64,
    /// Index in `parks` of the epoll_wait inside it.
    park: Option<usize>,
    /// That wait came back with only Tokio's waker event.
    own_wake: bool,
    /// That wait came back with nothing.
    empty: bool,
}

/// Analyse a whole log's calls.
pub fn analyze(all: &[Syscall], clock: Clock) -> Result<Analysis, String> {
    let marker =
        |call: &Syscall, path: &str| matches!(&call.call, Call::Stat { path: p } if p == path);
    let start = all
        .iter()
        .find(|call| marker(call, markers::START))
        .ok_or("no start marker in the log")?;
    let runtime: Vec<&Syscall> = all.iter().filter(|call| call.tid == start.tid).collect();
    let block_on = runtime
        .iter()
        .position(|call| marker(call, markers::BLOCK_ON))
        .ok_or("no block-on marker in the log")?;
    let end = runtime
        .iter()
        .position(|call| marker(call, markers::END))
        .ok_or("no end marker in the log: block_on never returned")?;
    let own: HashSet<u64> = runtime[..block_on]
        .iter()
        .filter_map(|call| match &call.call {
            Call::EpollCtl { op, data, .. } if op == "EPOLL_CTL_ADD" => *data,
            _ => None,
        })
        .collect();
    // Tokio's waker: the eventfd made before `block_on`, and the data it
    // was registered under.
    let waker_fd = runtime[..block_on].iter().find_map(|call| match call.call {
        Call::Eventfd => call.ret.value.and_then(|fd| i32::try_from(fd).ok()),
        _ => None,
    });
    let waker_token: Option<u64> = runtime[..block_on]
        .iter()
        .find_map(|call| match &call.call {
            Call::EpollCtl { op, fd, data, .. }
                if op == "EPOLL_CTL_ADD" && Some(*fd) == waker_fd =>
            {
                *data
            }
            _ => None,
        });
    let t0_us = runtime[block_on].at_us;
    let calls: Vec<Syscall> = runtime[block_on + 1..end]
        .iter()
        .map(|call| (*call).clone())
        .collect();

    let mut analysis = Analysis::default();
    let mut user_fds = HashSet::new();
    let mut paused_now = 0.0;
    let mut open: Option<OpenPark> = None;
    let mut inferred = Vec::new();
    let mut dropped = Vec::new();
    // The runtime thread wrote to its own waker since the last park.
    let mut self_unparked = false;
    for call in &calls {
        let origin = format!("strace line {}", call.line);
        let observed = &mut analysis.observed;
        match &call.call {
            Call::Write { fd } if Some(*fd) == waker_fd => self_unparked = true,
            Call::EpollWait {
                timeout_ms, ready, ..
            } => {
                let at_ms = match clock {
                    Clock::Real => call.at_us.saturating_sub(t0_us) as f64 / 1000.0,
                    Clock::Paused => paused_now,
                };
                let sockets = ready.iter().filter(|data| !own.contains(data)).count();
                let woken = if ready.is_empty() {
                    Woken::Nothing
                } else if sockets > 0 {
                    Woken::Sockets(sockets)
                } else if ready.iter().all(|data| Some(*data) == waker_token) {
                    Woken::OwnWaker
                } else {
                    Woken::Internal
                };
                let lasted_ms = match clock {
                    Clock::Real => call.took_ms(),
                    // Corrected by the unpark hook, if one follows.
                    Clock::Paused => Some(0.0),
                };
                let note = match woken {
                    Woken::OwnWaker if *timeout_ms == Some(0) => OWN_EVENT.to_string(),
                    Woken::OwnWaker if lasted_ms.is_none_or(|ms| ms <= AT_ONCE_MS) => {
                        CUT_SHORT.to_string()
                    }
                    Woken::OwnWaker => {
                        format!("own waker, after {:.3} ms", lasted_ms.unwrap_or_default())
                    }
                    Woken::Internal => "Tokio's own events".to_string(),
                    Woken::Nothing => String::new(),
                    Woken::Sockets(1) => "1 socket event".to_string(),
                    Woken::Sockets(n) => format!("{n} socket events"),
                };
                if let Some(hook) = open.as_mut() {
                    hook.park = Some(observed.parks.len());
                    hook.own_wake = woken == Woken::OwnWaker;
                    hook.empty = ready.is_empty();
                }
                observed.parks.push(Park {
                    at_ms,
                    asked_ms: timeout_ms.map(|ms| at_ms + ms as f64),
                    woken,
                    self_unparked: std::mem::take(&mut self_unparked),
                    lasted_ms,
                    origin,
                    real_clock: clock == Clock::Real,
                    note,
                    ..Park::default()
                });
            }
            Call::Stat { path } if clock == Clock::Paused => {
                if let Some(ns) = hook_instant(path, markers::PARK) {
                    paused_now = ns;
                    open = Some(OpenPark {
                        at_ms: ns,
                        park: None,
                        own_wake: false,
                        empty: false,
                    });
                } else if let Some(ns) = hook_instant(path, markers::UNPARK) {
                    if let Some(OpenPark {
                        at_ms,
                        park: Some(index),
                        own_wake,
                        empty,
                    }) = open.take()
                    {
                        let park = &mut observed.parks[index];
                        park.lasted_ms = Some(ns - at_ms);
                        if ns > at_ms && park.asked_ms.is_some() {
                            park.asked_ms = Some(ns);
                            if own_wake {
                                // The clock advanced anyway: not at once.
                                park.note = "own waker; the clock advanced".into();
                            }
                        } else if own_wake {
                            inferred.push(index);
                        } else if empty && park.is_zero() {
                            dropped.push(index);
                        }
                    }
                    paused_now = ns;
                }
            }
            Call::EpollCtl { op, fd, events, .. } if op == "EPOLL_CTL_ADD" => {
                user_fds.insert(*fd);
                observed.registrations.push(Registration {
                    readable: events.iter().any(|flag| flag == "EPOLLIN"),
                    writable: events.iter().any(|flag| flag == "EPOLLOUT"),
                    origin,
                });
            }
            Call::Accept { .. } => {
                if let Some(fd) = call.ret.value.filter(|fd| *fd >= 0) {
                    user_fds.insert(i32::try_from(fd).unwrap_or(-1));
                }
                observed.io.push(io_call(IoOp::Accept, call, origin));
            }
            Call::Read { fd, .. } if user_fds.contains(fd) => {
                observed.io.push(io_call(IoOp::Read, call, origin));
            }
            _ => {}
        }
    }
    resolve_inferred(&mut analysis.observed.parks, &inferred);
    for index in dropped.into_iter().rev() {
        let mut park = analysis.observed.parks.remove(index);
        park.note = "paused clock: no advance (did_wake), no event".into();
        analysis.dropped.insert(0, park);
    }
    analysis.calls = calls;
    Ok(analysis)
}

/// Paused clock: a park cut short by Tokio's own waker asked for what the
/// next park asks for (latest first, so chains resolve).
fn resolve_inferred(parks: &mut [Park], inferred: &[usize]) {
    for &index in inferred.iter().rev() {
        let next = parks.get(index + 1).and_then(|park| park.asked_ms);
        let park = &mut parks[index];
        park.asked_ms = next;
        park.asked_inferred = true;
        park.note = format!("{CUT_SHORT}; instant of the next park");
    }
}

/// `/reactor-lab-fidelity/park/960000000` → 960.0 (ms).
fn hook_instant(path: &str, prefix: &str) -> Option<f64> {
    let nanos: u128 = path.strip_prefix(prefix)?.parse().ok()?;
    // Whole ms and the rest apart: 30 years in ns is past f64's exact integers.
    Some((nanos / 1_000_000) as f64 + (nanos % 1_000_000) as f64 / 1e6)
}

fn io_call(op: IoOp, call: &Syscall, origin: String) -> IoCall {
    let outcome = if call.would_block() {
        IoOutcome::WouldBlock
    } else if let Some(errno) = &call.ret.errno {
        IoOutcome::Failed(errno.clone())
    } else {
        IoOutcome::Ok {
            bytes: match op {
                IoOp::Accept => None,
                IoOp::Read => call.ret.value.and_then(|n| usize::try_from(n).ok()),
            },
        }
    };
    IoCall {
        op,
        outcome,
        origin,
    }
}

#[cfg(test)]
mod tests;
