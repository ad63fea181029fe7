//! Start the real `reactor-lab` server inside the test process.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

/// A server listening on an ephemeral loopback port.
pub struct TestServer {
    server: reactor_server::Server,
}

impl TestServer {
    /// Start with the built web app (see [`site_dir`]) and default limits.
    pub async fn start() -> Result<TestServer> {
        Self::start_with(|_| {}).await
    }

    /// Start after letting `adjust` change the configuration (limits, say).
    pub async fn start_with(
        adjust: impl FnOnce(&mut reactor_server::Config),
    ) -> Result<TestServer> {
        let mut config =
            reactor_server::Config::new(SocketAddr::from(([127, 0, 0, 1], 0)), site_dir()?);
        config.lessons = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../lessons");
        adjust(&mut config);
        let server = reactor_server::start(config)
            .await
            .map_err(anyhow::Error::msg)?;
        Ok(TestServer { server })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn http_url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// `ws://127.0.0.1:PORT`, without a trailing slash.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.server.addr())
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The running server, to read its state (such as its open sessions).
    pub fn server(&self) -> &reactor_server::Server {
        &self.server
    }

    /// Shut the server down gracefully and wait for it (dropping only asks).
    pub async fn shutdown(self) -> Result<()> {
        self.server.shutdown().await.context("server shutdown")
    }
}

/// The built web app: `$REACTOR_LAB_SITE` (set by `cargo xtask test`), else
/// `target/site` in the workspace.
pub fn site_dir() -> Result<PathBuf> {
    let dir = match std::env::var_os("REACTOR_LAB_SITE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site"),
    };
    if !dir.join("index.html").is_file() {
        bail!(
            "no built web app at {}: run the tests with `cargo xtask test` (or `cargo xtask build-web` first)",
            dir.display()
        );
    }
    dir.canonicalize().context("site dir")
}
