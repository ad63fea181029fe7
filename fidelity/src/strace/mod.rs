//! Parse `strace -f -ttt -T` output into typed syscalls.
//!
//! Every line starts with the thread id (`-f`) and a `seconds.micros`
//! timestamp (`-ttt`), and may end with the time spent in the call (`-T`:
//! `= 1 <0.000007>`). Under `-f`, a call another thread interrupts is split
//! in two lines:
//!
//! ```text
//! 13155 1795946539.246355 epoll_wait(3,  <unfinished ...>
//! 13156 1795946539.246380 +++ exited with 0 +++
//! 13155 1795946539.246388 <... epoll_wait resumed>[], 1024, 0) = 0
//! ```
//!
//! [`parse`] joins the halves (the call keeps the timestamp of its start,
//! and the `resumed` half's as its return) and skips signal and exit lines;
//! [`parse_log`] also keeps the calls the log cut short (see [`threads`]).
//! Only the calls the suite looks at get a typed [`Call`]; the others are
//! kept as [`Call::Other`].

mod args;
pub mod threads;

pub use args::split_args;
pub use threads::{Log, Unfinished, parse_log};

/// One finished system call.
#[derive(Clone, Debug, PartialEq)]
pub struct Syscall {
    /// The thread that made it.
    pub tid: u32,
    /// When it started, in microseconds of the wall clock.
    pub at_us: u64,
    /// When it returned, in microseconds: the stamp of its `resumed` half,
    /// or for a call on one line its start plus `-T`'s time (its start when
    /// the log has no `-T`).
    pub returned_us: u64,
    /// The 1-based line of the log where it started.
    pub line: usize,
    /// The 1-based line where it returned: its `resumed` half's, or `line`
    /// for a call on one line. strace writes its lines in the order it
    /// handles the threads' entries and returns, so lines order calls of
    /// different threads without reading two clocks (see [`threads`]).
    pub returned_line: usize,
    /// What it was.
    pub call: Call,
    /// What it returned.
    pub ret: Ret,
}

/// A syscall's return: a number, or `-1` and an errno name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ret {
    /// The value (`None` for `?`, a call that never returned).
    pub value: Option<i64>,
    /// The errno name, such as `EAGAIN`, when the call failed.
    pub errno: Option<String>,
    /// Time spent in the call, in microseconds (`-T`'s `<0.000007>`), when
    /// the log has it.
    pub took_us: Option<u64>,
}

/// The calls the suite reads, with their interesting arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// `epoll_wait`, `epoll_pwait` or `epoll_pwait2`.
    EpollWait {
        /// The epoll instance waited on.
        epfd: i32,
        /// The timeout in ms; `None` waits forever (`-1`, or `NULL` for `epoll_pwait2`).
        timeout_ms: Option<u64>,
        /// The `data` (as u64) of each event it returned.
        ready: Vec<u64>,
    },
    /// `epoll_ctl`.
    EpollCtl {
        /// `EPOLL_CTL_ADD`, `EPOLL_CTL_MOD` or `EPOLL_CTL_DEL`.
        op: String,
        /// The file descriptor (de)registered.
        fd: i32,
        /// The event flags, such as `EPOLLIN`, `EPOLLOUT`.
        events: Vec<String>,
        /// The `data` (as u64) the kernel will report the fd with.
        data: Option<u64>,
    },
    /// `accept4` or `accept` on a listening socket.
    Accept {
        /// The listening socket.
        fd: i32,
    },
    /// `recvfrom` or `read`.
    Read {
        /// The descriptor read.
        fd: i32,
        /// `recvfrom` (a socket read) rather than `read`.
        socket: bool,
    },
    /// `statx`, `newfstatat` (and friends) with a path: the markers.
    Stat {
        /// The path, unescaped.
        path: String,
    },
    /// `eventfd2`: Tokio's waker.
    Eventfd,
    /// `epoll_create1` or `epoll_create`: an epoll instance (its fd is the
    /// return value). mio makes one per I/O driver.
    EpollCreate,
    /// `futex`: a thread blocking on (or waking) a lock or condition variable.
    Futex {
        /// The futex word's address, as strace prints it (`0x7f…`).
        addr: String,
        /// The operation, such as `FUTEX_WAIT_BITSET_PRIVATE` or `FUTEX_WAKE_PRIVATE`.
        op: String,
        /// A wait with no timeout (`NULL`), as `Condvar::wait` makes.
        untimed: bool,
    },
    /// `write`: on Tokio's eventfd, an unpark of its I/O driver.
    Write {
        /// The descriptor written.
        fd: i32,
    },
    /// Anything else.
    Other {
        /// The syscall's name.
        name: String,
    },
}

