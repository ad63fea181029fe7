//! A follower's socket: catch up, then relay the room's frames as they come.
//!
//! ```text
//!  join ─▶ write catch-up (status, history, view) ─▶ loop ┬─ queue ─▶ write a batch, flush once
//!                                                         ├─ resync ─▶ empty queue, write catch-up again
//!                                                         ├─ socket ─▶ any command: an `error` frame, only to it
//!                                                         ├─ socket ─▶ a message over the size limit: close 1009
//!                                                         └─ ended / shutdown ─▶ final frame, close
//! ```
//!
//! The task alone writes to its socket, so a follower that reads slowly only
//! ever slows itself: the room `try_send`s into its bounded queue and moves on.
//! A socket that accepts nothing for `follower_write_timeout` is dropped.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket, close_code};
use futures_util::SinkExt;
use reactor_protocol::ServerFrame;
use tokio::sync::watch;

use super::room::{Ended, Membership};
use super::{CLOSE_ENDED, FRAMES_PER_FLUSH};
use crate::session;

/// Longest `cmd` name echoed back in a refusal.
const ECHO_CHARS: usize = 32;

/// Why a follower's loop stopped.
enum Ending {
    /// The client closed, vanished or broke the protocol.
    Left,
    /// Its socket accepted nothing for the write timeout.
    Stalled,
    /// It sent a message over the size limit.
    Oversize,
    /// The room ended.
    Ended(Ended),
    /// The server is shutting down.
    Shutdown,
}

/// The socket cannot take more.
struct Stuck;

/// Serve one follower until it leaves, stalls or the room ends.
pub(crate) async fn follow(
    mut socket: WebSocket,
    mut member: Membership,
    catch_up: Vec<Utf8Bytes>,
    mut shutdown: watch::Receiver<bool>,
    write_timeout: Duration,
    too_big: String,
) {
    let code = member.room.code();
    let ending = relay(
        &mut socket,
        &mut member,
        catch_up,
        &mut shutdown,
        write_timeout,
    )
    .await;
    drop(member);
    match ending {
        Ending::Left | Ending::Stalled => {}
        Ending::Oversize => {
            tracing::info!(room = %code, "a follower sent a message over the size limit");
            session::close(socket, close_code::SIZE, too_big).await;
        }
        Ending::Ended(ended) => {
            let sent = write(&mut socket, [ended.frame], write_timeout).await;
            if sent.is_ok() {
                let reason = format!("room {code} has ended: {}", ended.reason);
                session::close(socket, CLOSE_ENDED, reason).await;
            }
        }
        Ending::Shutdown => {
            session::close(
                socket,
                close_code::AWAY,
                "the server is shutting down".to_owned(),
            )
            .await;
        }
    }
}

async fn relay(
    socket: &mut WebSocket,
    member: &mut Membership,
    catch_up: Vec<Utf8Bytes>,
    shutdown: &mut watch::Receiver<bool>,
    write_timeout: Duration,
) -> Ending {
    let room = Arc::clone(&member.room);
    let mut ended = room.ended();
    if write(socket, catch_up, write_timeout).await.is_err() {
        return Ending::Stalled;
    }
    loop {
        tokio::select! {
            biased;
            () = stopping(shutdown) => return Ending::Shutdown,
            over = ending(&mut ended) => match over {
                Some(over) => return Ending::Ended(over),
                None => return Ending::Left,
            },
            () = member.resync.notified() => {
                while member.frames.try_recv().is_ok() {}
                let replay = room.resync(member);
                tracing::debug!(room = %room.code(), frames = replay.len(), "follower resyncs");
                if write(socket, replay, write_timeout).await.is_err() {
                    return Ending::Stalled;
                }
            }
            frame = member.frames.recv() => {
                let Some(first) = frame else { return Ending::Left };
                let more = std::iter::from_fn(|| member.frames.try_recv().ok());
                let batch = std::iter::once(first).chain(more.take(FRAMES_PER_FLUSH - 1));
                if write(socket, batch, write_timeout).await.is_err() {
                    return Ending::Stalled;
                }
            }
            message = socket.recv() => {
                let answer = match message {
                    None | Some(Ok(Message::Close(_))) => return Ending::Left,
                    Some(Err(error)) if session::over_size_limit(&error) => return Ending::Oversize,
                    Some(Err(_)) => return Ending::Left,
                    Some(Ok(Message::Text(text))) => refusal(room.code().as_str(), text.as_str()),
                    Some(Ok(Message::Binary(_))) => refusal(room.code().as_str(), ""),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                };
                if write(socket, [answer], write_timeout).await.is_err() {
                    return Ending::Stalled;
                }
            }
        }
    }
}

/// Resolves when the server starts shutting down.
async fn stopping(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Resolves when the room ends (`None` if the room vanished without ending).
pub(crate) async fn ending(ended: &mut watch::Receiver<Option<Ended>>) -> Option<Ended> {
    ended
        .wait_for(Option::is_some)
        .await
        .ok()
        .and_then(|over| over.clone())
}

/// Write `frames` and flush once; each write may wait at most `limit`.
async fn write(
    socket: &mut WebSocket,
    frames: impl IntoIterator<Item = Utf8Bytes>,
    limit: Duration,
) -> Result<(), Stuck> {
    for frame in frames {
        match tokio::time::timeout(limit, socket.feed(Message::Text(frame))).await {
            Ok(Ok(())) => {}
            _ => return Err(Stuck),
        }
    }
    match tokio::time::timeout(limit, socket.flush()).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(Stuck),
    }
}

/// The `error` frame a follower gets for anything it sends.
pub(crate) fn refusal(code: &str, text: &str) -> Utf8Bytes {
    let cmd = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| {
            value
                .get("cmd")?
                .as_str()
                .map(|cmd| cmd.chars().take(ECHO_CHARS).collect::<String>())
        });
    let what = match cmd {
        Some(cmd) => format!("\"{cmd}\" refused"),
        None => "nothing to send".to_owned(),
    };
    let message = format!(
        "{what}: you are following room {code}, and only its presenter drives it. \
         Choose \"Explore on my own\" for a private session from this step."
    );
    session::encode(&ServerFrame::Error { message })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(frame: &Utf8Bytes) -> String {
        match serde_json::from_str(frame.as_str()) {
            Ok(ServerFrame::Error { message }) => message,
            other => panic!("not an error frame: {other:?}"),
        }
    }

    #[test]
    fn refusals_name_the_command_and_the_way_out() {
        let step = message(&refusal("K7QX2MPD", r#"{"cmd":"step"}"#));
        assert!(step.starts_with("\"step\" refused"), "{step}");
        assert!(
            step.contains("room K7QX2MPD") && step.contains("Explore on my own"),
            "{step}"
        );
        assert!(message(&refusal("K7QX2MPD", "not json")).starts_with("nothing to send"));
        let long = format!(r#"{{"cmd":"{}"}}"#, "x".repeat(1000));
        assert!(
            message(&refusal("K7QX2MPD", &long)).len() < 300,
            "long names are cut"
        );
        let quote = message(&refusal("K7QX2MPD", r#"{"cmd":"a\"b"}"#));
        assert!(quote.contains("a\"b"), "{quote}");
    }
}
