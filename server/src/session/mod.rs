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
//! | cause                                        | code | who notices          |
//! |----------------------------------------------|------|----------------------|
//! | client closes or disconnects                 | —    | `recv` ends          |
//! | message over the size limit                  | 1009 | tungstenite error    |
//! | nothing changed for the idle limit           | 1000 | idle timer           |
//! | a write not done within the write deadline   | 1008 | the write's deadline |
//! | server shutting down                         | 1001 | shutdown signal      |
//! | session cap or address share reached         | 1013 | [`upgrade`]          |
//! | engine thread could not start/died           | 1011 | spawn / `frames`     |
//!
//! The close frame itself is sent within [`CLOSE_HANDSHAKE`]: a client that
//! does not read it is simply dropped. The engine thread and the session's
//! place are freed as soon as the loop ends, before the close is sent.
//! Who gets a place is in [`admission`].

mod admission;
mod engine_thread;
mod loaded;
mod outgoing;
mod pump;
pub(crate) mod request;
mod seek;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use tokio::sync::{mpsc, watch};

use crate::Limits;
use crate::programs::Programs;
use admission::{Admission, Refused, Slot};
use engine_thread::EngineThreadStart;
pub(crate) use engine_thread::describe_panic;
pub(crate) use outgoing::{FrameType, Outgoing, encode};
use pump::pump;
pub(crate) use request::Request;

/// Requests queued for the engine thread before the socket task stops reading.
/// A person clicks far slower; a script sending faster simply waits in TCP.
const REQUEST_QUEUE: usize = 16;
/// Frames queued from the engine thread before it blocks. A `run` of a built-in
/// scenario is a few hundred frames; this many lets one flush carry a batch.
const FRAME_QUEUE: usize = 256;
/// How long a closing session may take to send its close frame, and then
/// again to wait for the client's answer.
const CLOSE_HANDSHAKE: Duration = Duration::from_secs(2);
/// Close code for "the engine could not be run" (RFC 6455 "internal error").
const INTERNAL_ERROR: u16 = close_code::ERROR;

/// Shared by every session: the caps, ids, limits and the shutdown signal.
#[derive(Clone)]
pub(crate) struct Sessions {
    admission: Arc<Admission>,
    next_id: Arc<AtomicU64>,
    limits: Arc<Limits>,
    programs: Arc<Programs>,
    shutdown: watch::Receiver<bool>,
}

impl Sessions {
    /// Sessions bounded by `limits`, with `presenter_seats` places kept for
    /// classroom presenters (one per room), loading playground programs
    /// within `programs`' bounds, all closed when `shutdown` turns true.
    pub(crate) fn new(
        limits: Limits,
        presenter_seats: usize,
        programs: Arc<Programs>,
        shutdown: watch::Receiver<bool>,
    ) -> Sessions {
        Sessions {
            admission: Arc::new(Admission::new(&limits, presenter_seats)),
            next_id: Arc::new(AtomicU64::new(0)),
            limits: Arc::new(limits),
            programs,
            shutdown,
        }
    }

    /// Sessions whose engine thread is still running.
    pub(crate) fn open(&self) -> usize {
        self.admission.open()
    }

    /// Wait until every session's engine thread has ended, or `grace` passed.
    /// Returns whether they all ended.
    pub(crate) async fn wait_all_ended(&self, grace: Duration) -> bool {
        self.admission.wait_all_ended(grace).await
    }
}

/// A session's companion on the socket task: sees what the client sends before
/// the engine does and every frame the client gets, and may add frames or end
/// the session. A plain `/ws` session has none ([`Alone`]); a classroom
/// presenter's relay shares the session with its room (see `crate::rooms`).
pub(crate) trait Relay: Send + 'static {
    /// A text frame from the client: the request for the engine, or `None`
    /// when the relay carried out a valid command of its own (which counts
    /// as use of the session, as a valid engine command does).
    fn incoming(&mut self, text: &str) -> Option<Request> {
        Some(request::parse(text))
    }

    /// A frame from the engine thread about to be written to the client,
    /// encoded once and typed (clone its text to share it: a reference count,
    /// not a copy).
    fn outgoing(&mut self, _frame: &Outgoing) {}

    /// The frames handed to [`Relay::outgoing`] since the last call are
    /// written together (one flush): a relay that shares them may share
    /// them in one go.
    fn outgoing_done(&mut self) {}

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

