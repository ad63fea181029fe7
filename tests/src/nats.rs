//! Rooms across servers, for real: a `nats-server` with JetStream on a
//! loopback port, and `reactor-lab` instances that can be killed.
//!
//! ```text
//!  test ──ws──▶ Instance A ─┐                  ┌─ Instance B ◀──ws── test
//!               (own runtime)└─▶ nats-server ◀─┘ (own runtime: kill = drop it)
//! ```
//!
//! An [`Instance`] runs on a thread with a Tokio runtime of its own, so
//! [`Instance::kill`] can drop everything it runs at once — tasks, sockets
//! and NATS connection, with no goodbye — the way a crashed process goes.
//! [`Nats`] is a child process; it is stopped when dropped, also when the
//! test fails.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use reactor_server::NatsConfig;

use crate::server::site_dir;

/// A `nats-server` with JetStream, for one test.
pub struct Nats {
    child: Option<Child>,
    port: u16,
    store: PathBuf,
}

impl Nats {
    /// Start `$NATS_SERVER` (set by `cargo xtask test`), else `nats-server`
    /// from `PATH`, on a free loopback port with a store of its own.
    ///
    /// The port is free when picked, but a test running beside this one
    /// may bind it before `nats-server` does; then the server exits at
    /// start, and it is tried again on another port.
    pub fn start() -> Result<Nats> {
        let mut attempts = 0;
        loop {
            let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
            let store = std::env::temp_dir().join(format!("reactor-lab-nats-{port}"));
            let _ = std::fs::remove_dir_all(&store);
            let mut nats = Nats {
                child: None,
                port,
                store,
            };
            match nats.spawn() {
                Ok(()) => return Ok(nats),
                Err(error) if attempts < 3 => {
                    attempts += 1;
                    eprintln!("nats-server on port {port}: {error:#}; another port");
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Kill the server (at once, as a crash would).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Kill the server and start it again on the same port and store.
    pub fn restart(&mut self) -> Result<()> {
        self.stop();
        self.spawn()
    }

    fn spawn(&mut self) -> Result<()> {
        let binary = std::env::var_os("NATS_SERVER").unwrap_or_else(|| "nats-server".into());
        let child = Command::new(&binary)
            .args([
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-sd",
            ])
            .arg(&self.store)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| {
                format!(
                    "cannot run {} (install Debian's nats-server, or run `cargo xtask test`)",
                    binary.to_string_lossy()
                )
            })?;
        self.child = Some(child);
        // Ready when it greets a connection with its `INFO` line; it takes a
        // few milliseconds. A bare accepted connection proves nothing: it
        // may be another test's listener that took the port, or the socket
        // connected to itself (its ephemeral port can be this very port).
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        for _ in 0..500 {
            if greets_as_nats(&address) {
                return Ok(());
            }
            if let Some(child) = &mut self.child
                && let Some(status) = child.try_wait()?
            {
                bail!("nats-server exited at start: {status}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        bail!("nats-server did not listen on port {}", self.port)
    }
}

/// Whether whoever listens at `address` sends a NATS `INFO` line first.
fn greets_as_nats(address: &SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(address, Duration::from_millis(100)) else {
        return false;
    };
    let mut greeting = [0; 4];
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .is_ok()
        && stream.read_exact(&mut greeting).is_ok()
        && &greeting == b"INFO"
}

impl Drop for Nats {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.store);
    }
}

/// A `reactor-lab` sharing its rooms over NATS, on a runtime of its own.
pub struct Instance {
    addr: SocketAddr,
    kill: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Instance {
    /// Start one on a free loopback port, sharing rooms over `nats`.
    pub fn start(nats: &NatsConfig) -> Result<Instance> {
        Instance::start_with(nats, |_| {})
    }

    /// [`Instance::start`] after letting `adjust` change the configuration.
    pub fn start_with(
        nats: &NatsConfig,
        adjust: impl FnOnce(&mut reactor_server::Config),
    ) -> Result<Instance> {
        let mut config =
            reactor_server::Config::new(SocketAddr::from(([127, 0, 0, 1], 0)), site_dir()?);
        config.lessons = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../lessons");
        config.nats = Some(nats.clone());
        adjust(&mut config);
        let (started, start) = mpsc::channel();
        let (kill, killed) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => {
                    let _ = started.send(Err(error.to_string()));
                    return;
                }
            };
            let server = runtime.block_on(reactor_server::start(config));
            let server = match server {
                Ok(server) => {
                    let _ = started.send(Ok(server.addr()));
                    server
                }
                Err(error) => {
                    let _ = started.send(Err(error));
                    return;
                }
            };
            // Until killed (or the test drops it): then everything at once.
            let _ = killed.recv();
            runtime.shutdown_background();
            drop(server);
        });
        let addr = start
            .recv()
            .context("the instance's thread")?
            .map_err(anyhow::Error::msg)?;
        Ok(Instance {
            addr,
            kill: Some(kill),
            thread: Some(thread),
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Kill it: every task, socket and connection dropped at once.
    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(kill) = self.kill.take() {
            let _ = kill.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.stop();
    }
}
