//! `reactor-lab`: serve the app, or (`reactor-lab export-static OUT`) write
//! it as a static site. See the crate docs of `reactor_server`.
//!
//! Logs go to stderr through `tracing`; set `RUST_LOG` (for example
//! `RUST_LOG=reactor_server=debug,tower_http=debug`) to see more.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use reactor_server::{
    DEFAULT_CONNECTIONS_PER_ADDRESS, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_RECORDS, DEFAULT_MAX_SESSIONS,
    DEFAULT_SESSIONS_PER_ADDRESS, DEFAULT_WRITE_TIMEOUT, DEFAULT_WS_BUFFER_BYTES, Limits,
};
use tracing_subscriber::EnvFilter;

/// Command-line options.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Serve the app (no command), or another task.
    #[command(subcommand)]
    command: Option<Task>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port to listen on; 0 picks a free one (the real URL is printed).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Folder holding the built web app (made by `cargo xtask build-web`).
    #[arg(long, default_value = "target/site", global = true)]
    site: PathBuf,
    /// Folder holding the lesson files.
    #[arg(long, default_value = "lessons", global = true)]
    lessons: PathBuf,
    /// Most WebSocket sessions (engines) open at once. Classroom presenters
    /// also have a seat of their own each (as many as --max-rooms).
    #[arg(long, default_value_t = DEFAULT_MAX_SESSIONS)]
    max_sessions: usize,
    /// Most WebSocket sessions open at once from one client address (an
    /// IPv6 /64 counts as one). Presenters are not counted.
    #[arg(long, default_value_t = DEFAULT_SESSIONS_PER_ADDRESS)]
    sessions_per_address: usize,
    /// Records one engine may produce before it stops with an error record.
    #[arg(long, default_value_t = DEFAULT_MAX_RECORDS)]
    max_records: u64,
    /// Seconds a session may go without a valid command before it is closed.
    #[arg(long, default_value_t = DEFAULT_IDLE_TIMEOUT.as_secs())]
    idle_timeout_secs: u64,
    /// Seconds a write to a client may take before the client counts as not
    /// reading: a session is closed (1008), an HTTP connection dropped.
    #[arg(long, default_value_t = DEFAULT_WRITE_TIMEOUT.as_secs())]
    write_timeout_secs: u64,
    /// Largest WebSocket message a client may send, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_MESSAGE_BYTES)]
    max_message_bytes: usize,
    /// Read and write buffer of each WebSocket, in bytes.
    #[arg(long, default_value_t = DEFAULT_WS_BUFFER_BYTES)]
    ws_buffer_bytes: usize,
    /// Most HTTP connections open at once (WebSockets are counted by the
    /// session and room caps instead). Past it the connection idle longest
    /// is closed, or the new one if none is idle.
    #[arg(long, default_value_t = DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// Most HTTP connections open at once from one client address.
    #[arg(long, default_value_t = DEFAULT_CONNECTIONS_PER_ADDRESS)]
    connections_per_address: usize,
    /// Seconds a connection may take to send a request's headers (also how
    /// long an idle keep-alive connection is kept).
    #[arg(long, default_value_t = DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
    header_read_timeout_secs: u64,
    /// Another origin whose pages may open WebSockets here, such as
    /// `https://lab.example.org` (repeat for more; `*` allows any). By
    /// default only pages served by this server may (same origin).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<String>,
    /// NATS (with JetStream) to share classroom rooms with every other
    /// reactor-lab given the same URL, such as `nats://127.0.0.1:4222`: a
    /// class may then join on any of them. Without it, rooms live in this
    /// process (see docs/scaling.md).
    #[arg(long, value_name = "URL")]
    nats: Option<String>,
    /// Seconds NATS may be unreachable before the shared rooms end, saying why.
    #[arg(long, default_value_t = reactor_server::DEFAULT_NATS_OUTAGE.as_secs())]
    nats_outage_secs: u64,
    /// Most bytes of room frames NATS keeps, over all rooms.
    #[arg(long, default_value_t = reactor_server::DEFAULT_NATS_MAX_BYTES)]
    nats_max_bytes: u64,
    /// Classroom room limits.
    #[command(flatten)]
    rooms: reactor_server::RoomFlags,
    /// Playground program limits.
    #[command(flatten)]
    programs: reactor_server::ProgramFlags,
}

/// What `reactor-lab` does instead of serving.
#[derive(Subcommand, Debug)]
enum Task {
    /// Write the app, its lessons and its built-in scenarios into OUT as a
    /// static site, which any static host serves with no reactor-lab
    /// running (classroom rooms, the playground and other seeds need one).
    /// `cargo xtask export-static OUT` builds the app first and adds
    /// compressed copies.
    ExportStatic {
        /// The folder to write: created if missing; an earlier export
        /// there is replaced.
        out: PathBuf,
    },
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let args = Args::parse();
    if let Some(Task::ExportStatic { out }) = &args.command {
        match reactor_server::export_static(&args.site, &args.lessons, out) {
            Ok(written) => println!(
                "Reactor Lab exported to {}: {} files, {} bytes",
                out.display(),
                written.files,
                written.bytes
            ),
            Err(message) => {
                eprintln!("reactor-lab: {message}");
                std::process::exit(1);
            }
        }
        return;
    }
    raise_open_file_limit();
    let limits = Limits {
        max_sessions: args.max_sessions,
        sessions_per_address: args.sessions_per_address,
        max_records: args.max_records,
        idle_timeout: Duration::from_secs(args.idle_timeout_secs),
        write_timeout: Duration::from_secs(args.write_timeout_secs),
        max_message_bytes: args.max_message_bytes,
        ws_buffer_bytes: args.ws_buffer_bytes,
        max_connections: args.max_connections,
        connections_per_address: args.connections_per_address,
        header_read_timeout: Duration::from_secs(args.header_read_timeout_secs),
    };
    let config = reactor_server::Config {
        limits,
        lessons: args.lessons,
        rooms: args.rooms.limits(),
        programs: args.programs.limits(),
        allowed_origins: args.allow_origins,
        nats: args.nats.map(|url| reactor_server::NatsConfig {
            url,
            outage: Duration::from_secs(args.nats_outage_secs),
            max_bytes: args.nats_max_bytes,
        }),
        ..reactor_server::Config::new(SocketAddr::new(args.bind, args.port), args.site)
    };
    let server = match reactor_server::start(config).await {
        Ok(server) => server,
        Err(message) => {
            eprintln!("reactor-lab: {message}");
            std::process::exit(1);
        }
    };
    println!("Reactor Lab is running at http://{}/", server.addr());

    stop_requested().await;
    tracing::info!("shutting down: closing sessions");
    if let Err(error) = server.shutdown().await {
        eprintln!("reactor-lab: {error}");
        std::process::exit(1);
    }
}

/// Raise the soft open-file limit to the hard one: every connection, and
/// every session's engine, holds descriptors. Failing only costs headroom.
fn raise_open_file_limit() {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => tracing::info!("open-file limit: {limit}"),
        Err(error) => tracing::warn!("cannot raise the open-file limit: {error}"),
    }
}

/// Resolve on Ctrl-C or SIGTERM (what `docker stop` and systemd send).
async fn stop_requested() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!("cannot listen for SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
