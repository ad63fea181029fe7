//! Reactor Lab's server: the web app, the JSON API and one engine per browser
//! session. A library so the end-to-end tests can start it in-process.
//!
//! ```text
//!                       ┌──────────────────────── reactor-lab ───────────────────────┐
//!  browser ──HTTP──▶    │ accept loop  caps, header-read timeout, write deadline     │
//!                       │ /            site: the built app, precompressed, cached    │
//!                       │ /api/...     scenarios, traces, engine source, lessons     │
//!          ══WS════▶    │ /ws          session ──channels──▶ engine thread ─▶ LabRun │
//!                       │ POST /api/run  a playground program, compiled and run      │
//!                       │ /rooms/…/ws  classroom rooms: a presenter and followers    │
//!                       │ /healthz     "ok"                                          │
//!                       └────────────────────────────────────────────────────────────┘
//! ```
//!
//! Every request passes, outermost first: tracing; the origin check on
//! WebSocket upgrades ([`origin`](crate::origin)); JSON errors under `/api`;
//! then its route. The accept loop below the router (`http`) bounds
//! connections before a request is read.
//!
//! [`export_static`] writes the app, its lessons and built-in scenarios as
//! files a static host serves instead (`reactor-lab export-static`).
//!
//! Start it with [`start`], which binds and serves in the background; stop it
//! with [`Server::shutdown`] (dropping a [`Server`] also asks it to stop). The
//! WebSocket contract is in `docs/protocol.md`; the limits in [`Limits`],
//! [`RoomLimits`] and [`ProgramLimits`].

mod api;
mod export;
mod http;
mod lessons;
mod limits;
mod origin;
mod peer;
mod programs;
mod rooms;
mod session;
mod site;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware;
use axum::routing::get;
use tokio::sync::watch;
use tower_http::trace::TraceLayer;

pub use export::{Exported, export_static};
pub use lessons::Lessons;
pub use limits::{
    DEFAULT_CONNECTIONS_PER_ADDRESS, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_RECORDS, DEFAULT_MAX_SESSIONS,
    DEFAULT_SESSIONS_PER_ADDRESS, DEFAULT_WRITE_TIMEOUT, DEFAULT_WS_BUFFER_BYTES, Limits,
};

use http::Connections;
use origin::Origins;
use programs::Programs;
pub use programs::{
    DEFAULT_MAX_CONCURRENT_RUNS, DEFAULT_MAX_RUN_BODY_BYTES, DEFAULT_MAX_RUN_TIME,
    DEFAULT_MAX_WAITING_RUNS, DEFAULT_RUN_WAIT_TIMEOUT, ENGINE_STACK_BYTES, ProgramFlags,
    ProgramLimits,
};
use rooms::Rooms;
pub use rooms::{
    CLOSE_ENDED, CLOSE_RATE_LIMITED, CLOSE_REPLACED, CLOSE_UNKNOWN_ROOM, CLOSE_WRONG_KEY,
    DEFAULT_CODE_GUESS_WINDOW, DEFAULT_CODE_GUESSES, DEFAULT_FOLLOWER_BYTES,
    DEFAULT_FOLLOWER_QUEUE, DEFAULT_FOLLOWER_WRITE_TIMEOUT, DEFAULT_FOLLOWERS_PER_ADDRESS,
    DEFAULT_HISTORY_BYTES, DEFAULT_KEY_GUESS_WINDOW, DEFAULT_KEY_GUESSES, DEFAULT_MAX_FOLLOWERS,
    DEFAULT_MAX_LECTURE_BYTES, DEFAULT_MAX_LECTURE_MOVES, DEFAULT_MAX_POLLS_PER_ROOM,
    DEFAULT_MAX_ROOMS, DEFAULT_NATS_MAX_BYTES, DEFAULT_NATS_OUTAGE,
    DEFAULT_POLL_ANSWERS_PER_ADDRESS, DEFAULT_POLL_ANSWERS_PER_SECOND, DEFAULT_ROOM_EMPTY_TIMEOUT,
    DEFAULT_ROOM_IDLE_TIMEOUT, DEFAULT_ROOM_LIFETIME, DEFAULT_ROOMS_PER_ADDRESS, NatsConfig,
    RoomFlags, RoomLimits,
};
use session::Sessions;

