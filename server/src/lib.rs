//! Reactor Lab's server: the web app, the JSON API and one engine per browser
//! session. A library so the end-to-end tests can start it in-process.
//!
//! ```text
//!                       ┌──────────────────────── reactor-lab ───────────────────────┐
//!  browser ──HTTP──▶    │ /            site: the built app, precompressed, cached    │
//!                       │ /api/...     scenarios, traces, engine source, lessons     │
//!          ══WS════▶    │ /ws          session ──channels──▶ engine thread ─▶ LabRun │
//!                       │ /healthz     "ok"                                          │
//!                       └────────────────────────────────────────────────────────────┘
//! ```
//!
//! Start it with [`start`], which binds and serves in the background; stop it
//! with [`Server::shutdown`] (dropping a [`Server`] also asks it to stop). The
//! WebSocket contract is in `docs/protocol.md`; the limits in [`Limits`].

mod api;
mod lessons;
mod limits;
mod rooms;
mod session;
mod site;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use axum::serve::ListenerExt;
use tokio::sync::watch;
use tower_http::trace::TraceLayer;

pub use lessons::Lessons;
pub use limits::{
    DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_RECORDS, DEFAULT_MAX_SESSIONS,
    DEFAULT_WS_BUFFER_BYTES, Limits,
};

use rooms::Rooms;
pub use rooms::{
    CLOSE_ENDED, CLOSE_RATE_LIMITED, CLOSE_REPLACED, CLOSE_UNKNOWN_ROOM, CLOSE_WRONG_KEY,
    DEFAULT_FAILED_JOIN_WINDOW, DEFAULT_FAILED_JOINS, DEFAULT_FOLLOWER_QUEUE,
    DEFAULT_FOLLOWER_WRITE_TIMEOUT, DEFAULT_HISTORY_BYTES, DEFAULT_MAX_FOLLOWERS,
    DEFAULT_MAX_ROOMS, DEFAULT_ROOM_IDLE_TIMEOUT, DEFAULT_ROOMS_PER_ADDRESS, RoomFlags, RoomLimits,
};
use session::Sessions;

/// How long [`Server::shutdown`] waits for open sessions to close before it
/// stops waiting. Sessions are told at once; this only bounds the wait.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Folder holding the built web app (made by `cargo xtask build-web`).
    pub site: PathBuf,
    /// Folder holding the lesson files.
    pub lessons: PathBuf,
    /// What one client may cost.
    pub limits: Limits,
    /// What classroom rooms may cost.
    pub rooms: RoomLimits,
}

impl Config {
    /// Listen on `addr` and serve the app in `site`, with lessons from
    /// `lessons/` and the default [`Limits`].
    pub fn new(addr: SocketAddr, site: impl Into<PathBuf>) -> Config {
        Config {
            addr,
            site: site.into(),
            lessons: PathBuf::from("lessons"),
            limits: Limits::default(),
            rooms: RoomLimits::default(),
        }
    }
}

/// A running server. Dropping it asks it to shut down without waiting.
pub struct Server {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    serve: Option<tokio::task::JoinHandle<io::Result<()>>>,
    sessions: Sessions,
    rooms: Rooms,
}

impl Server {
    /// The address it listens on (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Number of sessions open right now (each owns one engine thread).
    pub fn open_sessions(&self) -> usize {
        self.sessions.open()
    }

    /// Classroom rooms open right now.
    pub fn open_rooms(&self) -> usize {
        self.rooms.live()
    }

    /// Wait until the server stops (after [`Server::shutdown`] from elsewhere, or an error).
    pub async fn wait(mut self) -> io::Result<()> {
        match self.serve.take() {
            Some(task) => task
                .await
                .unwrap_or_else(|error| Err(io::Error::other(error))),
            None => Ok(()),
        }
    }

    /// Stop accepting connections, close every session with code 1001, and
    /// wait (at most [`SHUTDOWN_GRACE`] for sessions) until all are gone.
    pub async fn shutdown(mut self) -> io::Result<()> {
        self.stop.send_replace(true);
        let served = match self.serve.take() {
            Some(task) => task
                .await
                .unwrap_or_else(|error| Err(io::Error::other(error))),
            None => Ok(()),
        };
        if !self.sessions.wait_all_ended(SHUTDOWN_GRACE).await {
            tracing::warn!("some sessions were still open {SHUTDOWN_GRACE:?} after shutdown");
        }
        served
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// Load the site and lessons, bind, and start serving in the background.
///
/// # Errors
/// A message for a person: no built app at `config.site`, a broken lesson,
/// or an address that cannot be bound.
pub async fn start(config: Config) -> Result<Server, String> {
    let site = site::service(&config.site)?;
    let lessons = Lessons::load(&config.lessons)?;
    let (stop, stopped) = watch::channel(false);
    let sessions = Sessions::new(config.limits.clone(), stopped.clone());
    let rooms = Rooms::new(config.rooms.clone(), sessions.clone(), stopped.clone());
    rooms.spawn_janitor();

    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/ws", get(session::upgrade).with_state(sessions.clone()))
        .merge(rooms.router())
        .merge(api::router(
            api::TraceCache::new(config.limits.max_records),
            lessons,
        ))
        .fallback_service(site)
        .layer(TraceLayer::new_for_http());

    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|error| {
            format!(
                "cannot listen on {}: {error} (choose another with --port or --bind)",
                config.addr
            )
        })?;
    let addr = listener.local_addr().map_err(|error| error.to_string())?;
    // Answers are written in one flush but may span several TCP segments;
    // with Nagle's algorithm the second waits for the client's delayed ACK
    // (~40 ms on Linux). Stepping is interactive, so send at once.
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!("cannot set TCP_NODELAY: {error}");
        }
    });
    let mut stopped = stopped;
    let serve = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        })
        .await
    });
    tracing::info!("listening on http://{addr}/");
    Ok(Server {
        addr,
        stop,
        serve: Some(serve),
        sessions,
        rooms,
    })
}
