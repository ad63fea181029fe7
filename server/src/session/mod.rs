//! WebSocket sessions: one client, one engine, one thread.
//!
//! ```text
//!  browser ══ws══▶ socket task ──requests (bounded)──▶ engine thread ─▶ LabRun
//!          ◀═════              ◀──frames (bounded)───
//! ```
//!
//! The socket task is the only one that touches the WebSocket. It turns text
//! frames into requests, forwards them, and writes back what the engine thread
//! produces, batching frames that are already waiting into one flush. It never
//! waits for the engine: when the request queue is full it simply stops reading
//! the socket (TCP pushes back on the client) while it keeps writing frames.
//!
//! Ways a session ends, each with a close code the client can read:
//!
//! | cause                               | code | who notices        |
//! |-------------------------------------|------|--------------------|
//! | client closes or disconnects        | —    | `recv` ends        |
//! | message over the size limit         | 1009 | tungstenite error  |
//! | nothing received for the idle limit | 1000 | idle timer         |
//! | server shutting down                | 1001 | shutdown signal    |
//! | session cap reached (at connect)    | 1013 | [`upgrade`]        |
//! | engine thread could not start/died  | 1011 | spawn / `frames`   |

mod engine_thread;
mod outgoing;
pub(crate) mod request;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade, close_code};
use axum::response::Response;
use futures_util::SinkExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio::time::Instant;

use crate::Limits;
use engine_thread::EngineThreadStart;
pub(crate) use outgoing::{FrameType, Outgoing, encode};
pub(crate) use request::Request;

/// Requests queued for the engine thread before the socket task stops reading.
/// A person clicks far slower; a script sending faster simply waits in TCP.
const REQUEST_QUEUE: usize = 16;
/// Frames queued from the engine thread before it blocks. A `run` of a built-in
/// scenario is a few hundred frames; this many lets one flush carry a batch.
const FRAME_QUEUE: usize = 256;
/// Most frames written between two flushes, so one huge `run` still reaches the
/// client in pieces rather than after the last record.
const FRAMES_PER_FLUSH: usize = 64;
/// How long a closing session waits for the client to answer its close frame.
const CLOSE_HANDSHAKE: Duration = Duration::from_secs(2);
/// Close code for "the engine could not be run" (RFC 6455 "internal error").
const INTERNAL_ERROR: u16 = close_code::ERROR;

/// Shared by every session: the cap, ids, limits and the shutdown signal.
#[derive(Clone)]
pub(crate) struct Sessions {
    permits: Arc<Semaphore>,
    next_id: Arc<AtomicU64>,
    limits: Arc<Limits>,
    shutdown: watch::Receiver<bool>,
}

impl Sessions {
    /// Sessions bounded by `limits`, all closed when `shutdown` turns true.
    pub(crate) fn new(limits: Limits, shutdown: watch::Receiver<bool>) -> Sessions {
        Sessions {
            permits: Arc::new(Semaphore::new(
                limits.max_sessions.min(Semaphore::MAX_PERMITS),
            )),
            next_id: Arc::new(AtomicU64::new(0)),
            limits: Arc::new(limits),
            shutdown,
        }
    }

    /// Sessions whose engine thread is still running.
    pub(crate) fn open(&self) -> usize {
        self.limits.max_sessions.min(Semaphore::MAX_PERMITS) - self.permits.available_permits()
    }

    /// Wait until every session's engine thread has ended, or `grace` passed.
    /// Returns whether they all ended.
    pub(crate) async fn wait_all_ended(&self, grace: Duration) -> bool {
        let all =
            u32::try_from(self.limits.max_sessions.min(Semaphore::MAX_PERMITS)).unwrap_or(u32::MAX);
        tokio::time::timeout(grace, self.permits.acquire_many(all))
            .await
            .is_ok()
    }
}

/// A session's companion on the socket task: sees what the client sends before
/// the engine does and every frame the client gets, and may add frames or end
/// the session. A plain `/ws` session has none ([`Alone`]); a classroom
/// presenter's relay shares the session with its room (see `crate::rooms`).
pub(crate) trait Relay: Send + 'static {
    /// A text frame from the client: the request for the engine, or `None`
    /// when the relay took care of it.
    fn incoming(&mut self, text: &str) -> Option<Request> {
        Some(request::parse(text))
    }

    /// A frame from the engine thread about to be written to the client,
    /// encoded once and typed (clone its text to share it: a reference count,
    /// not a copy).
    fn outgoing(&mut self, _frame: &Outgoing) {}

    /// The next frame the relay wants written, or the end of the session.
    /// Never resolves for a plain session.
    fn event(&mut self) -> impl Future<Output = RelayEvent> + Send {
        std::future::pending()
    }
}