/// How long [`Server::shutdown`] waits for open HTTP connections to finish
/// their requests, and then for open sessions to close, before it stops
/// waiting. Both are told at once; this only bounds the wait.
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
    /// What playground programs may cost.
    pub programs: ProgramLimits,
    /// NATS, to share classroom rooms with other servers (`--nats`); `None`
    /// keeps every room in this process.
    pub nats: Option<NatsConfig>,
    /// Origins besides the server's own whose pages may open WebSockets
    /// (`--allow-origin`): `https://host[:port]`, `null`, or `*` for any.
    pub allowed_origins: Vec<String>,
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
            programs: ProgramLimits::default(),
            nats: None,
            allowed_origins: Vec::new(),
        }
    }
}

/// A running server. Dropping it asks it to shut down without waiting.
pub struct Server {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    serve: Option<tokio::task::JoinHandle<()>>,
    sessions: Sessions,
    connections: Arc<Connections>,
    rooms: Rooms,
    programs: Arc<Programs>,
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

    /// HTTP connections open right now (upgraded WebSockets not counted).
    pub fn open_connections(&self) -> usize {
        self.connections.open()
    }

    /// Classroom rooms open right now.
    pub fn open_rooms(&self) -> usize {
        self.rooms.live()
    }

    /// Playground programs compiling or running right now, or waiting for
    /// a turn to ([`ProgramLimits::max_concurrent`], [`ProgramLimits::max_waiting`]).
    pub fn program_runs(&self) -> usize {
        self.programs.gate.taken()
    }

    /// Wait until the server stops (after [`Server::shutdown`] from elsewhere, or an error).
    pub async fn wait(mut self) -> io::Result<()> {
        match self.serve.take() {
            Some(task) => task.await.map_err(io::Error::other),
            None => Ok(()),
        }
    }

    /// Stop accepting connections, close every session with code 1001, and
    /// wait (at most [`SHUTDOWN_GRACE`] for sessions) until all are gone.
    pub async fn shutdown(mut self) -> io::Result<()> {
        self.stop.send_replace(true);
        let served = match self.serve.take() {
            Some(task) => task.await.map_err(io::Error::other),
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
/// an `--allow-origin` that is not an origin, or an address that cannot be
/// bound.
pub async fn start(config: Config) -> Result<Server, String> {
    let site = site::service(&config.site)?;
    let lessons = Lessons::load(&config.lessons)?;
    let origins = Origins::new(&config.allowed_origins)?;
    let (stop, stopped) = watch::channel(false);
    let programs = Arc::new(Programs::new(
        config.programs.clone(),
        config.limits.max_records,
        config.limits.header_read_timeout,
    ));
    let sessions = Sessions::new(
        config.limits.clone(),
        config.rooms.max_rooms,
        Arc::clone(&programs),
        stopped.clone(),
    );
    let bus = match &config.nats {
        Some(nats) => Some(rooms::Bus::connect(nats, &config.rooms).await?),
        None => None,
    };
    let rooms = Rooms::new(config.rooms.clone(), sessions.clone(), stopped.clone(), bus);
    rooms.spawn_janitor();

    let routes = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/ws", get(session::upgrade).with_state(sessions.clone()))
        .merge(rooms.router())
        .merge(api::router(
            api::TraceCache::new(config.limits.max_records),
            lessons,
            Arc::clone(&programs),
        ))
        .fallback_service(site);
    // Layered around the whole router rather than each route, so they see
    // its final answers (a 405 with its `Allow` header, say).
    let app = Router::new()
        .fallback_service(routes)
        .layer(middleware::from_fn(api::json_errors))
        .layer(middleware::from_fn_with_state(origins, origin::check))
        .layer(TraceLayer::new_for_http());

    let listener = http::listen(config.addr).map_err(|error| {
        format!(
            "cannot listen on {}: {error} (choose another with --port or --bind)",
            config.addr
        )
    })?;
    let addr = listener.local_addr().map_err(|error| error.to_string())?;
    let limits = config.limits;
    let connections = Connections::new(limits.max_connections, limits.connections_per_address);
    let serve = tokio::spawn({
        let connections = Arc::clone(&connections);
        async move { http::serve(listener, app, &limits, connections, stopped).await }
    });
    tracing::info!("listening on http://{addr}/");
    Ok(Server {
        addr,
        stop,
        serve: Some(serve),
        sessions,
        connections,
        rooms,
        programs,
    })
}
