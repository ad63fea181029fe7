//! A static export (`reactor_server::export_static`) in a temporary folder,
//! served as a CDN would serve it: tower-http's `ServeDir` alone in a bare
//! axum app, with no fallback and no reactor-lab code. A path with no file
//! behind it is a 404; nothing runs the engine.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use axum::Router;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;

use crate::server::site_dir;

/// The built app exported into a temporary folder, and a plain static file
/// server on an ephemeral loopback port in front of it.
pub struct StaticSite {
    dir: PathBuf,
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    serve: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl StaticSite {
    /// Export the built app ([`site_dir`]) and the workspace's lessons into a
    /// fresh temporary folder named after `name`, and serve it.
    pub async fn export_and_serve(name: &str) -> Result<StaticSite> {
        let dir =
            std::env::temp_dir().join(format!("reactor-lab-static-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
        reactor_server::export_static(&site_dir()?, &lessons, &dir).map_err(anyhow::Error::msg)?;
        // Every request goes to the folder; `ServeDir` has no fallback.
        let files = ServeDir::new(&dir).precompressed_br().precompressed_gzip();
        let app = Router::new().fallback_service(files);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel();
        let serve = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(StaticSite {
            dir,
            addr,
            stop,
            serve,
        })
    }

    /// The exported folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop serving, wait for the server, and remove the folder.
    pub async fn shutdown(self) -> Result<()> {
        let _ = self.stop.send(());
        let served = self.serve.await.context("the static file server")?;
        std::fs::remove_dir_all(&self.dir)
            .with_context(|| format!("removing {}", self.dir.display()))?;
        Ok(served?)
    }
}
