//! The routes: create a room, join one (as presenter or follower), and
//! save its lecture (the presenter only).
//!
//! ```text
//!  POST /api/rooms          → 201 {code, presenter_key, join} | 503 all rooms in use
//!                                | 429 this address has rooms_per_address open
//!  GET  /rooms/{code}/ws    → upgrade, then:
//!        code names a live room ─┬─ ?key= right         presenter session (as /ws)
//!                                ├─ ?key= wrong         4403, or 4429 once the room's
//!                                │                      wrong-key budget is spent
//!                                └─ no key              follower, or 1013 when the room
//!                                                       (or this address's share) is full
//!        code names an ended room                       4410 and why
//!        code malformed or unknown                      4404, or 4429 once this
//!                                                       address's code-guess budget is spent
//!  GET  /api/rooms/{code}/lecture?key=KEY
//!        live, or ended with its lecture kept ─┬─ key right   200 the lecture file
//!                                              ├─ key wrong   403, or 429 as on the socket
//!                                              └─ no key      403
//!        ended, its lecture no longer kept                    410 and why it ended
//!        code malformed or unknown                            404, or 429 as on the socket
//! ```
//!
//! Every refusal on the socket happens after the upgrade, as a close frame
//! with a reason, because a browser's WebSocket cannot read an HTTP error
//! body. The lecture's refusals are the same ones ([`Denial`]) as HTTP
//! statuses (the close code less 4000), with JSON bodies as all of `/api`
//! has, and count against the same guess budgets.
//!
//! **Why guesses are limited only after they fail.** A school's class sits
//! behind one NAT address, and so does the student with a script. Anything
//! that refuses a *whole address* — the old lockout after 60 failed joins —
//! refuses the class and its presenter with it. So the code is looked up and
//! the key checked first, and only a join that already failed meets a
//! limiter:
//!
//! - *Wrong keys* are counted per room. The right key is always let in (it
//!   is compared in constant time, whatever the limiter says); past the
//!   budget a wrong key gets 4429 with a wait instead of 4403. Keys are 128
//!   random bits, so the limiter is not what keeps them secret: it tells a
//!   misbehaving client to back off, and per room, never per address.
//! - *Unknown codes* are counted per address. Past the budget such a join
//!   gets 4429 with a wait instead of 4404; a code that names a room (live
//!   or recently ended) is always answered as such. This cannot slow a
//!   determined guesser: to admit the class it must admit any live code, so
//!   an admission tells the guesser it hit. What makes guessing futile is
//!   the code space: 2^40 codes against at most `max_rooms` (64) live
//!   rooms, each living at most `max_lifetime` (4 h). Even a flood of 1,000
//!   joins a second — far more than one client gets through — finds a given
//!   room during its whole life with odds of about 1 in 76,000, and then
//!   only follows it, one of `followers_per_address`.
//! - *Room creation* has its own bound, `rooms_per_address` open rooms, and
//!   failed joins never count against it.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::ws::{WebSocketUpgrade, close_code};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use reactor_protocol::frame::RoomCreated;
use serde::Deserialize;

use super::code::RoomCode;
use super::follower::Settings;
use super::lecture::KeptLecture;
use super::presenter::PresenterRelay;
use super::registry::{CreateError, Lookup};
use super::room::{Refusal, Room};
use super::{
    CLOSE_ENDED, CLOSE_RATE_LIMITED, CLOSE_UNKNOWN_ROOM, CLOSE_WRONG_KEY, Rooms, follower,
};
use crate::peer::address_key;
use crate::{api, session};

/// The query of `GET /rooms/{code}/ws`.
#[derive(Debug, Deserialize)]
pub(crate) struct JoinQuery {
    /// The presenter key; absent for followers.
    key: Option<String>,
    /// `true` for a student exploring on a private session who keeps an
    /// ear on the room: counts and "bring everyone back", not the run.
    #[serde(default)]
    watch: bool,
}

/// `POST /api/rooms`.
pub(crate) async fn create(
    State(rooms): State<Rooms>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    match rooms.create(Instant::now(), address_key(peer.ip())).await {
        Ok((room, key)) => {
            let code = room.code().to_string();
            tracing::info!(room = %code, "room created");
            let body = RoomCreated {
                join: format!("/join/{code}"),
                code,
                presenter_key: key.to_hex(),
            };
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Err(CreateError::Full(max)) => api::error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("all {max} rooms are in use: end one, or try again later"),
        ),
        Err(CreateError::TooManyFromAddress(max)) => api::error(
            StatusCode::TOO_MANY_REQUESTS,
            format!("{max} rooms created from your address are open: end one first"),
        ),
        Err(CreateError::Shared(problem)) => {
            tracing::error!("cannot share a new room: {problem}");
            api::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "rooms are shared between servers, and their message bus is not answering: \
                 try again in a moment",
            )
        }
        Err(CreateError::NoRandomness(error)) => {
            tracing::error!("cannot make a room code: {error}");
            api::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server cannot make a room code right now",
            )
        }
    }
}

