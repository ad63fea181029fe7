//! A follower's socket: catch up, then relay the room's frames as they come,
//! never sending more than the follower has shown it reads.
//!
//! ```text
//!  join ─▶ hello ─▶ catch-up: room.pull, 64 frames at a time ─▶ live: queue, one flush per batch
//!            │ every write, and every wait, raced against:
//!            │   the server's shutdown, the room's end   ─▶ final frame, close
//!            │   the write timeout, an unanswered ping   ─▶ dropped
//!            └ the socket, read while waiting: pongs free budget; a poll's `answer` is
//!              counted (`answered`) or refused, other commands get an `error` (see `answers`)
//! ```
//!
//! One task owns the socket. It writes while it has something to write and
//! the follower's budget allows; otherwise it waits on the room, the socket
//! (pongs, commands, the close) and the deadline together. The shutdown
//! signal and the room's end are polled alongside every write and every
//! wait, so a write stuck on a full socket never keeps the task from either.
//!
//! **How much is in flight.** Every byte the room hands this follower counts
//! as *unread* until the follower shows it read it. The task sends a ping
//! every quarter of [`RoomLimits::follower_bytes`] written; a WebSocket
//! client answers a ping only after reading everything before it (browsers
//! do so by themselves), so its pong acknowledges those bytes. The room
//! queues nothing past the cap (the follower falls behind and resyncs later)
//! and the catch-up pulls the history only while unread bytes are under
//! half the cap, leaving the other half for live frames. So a follower that
//! stops reading holds at most the cap in kernel socket buffers, not the
//! 4 MiB a Linux socket grows to, however long the history.
//!
//! **When it is dropped.** A write that does not finish, or a ping not
//! answered, within [`RoomLimits::follower_write_timeout`] ends the task:
//! its place in the room, its queue and its socket are freed at once.
//!
//! [`RoomLimits::follower_bytes`]: super::RoomLimits::follower_bytes
//! [`RoomLimits::follower_write_timeout`]: super::RoomLimits::follower_write_timeout

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket, close_code};
use reactor_protocol::ServerFrame;
use tokio::sync::watch;
use tokio::time::Instant;

use super::answers::Answers;
use super::outbox::{Outbox, Stuck};
use super::room::{Ended, Membership, Refusal};
use super::{CLOSE_ENDED, FRAMES_PER_FLUSH, http};
use crate::session;

/// Longest `cmd` name echoed back in a refusal.
const ECHO_CHARS: usize = 32;

/// How a follower's socket is bounded.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// A write, or a ping's answer, may take at most this long.
    pub(crate) write_timeout: Duration,
    /// Bytes handed to the follower and not yet shown read, at most.
    pub(crate) max_unread: usize,
    /// The reason sent with a 1009 close.
    pub(crate) too_big: String,
    /// Poll answers the follower may send a second.
    pub(crate) answers_per_second: u32,
}

/// Why a follower's task stopped.
enum Ending {
    /// The client closed, vanished or broke the protocol.
    Left,
    /// Its socket accepted nothing, or it answered no ping, for the write timeout.
    Stalled,
    /// It sent a message over the size limit.
    Oversize,
    /// The room ended.
    Ended(Ended),
    /// The server is shutting down.
    Shutdown,
    /// Its catch-up could not be completed.
    Refused(Refusal),
}

/// Serve one follower until it leaves, stalls or the room ends. `hello` is
/// its first frame (a `room` frame).
pub(crate) async fn follow(
    mut socket: WebSocket,
    mut member: Membership,
    hello: Utf8Bytes,
    mut shutdown: watch::Receiver<bool>,
    settings: Settings,
) {
    let code = member.room.code();
    let mut ended = member.room.ended();
    let stop = async {
        tokio::select! {
            biased;
            () = stopping(&mut shutdown) => Ending::Shutdown,
            over = ending(&mut ended) => over.map_or(Ending::Left, Ending::Ended),
        }
    };
    tokio::pin!(stop);
    let how = relay(&mut socket, &mut member, hello, stop, &settings).await;
    // Leave the room before saying goodbye: the place is free at once.
    drop(member);
    let (close, reason) = match how {
        Ending::Left | Ending::Stalled => return,
        Ending::Oversize => {
            tracing::info!(room = %code, "a follower sent a message over the size limit");
            (close_code::SIZE, settings.too_big)
        }
        Ending::Ended(ended) => {
            let sent = tokio::time::timeout(
                settings.write_timeout,
                socket.send(Message::Text(ended.frame)),
            );
            if !matches!(sent.await, Ok(Ok(()))) {
                return;
            }
            (
                CLOSE_ENDED,
                format!("room {code} has ended: {}", ended.reason),
            )
        }
        Ending::Shutdown => (close_code::AWAY, "the server is shutting down".to_owned()),
        Ending::Refused(refusal) => http::refusal_close(code, &refusal),
    };
    session::close(socket, close, reason).await;
}

