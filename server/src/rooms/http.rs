//! The two routes: create a room, and join one (as presenter or follower).
//!
//! ```text
//!  POST /api/rooms          → 201 {code, presenter_key, join} | 503 full | 429 rate-limited
//!  GET  /rooms/{code}/ws    → upgrade, then:
//!        rate-limited?        close 4429
//!        code malformed/unknown  close 4404  (a strike)
//!        room ended           close 4410
//!        ?key=… right         presenter session (as /ws)
//!        ?key=… wrong         close 4403  (a strike)
//!        no key               follower (or 1013 when the room is full)
//! ```
//!
//! Every refusal happens after the upgrade, as a close frame with a reason,
//! because a browser's WebSocket cannot read an HTTP error body.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::ws::{WebSocketUpgrade, close_code};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use reactor_protocol::frame::RoomCreated;
use serde::Deserialize;

use super::code::RoomCode;
use super::presenter::PresenterRelay;
use super::registry::{CreateError, Lookup};
use super::room::Refusal;
use super::{
    CLOSE_ENDED, CLOSE_RATE_LIMITED, CLOSE_UNKNOWN_ROOM, CLOSE_WRONG_KEY, Rooms, follower,
};
use crate::{api, session};

/// The query of `GET /rooms/{code}/ws`.
#[derive(Debug, Deserialize)]
pub(crate) struct JoinQuery {
    /// The presenter key; absent for followers.
    key: Option<String>,
}

/// `POST /api/rooms`.
pub(crate) async fn create(
    State(rooms): State<Rooms>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if let Some(wait) = rooms.failed.blocked(peer.ip()) {
        return api::error(StatusCode::TOO_MANY_REQUESTS, rate_limited(wait));
    }
    match rooms.registry.create(Instant::now(), peer.ip()) {
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
    let ip = peer.ip();
    if let Some(wait) = rooms.failed.blocked(ip) {
        return refuse(upgrade, CLOSE_RATE_LIMITED, rate_limited(wait));
    }
    let code = match RoomCode::parse(&code) {
        Ok(code) => code,
        Err(problem) => {
            rooms.failed.strike(ip);
            return refuse(
                upgrade,
                CLOSE_UNKNOWN_ROOM,
                format!("no such room: {problem}"),
            );
        }
    };
    let room = match rooms.registry.find(code) {
        Lookup::Live(room) => room,
        Lookup::Ended(reason) => {
            return refuse(
                upgrade,
                CLOSE_ENDED,
                format!("room {code} has ended: {reason}"),
            );
        }
        Lookup::Unknown => {
            rooms.failed.strike(ip);
            let reason = format!("no room {code} is open: check the code with your presenter");
            return refuse(upgrade, CLOSE_UNKNOWN_ROOM, reason);
        }
    };
    match query.key {
        Some(key) if room.is_presenter_key(&key) => {
            let registry = Arc::clone(&rooms.registry);
            session::accept(rooms.sessions.clone(), upgrade, move || {
                PresenterRelay::new(room.seat_presenter(Instant::now()), registry)
            })
        }
        Some(_) => {
            rooms.failed.strike(ip);
            let reason =
                format!("wrong presenter key for room {code}: join without a key to follow");
            refuse(upgrade, CLOSE_WRONG_KEY, reason)
        }
        None => match room.join() {
            Ok((member, catch_up)) => {
                let shutdown = rooms.shutdown.clone();
                let timeout = rooms.registry.limits().follower_write_timeout;
                let too_big = session::too_big(rooms.sessions.limits());
                upgrade.on_upgrade(move |socket| {
                    follower::follow(socket, member, catch_up, shutdown, timeout, too_big)
                })
            }
            Err(Refusal::Ended(reason)) => refuse(
                upgrade,
                CLOSE_ENDED,
                format!("room {code} has ended: {reason}"),
            ),
            Err(Refusal::Full(max)) => {
                let reason = format!("room {code} is full: {max} followers are connected");
                refuse(upgrade, close_code::AGAIN, reason)
            }
            Err(Refusal::HistoryFull(bytes)) => {
                let reason = format!(
                    "room {code} has more than {bytes} bytes of history; joining works again \
                     once the presenter loads a scenario"
                );
                refuse(upgrade, close_code::AGAIN, reason)
            }
        },
    }
}

/// The refusal an address with no failed join left reads; `wait` is how long
/// until it earns one back (rounded up to whole seconds).
fn rate_limited(wait: Duration) -> String {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    format!("too many failed joins from your address: try again in {seconds} s")
}

/// Upgrade only to close at once with `code` and `reason`.
fn refuse(upgrade: WebSocketUpgrade, code: u16, reason: String) -> Response {
    tracing::info!(code, "refusing a room socket: {reason}");
    upgrade.on_upgrade(move |socket| session::close(socket, code, reason))
}