/// `GET /rooms/{code}/ws`.
pub(crate) async fn join(
    State(rooms): State<Rooms>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    Query(query): Query<JoinQuery>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let upgrade = rooms.sessions.configure(upgrade);
    let address = address_key(peer.ip());
    let code = match RoomCode::parse(&code) {
        Ok(code) => code,
        Err(problem) => {
            let denial = unknown(&rooms, address, format!("no such room: {problem}")).await;
            return denial.refuse(upgrade);
        }
    };
    let found = match rooms.find(code).await {
        Ok(found) => found,
        Err(problem) => return unshared(upgrade, &problem),
    };
    let room = match found {
        Lookup::Live(room) => room,
        Lookup::Ended(reason) => {
            let reason = format!("room {code} has ended: {reason}");
            return refuse(upgrade, CLOSE_ENDED, reason);
        }
        Lookup::Unknown => {
            return unknown(&rooms, address, no_room(code))
                .await
                .refuse(upgrade);
        }
    };
    match query.key {
        Some(key) if room.is_presenter_key(&key) => {
            if let Err(problem) = rooms.take_over(&room).await {
                return unshared(upgrade, &problem);
            }
            let registry = Arc::clone(&rooms.registry);
            session::accept(rooms.sessions.clone(), upgrade, move || {
                PresenterRelay::new(room.seat_presenter(), registry)
            })
        }
        Some(_) => wrong_key(&rooms, code, "join without a key to follow")
            .await
            .refuse(upgrade),
        None => match room.join(address, query.watch) {
            Ok((member, hello)) => {
                let shutdown = rooms.shutdown.clone();
                let limits = rooms.registry.limits();
                let settings = Settings {
                    write_timeout: limits.follower_write_timeout,
                    max_unread: limits.follower_bytes,
                    too_big: session::too_big(rooms.sessions.limits()),
                    answers_per_second: limits.poll_answers_per_second,
                };
                upgrade.on_upgrade(move |socket| {
                    follower::follow(socket, member, hello, shutdown, settings)
                })
            }
            Err(refusal) => {
                let (close, reason) = refusal_close(code, &refusal);
                refuse(upgrade, close, reason)
            }
        },
    }
}

/// The query of `GET /api/rooms/{code}/lecture`.
#[derive(Debug, Deserialize)]
pub(crate) struct LectureQuery {
    /// The presenter key.
    key: Option<String>,
}

/// `GET /api/rooms/{code}/lecture?key=KEY`: the room's lecture as a file to
/// save, for its presenter only.
pub(crate) async fn lecture(
    State(rooms): State<Rooms>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    Query(query): Query<LectureQuery>,
) -> Response {
    let address = address_key(peer.ip());
    let code = match RoomCode::parse(&code) {
        Ok(code) => code,
        Err(problem) => {
            return unknown(&rooms, address, format!("no such room: {problem}"))
                .await
                .answer();
        }
    };
    let holder = match rooms.registry.find(code) {
        Lookup::Live(room) => Holder::Live(room),
        Lookup::Ended(reason) => match rooms.registry.kept_lecture(code) {
            Some(kept) => Holder::Kept(kept),
            None => {
                let reason =
                    format!("room {code} has ended ({reason}) and its lecture is no longer kept");
                return api::error(StatusCode::GONE, reason);
            }
        },
        Lookup::Unknown => return unknown(&rooms, address, no_room(code)).await.answer(),
    };
    match &query.key {
        Some(key) if holder.opens(key) => attachment(code, holder.json()),
        Some(_) => wrong_key(&rooms, code, "only the presenter may save the lecture")
            .await
            .answer(),
        None => api::error(
            StatusCode::FORBIDDEN,
            format!("the lecture of room {code} is for its presenter: add ?key=PRESENTER_KEY"),
        ),
    }
}

/// Where a room's lecture is.
enum Holder {
    /// In the live room.
    Live(Arc<Room>),
    /// Kept after the room ended.
    Kept(Arc<KeptLecture>),
}

impl Holder {
    /// Whether `key` is the room's presenter key (constant time).
    fn opens(&self, key: &str) -> bool {
        match self {
            Holder::Live(room) => room.is_presenter_key(key),
            Holder::Kept(kept) => kept.is_presenter_key(key),
        }
    }

