//! Classroom rooms: one presenter drives, a whole class follows.
//!
//! ```text
//!  presenter ══ /rooms/K7QX2MPD/ws?key=… ══▶ session + engine thread (as /ws)
//!                                               │ every frame, encoded once
//!                                               ▼
//!                                   Room { history, last view, followers }
//!                                     │ live: try_send a shared clone (bounded queues)
//!                                     │ late joiners: pull the history by index
//!                 ┌───────────────────┼───────────────────┐
//!                 ▼                   ▼                   ▼
//!  student ◀══ follower task   student ◀══ follower   …  (up to max_followers)
//! ```
//!
//! What each part costs is bounded per room, not per follower: a frame is
//! encoded once and shared; the history is compacted and capped
//! ([`history`]); a joiner reads it in place instead of getting a copy; and
//! each follower may have at most `follower_bytes` handed to it and not yet
//! read ([`follower`]). Who may take how much of the server — rooms and
//! followers per address, idle, empty and old rooms, guessed codes and keys
//! — is in [`RoomLimits`], and why guesses are limited the way they are, in
//! `http`.
//!
//! The presenter's client moves back and forth through its history without
//! asking the server, so it reports each move with `{"cmd":"view","step":N}`;
//! the room forwards that as `{"type":"view",...}`. Followers get the same
//! `loaded`/`record`/`snapshot`/`done` frames the presenter gets, plus `room`
//! frames (count, end) from the janitor. The contract is in `docs/protocol.md`
//! ("Classroom rooms"). With `--nats`, rooms are shared with other servers:
//! [`sharing`] and [`bus`], and `docs/scaling.md`.
//!
//! Each room also keeps its presenter's moves — every `load` the engine
//! carried out and every `view` — timed from the room's creation: its
//! lecture ([`lecture`]), capped by `max_lecture_moves` and
//! `max_lecture_bytes`. `GET /api/rooms/{code}/lecture?key=KEY` hands it to
//! the presenter as a file to replay on `/replay`, refusing wrong keys and
//! unknown codes as the socket does (`http`); the lectures of the rooms
//! that ended last stay for a while ([`registry`]).
//!
//! The presenter may ask the class a question (`{"cmd":"poll",…}`):
//! followers get a `poll` frame and answer once each; the presenter gets a
//! `tally` every [`TALLY_INTERVAL_MS`] while answers come, and everyone a
//! `revealed` when it closes (`room::poll`, and `answers` for a follower's
//! side).
//!
//! Refusals are close frames with a reason a browser can show:
//!
//! | close code | meaning |
//! |---|---|
//! | 4404 | no room has this code ([`CLOSE_UNKNOWN_ROOM`]) |
//! | 4403 | wrong presenter key ([`CLOSE_WRONG_KEY`]) |
//! | 4410 | the room has ended ([`CLOSE_ENDED`]) |
//! | 4409 | another window took over as presenter ([`CLOSE_REPLACED`]) |
//! | 4429 | too many unknown codes from this address, or wrong keys for this room ([`CLOSE_RATE_LIMITED`]) |
//! | 1013 | room full (or this address's share of it), records past the history's cap, or server full |

mod answers;
mod bus;
mod code;
mod follower;
mod history;
mod http;
mod lecture;
mod limits;
mod outbox;
mod pings;
mod presenter;
mod rate;
mod registry;
mod room;
mod sharing;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::{get, post};
use reactor_protocol::frame;
use reactor_protocol::frame::TALLY_INTERVAL_MS;
use tokio::sync::watch;

use crate::session::Sessions;
pub(crate) use bus::Bus;
pub use bus::{DEFAULT_NATS_MAX_BYTES, DEFAULT_NATS_OUTAGE, NatsConfig};
use code::RoomCode;
pub use limits::{
    DEFAULT_CODE_GUESS_WINDOW, DEFAULT_CODE_GUESSES, DEFAULT_FOLLOWER_BYTES,
    DEFAULT_FOLLOWER_QUEUE, DEFAULT_FOLLOWER_WRITE_TIMEOUT, DEFAULT_FOLLOWERS_PER_ADDRESS,
    DEFAULT_HISTORY_BYTES, DEFAULT_KEY_GUESS_WINDOW, DEFAULT_KEY_GUESSES, DEFAULT_MAX_FOLLOWERS,
    DEFAULT_MAX_LECTURE_BYTES, DEFAULT_MAX_LECTURE_MOVES, DEFAULT_MAX_POLLS_PER_ROOM,
    DEFAULT_MAX_ROOMS, DEFAULT_POLL_ANSWERS_PER_ADDRESS, DEFAULT_POLL_ANSWERS_PER_SECOND,
    DEFAULT_ROOM_EMPTY_TIMEOUT, DEFAULT_ROOM_IDLE_TIMEOUT, DEFAULT_ROOM_LIFETIME,
    DEFAULT_ROOMS_PER_ADDRESS, RoomFlags, RoomLimits,
};
use rate::Strikes;
use registry::Registry;