/// `GET /ws`: upgrade, then run a session, or refuse one past a cap.
pub(crate) async fn upgrade(
    State(sessions): State<Sessions>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let upgrade = sessions.configure(upgrade);
    let slot = sessions.admission.student(peer.ip());
    admit(sessions, upgrade, slot, || Alone)
}

/// Run a classroom presenter's session with the relay `make_relay` builds
/// once it is admitted. A presenter takes a seat kept for presenters (else
/// a student place) and is never counted against its address.
pub(crate) fn accept<R: Relay>(
    sessions: Sessions,
    upgrade: WebSocketUpgrade,
    make_relay: impl FnOnce() -> R + Send + 'static,
) -> Response {
    let slot = sessions.admission.presenter();
    admit(sessions, upgrade, slot, make_relay)
}

/// Run the session in `slot`, or close with 1013 and say why there was none.
fn admit<R: Relay>(
    sessions: Sessions,
    upgrade: WebSocketUpgrade,
    slot: Result<Slot, Refused>,
    make_relay: impl FnOnce() -> R + Send + 'static,
) -> Response {
    match slot {
        Ok(slot) => upgrade.on_upgrade(move |socket| run(socket, sessions, slot, make_relay())),
        Err(refused) => {
            let reason = refused.reason();
            tracing::warn!("refusing a session: {reason}");
            upgrade.on_upgrade(move |socket| close(socket, close_code::AGAIN, reason))
        }
    }
}

/// Run one session until it ends.
async fn run(mut socket: WebSocket, sessions: Sessions, slot: Slot, mut relay: impl Relay) {
    let id = sessions.next_id.fetch_add(1, Ordering::Relaxed);
    let (request_tx, requests) = mpsc::channel(REQUEST_QUEUE);
    let (frames_tx, frames) = mpsc::channel(FRAME_QUEUE);
    let engine_thread = EngineThreadStart {
        session: id,
        max_records: sessions.limits.max_records,
        requests,
        frames: frames_tx,
        slot,
        programs: Arc::clone(&sessions.programs),
        runtime: tokio::runtime::Handle::current(),
    };
    if let Err(error) = engine_thread.spawn() {
        tracing::error!(session = id, "cannot start an engine thread: {error}");
        let reason = "the server cannot start an engine right now; try again later";
        return close(socket, INTERNAL_ERROR, reason.to_owned()).await;
    }
    tracing::info!(session = id, "session opened");
    // `pump` owns both channel ends: when it returns, the engine thread's
    // next send or receive fails, it ends, and the slot is free again.
    let ending = pump(&mut socket, &sessions, request_tx, frames, &mut relay).await;
    tracing::info!(session = id, "session ends: {ending:?}");
    if let Some((code, reason)) = ending.close_frame(&sessions.limits) {
        close(socket, code, reason).await;
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

/// Send a close frame, then give the client a moment to answer it. Each
/// step is bounded by [`CLOSE_HANDSHAKE`], so a client that reads nothing
/// costs at most that long.
pub(crate) async fn close(mut socket: WebSocket, code: u16, reason: String) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let sent = tokio::time::timeout(CLOSE_HANDSHAKE, socket.send(Message::Close(Some(frame))));
    if !matches!(sent.await, Ok(Ok(()))) {
        return;
    }
    let _ = tokio::time::timeout(CLOSE_HANDSHAKE, async {
        while let Some(Ok(_)) = socket.recv().await {}
    })
    .await;
}
