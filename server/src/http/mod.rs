//! The server's accept loop: HTTP/1.1 connections with bounds, served by
//! hyper and answered by the axum router.
//!
//! ```text
//!  TcpListener::accept ─▶ Connections::admit ─▶ TCP_NODELAY ─▶ WriteDeadline ─▶ hyper http1
//!   (error: close the       (caps per address    (answers      (writes blocked   (header-read
//!    idlest, back off)       and in all; closes   sent at once)  too long fail)   timeout, keep-
//!                            the idlest to make                                   alive, upgrades)
//!                            room)                                                   │
//!                                                 axum Router ◀── ConnectInfo ◀──────┘
//! ```
//!
//! `axum::serve` offers no header-read timeout, no connection cap and sleeps
//! a whole second on every accept error, so this loop does what it does
//! with the knobs hyper has:
//!
//! | bound | limit | past it |
//! |---|---|---|
//! | request headers must arrive within | [`Limits::header_read_timeout`] | connection closed (also ends idle keep-alives) |
//! | a blocked write of an answer | [`Limits::write_timeout`] | connection dropped |
//! | HTTP connections in all | [`Limits::max_connections`] | the longest-idle one is closed, else the new one |
//! | HTTP connections from one address | [`Limits::connections_per_address`] | likewise, among that address's |
//!
//! A connection upgraded to a WebSocket leaves these counts (sessions and
//! rooms have their own caps and deadlines). On an accept error (out of
//! file descriptors, say) the loop closes the longest-idle connection to
//! free one and retries within [`ACCEPT_RETRY_MAX`]. At shutdown it stops
//! accepting, closes idle connections, lets the others finish the request in
//! flight, and returns when none is left (or after `SHUTDOWN_GRACE`).

mod io;
mod table;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::body::HttpBody;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

use crate::Limits;
pub(crate) use table::Connections;
use table::{Admitted, Busy};

/// First pause after an accept error; doubled on each error in a row.
const ACCEPT_RETRY_MIN: Duration = Duration::from_millis(5);
/// Longest pause after accept errors in a row: short, so a server that ran
/// out of descriptors takes connections again as soon as one is free.
pub(crate) const ACCEPT_RETRY_MAX: Duration = Duration::from_millis(100);

/// Connections the kernel queues for `accept`: a class opening the page in
/// the same second, or a flood, would overflow the 128 a plain bind gets,
/// and each overflow costs the client a one-second SYN retry. The kernel
/// caps it at `net.core.somaxconn`.
const LISTEN_BACKLOG: u32 = 1024;

/// Bind `addr` and listen with a [`LISTEN_BACKLOG`]-deep queue.
pub(crate) fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // As std's bind does on Unix: a restarted server can bind again at once.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serve `app` on `listener` within `limits` until `shutdown` turns true,
/// then wait for the open connections to finish.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    connections: Arc<Connections>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let http = Arc::new(http);
    let mut errors = AcceptErrors::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stopping(&mut shutdown) => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                errors.accepted();
                accepted
            }
            Err(error) => {
                errors.failed(&error, &connections).await;
                continue;
            }
        };
        let Some(admitted) = connections.admit(peer.ip(), Instant::now()) else {
            tracing::debug!(%peer, "refusing a connection: every one in the way is busy");
            continue;
        };
        let connection = Connection {
            stream,
            peer,
            app: app.clone(),
            http: Arc::clone(&http),
            write_timeout: limits.write_timeout,
        };
        tokio::spawn(connection.serve(admitted, shutdown.clone()));
    }
    drop(listener);
    let grace = crate::SHUTDOWN_GRACE;
    if tokio::time::timeout(grace, connections.wait_empty())
        .await
        .is_err()
    {
        tracing::warn!(
            "{} connections were still open {grace:?} after shutdown",
            connections.open()
        );
    }
}

/// Accept errors in a row: the pause before the next try, and when one
/// was last logged (a flood past the descriptor limit fails thousands of
/// times; the log says so once a second).
struct AcceptErrors {
    retry: Duration,
    last_logged: Option<Instant>,
    unlogged: usize,
}

