//! Every bound the server puts on what one client may cost it.
//!
//! Each limit has a default sized for a classroom on one small machine, can be
//! changed in [`Limits`] (and by a `reactor-lab` command-line flag), and is
//! enforced with a refusal the client can read, never by silently dropping work.

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
    /// Records one engine may produce before it stops with an `error` record.
    /// Also bounds the runs behind `GET /api/trace/{id}`.
    pub max_records: u64,
    /// A session that sends nothing for this long is closed (code 1000).
    pub idle_timeout: Duration,
    /// Largest WebSocket message (and frame) a client may send; bigger ones
    /// close the session with code 1009 ("message too big").
    pub max_message_bytes: usize,
    /// Read and write buffer of each WebSocket. tungstenite defaults to
    /// 128 KiB each; commands are tiny, so an idle session needs far less.
    pub ws_buffer_bytes: usize,
}

/// Default for [`Limits::max_sessions`]: a 2-core machine runs 256 engine
/// threads that mostly sleep in `recv` without strain.
pub const DEFAULT_MAX_SESSIONS: usize = 256;
/// Default for [`Limits::idle_timeout`]: ten minutes, longer than a teacher
/// talks over one step.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// Default for [`Limits::max_message_bytes`]: 64 KiB. The largest command,
/// `load`, is under 100 bytes; anything near this size is abuse or a bug.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// Default for [`Limits::ws_buffer_bytes`]: 8 KiB, one sixteenth of
/// tungstenite's default, still larger than a snapshot of a built-in scenario.
pub const DEFAULT_WS_BUFFER_BYTES: usize = 8 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sessions: DEFAULT_MAX_SESSIONS,
            max_records: DEFAULT_MAX_RECORDS,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            ws_buffer_bytes: DEFAULT_WS_BUFFER_BYTES,
        }
    }
}