impl Syscall {
    /// Whether it failed with `EAGAIN` (the kernel's `WouldBlock`).
    pub fn would_block(&self) -> bool {
        matches!(self.ret.errno.as_deref(), Some("EAGAIN" | "EWOULDBLOCK"))
    }

    /// Time spent in the call, in ms, when the log has it (`-T`).
    pub fn took_ms(&self) -> Option<f64> {
        self.ret.took_us.map(|us| us as f64 / 1000.0)
    }

    /// Whether it is a futex wait (`FUTEX_WAIT`, `FUTEX_WAIT_BITSET`, …,
    /// private or not): the thread slept on a lock or condition variable.
    pub fn is_futex_wait(&self) -> bool {
        matches!(&self.call, Call::Futex { op, .. } if op.starts_with("FUTEX_WAIT"))
    }
}

/// Parse a whole log: its finished calls, in the order they returned.
/// Lines that are not syscalls are skipped; a call cut short by the end of
/// the log (its `resumed` half missing) is dropped ([`parse_log`] keeps it).
pub fn parse(log: &str) -> Vec<Syscall> {
    parse_log(log).calls
}

/// `13155 1795946539.246355 rest` → (13155, µs, rest).
fn split_prefix(line: &str) -> Option<(u32, u64, &str)> {
    let (tid, rest) = line.trim_start().split_once(' ')?;
    let tid = tid.parse().ok()?;
    let (stamp, rest) = rest.trim_start().split_once(' ')?;
    let (secs, micros) = stamp.split_once('.')?;
    let micros = format!("{micros:0<6}");
    let at_us = secs.parse::<u64>().ok()? * 1_000_000 + micros.get(..6)?.parse::<u64>().ok()?;
    Some((tid, at_us, rest))
}

/// `name(args) = ret …` → typed call and return. `None` for anything else
/// (`+++ exited +++`, `--- SIGCHLD ---`, a torn line).
fn parse_call(text: &str) -> Option<(Call, Ret)> {
    let open = text.find('(')?;
    let name = &text[..open];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let (args, ret) = args::split_call(&text[open..])?;
    let args = split_args(args);
    Some((typed(name, &args), parse_ret(ret)?))
}

fn parse_ret(ret: &str) -> Option<Ret> {
    // `-T` puts the time spent last: `-1 EAGAIN (…) <0.000010>`.
    let (ret, took_us) = match ret.trim_end().strip_suffix('>') {
        Some(head) => match head.rsplit_once('<') {
            Some((ret, seconds)) => (ret, seconds_to_us(seconds)),
            None => (ret, None),
        },
        None => (ret, None),
    };
    let mut words = ret.split_whitespace();
    let value = words.next()?;
    let value = if value == "?" {
        None
    } else if let Some(hex) = value.strip_prefix("0x") {
        Some(i64::from_str_radix(hex, 16).ok()?)
    } else {
        Some(value.parse().ok()?)
    };
    let errno = words
        .next()
        .filter(|word| word.starts_with('E'))
        .map(str::to_string);
    Some(Ret {
        value,
        errno,
        took_us,
    })
}