impl AcceptErrors {
    fn new() -> AcceptErrors {
        AcceptErrors {
            retry: ACCEPT_RETRY_MIN,
            last_logged: None,
            unlogged: 0,
        }
    }

    /// A connection was accepted: the next error pauses briefly again.
    fn accepted(&mut self) {
        self.retry = ACCEPT_RETRY_MIN;
    }

    /// Pause before the next try after `error`, first freeing a descriptor
    /// by closing the longest-idle connection, unless the error was about
    /// one connection alone.
    async fn failed(&mut self, error: &std::io::Error, connections: &Connections) {
        use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
        if matches!(
            error.kind(),
            ConnectionAborted | ConnectionRefused | ConnectionReset
        ) {
            return;
        }
        let freed = connections.make_room();
        let now = Instant::now();
        if self
            .last_logged
            .is_none_or(|last| now.duration_since(last) >= Duration::from_secs(1))
        {
            tracing::warn!(
                "cannot accept a connection: {error} ({} more since the last report); \
                 closing idle connections ({}) and retrying within {ACCEPT_RETRY_MAX:?}",
                self.unlogged,
                if freed { "closed one" } else { "none is idle" },
            );
            self.last_logged = Some(now);
            self.unlogged = 0;
        } else {
            self.unlogged += 1;
        }
        tokio::time::sleep(self.retry).await;
        self.retry = (self.retry * 2).min(ACCEPT_RETRY_MAX);
    }
}

/// One accepted connection and what serving it needs.
struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    http: Arc<http1::Builder>,
    write_timeout: Duration,
}

impl Connection {
    /// Serve requests until the client leaves, the connection is closed to
    /// make room, or the server shuts down (then finish what is in flight).
    async fn serve(self, admitted: Admitted, mut shutdown: watch::Receiver<bool>) {
        let Connection {
            stream,
            peer,
            app,
            http,
            write_timeout,
        } = self;
        // Answers are written in one flush but may span several TCP segments;
        // with Nagle's algorithm the second waits for the client's delayed ACK
        // (~40 ms on Linux). Stepping is interactive, so send at once.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!("cannot set TCP_NODELAY: {error}");
        }
        let (io, disarm) = io::WriteDeadline::new(stream, write_timeout);
        let Admitted { slot, closed } = admitted;
        let slot = Arc::new(slot);
        let place = Arc::clone(&slot);
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let busy = slot.busy();
            let app = app.clone();
            let disarm = disarm.clone();
            async move {
                let mut request = request.map(Body::new);
                request.extensions_mut().insert(ConnectInfo(peer));
                let Ok(response) = app.oneshot(request).await;
                if response.status() == StatusCode::SWITCHING_PROTOCOLS {
                    disarm.disarm();
                }
                // The request stays in flight until its answer is written.
                let response = response.map(|body| Body::new(InFlight { body, _busy: busy }));
                Ok::<_, Infallible>(response)
            }
        });
        let mut conn = pin!(
            http.serve_connection(TokioIo::new(io), service)
                .with_upgrades()
        );
        let evicted = async {
            if closed.await.is_err() {
                // The table forgot the connection without closing it.
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            served = conn.as_mut() => log_end(peer, served),
            () = evicted => tracing::debug!(%peer, "closed an idle connection to make room"),
            () = stopping(&mut shutdown) => {
                // Idle (or still sending its headers): nothing to finish.
                if place.is_busy() {
                    conn.as_mut().graceful_shutdown();
                    log_end(peer, conn.await);
                }
            }
        }
    }
}

/// Resolve once the server is shutting down (or is gone).
async fn stopping(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await.map(drop);
}

fn log_end(peer: SocketAddr, served: hyper::Result<()>) {
    if let Err(error) = served {
        tracing::debug!(%peer, "connection ended: {error}");
    }
}

/// An answer's body that keeps its request in flight until it is written
/// (or dropped), so the connection does not count as idle meanwhile.
struct InFlight {
    body: Body,
    _busy: Busy,
}

impl HttpBody for InFlight {
    type Data = <Body as HttpBody>::Data;
    type Error = <Body as HttpBody>::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
