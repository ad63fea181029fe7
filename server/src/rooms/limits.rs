//! What rooms may cost the server, with a default for each bound and where
//! its number comes from.
//!
//! Every number is a flag of `reactor-lab` (see `--help` and [`RoomFlags`])
//! and a field of [`RoomLimits`]; past each bound the client gets a refusal
//! it can read. The defaults are sized for the hard case: a class of 60
//! behind one school NAT, so the whole class, its teacher and a student with
//! a script share one client address.
//!
//! ```text
//!  one address (a school)   ≤ 4 rooms open, ≤ 120 followers in any one room
//!  one room                 ≤ 1,000 followers, ≤ 4 MiB of history, ≤ 4 h of life,
//!                           ≤ 10,000 moves and 1 MiB in its lecture
//!  one follower             ≤ 1 MiB sent and not yet read, ≤ 1,024 frames queued,
//!                           ≤ 2 poll answers a second, one per poll
//!  one room's polls         ≤ 200 polls, ≤ 120 answers per poll from one address
//!  the server               ≤ 64 rooms: 16 addresses to fill them, not 4
//! ```

use std::time::Duration;

/// Bounds on rooms, their followers and the joins that guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomLimits {
    /// Rooms open at once. `POST /api/rooms` past it answers 503.
    pub max_rooms: usize,
    /// Rooms open at once that were created from one client address. Past it
    /// `POST /api/rooms` answers 429, so one address cannot take every room.
    pub rooms_per_address: usize,
    /// Followers in one room. A join past it closes with 1013 ("try again later").
    pub max_followers: usize,
    /// Followers in one room from one client address. A join past it closes
    /// with 1013, so one script cannot fill a room its class needs.
    pub followers_per_address: usize,
    /// Frames queued for one follower before it counts as behind. A follower
    /// behind gets nothing more until its task catches up by a resync.
    pub follower_queue: usize,
    /// Bytes handed to one follower that it has not shown to have read
    /// (queued, in socket buffers, or in flight; a ping's answer shows it).
    /// Past it the follower counts as behind, and it is sent nothing more
    /// until it reads; one that reads nothing for
    /// [`RoomLimits::follower_write_timeout`] is dropped.
    pub follower_bytes: usize,
    /// A follower whose socket accepts no bytes, or that answers no ping, for
    /// this long is dropped.
    pub follower_write_timeout: Duration,
    /// Bytes of frames a room keeps since its last `loaded` frame, for late
    /// joiners and resyncs. Past it the room drops every other snapshot
    /// between the first and the last (records are always kept); when
    /// records alone do not fit, joins are refused until the next `loaded`.
    pub history_bytes: usize,
    /// A room whose presenter does nothing that changes what the class sees
    /// (a step, a load, a move to another position) for this long ends.
    pub idle_timeout: Duration,
    /// A room with neither a presenter nor a follower connected for this long ends.
    pub empty_timeout: Duration,
    /// A room ends this long after it was created, however busy.
    pub max_lifetime: Duration,
    /// Joins to room codes that name no room, per client address, in a row
    /// before the address gets 4429 instead of 4404 for such codes. It earns
    /// one back every [`RoomLimits::code_guess_window`] / this (GCRA). Joins
    /// to codes that exist are never refused by it.
    pub code_guesses: u32,
    /// The window [`RoomLimits::code_guesses`] is counted over.
    pub code_guess_window: Duration,
    /// Wrong presenter keys per room, from any address, in a row before
    /// further wrong keys get 4429 instead of 4403. It earns one back every
    /// [`RoomLimits::key_guess_window`] / this. The right key always works.
    pub key_guesses: u32,
    /// The window [`RoomLimits::key_guesses`] is counted over.
    pub key_guess_window: Duration,
    /// Moves of its presenter a room keeps in its lecture (loads and views,
    /// see `GET /api/rooms/{code}/lecture`). Past it the lecture is marked
    /// `truncated` and later moves are not kept.
    pub max_lecture_moves: usize,
    /// Bytes of moves (as the lecture's JSON spells them) a room keeps in its
    /// lecture; past it, as past [`RoomLimits::max_lecture_moves`]. A
    /// playground program loaded is kept whole, so this bounds a script
    /// that loads large programs over and over.
    pub max_lecture_bytes: usize,
    /// Polls one room may open in its life. Past it the presenter's `poll`
    /// is answered with an `error` and nothing changes.
    pub max_polls_per_room: usize,
    /// Answers one follower connection may send a second (GCRA: this many in
    /// a row, then one every 1/this of a second). A faster answer gets an
    /// `error` and is not counted. 0 acts as 1.
    pub poll_answers_per_second: u32,
    /// Answers one poll takes from one client address, over all its
    /// connections (a student who reconnects has a new connection, and so
    /// a new answer). Past it an answer gets an `error`. A poll also takes
    /// at most twice [`RoomLimits::max_followers`] answers in all, which
    /// bounds what it keeps per address.
    pub poll_answers_per_address: usize,
}

