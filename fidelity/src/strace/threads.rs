//! A whole `strace -f` log, thread by thread: calls that other threads'
//! lines interrupted are joined, and each call keeps both ends.
//!
//! Under `-f`, strace writes one line per call when nothing else happens
//! while it runs. When another thread's call begins (or ends) in between,
//! the first call's line is cut at its entry and finished later:
//!
//! ```text
//! 101 10.000100 epoll_wait(3,  <unfinished ...>
//! 102 10.000200 futex(0x7f…, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
//! 101 10.004000 <... epoll_wait resumed>[{events=EPOLLIN, data={u32=0, u64=0}}], 1024, -1) = 1
//! 102 10.004100 <... futex resumed>) = 0
//! ```
//!
//! The halves are matched by thread id (a thread makes one call at a time).
//! A call's start is the stamp of its first half, its return the stamp of
//! the `resumed` half; a call on one line returns `-T`'s time after it
//! started (at its start when the log has no `-T`). So the time between
//! `at_us` and `returned_us` covers the time the thread spent in the
//! kernel: strace stamps an entry before letting the thread in and a
//! return after the thread came out.
//!
//! A call whose `resumed` half never comes (the process ended while the
//! thread was inside it) is kept apart, in [`Log::cut_short`].

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Syscall, parse_call, split_prefix};

/// A parsed log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Log {
    /// Every finished call, in the order they returned (for one thread,
    /// the order they started).
    pub calls: Vec<Syscall>,
    /// Calls that started and never returned in the log, in the order they
    /// started.
    pub cut_short: Vec<Unfinished>,
    /// The latest timestamp in the log, in µs (0 for an empty log).
    pub last_us: u64,
}

/// The first half of a call whose second half never came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unfinished {
    /// The thread that made it.
    pub tid: u32,
    /// When it started, in µs.
    pub at_us: u64,
    /// The 1-based line of its first half.
    pub line: usize,
    /// The syscall's name, such as `epoll_wait`.
    pub name: String,
    /// The arguments written before the cut (`3,` for `epoll_wait(3,  <unfinished ...>`).
    pub args: String,
}

impl Unfinished {
    /// The first argument, as a number (a descriptor), if it was written.
    pub fn first_fd(&self) -> Option<i32> {
        let first = self.args.split(',').next()?.trim();
        first.parse().ok()
    }
}

/// The first half of a call, waiting for its `resumed` half.
struct Open {
    at_us: u64,
    line: usize,
    head: String,
}

/// Parse a whole log (see the module's docs). Lines that are not syscalls
/// (signals, exits, torn lines) are skipped.
pub fn parse_log(log: &str) -> Log {
    let mut parsed = Log::default();
    let mut open: HashMap<u32, Open> = HashMap::new();
    for (index, raw) in log.lines().enumerate() {
        let Some((tid, stamp_us, rest)) = split_prefix(raw) else {
            continue;
        };
        parsed.last_us = parsed.last_us.max(stamp_us);
        let line = index + 1;
        let (at_us, line, text, resumed) = if let Some(head) = rest.strip_suffix("<unfinished ...>")
        {
            let head = head.trim_end().to_string();
            open.insert(
                tid,
                Open {
                    at_us: stamp_us,
                    line,
                    head,
                },
            );
            continue;
        } else if let Some(tail) = rest.strip_prefix("<... ") {
            let Some((_name, tail)) = tail.split_once(" resumed>") else {
                continue;
            };
            let Some(first) = open.remove(&tid) else {
                continue;
            };
            let text = Cow::Owned(format!("{}{tail}", first.head));
            (first.at_us, first.line, text, Some((stamp_us, line)))
        } else {
            (stamp_us, line, Cow::Borrowed(rest), None)
        };
        if let Some((call, ret)) = parse_call(&text) {
            let (returned_us, returned_line) =
                resumed.unwrap_or_else(|| (at_us + ret.took_us.unwrap_or_default(), line));
            parsed.calls.push(Syscall {
                tid,
                at_us,
                returned_us,
                line,
                returned_line,
                call,
                ret,
            });
        }
    }
    let mut cut_short: Vec<Unfinished> = open
        .into_iter()
        .filter_map(|(tid, first)| {
            let (name, args) = first.head.split_once('(')?;
            Some(Unfinished {
                tid,
                at_us: first.at_us,
                line: first.line,
                name: name.to_string(),
                args: args.to_string(),
            })
        })
        .collect();
    cut_short.sort_by_key(|call| call.line);
    parsed.cut_short = cut_short;
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strace::Call;

    /// Two workers of a multi-thread runtime, trimmed from a real log: one
    /// waits in `epoll_wait`, the other on a futex; a third call is cut short.
    const TWO_WORKERS: &str = "\
101 10.000100 epoll_wait(3,  <unfinished ...>
102 10.000200 futex(0x7f00, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
101 10.004000 <... epoll_wait resumed>[{events=EPOLLIN, data={u32=0, u64=0}}], 1024, -1) = 1
101 10.004050 futex(0x7f00, FUTEX_WAKE_PRIVATE, 1) = 1 <0.000020>
102 10.004100 <... futex resumed>) = 0
102 10.004200 epoll_wait(3, [], 1024, 0) = 0 <0.000009>
101 10.004300 epoll_wait(3,  <unfinished ...>
102 10.004400 +++ exited with 0 +++
";

    #[test]
    fn each_half_goes_to_its_own_thread() {
        let log = parse_log(TWO_WORKERS);
        let summary: Vec<(u32, &str, u64, u64, usize, usize)> = log
            .calls
            .iter()
            .map(|call| {
                let name = match &call.call {
                    Call::EpollWait { .. } => "epoll_wait",
                    Call::Futex { .. } => "futex",
                    _ => "other",
                };
                let (at, returned) = (call.at_us, call.returned_us);
                (call.tid, name, at, returned, call.line, call.returned_line)
            })
            .collect();
        assert_eq!(
            summary,
            [
                (101, "epoll_wait", 10_000_100, 10_004_000, 1, 3),
                (101, "futex", 10_004_050, 10_004_070, 4, 4),
                (102, "futex", 10_000_200, 10_004_100, 2, 5),
                (102, "epoll_wait", 10_004_200, 10_004_209, 6, 6),
            ]
        );
        assert_eq!(
            log.calls[0].call,
            Call::EpollWait {
                epfd: 3,
                timeout_ms: None,
                ready: vec![0],
            }
        );
        assert_eq!(
            log.calls[2].call,
            Call::Futex {
                addr: "0x7f00".into(),
                op: "FUTEX_WAIT_BITSET_PRIVATE".into(),
                untimed: true,
            }
        );
        assert_eq!(log.last_us, 10_004_400);
    }

    #[test]
    fn a_call_that_never_returns_is_kept_apart() {
        let log = parse_log(TWO_WORKERS);
        assert_eq!(
            log.cut_short,
            [Unfinished {
                tid: 101,
                at_us: 10_004_300,
                line: 7,
                name: "epoll_wait".into(),
                args: "3,".into(),
            }]
        );
        assert_eq!(log.cut_short[0].first_fd(), Some(3));
    }

    #[test]
    fn a_whole_line_without_t_returns_where_it_started() {
        let log = parse_log("7 1.000001 epoll_wait(3, [], 1024, 0) = 0\n");
        assert_eq!(log.calls[0].returned_us, 1_000_001);
    }

    #[test]
    fn a_resumed_half_without_its_first_half_is_skipped() {
        let log = parse_log("7 1.9 <... accept4 resumed>) = 5\n");
        assert!(log.calls.is_empty() && log.cut_short.is_empty());
    }
}
