//! Every bound the server puts on what one client may cost it.
//!
//! Each limit has a default sized for a classroom on one small machine, can be
//! changed in [`Limits`] (and by a `reactor-lab` command-line flag), and is
//! enforced with a refusal the client can read, never by silently dropping work.
//!
//! | field | default | flag | past it |
//! |---|---|---|---|
//! | [`max_sessions`](Limits::max_sessions) | 256 | `--max-sessions` | `/ws` closed with 1013 |
//! | [`sessions_per_address`](Limits::sessions_per_address) | 128 | `--sessions-per-address` | `/ws` closed with 1013 |
//! | [`max_records`](Limits::max_records) | 100,000 | `--max-records` | an `error` record ends the run |
//! | [`idle_timeout`](Limits::idle_timeout) | 600 s | `--idle-timeout-secs` | closed with 1000 |
//! | [`write_timeout`](Limits::write_timeout) | 10 s | `--write-timeout-secs` | a session: closed with 1008; an HTTP answer: connection dropped |
//! | [`max_message_bytes`](Limits::max_message_bytes) | 64 KiB | `--max-message-bytes` | closed with 1009 |
//! | [`ws_buffer_bytes`](Limits::ws_buffer_bytes) | 8 KiB | `--ws-buffer-bytes` | (a memory bound) |
//! | [`max_connections`](Limits::max_connections) | 768 | `--max-connections` | the longest-idle connection is closed, else the new one |
//! | [`connections_per_address`](Limits::connections_per_address) | 256 | `--connections-per-address` | as above, among that address's connections |
//! | [`header_read_timeout`](Limits::header_read_timeout) | 10 s | `--header-read-timeout-secs` | connection closed |
//!
//! Classroom presenters are not counted against either session cap: they sit
//! in seats of their own, one per room (see `crate::session`).

use std::time::Duration;

/// Default for [`Limits::max_records`]: the engine's own default cap
/// (re-exported, so the server and the engine never disagree), far above the
/// few hundred records a built-in scenario produces.
pub use reactor_engine::DEFAULT_MAX_RECORDS;

/// The limits, with their defaults in [`Limits::default`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Concurrent WebSocket sessions, each owning one engine thread. Past it a
    /// new connection is closed with code 1013 ("try again later") and a reason.
    pub max_sessions: usize,
    /// Concurrent `/ws` sessions from one client address (IPv6: one /64), so
    /// one script cannot take every engine. Past it a new one from that
    /// address is closed with code 1013 and a reason.
    pub sessions_per_address: usize,
    /// Records one engine may produce before it stops with an `error` record.
    /// Also bounds the runs behind `GET /api/trace/{id}`.
    pub max_records: u64,
    /// A session that sends no valid command for this long is closed (code
    /// 1000). Invalid frames, pings and binary frames do not count as use.
    pub idle_timeout: Duration,
    /// Longest a write to a client may take: a batch of session frames and
    /// its flush, or one blocked write of an HTTP answer. A session whose
    /// client stops reading is closed (code 1008) and its engine freed; an
    /// HTTP connection is dropped.
    pub write_timeout: Duration,
    /// Largest WebSocket message (and frame) a client may send; bigger ones
    /// close the session with code 1009 ("message too big").
    pub max_message_bytes: usize,
    /// Read and write buffer of each WebSocket. tungstenite defaults to
    /// 128 KiB each; commands are tiny, so an idle session needs far less.
    pub ws_buffer_bytes: usize,
    /// Concurrent HTTP connections (before any WebSocket upgrade; upgraded
    /// sockets are bounded by the session and room caps). When a new one
    /// would pass it, the connection idle longest (no request in flight) is
    /// closed to make room; if every connection is busy, the new one is.
    pub max_connections: usize,
    /// Concurrent HTTP connections from one client address (IPv6: one /64),
    /// made room for in the same way among that address's connections.
    pub connections_per_address: usize,
    /// Longest a connection may take to send a request's headers, counted
    /// from when the server starts waiting for them: also how long an idle
    /// keep-alive connection stays open.
    pub header_read_timeout: Duration,
}

/// Default for [`Limits::max_sessions`]: a 2-core machine runs 256 engine
/// threads that mostly sleep in `recv` without strain.
pub const DEFAULT_MAX_SESSIONS: usize = 256;
/// Default for [`Limits::sessions_per_address`]: half of
/// [`DEFAULT_MAX_SESSIONS`]. A class of 60 behind one school NAT, every
/// student with two tabs, fits (as does a lecture hall of 100 with one
/// each), and the other half stays for everyone else.
pub const DEFAULT_SESSIONS_PER_ADDRESS: usize = 128;
/// Default for [`Limits::idle_timeout`]: ten minutes, longer than a teacher
/// talks over one step.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// Default for [`Limits::write_timeout`]: ten seconds. The largest batch a
/// session writes at once (64 frames of a `run`) is tens of kilobytes, which
/// a phone on a weak Wi-Fi takes in well under a second; a client that takes
/// nothing for ten seconds has stopped reading.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Default for [`Limits::max_message_bytes`]: 64 KiB. Every command is
/// under 100 bytes but a program's `load`, which carries its source (at
/// most 16 KiB by default, longer once escaped as JSON) and peer
/// description; anything near this size is abuse or a bug.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// Default for [`Limits::ws_buffer_bytes`]: 8 KiB, one sixteenth of
/// tungstenite's default, still larger than a snapshot of a built-in scenario.
pub const DEFAULT_WS_BUFFER_BYTES: usize = 8 * 1024;
/// Default for [`Limits::max_connections`]: three quarters of the usual
/// 1,024 open-file limit, leaving a quarter for sessions' sockets and
/// engines (`reactor-lab` also raises its soft limit to the hard one at
/// start). Three classes' worth of [`DEFAULT_CONNECTIONS_PER_ADDRESS`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 768;
/// Default for [`Limits::connections_per_address`]: a browser opens at most
/// 6 connections to one server, and loads this app's few files over 2–4, so
/// a class of 60 behind one NAT needs ~240 at the instant they all open the
/// page; idle ones are closed first when it is reached, so a busy class
/// loses nothing but idle keep-alives.
pub const DEFAULT_CONNECTIONS_PER_ADDRESS: usize = 256;
/// Default for [`Limits::header_read_timeout`]: ten seconds. A browser sends
/// its headers in the same breath as it connects; a slow link takes a second.
/// Browsers reopen an idle keep-alive connection the server closed.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sessions: DEFAULT_MAX_SESSIONS,
            sessions_per_address: DEFAULT_SESSIONS_PER_ADDRESS,
            max_records: DEFAULT_MAX_RECORDS,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            ws_buffer_bytes: DEFAULT_WS_BUFFER_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            connections_per_address: DEFAULT_CONNECTIONS_PER_ADDRESS,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
        }
    }
}