/// Default for [`RoomLimits::max_rooms`]: 64. Sixteen times
/// [`DEFAULT_ROOMS_PER_ADDRESS`], so it takes sixteen addresses, not four, to
/// fill the server; 64 × [`DEFAULT_HISTORY_BYTES`] is 256 MiB at the very
/// worst (a typical room keeps well under 100 KiB). A presenter connected
/// is a session with an engine thread; the session cap keeps a seat per room.
pub const DEFAULT_MAX_ROOMS: usize = 64;
/// Default for [`RoomLimits::rooms_per_address`]: 4, for the few teachers of
/// one school who present at the same hour behind its one NAT address.
pub const DEFAULT_ROOMS_PER_ADDRESS: usize = 4;
/// Default for [`RoomLimits::max_followers`]: the largest lecture hall Reactor
/// Lab plans for (1,000 students), which the load tool measures.
pub const DEFAULT_MAX_FOLLOWERS: usize = 1000;
/// Default for [`RoomLimits::followers_per_address`]: 120, a class of 60
/// behind one NAT with a second tab each; a script from that address cannot
/// take more, and it takes nine addresses to fill [`DEFAULT_MAX_FOLLOWERS`].
pub const DEFAULT_FOLLOWERS_PER_ADDRESS: usize = 120;
/// Default for [`RoomLimits::follower_queue`]: more than the frames of a
/// `run` of any built-in scenario (a few hundred), so only a follower that
/// truly stops reading overflows. A slot holds a shared pointer, not a copy.
pub const DEFAULT_FOLLOWER_QUEUE: usize = 1024;
/// Default for [`RoomLimits::follower_bytes`]: 1 MiB. Thirty times the
/// largest frame of a built-in scenario (a `crowd` snapshot, 30 KB) and
/// fifty times a whole `tcp_read` stepped action by action (20 KB); a phone
/// on 1 Mbit/s reads it in 8 s, well within the write timeout. A follower
/// that stops reading holds at most this much in socket buffers instead of
/// the 4 MiB Linux lets one socket grow to: one address's share of a room
/// (120) at most 120 MiB, for at most the write timeout.
pub const DEFAULT_FOLLOWER_BYTES: usize = 1024 * 1024;
/// Default for [`RoomLimits::follower_write_timeout`]: far longer than a
/// phone on a weak Wi-Fi needs to take a frame or answer a ping.
pub const DEFAULT_FOLLOWER_WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default for [`RoomLimits::history_bytes`]: 4 MiB. The largest built-in
/// scenario stepped action by action (`crowd`: 5,797 records in 1.0 MB, 1,006
/// snapshots in 24.4 MB) keeps all its records and one snapshot in eight;
/// every other scenario (at most 62 KB) is kept whole.
pub const DEFAULT_HISTORY_BYTES: usize = 4 * 1024 * 1024;
/// Default for [`RoomLimits::idle_timeout`]: thirty minutes, a long tangent
/// in a lecture. Only what followers see counts, so a script repeating one
/// `view` keeps no room open.
pub const DEFAULT_ROOM_IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Default for [`RoomLimits::empty_timeout`]: ten minutes, longer than a
/// teacher's laptop takes to restart and reconnect; a room created and
/// abandoned gives its place back three times sooner than an idle one.
pub const DEFAULT_ROOM_EMPTY_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// Default for [`RoomLimits::max_lifetime`]: four hours, a morning of
/// lectures; past it a script that keeps stepping still gives its rooms back.
pub const DEFAULT_ROOM_LIFETIME: Duration = Duration::from_secs(4 * 60 * 60);
/// Default for [`RoomLimits::code_guesses`]: a class behind one NAT address
/// mistyping its code stays far under 60 a minute.
pub const DEFAULT_CODE_GUESSES: u32 = 60;
/// Default for [`RoomLimits::code_guess_window`]: one minute.
pub const DEFAULT_CODE_GUESS_WINDOW: Duration = Duration::from_secs(60);
/// Default for [`RoomLimits::key_guesses`]: a presenter pasting a stale link
/// a few times stays under 10; keys are 128 random bits, so no number of
/// guesses finds one.
pub const DEFAULT_KEY_GUESSES: u32 = 10;
/// Default for [`RoomLimits::key_guess_window`]: one minute.
pub const DEFAULT_KEY_GUESS_WINDOW: Duration = Duration::from_secs(60);
/// Default for [`RoomLimits::max_lecture_moves`]: 10,000. The app reports a
/// move for every step, scrub and lesson stage shown; a four-hour lecture
/// (the room's lifetime) at one move every two seconds makes 7,200.
pub const DEFAULT_MAX_LECTURE_MOVES: usize = 10_000;
/// Default for [`RoomLimits::max_lecture_bytes`]: 1 MiB. A view takes 40 to
/// 80 bytes (`{"at_ms":…,"kind":"view","step":…}`, more with a lesson
/// stage): an hour at a move every two seconds is under 150 KB, all
/// [`DEFAULT_MAX_LECTURE_MOVES`] under 800 KB. A playground program is kept
/// whole: a few KB for the examples, at most 64 KiB (the largest message a
/// socket takes). 64 rooms live and 64 ended rooms' lectures kept (see
/// `registry`) hold at most 128 MiB.
pub const DEFAULT_MAX_LECTURE_BYTES: usize = 1024 * 1024;
/// Default for [`RoomLimits::max_polls_per_room`]: 200. A lesson asks at
/// most one question per stage, a few dozen in an hour; four hours (the
/// room's lifetime) of a quick poll every two minutes is 120. A poll keeps
/// its question (under 1 KB) only while it is open.
pub const DEFAULT_MAX_POLLS_PER_ROOM: usize = 200;
/// Default for [`RoomLimits::poll_answers_per_second`]: 2. A person taps an
/// answer once; a second try after an `error` (a double tap, a poll that
/// just changed) still fits, and a script gets 2 locks of the room a second.
pub const DEFAULT_POLL_ANSWERS_PER_SECOND: u32 = 2;
/// Default for [`RoomLimits::poll_answers_per_address`]:
/// [`DEFAULT_FOLLOWERS_PER_ADDRESS`] (and `--followers-per-address` when
/// that is set and this is not): a class behind one NAT answers once per
/// tab; a script that reconnects to answer again gets no more.
pub const DEFAULT_POLL_ANSWERS_PER_ADDRESS: usize = DEFAULT_FOLLOWERS_PER_ADDRESS;

