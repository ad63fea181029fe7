//! What rooms may cost the server, with a default for each bound.
//!
//! Every number is a flag of `reactor-lab` (see `--help`) and a field of
//! [`RoomLimits`]; past each bound the client gets a refusal it can read.

use std::time::Duration;

/// Bounds on rooms, their followers and the joins that fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomLimits {
    /// Rooms open at once. `POST /api/rooms` past it answers 503.
    pub max_rooms: usize,
    /// Rooms open at once that were created from one client address. Past it
    /// `POST /api/rooms` answers 429, so one client cannot take every room.
    pub rooms_per_address: usize,
    /// Followers in one room. A join past it closes with 1013 ("try again later").
    pub max_followers: usize,
    /// Frames queued for one follower before it counts as stalled. A stalled
    /// follower gets nothing more until its task catches up by a resync.
    pub follower_queue: usize,
    /// A follower whose socket accepts no bytes for this long is dropped.
    pub follower_write_timeout: Duration,
    /// Bytes of frames a room keeps since its last `loaded` frame, for late
    /// joiners and resyncs. Past it, new joiners are refused until the
    /// presenter loads a scenario again.
    pub history_bytes: usize,
    /// A room whose presenter sends nothing for this long ends.
    pub idle_timeout: Duration,
    /// Failed joins (unknown code, wrong key) one address may make in a row
    /// before all its joins are refused. It earns one back every
    /// [`RoomLimits::failed_join_window`] / `failed_joins` (GCRA), so over any
    /// long stretch it gets this many per window. A successful join costs nothing.
    pub failed_joins: u32,
    /// The window [`RoomLimits::failed_joins`] is counted over: an address
    /// that stops failing has them all back one window after its last failure.
    pub failed_join_window: Duration,
}

/// Default for [`RoomLimits::max_rooms`]: a department's worth of lectures at
/// once; each room holds at most [`DEFAULT_HISTORY_BYTES`] of history.
pub const DEFAULT_MAX_ROOMS: usize = 32;
/// Default for [`RoomLimits::rooms_per_address`]: a few teachers sharing a
/// school's one public address, yet a quarter of [`DEFAULT_MAX_ROOMS`].
pub const DEFAULT_ROOMS_PER_ADDRESS: usize = 8;
/// Default for [`RoomLimits::max_followers`]: the largest lecture hall Reactor
/// Lab plans for (1,000 students), which the load tool measures.
pub const DEFAULT_MAX_FOLLOWERS: usize = 1000;
/// Default for [`RoomLimits::follower_queue`]: more than the frames of a
/// `run` of any built-in scenario (a few hundred), so only a follower that
/// truly stops reading overflows. A slot holds a shared pointer, not a copy.
pub const DEFAULT_FOLLOWER_QUEUE: usize = 1024;
/// Default for [`RoomLimits::follower_write_timeout`]: far longer than a
/// phone on a weak Wi-Fi needs to take a frame.
pub const DEFAULT_FOLLOWER_WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default for [`RoomLimits::history_bytes`]: 8 MiB, more than ten times a
/// built-in scenario stepped one action at a time (with a snapshot per action).
pub const DEFAULT_HISTORY_BYTES: usize = 8 * 1024 * 1024;
/// Default for [`RoomLimits::idle_timeout`]: thirty minutes, a long tangent
/// in a lecture.
pub const DEFAULT_ROOM_IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Default for [`RoomLimits::failed_joins`]: a class behind one NAT address
/// mistyping codes stays under it; a guesser gets 60 tries, then one a second,
/// against 2^40 codes.
pub const DEFAULT_FAILED_JOINS: u32 = 60;
/// Default for [`RoomLimits::failed_join_window`]: one minute.
pub const DEFAULT_FAILED_JOIN_WINDOW: Duration = Duration::from_secs(60);

impl Default for RoomLimits {
    fn default() -> Self {
        RoomLimits {
            max_rooms: DEFAULT_MAX_ROOMS,
            rooms_per_address: DEFAULT_ROOMS_PER_ADDRESS,
            max_followers: DEFAULT_MAX_FOLLOWERS,
            follower_queue: DEFAULT_FOLLOWER_QUEUE,
            follower_write_timeout: DEFAULT_FOLLOWER_WRITE_TIMEOUT,
            history_bytes: DEFAULT_HISTORY_BYTES,
            idle_timeout: DEFAULT_ROOM_IDLE_TIMEOUT,
            failed_joins: DEFAULT_FAILED_JOINS,
            failed_join_window: DEFAULT_FAILED_JOIN_WINDOW,
        }
    }
}

/// The `reactor-lab` flags for [`RoomLimits`] (flattened into its arguments).
#[derive(Clone, Debug, clap::Args)]
pub struct RoomFlags {
    /// Classroom rooms open at once.
    #[arg(long, default_value_t = DEFAULT_MAX_ROOMS)]
    pub max_rooms: usize,
    /// Classroom rooms open at once created from one client address.
    #[arg(long, default_value_t = DEFAULT_ROOMS_PER_ADDRESS)]
    pub rooms_per_address: usize,
    /// Followers one room may hold.
    #[arg(long, default_value_t = DEFAULT_MAX_FOLLOWERS)]
    pub max_followers: usize,
    /// Frames queued per follower before it must resync.
    #[arg(long, default_value_t = DEFAULT_FOLLOWER_QUEUE)]
    pub follower_queue: usize,
    /// Seconds a follower's socket may accept nothing before it is dropped.
    #[arg(long, default_value_t = DEFAULT_FOLLOWER_WRITE_TIMEOUT.as_secs())]
    pub follower_write_timeout_secs: u64,
    /// Bytes of history a room keeps for late joiners.
    #[arg(long, default_value_t = DEFAULT_HISTORY_BYTES)]
    pub room_history_bytes: usize,
    /// Seconds a room may go without a presenter command before it ends.
    #[arg(long, default_value_t = DEFAULT_ROOM_IDLE_TIMEOUT.as_secs())]
    pub room_idle_timeout_secs: u64,
    /// Failed room joins one address may make in a row; it earns one back
    /// every window / this many.
    #[arg(long, default_value_t = DEFAULT_FAILED_JOINS)]
    pub failed_joins: u32,
    /// The window for --failed-joins, in seconds.
    #[arg(long, default_value_t = DEFAULT_FAILED_JOIN_WINDOW.as_secs())]
    pub failed_join_window_secs: u64,
}

impl RoomFlags {
    /// The limits these flags ask for.
    pub fn limits(&self) -> RoomLimits {
        RoomLimits {
            max_rooms: self.max_rooms,
            rooms_per_address: self.rooms_per_address,
            max_followers: self.max_followers,
            follower_queue: self.follower_queue,
            follower_write_timeout: Duration::from_secs(self.follower_write_timeout_secs),
            history_bytes: self.room_history_bytes,
            idle_timeout: Duration::from_secs(self.room_idle_timeout_secs),
            failed_joins: self.failed_joins,
            failed_join_window: Duration::from_secs(self.failed_join_window_secs),
        }
    }
}
