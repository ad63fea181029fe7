//! The socket task's loop: requests in, frames out, and the clocks that end it.
//!
//! ```text
//!            ┌────────────── select ──────────────┐
//!  shutdown ─┤ idle timer ─┤ frames ─┤ relay ─┤ socket.recv (when the request queue has room)
//!            └──────────────┬─────────┬──────────┘
//!                           ▼         ▼
//!                  write, raced against: its deadline, the idle timer, shutdown
//! ```
//!
//! A write to the client never waits unwatched: each batch of frames (and its
//! flush) is raced against [`Limits::write_timeout`], the idle timer and the
//! shutdown signal, so a client that stops reading is closed within the write
//! deadline and a server shutting down never waits on one. The socket is not
//! read while a write is pending; TCP pushes back on a client that sends
//! faster than it reads.
//!
//! Only real use keeps a session open: the idle timer restarts when the
//! engine's answer shows the run changed — a scenario loaded or reset (a
//! `loaded` frame) or an action taken (a `record` frame) — or on a relay's
//! own valid command (a presenter's `view`, which the room judges in turn).
//! A command that changes nothing (`step` on a finished run, a `load` of an
//! unknown scenario) does not count, nor does an invalid or binary frame, a
//! ping or a pong.

use std::pin::Pin;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, close_code};
use futures_util::SinkExt;
use tokio::sync::mpsc;
use tokio::time::{Instant, Sleep};

use super::{INTERNAL_ERROR, Relay, RelayEvent, Request, Sessions, request, too_big};
use crate::Limits;

use super::outgoing::Outgoing;

/// Most frames written between two flushes, so one huge `run` still reaches the
/// client in pieces rather than after the last record.
const FRAMES_PER_FLUSH: usize = 64;

/// Why [`pump`] returned.
#[derive(Debug)]
pub(super) enum Ending {
    /// The client closed or vanished; nothing to say.
    ClientLeft,
    /// A message exceeded the size limit.
    Oversize,
    /// Nothing changed for the idle limit.
    Idle,
    /// A write did not finish within the write deadline: the client stopped reading.
    Stalled,
    /// The server is shutting down.
    Shutdown,
    /// The engine thread stopped answering.
    EngineGone,
    /// The [`Relay`] ended the session with this code and reason.
    Relay(u16, String),
}

impl Ending {
    /// The close frame to send, if the client is still there to read it.
    pub(super) fn close_frame(&self, limits: &Limits) -> Option<(u16, String)> {
        match self {
            Ending::ClientLeft => None,
            Ending::Oversize => Some((close_code::SIZE, too_big(limits))),
            Ending::Idle => Some((
                close_code::NORMAL,
                format!(
                    "idle for {} s: reconnect to go on",
                    limits.idle_timeout.as_secs()
                ),
            )),
            Ending::Stalled => Some((
                close_code::POLICY,
                format!(
                    "not reading: a write waited more than {} s",
                    limits.write_timeout.as_secs_f32()
                ),
            )),
            Ending::Shutdown => Some((close_code::AWAY, "the server is shutting down".to_owned())),
            Ending::EngineGone => {
                Some((INTERNAL_ERROR, "the engine stopped unexpectedly".to_owned()))
            }
            Ending::Relay(code, reason) => Some((*code, reason.clone())),
        }
    }
}

/// The clocks a session lives by: idle, shutdown, and each write's deadline.
struct Clocks<S> {
    idle: Pin<Box<Sleep>>,
    idle_timeout: Duration,
    shutdown: Pin<Box<S>>,
    write_timeout: Duration,
}

impl<S: Future<Output = ()>> Clocks<S> {
    /// The session was used for real: restart the idle timer.
    fn used(&mut self) {
        self.idle.as_mut().reset(Instant::now() + self.idle_timeout);
    }

    /// Run `write`, unless its deadline, the idle timer or shutdown comes first.
    async fn write<T, E>(
        &mut self,
        write: impl Future<Output = Result<T, E>>,
    ) -> Result<T, Ending> {
        tokio::select! {
            biased;
            written = write => written.map_err(|_| Ending::ClientLeft),
            () = &mut self.shutdown => Err(Ending::Shutdown),
            () = tokio::time::sleep(self.write_timeout) => Err(Ending::Stalled),
            () = &mut self.idle => Err(Ending::Idle),
        }
    }
}