/// Hand the follower its catch-up, then its live frames, within its unread
/// budget, until it leaves, stalls or `stop` resolves.
async fn relay(
    socket: &mut WebSocket,
    member: &mut Membership,
    hello: Utf8Bytes,
    mut stop: Pin<&mut impl Future<Output = Ending>>,
    settings: &Settings,
) -> Ending {
    let room = Arc::clone(&member.room);
    let code = room.code();
    let mut out = Outbox::new(settings);
    let catch_up_budget = (settings.max_unread / 2).max(1);
    let answers = Answers::new(settings.answers_per_second);
    let mut live = false;
    member.handed(hello.len());
    let mut next = vec![hello];
    loop {
        if !next.is_empty() {
            let frames = std::mem::take(&mut next);
            if let Err(how) = unless(&mut stop, out.send(socket, frames)).await {
                return how;
            }
        }
        if !live {
            let unread = member.unread();
            if unread < catch_up_budget {
                match room.pull(member, FRAMES_PER_FLUSH, catch_up_budget - unread) {
                    Ok(pulled) => {
                        live = pulled.live;
                        next = pulled.frames;
                        continue;
                    }
                    Err(refusal) => return Ending::Refused(refusal),
                }
            }
            // Over the budget: a ping must cover what was sent, for its answer.
            if let Err(how) = unless(&mut stop, out.cover(socket)).await {
                return how;
            }
        }
        let deadline = out.deadline();
        tokio::select! {
            biased;
            how = stop.as_mut() => return how,
            () = member.wake.notified() => {
                while let Ok(frame) = member.frames.try_recv() {
                    member.settled(frame.len());
                }
                match room.resync(member) {
                    Ok(status) => {
                        tracing::debug!(room = %code, "follower resyncs");
                        live = false;
                        member.handed(status.len());
                        next.push(status);
                    }
                    Err(refusal) => return Ending::Refused(refusal),
                }
            }
            message = socket.recv() => match message {
                None | Some(Ok(Message::Close(_))) => return Ending::Left,
                Some(Err(error)) if session::over_size_limit(&error) => return Ending::Oversize,
                Some(Err(_)) => return Ending::Left,
                Some(Ok(Message::Pong(payload))) => member.settled(out.pong(&payload)),
                Some(Ok(Message::Ping(_))) => {}
                Some(Ok(Message::Text(text))) => {
                    let reply = answers.reply(member, Some(text.as_str()));
                    answer(member, &mut next, reply, settings);
                }
                Some(Ok(Message::Binary(_))) => {
                    answer(member, &mut next, answers.reply(member, None), settings);
                }
            },
            frame = member.frames.recv(), if live => {
                let Some(first) = frame else { return Ending::Left };
                // Queued frames were counted by the room already.
                next.push(first);
                next.extend(std::iter::from_fn(|| member.frames.try_recv().ok()).take(FRAMES_PER_FLUSH - 1));
            }
            () = at(deadline) => return Ending::Stalled,
        }
    }
}

/// Queue `frame`, the answer to something the follower sent, if its budget
/// has room: a follower that does not read its answers does not need them.
fn answer(member: &Membership, next: &mut Vec<Utf8Bytes>, frame: Utf8Bytes, settings: &Settings) {
    if member.unread() + frame.len() <= settings.max_unread {
        member.handed(frame.len());
        next.push(frame);
    }
}

/// Run `work` (a write) unless `stop` resolves first.
async fn unless(
    stop: &mut Pin<&mut impl Future<Output = Ending>>,
    work: impl Future<Output = Result<(), Stuck>>,
) -> Result<(), Ending> {
    tokio::select! {
        biased;
        how = stop.as_mut() => Err(how),
        done = work => done.map_err(|Stuck| Ending::Stalled),
    }
}

/// Resolves at `deadline`, never without one.
async fn at(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
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
    session::encode(&ServerFrame::error(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(frame: &Utf8Bytes) -> String {
        match serde_json::from_str(frame.as_str()) {
            Ok(ServerFrame::Error { message, .. }) => message,
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