    /// The lecture file.
    fn json(&self) -> Bytes {
        match self {
            Holder::Live(room) => room.lecture(),
            Holder::Kept(kept) => kept.json(),
        }
    }
}

/// A lecture file, to be saved rather than shown.
fn attachment(code: RoomCode, body: Bytes) -> Response {
    let disposition = format!("attachment; filename=\"lecture-{code}.reactor-lab-lecture.json\"");
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // The code is 8 letters and digits: always a valid header value.
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A code or presenter key refused: the same refusal as a close frame on a
/// socket or as a status with a JSON body on a plain request.
#[derive(Debug)]
enum Denial {
    /// No room has the code: 4404 or 404.
    Unknown(String),
    /// The presenter key is wrong: 4403 or 403.
    WrongKey(String),
    /// Too many failed guesses; the next is earned after the wait: 4429,
    /// or 429 with `Retry-After`.
    TooMany(String, Duration),
}

impl Denial {
    /// Close `upgrade` at once with this refusal's code and reason.
    fn refuse(self, upgrade: WebSocketUpgrade) -> Response {
        let (code, reason) = match self {
            Denial::Unknown(reason) => (CLOSE_UNKNOWN_ROOM, reason),
            Denial::WrongKey(reason) => (CLOSE_WRONG_KEY, reason),
            Denial::TooMany(reason, _) => (CLOSE_RATE_LIMITED, reason),
        };
        refuse(upgrade, code, reason)
    }

    /// This refusal as an HTTP answer.
    fn answer(self) -> Response {
        match self {
            Denial::Unknown(reason) => api::error(StatusCode::NOT_FOUND, reason),
            Denial::WrongKey(reason) => api::error(StatusCode::FORBIDDEN, reason),
            Denial::TooMany(reason, wait) => {
                let mut response = api::error(StatusCode::TOO_MANY_REQUESTS, reason);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds(wait)));
                response
            }
        }
    }
}

/// What an unknown code is told.
fn no_room(code: RoomCode) -> String {
    format!("no room {code} is open: check the code with your presenter")
}

/// A wrong presenter key for room `code` (`instead`: what to do instead), or
/// too many of them: a strike against the room's budget.
async fn wrong_key(rooms: &Rooms, code: RoomCode, instead: &str) -> Denial {
    match rooms.strike_key(code).await {
        Ok(()) => Denial::WrongKey(format!("wrong presenter key for room {code}: {instead}")),
        Err(wait) => Denial::TooMany(
            format!(
                "too many wrong presenter keys for room {code}: try again in {} s",
                seconds(wait)
            ),
            wait,
        ),
    }
}

/// A code that names no room, or too many such codes from `address`: a
/// strike against the address's budget.
async fn unknown(rooms: &Rooms, address: IpAddr, reason: String) -> Denial {
    match rooms.strike_code(address).await {
        Ok(()) => Denial::Unknown(reason),
        Err(wait) => Denial::TooMany(
            format!(
                "too many unknown room codes from your address: try again in {} s \
                 (a room that exists can be joined at any time)",
                seconds(wait)
            ),
            wait,
        ),
    }
}

/// The close code and reason for a follower's join or catch-up refused.
pub(crate) fn refusal_close(code: RoomCode, refusal: &Refusal) -> (u16, String) {
    match refusal {
        Refusal::Ended(reason) => (CLOSE_ENDED, format!("room {code} has ended: {reason}")),
        Refusal::Full(max) => (
            close_code::AGAIN,
            format!("room {code} is full: {max} followers are connected"),
        ),
        Refusal::AddressFull(max) => (
            close_code::AGAIN,
            format!("room {code} already has {max} followers from your address"),
        ),
        Refusal::HistoryFull(bytes) => (
            close_code::AGAIN,
            format!(
                "room {code} has more than {bytes} bytes of records; joining works again \
                 once the presenter loads a scenario"
            ),
        ),
    }
}

/// Whole seconds of `wait`, rounded up.
fn seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// Upgrade only to close at once with `code` and `reason`.
/// Refuse a join because the rooms' message bus (NATS) did not answer:
/// 1013, "try again later", as for a full room.
fn unshared(upgrade: WebSocketUpgrade, problem: &str) -> Response {
    tracing::warn!("a room join met the message bus failing: {problem}");
    let reason = "rooms are shared between servers, and their message bus is not answering: \
                  try again in a moment";
    refuse(upgrade, close_code::AGAIN, reason.to_owned())
}

fn refuse(upgrade: WebSocketUpgrade, code: u16, reason: String) -> Response {
    tracing::info!(code, "refusing a room socket: {reason}");
    upgrade.on_upgrade(move |socket| session::close(socket, code, reason))
}