/// Move requests in and frames out until the session ends.
pub(super) async fn pump(
    socket: &mut WebSocket,
    sessions: &Sessions,
    requests: mpsc::Sender<Request>,
    mut frames: mpsc::Receiver<Outgoing>,
    relay: &mut impl Relay,
) -> Ending {
    let limits = sessions.limits();
    let mut clocks = Clocks {
        idle: Box::pin(tokio::time::sleep(limits.idle_timeout)),
        idle_timeout: limits.idle_timeout,
        shutdown: Box::pin(stopping(sessions.shutdown.clone())),
        write_timeout: limits.write_timeout,
    };
    // A request the full queue could not take yet; the socket is not read meanwhile.
    let mut waiting: Option<Request> = None;
    loop {
        tokio::select! {
            () = &mut clocks.shutdown => return Ending::Shutdown,
            () = &mut clocks.idle => return Ending::Idle,
            frame = frames.recv() => {
                let Some(first) = frame else { return Ending::EngineGone };
                let batch = write_batch(socket, first, &mut frames, relay);
                match clocks.write(batch).await {
                    Ok(true) => clocks.used(),
                    Ok(false) => {}
                    Err(ending) => return ending,
                }
            }
            event = relay.event() => match event {
                RelayEvent::Frame(frame) => {
                    if let Err(ending) = clocks.write(socket.send(Message::Text(frame))).await {
                        return ending;
                    }
                }
                RelayEvent::Close(code, reason) => return Ending::Relay(code, reason),
            },
            permit = requests.reserve(), if waiting.is_some() => {
                let Ok(permit) = permit else { return Ending::EngineGone };
                if let Some(request) = waiting.take() {
                    permit.send(request);
                }
            }
            message = socket.recv(), if waiting.is_none() => {
                let request = match message {
                    None => return Ending::ClientLeft,
                    Some(Ok(Message::Close(_))) => {
                        // tungstenite has queued the answering close frame; send it.
                        let _ = clocks.write(socket.flush()).await;
                        return Ending::ClientLeft;
                    }
                    Some(Err(error)) => return ending_for(&error),
                    Some(Ok(Message::Text(text))) => match relay.incoming(text.as_str()) {
                        Some(request) => request,
                        None => {
                            // The relay carried out a valid command of its own.
                            clocks.used();
                            continue;
                        }
                    },
                    Some(Ok(Message::Binary(_))) => request::binary_frame(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                };
                match requests.try_send(request) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(request)) => waiting = Some(request),
                    Err(mpsc::error::TrySendError::Closed(_)) => return Ending::EngineGone,
                }
            }
        }
    }
}

/// Resolve once the server is shutting down (or is gone).
async fn stopping(mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await.map(drop);
}

/// Write `first` and every frame already queued behind it (up to
/// [`FRAMES_PER_FLUSH`]), then flush once. Returns whether any of them
/// showed the run changed ([`Outgoing::shows_change`]).
async fn write_batch(
    socket: &mut WebSocket,
    first: Outgoing,
    frames: &mut mpsc::Receiver<Outgoing>,
    relay: &mut impl Relay,
) -> Result<bool, axum::Error> {
    let mut batch = vec![first];
    while batch.len() < FRAMES_PER_FLUSH {
        let Ok(frame) = frames.try_recv() else { break };
        batch.push(frame);
    }
    let mut changed = false;
    for frame in &batch {
        changed |= frame.shows_change();
        relay.outgoing(frame);
    }
    relay.outgoing_done();
    for frame in batch {
        socket.feed(Message::Text(frame.text)).await?;
    }
    socket.flush().await.map(|()| changed)
}

/// A receive error is either the size limit (answered with 1009) or a broken connection.
fn ending_for(error: &axum::Error) -> Ending {
    if super::over_size_limit(error) {
        Ending::Oversize
    } else {
        Ending::ClientLeft
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHORT: Duration = Duration::from_millis(50);
    const LONG: Duration = Duration::from_secs(600);

    fn clocks(idle: Duration, shutdown: Duration, write: Duration) -> Clocks<Sleep> {
        Clocks {
            idle: Box::pin(tokio::time::sleep(idle)),
            idle_timeout: idle,
            shutdown: Box::pin(tokio::time::sleep(shutdown)),
            write_timeout: write,
        }
    }

    fn never() -> impl Future<Output = Result<(), ()>> {
        std::future::pending()
    }

    #[tokio::test]
    async fn a_write_that_never_finishes_ends_at_its_deadline() {
        let started = Instant::now();
        let ending = clocks(LONG, LONG, SHORT).write(never()).await;
        assert!(matches!(ending, Err(Ending::Stalled)), "{ending:?}");
        assert!(started.elapsed() >= SHORT);
        assert!(started.elapsed() < LONG);
    }

    #[tokio::test]
    async fn the_idle_timer_and_shutdown_stay_live_during_a_write() {
        let ending = clocks(SHORT, LONG, LONG).write(never()).await;
        assert!(matches!(ending, Err(Ending::Idle)), "{ending:?}");
        let ending = clocks(LONG, SHORT, LONG).write(never()).await;
        assert!(matches!(ending, Err(Ending::Shutdown)), "{ending:?}");
    }

    #[tokio::test]
    async fn a_finished_write_is_not_an_ending() {
        let mut clocks = clocks(LONG, LONG, SHORT);
        assert!(clocks.write(async { Ok::<(), ()>(()) }).await.is_ok());
        let failed = clocks.write(async { Err::<(), ()>(()) }).await;
        assert!(matches!(failed, Err(Ending::ClientLeft)), "{failed:?}");
    }

    #[test]
    fn a_stalled_client_is_told_why_with_1008() {
        let limits = Limits::default();
        let (code, reason) = Ending::Stalled.close_frame(&limits).expect("a close frame");
        assert_eq!(code, close_code::POLICY);
        assert!(reason.contains("not reading"), "{reason}");
    }
}