/// `0.000007` (seconds, as `-T` prints them) → 7 µs.
fn seconds_to_us(seconds: &str) -> Option<u64> {
    let (whole, fraction) = seconds.split_once('.')?;
    let micros = format!("{fraction:0<6}");
    Some(whole.parse::<u64>().ok()? * 1_000_000 + micros.get(..6)?.parse::<u64>().ok()?)
}

fn typed(name: &str, args: &[&str]) -> Call {
    let fd = |index: usize| args.get(index).and_then(|arg| arg.parse().ok());
    let other = || Call::Other {
        name: name.to_string(),
    };
    match name {
        "epoll_wait" | "epoll_pwait" => Call::EpollWait {
            epfd: fd(0).unwrap_or(-1),
            timeout_ms: args
                .get(3)
                .and_then(|arg| arg.parse::<i64>().ok())
                .and_then(|ms| u64::try_from(ms).ok()),
            ready: args.get(1).map_or_else(Vec::new, |list| ready(list)),
        },
        "epoll_pwait2" => Call::EpollWait {
            epfd: fd(0).unwrap_or(-1),
            timeout_ms: args.get(3).and_then(|arg| timespec_ms(arg)),
            ready: args.get(1).map_or_else(Vec::new, |list| ready(list)),
        },
        "epoll_ctl" => match (args.get(1), fd(2)) {
            (Some(op), Some(fd)) => {
                let event = args.get(3).copied().unwrap_or("NULL");
                Call::EpollCtl {
                    op: (*op).to_string(),
                    fd,
                    events: field(event, "events=")
                        .map(|flags| flags.split('|').map(str::to_string).collect())
                        .unwrap_or_default(),
                    data: field(event, "u64=").and_then(|data| data.parse().ok()),
                }
            }
            _ => other(),
        },
        "accept4" | "accept" => fd(0).map_or_else(other, |fd| Call::Accept { fd }),
        "recvfrom" | "read" => fd(0).map_or_else(other, |fd| Call::Read {
            fd,
            socket: name == "recvfrom",
        }),
        "statx" | "newfstatat" | "fstatat64" | "stat" | "lstat" => args
            .iter()
            .find_map(|arg| args::unquote(arg))
            .map_or_else(other, |path| Call::Stat { path }),
        "eventfd2" | "eventfd" => Call::Eventfd,
        "epoll_create1" | "epoll_create" => Call::EpollCreate,
        "futex" => match (args.first(), args.get(1)) {
            (Some(addr), Some(op)) => Call::Futex {
                addr: (*addr).to_string(),
                // `FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME` → the operation alone.
                op: op.split('|').next().unwrap_or(op).to_string(),
                untimed: args.get(3) == Some(&"NULL"),
            },
            _ => other(),
        },
        "write" => fd(0).map_or_else(other, |fd| Call::Write { fd }),
        _ => other(),
    }
}

/// The `u64=` of every event in `[{events=EPOLLIN, data={u32=0, u64=0}}, …]`.
fn ready(list: &str) -> Vec<u64> {
    list.split("u64=")
        .skip(1)
        .filter_map(|rest| {
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            rest[..end].parse().ok()
        })
        .collect()
}

/// The value after `key` in a `{key=value, …}` struct, up to `,` or `}`.
fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let start = text.find(key)? + key.len();
    let rest = &text[start..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// `{tv_sec=1, tv_nsec=500000000}` → 1500 (rounded up, as the kernel waits
/// at least that long); `NULL` → `None` (forever).
fn timespec_ms(arg: &str) -> Option<u64> {
    let secs: u64 = field(arg, "tv_sec=")?.parse().ok()?;
    let nanos: u64 = field(arg, "tv_nsec=")?.parse().ok()?;
    Some(secs * 1000 + nanos.div_ceil(1_000_000))
}

#[cfg(test)]
mod tests;