impl Default for RoomLimits {
    fn default() -> Self {
        RoomLimits {
            max_rooms: DEFAULT_MAX_ROOMS,
            rooms_per_address: DEFAULT_ROOMS_PER_ADDRESS,
            max_followers: DEFAULT_MAX_FOLLOWERS,
            followers_per_address: DEFAULT_FOLLOWERS_PER_ADDRESS,
            follower_queue: DEFAULT_FOLLOWER_QUEUE,
            follower_bytes: DEFAULT_FOLLOWER_BYTES,
            follower_write_timeout: DEFAULT_FOLLOWER_WRITE_TIMEOUT,
            history_bytes: DEFAULT_HISTORY_BYTES,
            idle_timeout: DEFAULT_ROOM_IDLE_TIMEOUT,
            empty_timeout: DEFAULT_ROOM_EMPTY_TIMEOUT,
            max_lifetime: DEFAULT_ROOM_LIFETIME,
            code_guesses: DEFAULT_CODE_GUESSES,
            code_guess_window: DEFAULT_CODE_GUESS_WINDOW,
            key_guesses: DEFAULT_KEY_GUESSES,
            key_guess_window: DEFAULT_KEY_GUESS_WINDOW,
            max_lecture_moves: DEFAULT_MAX_LECTURE_MOVES,
            max_lecture_bytes: DEFAULT_MAX_LECTURE_BYTES,
            max_polls_per_room: DEFAULT_MAX_POLLS_PER_ROOM,
            poll_answers_per_second: DEFAULT_POLL_ANSWERS_PER_SECOND,
            poll_answers_per_address: DEFAULT_POLL_ANSWERS_PER_ADDRESS,
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
    /// Followers one room may hold from one client address.
    #[arg(long, default_value_t = DEFAULT_FOLLOWERS_PER_ADDRESS)]
    pub followers_per_address: usize,
    /// Frames queued per follower before it must resync.
    #[arg(long, default_value_t = DEFAULT_FOLLOWER_QUEUE)]
    pub follower_queue: usize,
    /// Bytes sent to a follower and not yet read before it is sent no more.
    #[arg(long, default_value_t = DEFAULT_FOLLOWER_BYTES)]
    pub follower_bytes: usize,
    /// Seconds a follower's socket may accept nothing (or answer no ping)
    /// before it is dropped.
    #[arg(long, default_value_t = DEFAULT_FOLLOWER_WRITE_TIMEOUT.as_secs())]
    pub follower_write_timeout_secs: u64,
    /// Bytes of history a room keeps for late joiners.
    #[arg(long, default_value_t = DEFAULT_HISTORY_BYTES)]
    pub room_history_bytes: usize,
    /// Seconds a room may go without a presenter step, load or move before it ends.
    #[arg(long, default_value_t = DEFAULT_ROOM_IDLE_TIMEOUT.as_secs())]
    pub room_idle_timeout_secs: u64,
    /// Seconds a room may have nobody connected before it ends.
    #[arg(long, default_value_t = DEFAULT_ROOM_EMPTY_TIMEOUT.as_secs())]
    pub room_empty_timeout_secs: u64,
    /// Seconds a room may live, however busy.
    #[arg(long, default_value_t = DEFAULT_ROOM_LIFETIME.as_secs())]
    pub room_lifetime_secs: u64,
    /// Joins to unknown room codes one address may make in a row before it
    /// is told to wait; it earns one back every window / this many.
    #[arg(long, default_value_t = DEFAULT_CODE_GUESSES)]
    pub code_guesses: u32,
    /// The window for --code-guesses, in seconds.
    #[arg(long, default_value_t = DEFAULT_CODE_GUESS_WINDOW.as_secs())]
    pub code_guess_window_secs: u64,
    /// Wrong presenter keys one room takes in a row before further wrong
    /// keys are told to wait (the right key always works).
    #[arg(long, default_value_t = DEFAULT_KEY_GUESSES)]
    pub key_guesses: u32,
    /// The window for --key-guesses, in seconds.
    #[arg(long, default_value_t = DEFAULT_KEY_GUESS_WINDOW.as_secs())]
    pub key_guess_window_secs: u64,
    /// Presenter moves (loads and views) a room keeps in its lecture; later
    /// ones are dropped and the lecture is marked truncated.
    #[arg(long, default_value_t = DEFAULT_MAX_LECTURE_MOVES)]
    pub max_lecture_moves: usize,
    /// Bytes of moves a room keeps in its lecture, as its JSON spells them.
    #[arg(long, default_value_t = DEFAULT_MAX_LECTURE_BYTES)]
    pub max_lecture_bytes: usize,
    /// Polls one room may open in its life.
    #[arg(long, default_value_t = DEFAULT_MAX_POLLS_PER_ROOM)]
    pub max_polls_per_room: usize,
    /// Poll answers one follower connection may send a second (this many in a row).
    #[arg(long, default_value_t = DEFAULT_POLL_ANSWERS_PER_SECOND)]
    pub poll_answers_per_second: u32,
    /// Answers one poll takes from one client address, over all its
    /// connections [default: --followers-per-address]
    #[arg(long)]
    pub poll_answers_per_address: Option<usize>,
}

impl RoomFlags {
    /// The limits these flags ask for.
    pub fn limits(&self) -> RoomLimits {
        RoomLimits {
            max_rooms: self.max_rooms,
            rooms_per_address: self.rooms_per_address,
            max_followers: self.max_followers,
            followers_per_address: self.followers_per_address,
            follower_queue: self.follower_queue,
            follower_bytes: self.follower_bytes,
            follower_write_timeout: Duration::from_secs(self.follower_write_timeout_secs),
            history_bytes: self.room_history_bytes,
            idle_timeout: Duration::from_secs(self.room_idle_timeout_secs),
            empty_timeout: Duration::from_secs(self.room_empty_timeout_secs),
            max_lifetime: Duration::from_secs(self.room_lifetime_secs),
            code_guesses: self.code_guesses,
            code_guess_window: Duration::from_secs(self.code_guess_window_secs),
            key_guesses: self.key_guesses,
            key_guess_window: Duration::from_secs(self.key_guess_window_secs),
            max_lecture_moves: self.max_lecture_moves,
            max_lecture_bytes: self.max_lecture_bytes,
            max_polls_per_room: self.max_polls_per_room,
            poll_answers_per_second: self.poll_answers_per_second,
            poll_answers_per_address: self
                .poll_answers_per_address
                .unwrap_or(self.followers_per_address),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Args {
        #[command(flatten)]
        rooms: RoomFlags,
    }

    #[test]
    fn the_flags_default_to_the_defaults() {
        let args = Args::try_parse_from(["reactor-lab"]).expect("no flags");
        assert_eq!(args.rooms.limits(), RoomLimits::default());
    }

    #[test]
    fn every_flag_reaches_its_limit() {
        let args = Args::try_parse_from([
            "reactor-lab",
            "--followers-per-address=7",
            "--follower-bytes=4096",
            "--room-empty-timeout-secs=5",
            "--room-lifetime-secs=9",
            "--code-guesses=3",
            "--key-guess-window-secs=2",
            "--max-lecture-moves=40",
            "--max-lecture-bytes=9000",
            "--max-polls-per-room=3",
            "--poll-answers-per-second=5",
        ])
        .expect("valid flags");
        let limits = args.rooms.limits();
        assert_eq!(limits.followers_per_address, 7);
        assert_eq!(limits.follower_bytes, 4096);
        assert_eq!(limits.empty_timeout, Duration::from_secs(5));
        assert_eq!(limits.max_lifetime, Duration::from_secs(9));
        assert_eq!(limits.code_guesses, 3);
        assert_eq!(limits.key_guess_window, Duration::from_secs(2));
        assert_eq!(limits.max_lecture_moves, 40);
        assert_eq!(limits.max_lecture_bytes, 9000);
        assert_eq!(limits.max_polls_per_room, 3);
        assert_eq!(limits.poll_answers_per_second, 5);
        assert_eq!(
            limits.poll_answers_per_address, 7,
            "follows --followers-per-address unless set"
        );
        let set = Args::try_parse_from(["reactor-lab", "--poll-answers-per-address=9"])
            .expect("valid flags");
        assert_eq!(set.rooms.limits().poll_answers_per_address, 9);
    }
}