/// Close code: no room has this code (4000 + HTTP 404).
pub const CLOSE_UNKNOWN_ROOM: u16 = frame::CLOSE_ROOM_UNKNOWN;
/// Close code: the presenter key is wrong (4000 + HTTP 403).
pub const CLOSE_WRONG_KEY: u16 = frame::CLOSE_ROOM_WRONG_KEY;
/// Close code: the room has ended (4000 + HTTP 410 "gone").
pub const CLOSE_ENDED: u16 = frame::CLOSE_ROOM_ENDED;
/// Close code: another socket became the presenter (4000 + HTTP 409 "conflict").
pub const CLOSE_REPLACED: u16 = frame::CLOSE_ROOM_REPLACED;
/// Close code: too many unknown codes from this address, or wrong keys for
/// this room (4000 + HTTP 429).
pub const CLOSE_RATE_LIMITED: u16 = frame::CLOSE_ROOM_RATE_LIMITED;

/// Most frames a follower task writes between two flushes, as sessions do.
const FRAMES_PER_FLUSH: usize = 64;
/// How often the janitor publishes changed follower counts and ends idle
/// rooms: four times a second feels live and costs each follower at most four
/// small frames a second while a class streams in.
const JANITOR_TICK: Duration = Duration::from_millis(250);

/// Everything the room routes share.
#[derive(Clone)]
pub(crate) struct Rooms {
    registry: Arc<Registry>,
    /// Joins to unknown codes, per address.
    code_guesses: Arc<Strikes<IpAddr>>,
    /// Wrong presenter keys, per room.
    key_guesses: Arc<Strikes<RoomCode>>,
    sessions: Sessions,
    shutdown: watch::Receiver<bool>,
    /// NATS, when rooms are shared across servers (`--nats`).
    bus: Option<Arc<Bus>>,
}

impl Rooms {
    /// Rooms bounded by `limits`; presenters are seated by `sessions` (on
    /// seats of their own first); everything closes when `shutdown` turns
    /// true. With a `bus`, rooms are shared with the other servers on it.
    pub(crate) fn new(
        limits: RoomLimits,
        sessions: Sessions,
        shutdown: watch::Receiver<bool>,
        bus: Option<Arc<Bus>>,
    ) -> Rooms {
        let code_guesses = Strikes::new(limits.code_guesses, limits.code_guess_window);
        let key_guesses = Strikes::new(limits.key_guesses, limits.key_guess_window);
        Rooms {
            registry: Arc::new(Registry::new(limits)),
            code_guesses: Arc::new(code_guesses),
            key_guesses: Arc::new(key_guesses),
            sessions,
            shutdown,
            bus,
        }
    }

    /// `POST /api/rooms`, `GET /rooms/{code}/ws` and
    /// `GET /api/rooms/{code}/lecture`.
    pub(crate) fn router(&self) -> Router {
        Router::new()
            .route("/api/rooms", post(http::create))
            .route("/rooms/{code}/ws", get(http::join))
            .route("/api/rooms/{code}/lecture", get(http::lecture))
            .with_state(self.clone())
    }

    /// Rooms open now.
    pub(crate) fn live(&self) -> usize {
        self.registry.live()
    }

    /// Start the janitor (needs a Tokio runtime); it stops at shutdown. It
    /// also hands each presenter its poll's tally, every
    /// [`TALLY_INTERVAL_MS`] while answers come (one tick after the last).
    pub(crate) fn spawn_janitor(&self) {
        self.spawn_listener();
        let registry = Arc::clone(&self.registry);
        let bus = self.bus.clone();
        let mut shutdown = self.shutdown.clone();
        let limits = registry.limits();
        let tick = [
            limits.idle_timeout,
            limits.empty_timeout,
            limits.max_lifetime,
        ]
        .into_iter()
        .fold(JANITOR_TICK, |tick, timeout| tick.min(timeout / 4))
        .max(Duration::from_millis(10));
        tokio::spawn(async move {
            let mut upkeep = sharing::Upkeep::default();
            let mut interval = tokio::time::interval(tick);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut tallies = tokio::time::interval(Duration::from_millis(TALLY_INTERVAL_MS));
            tallies.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                let round = tokio::select! {
                    _ = shutdown.wait_for(|stop| *stop) => return,
                    _ = interval.tick() => true,
                    _ = tallies.tick() => false,
                };
                if !round {
                    registry.flush_tallies();
                    continue;
                }
                registry.tick(Instant::now());
                if let Some(bus) = &bus {
                    upkeep.round(bus, &registry, Instant::now()).await;
                }
            }
        });
    }
}