/// What a [`Relay`] asks of the session.
pub(crate) enum RelayEvent {
    /// Write this frame to the client.
    Frame(Utf8Bytes),
    /// Close with this code and reason.
    Close(u16, String),
}

/// The relay of a plain `/ws` session: no companion.
struct Alone;

impl Relay for Alone {}

impl Sessions {
    /// The limits every socket of this server has.
    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// `upgrade` with this server's message size and buffer limits.
    pub(crate) fn configure(&self, upgrade: WebSocketUpgrade) -> WebSocketUpgrade {
        let limits = &self.limits;
        upgrade
            .max_message_size(limits.max_message_bytes)
            .max_frame_size(limits.max_message_bytes)
            .read_buffer_size(limits.ws_buffer_bytes)
            .write_buffer_size(limits.ws_buffer_bytes)
    }
}

/// `GET /ws`: upgrade, then run a session, or refuse one past the cap.
pub(crate) async fn upgrade(
    State(sessions): State<Sessions>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let upgrade = sessions.configure(upgrade);
    accept(sessions, upgrade, || Alone)
}

/// Run a session with the relay `make_relay` builds once the session is
/// admitted, or refuse one past the cap.
pub(crate) fn accept<R: Relay>(
    sessions: Sessions,
    upgrade: WebSocketUpgrade,
    make_relay: impl FnOnce() -> R + Send + 'static,
) -> Response {
    match sessions.permits.clone().try_acquire_owned() {
        Ok(permit) => upgrade.on_upgrade(move |socket| run(socket, sessions, permit, make_relay())),
        Err(_) => {
            let reason = format!(
                "server full: {} sessions are open; try again later",
                sessions.limits.max_sessions
            );
            tracing::warn!("refusing a session: {reason}");
            upgrade.on_upgrade(move |socket| close(socket, close_code::AGAIN, reason))
        }
    }
}

/// Run one session until it ends.
async fn run(
    mut socket: WebSocket,
    sessions: Sessions,
    permit: OwnedSemaphorePermit,
    mut relay: impl Relay,
) {
    let id = sessions.next_id.fetch_add(1, Ordering::Relaxed);
    let (request_tx, requests) = mpsc::channel(REQUEST_QUEUE);
    let (frames_tx, frames) = mpsc::channel(FRAME_QUEUE);
    let engine_thread = EngineThreadStart {
        session: id,
        max_records: sessions.limits.max_records,
        requests,
        frames: frames_tx,
        permit,
    };
    if let Err(error) = engine_thread.spawn() {
        tracing::error!(session = id, "cannot start an engine thread: {error}");
        let reason = "the server cannot start an engine right now; try again later";
        return close(socket, INTERNAL_ERROR, reason.to_owned()).await;
    }
    tracing::info!(session = id, "session opened");
    let ending = pump(&mut socket, &sessions, request_tx, frames, &mut relay).await;
    tracing::info!(session = id, "session ends: {ending:?}");
    if let Some((code, reason)) = ending.close_frame(&sessions.limits) {
        close(socket, code, reason).await;
    }
}

/// Why [`pump`] returned.
#[derive(Debug)]
enum Ending {
    /// The client closed or vanished; nothing to say.
    ClientLeft,
    /// A message exceeded the size limit.
    Oversize,
    /// The idle timer ran out.
    Idle,
    /// The server is shutting down.
    Shutdown,
    /// The engine thread stopped answering.
    EngineGone,
    /// The [`Relay`] ended the session with this code and reason.
    Relay(u16, String),
}

impl Ending {
    /// The close frame to send, if the client is still there to read it.
    fn close_frame(&self, limits: &Limits) -> Option<(u16, String)> {
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
            Ending::Shutdown => Some((close_code::AWAY, "the server is shutting down".to_owned())),
            Ending::EngineGone => {
                Some((INTERNAL_ERROR, "the engine stopped unexpectedly".to_owned()))
            }
            Ending::Relay(code, reason) => Some((*code, reason.clone())),
        }
    }
}

