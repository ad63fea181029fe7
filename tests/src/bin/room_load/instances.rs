//! The processes `room_load` measures: one `reactor-lab` or, with
//! `--instances N` (N ≥ 2), N of them sharing their rooms through a
//! `nats-server` with JetStream. Each is a child process of its own, so its
//! CPU time and memory can be read alone from `/proc/<pid>`.
//!
//! ```text
//!  Cluster ─┬ servers[0] reactor-lab --port 0 [--nats URL]   (the presenter's)
//!           ├ servers[1] reactor-lab --port 0 --nats URL
//!           ├ …
//!           └ nats: nats-server -js -a 127.0.0.1 -p PORT -sd STORE   (N ≥ 2 only)
//! ```
//!
//! Every process is killed when its guard drops, also when the measurement
//! fails half-way: the servers first, then NATS, then the temporary folders.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Milliseconds per clock tick in `/proc/<pid>/stat` (`USER_HZ` is 100 on Linux).
const TICK_MS: u64 = 10;
/// How long `nats-server` may take to listen.
const NATS_START: Duration = Duration::from_secs(5);

/// The servers (and, with several, their NATS), killed on drop.
///
/// Fields drop in order: the servers go before the NATS they use.
pub struct Cluster {
    /// `reactor-lab` processes; the room is created on the first.
    pub servers: Vec<Server>,
    /// The `nats-server`, when there is more than one server.
    pub nats: Option<Nats>,
    _site: TempDir,
}

impl Cluster {
    /// Start `instances` servers (`binary`, else `reactor-lab` next to this
    /// tool), each allowing `followers` in a room and from one address, and
    /// with `instances` ≥ 2 a `nats-server` (`nats_binary`) they share through.
    pub async fn start(
        binary: Option<PathBuf>,
        nats_binary: &Path,
        instances: usize,
        followers: usize,
    ) -> Result<Cluster> {
        let binary = match binary {
            Some(binary) => binary,
            None => std::env::current_exe()?.with_file_name("reactor-lab"),
        };
        let site = TempDir::new("site")?;
        std::fs::write(
            site.0.join("index.html"),
            "<!doctype html><title>Reactor Lab</title>",
        )?;
        std::fs::create_dir_all(site.0.join("lessons"))?;
        let nats = match instances {
            0 => bail!("--instances must be at least 1"),
            1 => None,
            _ => Some(Nats::start(nats_binary).await?),
        };
        let url = nats.as_ref().map(|nats| nats.url.as_str());
        let mut servers = Vec::with_capacity(instances);
        for _ in 0..instances {
            servers.push(Server::spawn(&binary, &site.0, followers, url).await?);
        }
        Ok(Cluster {
            servers,
            nats,
            _site: site,
        })
    }
}

/// A `reactor-lab` process started for the measurement, killed on drop.
pub struct Server {
    _child: tokio::process::Child,
    /// Its process id, for `/proc`.
    pub pid: u32,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Server {
    async fn spawn(
        binary: &Path,
        site: &Path,
        followers: usize,
        nats: Option<&str>,
    ) -> Result<Server> {
        let mut command = tokio::process::Command::new(binary);
        command
            .args(["--port", "0", "--max-followers"])
            .arg(followers.to_string())
            // Every follower comes from 127.0.0.1: one address's share is all of them.
            .arg("--followers-per-address")
            .arg(followers.to_string())
            .arg("--site")
            .arg(site)
            .arg("--lessons")
            .arg(site.join("lessons"));
        if let Some(url) = nats {
            command.args(["--nats", url]);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| {
                format!(
                    "starting {} (build it: cargo build --release -p reactor-server)",
                    binary.display()
                )
            })?;
        let pid = child.id().context("the server exited at once")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(reactor_e2e::PATIENCE, lines.next_line())
            .await
            .context("the server printed no address")??
            .context("the server exited")?;
        let addr = line
            .rsplit("http://")
            .next()
            .map(|rest| rest.trim_end_matches('/'))
            .and_then(|addr| addr.parse().ok())
            .with_context(|| format!("no address in {line:?}"))?;
        Ok(Server {
            _child: child,
            pid,
            addr,
        })
    }
}

/// A `nats-server` with JetStream on a free loopback port and a store in
/// a temporary folder, killed on drop. Its log goes to `nats.log` there.
pub struct Nats {
    child: std::process::Child,
    /// `nats://127.0.0.1:PORT`.
    pub url: String,
    store: TempDir,
}

impl Nats {
    async fn start(binary: &Path) -> Result<Nats> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let store = TempDir::new("nats")?;
        let log = std::fs::File::create(store.0.join("nats.log"))?;
        let child = std::process::Command::new(binary)
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(store.0.join("jetstream"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .with_context(|| {
                format!(
                    "starting {} (apt-get install nats-server)",
                    binary.display()
                )
            })?;
        let mut nats = Nats {
            child,
            url: format!("nats://127.0.0.1:{port}"),
            store,
        };
        // Ready when it accepts a connection: a few milliseconds.
        let deadline = tokio::time::Instant::now() + NATS_START;
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if let Some(status) = nats.child.try_wait()? {
                bail!("nats-server exited at start ({status}): {}", nats.log());
            }
            if tokio::time::Instant::now() > deadline {
                bail!("nats-server did not listen on port {port}: {}", nats.log());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(nats)
    }

    /// Its process id, for `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The end of its log, for an error message.
    fn log(&self) -> String {
        let log = std::fs::read_to_string(self.store.0.join("nats.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(5)..].join(" / ")
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time process `pid` has used (user + system), from `/proc/<pid>/stat`,
/// in milliseconds (the kernel counts in ticks of 10 ms on Linux).
pub fn cpu_ms(pid: u32) -> Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("process {pid} has exited"))?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .context("no command")?
        .1
        .split_whitespace()
        .collect();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|f| f.parse::<u64>().ok())
            .context("no CPU times")
    };
    Ok((ticks(11)? + ticks(12)?) * TICK_MS)
}

/// Process `pid`'s resident set size, from `/proc/<pid>/status`.
pub fn rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("process {pid} has exited"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS line")
}

/// A temporary folder, deleted on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Result<TempDir> {
        let dir = std::env::temp_dir().join(format!("room-load-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
