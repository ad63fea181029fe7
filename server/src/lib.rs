//! Reactor Lab's server, as a library so the end-to-end tests can start it in-process.
//! PLACEHOLDER skeleton (issue 2); issue 4 makes it real.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::services::{ServeDir, ServeFile};

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Folder holding the built web app.
    pub site: PathBuf,
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// The address it listens on (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// Wait until the server stops.
    pub async fn wait(self) -> std::io::Result<()> {
        self.task
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

/// Bind and start serving in the background.
pub async fn start(config: Config) -> Result<Server, String> {
    let index = config.site.join("index.html");
    if !index.is_file() {
        return Err(format!(
            "no web app at {} (build it with `cargo xtask build-web`, or pass --site)",
            index.display()
        ));
    }
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/ws", get(ws))
        .fallback_service(ServeDir::new(&config.site).fallback(ServeFile::new(index)));
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| {
            format!(
                "cannot listen on {}: {e} (choose another with --port or --bind)",
                config.addr
            )
        })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Server { addr, task })
}

async fn ws(upgrade: WebSocketUpgrade) -> impl IntoResponse {
    upgrade.on_upgrade(|mut socket: WebSocket| async move {
        let hello = r#"{"type":"hello"}"#;
        if socket.send(Message::Text(hello.into())).await.is_err() {
            return;
        }
        while let Some(Ok(_)) = socket.recv().await {}
    })
}