/// Move requests in and frames out until the session ends.
async fn pump(
    socket: &mut WebSocket,
    sessions: &Sessions,
    requests: mpsc::Sender<Request>,
    mut frames: mpsc::Receiver<Outgoing>,
    relay: &mut impl Relay,
) -> Ending {
    let idle_timeout = sessions.limits.idle_timeout;
    let idle = tokio::time::sleep(idle_timeout);
    tokio::pin!(idle);
    let shutdown = stopping(sessions.shutdown.clone());
    tokio::pin!(shutdown);
    // A request the full queue could not take yet; the socket is not read meanwhile.
    let mut waiting: Option<Request> = None;
    loop {
        tokio::select! {
            () = &mut shutdown => return Ending::Shutdown,
            frame = frames.recv() => {
                let Some(first) = frame else { return Ending::EngineGone };
                if write_batch(socket, first, &mut frames, relay).await.is_err() {
                    return Ending::ClientLeft;
                }
            }
            event = relay.event() => match event {
                RelayEvent::Frame(frame) => {
                    if socket.send(Message::Text(frame)).await.is_err() {
                        return Ending::ClientLeft;
                    }
                }
                RelayEvent::Close(code, reason) => return Ending::Relay(code, reason),
            },
            permit = requests.reserve(), if waiting.is_some() => {
                let Ok(permit) = permit else { return Ending::EngineGone };
                permit.send(waiting.take().expect("guarded by the branch condition"));
            }
            message = socket.recv(), if waiting.is_none() => {
                let request = match message {
                    None => return Ending::ClientLeft,
                    Some(Ok(Message::Close(_))) => {
                        // tungstenite has queued the answering close frame; send it.
                        let _ = socket.flush().await;
                        return Ending::ClientLeft;
                    }
                    Some(Err(error)) => return ending_for(&error),
                    Some(Ok(Message::Text(text))) => match relay.incoming(text.as_str()) {
                        Some(request) => request,
                        None => {
                            idle.as_mut().reset(Instant::now() + idle_timeout);
                            continue;
                        }
                    },
                    Some(Ok(Message::Binary(_))) => request::binary_frame(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                };
                idle.as_mut().reset(Instant::now() + idle_timeout);
                match requests.try_send(request) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(request)) => waiting = Some(request),
                    Err(mpsc::error::TrySendError::Closed(_)) => return Ending::EngineGone,
                }
            }
            () = &mut idle => return Ending::Idle,
        }
    }
}

/// Resolve once the server is shutting down (or is gone).
async fn stopping(mut shutdown: watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await.map(drop);
}

/// Write `first` and every frame already queued behind it (up to
/// [`FRAMES_PER_FLUSH`]), then flush once.
async fn write_batch(
    socket: &mut WebSocket,
    first: Outgoing,
    frames: &mut mpsc::Receiver<Outgoing>,
    relay: &mut impl Relay,
) -> Result<(), axum::Error> {
    let mut next = Some(first);
    for _ in 0..FRAMES_PER_FLUSH {
        let Some(frame) = next.take().or_else(|| frames.try_recv().ok()) else {
            break;
        };
        relay.outgoing(&frame);
        socket.feed(Message::Text(frame.text)).await?;
    }
    socket.flush().await
}

/// A receive error is either the size limit (answered with 1009) or a broken connection.
fn ending_for(error: &axum::Error) -> Ending {
    if over_size_limit(error) {
        Ending::Oversize
    } else {
        Ending::ClientLeft
    }
}

/// Whether a receive error is a message over the size limit
/// ([`Limits::max_message_bytes`]), rather than a broken connection.
pub(crate) fn over_size_limit(error: &axum::Error) -> bool {
    let inner = std::error::Error::source(error);
    matches!(
        inner.and_then(|inner| inner.downcast_ref::<tungstenite::Error>()),
        Some(tungstenite::Error::Capacity(_))
    )
}

/// The reason sent with a 1009 close.
pub(crate) fn too_big(limits: &Limits) -> String {
    format!(
        "message too big: the limit is {} bytes",
        limits.max_message_bytes
    )
}

/// Send a close frame, then give the client a moment to answer it.
pub(crate) async fn close(mut socket: WebSocket, code: u16, reason: String) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(CLOSE_HANDSHAKE, async {
        while let Some(Ok(_)) = socket.recv().await {}
    })
    .await;
}
