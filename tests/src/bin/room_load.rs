//! `room_load`: one presenter and many followers on loopback, to measure how
//! fast a classroom room fans out and what an idle follower costs the server.
//!
//! ```text
//!  room_load ──spawns──▶ reactor-lab (its own process: its RSS is what we read)
//!     │ presenter: load tcp_read, then `step` × N (+ a `view` after each, as the app does)
//!     └ followers × F: stamp the arrival of every step's `snapshot`
//!  latency = follower receives the snapshot − presenter sent the `step`
//!  RSS per idle follower = (VmRSS with F joined − VmRSS before) / F
//! ```
//!
//! Run it against a release server:
//!
//! ```text
//! cargo build --release -p reactor-server
//! cargo run --release -p reactor-e2e --bin room_load -- --followers 1000 --steps 200
//! cargo run --release -p reactor-e2e --bin room_load -- --followers 1000 --steps 200 --pace-ms 62
//! cargo run --release -p reactor-e2e --bin room_load -- --followers 1000 --poll
//! ```
//!
//! `--poll` asks the followers a question instead of stepping, and measures
//! how soon the presenter's tally counts every answer ([`poll`]).

#[path = "room_load/poll.rs"]
mod poll;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use clap::Parser;
use futures_util::StreamExt;
use reactor_e2e::rooms::{RoomSocket, create_room};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_tungstenite::tungstenite::Message;

/// File descriptors the tool asks for: two per follower (its end and, in the
/// server process that inherits the limit, the server's end) plus slack.
const FDS_PER_FOLLOWER: u64 = 2;
/// Followers connecting at once: well under the listener's backlog (1,024).
const CONNECT_BATCH: usize = 100;
/// Milliseconds per clock tick in `/proc/<pid>/stat` (`USER_HZ` is 100 on Linux).
const TICK_MS: u64 = 10;
/// The `view` step the presenter sends last, telling followers to stop.
const FINAL_VIEW: u64 = u64::MAX / 2;

/// Command-line options.
#[derive(Parser, Debug)]
#[command(about = "Measure classroom fan-out latency and memory per follower")]
struct Args {
    /// Followers to connect.
    #[arg(long, default_value_t = 1000)]
    followers: usize,
    /// Steps the presenter takes (restarting the scenario when it ends).
    #[arg(long, default_value_t = 200)]
    steps: usize,
    /// Milliseconds between two steps; 0 steps again as soon as the presenter
    /// has its answer (far faster than a person: a saturated pipeline). The
    /// app's fastest play speed is 16 records a second, about 62 ms.
    #[arg(long, default_value_t = 0)]
    pace_ms: u64,
    /// Ask a poll instead of stepping: every follower answers once, spread
    /// over --answer-spread-ms, and the presenter's tally is timed.
    #[arg(long)]
    poll: bool,
    /// Milliseconds the followers' answers are spread over (with --poll).
    #[arg(long, default_value_t = 1000)]
    answer_spread_ms: u64,
    /// The server binary (default: `reactor-lab` next to this tool).
    #[arg(long)]
    server: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let wanted = FDS_PER_FOLLOWER * args.followers as u64 + 256;
    let fds = rlimit::increase_nofile_limit(wanted).context("raising the open-file limit")?;
    ensure!(
        fds >= wanted,
        "only {fds} open files allowed, {wanted} needed: raise `ulimit -Hn`"
    );

    let server = Server::spawn(args.server.clone(), args.followers).await?;
    let room = create_room(server.addr).await?;
    let mut presenter = RoomSocket::presenter(server.addr, &room).await?;
    presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;

    let before = server.rss_kib()?;
    let mut followers = Vec::with_capacity(args.followers);
    while followers.len() < args.followers {
        let batch = (args.followers - followers.len()).min(CONNECT_BATCH);
        let joins = (0..batch).map(|_| Follower::join(server.addr, &room.code));
        followers.extend(futures_util::future::try_join_all(joins).await?);
    }
    let after = server.rss_kib()?;
    let per_follower = (after.saturating_sub(before)) as f64 * 1024.0 / args.followers as f64;
    if args.poll {
        let cpu_before = server.cpu_ms()?;
        let spread = Duration::from_millis(args.answer_spread_ms);
        let run = poll::run(&mut presenter, followers, spread).await?;
        let cpu = server.cpu_ms()?.saturating_sub(cpu_before);
        run.print(args.followers);
        println!("server CPU over the poll  {cpu} ms");
        return Ok(());
    }

    let tasks: Vec<_> = followers
        .into_iter()
        .map(|f| tokio::spawn(f.stamp_snapshots()))
        .collect();
    let cpu_before = server.cpu_ms()?;
    let sent = present(
        &mut presenter,
        args.steps,
        Duration::from_millis(args.pace_ms),
    )
    .await?;
    let mut latencies = Vec::with_capacity(args.steps * tasks.len());
    let cpu_after = server.cpu_ms()?;
    for task in tasks {
        let arrivals = task.await??;
        ensure!(
            arrivals.len() == sent.len(),
            "a follower saw {} of {} steps",
            arrivals.len(),
            sent.len()
        );
        latencies.extend(
            arrivals
                .iter()
                .zip(&sent)
                .map(|(got, sent)| got.duration_since(*sent)),
        );
    }
    latencies.sort();
    let at = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    println!(
        "followers: {}   steps: {}   pace: {} ms   deliveries: {}",
        args.followers,
        args.steps,
        args.pace_ms,
        latencies.len()
    );
    println!(
        "latency  p50 {:.2} ms   p95 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
        ms(at(0.50)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(at(1.0))
    );
    println!(
        "server RSS  before {before} KiB   with followers {after} KiB   per idle follower {:.1} KiB",
        per_follower / 1024.0
    );
    let cpu = cpu_after.saturating_sub(cpu_before);
    println!(
        "server CPU while stepping  {cpu} ms   per delivered step {:.1} µs",
        cpu as f64 * 1000.0 / latencies.len() as f64
    );
    Ok(())
}

pub(crate) fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Step `steps` times, like the app: `step`, wait for the snapshot, `view`.
/// Returns when each step was sent.
async fn present(presenter: &mut RoomSocket, steps: usize, pace: Duration) -> Result<Vec<Instant>> {
    let mut sent = Vec::with_capacity(steps);
    let mut shown = 0usize;
    let mut metronome = (!pace.is_zero()).then(|| tokio::time::interval(pace));
    while sent.len() < steps {
        if let Some(metronome) = &mut metronome {
            metronome.tick().await;
        }
        sent.push(Instant::now());
        let answer = presenter.command(r#"{"cmd":"step"}"#).await?;
        shown += answer
            .iter()
            .filter(|raw| raw.starts_with(r#"{"type":"record""#))
            .count();
        presenter
            .send(&format!(r#"{{"cmd":"view","step":{shown}}}"#))
            .await?;
        if answer.last().is_some_and(|raw| raw == r#"{"type":"done"}"#) {
            presenter.command(r#"{"cmd":"reset"}"#).await?;
            shown = 0;
        }
    }
    presenter
        .send(&format!(r#"{{"cmd":"view","step":{FINAL_VIEW}}}"#))
        .await?;
    Ok(sent)
}

/// A follower socket, read with as little work as possible: only the start
/// of each frame is looked at.
struct Follower {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Follower {
    /// Connect and read the catch-up up to the scenario's first snapshot.
    async fn join(addr: std::net::SocketAddr, code: &str) -> Result<Follower> {
        let url = format!("ws://{addr}/rooms/{code}/ws");
        let (mut socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .context("joining")?;
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) if text.starts_with(r#"{"type":"snapshot""#) => break,
                Some(Ok(Message::Text(_) | Message::Ping(_) | Message::Pong(_))) => {}
                other => bail!("the catch-up ended with {other:?}"),
            }
        }
        Ok(Follower { socket })
    }

    /// When each stepped snapshot arrived (a reset's snapshot is skipped).
    async fn stamp_snapshots(mut self) -> Result<Vec<Instant>> {
        let mut arrivals = Vec::new();
        let mut after_reset = false;
        let last = format!(r#"{{"type":"view","step":{FINAL_VIEW}}}"#);
        while let Some(message) = self.socket.next().await {
            let Message::Text(text) = message? else {
                continue;
            };
            let now = Instant::now();
            if text.starts_with(r#"{"type":"snapshot""#) {
                if !after_reset {
                    arrivals.push(now);
                }
                after_reset = false;
            } else if text.starts_with(r#"{"type":"loaded""#) {
                after_reset = true;
            } else if text.as_str() == last {
                let _ = self.socket.close(None).await;
                return Ok(arrivals);
            }
        }
        bail!("the room closed before the last view")
    }
}

/// A `reactor-lab` process started for the measurement, killed on drop.
struct Server {
    child: tokio::process::Child,
    addr: std::net::SocketAddr,
    _site: TempDir,
}

impl Server {
    async fn spawn(binary: Option<PathBuf>, followers: usize) -> Result<Server> {
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
        let mut child = tokio::process::Command::new(&binary)
            .args(["--port", "0", "--max-followers"])
            .arg(followers.to_string())
            // Every follower comes from 127.0.0.1: one address's share is all of them.
            .arg("--followers-per-address")
            .arg(followers.to_string())
            .arg("--site")
            .arg(&site.0)
            .arg("--lessons")
            .arg(site.0.join("lessons"))
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
            child,
            addr,
            _site: site,
        })
    }

    /// CPU time the server has used (user + system), from `/proc/<pid>/stat`,
    /// in milliseconds (the kernel counts in ticks of 10 ms on Linux).
    fn cpu_ms(&self) -> Result<u64> {
        let pid = self.child.id().context("the server has exited")?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
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

    /// The server's resident set size, from `/proc/<pid>/status`.
    fn rss_kib(&self) -> Result<u64> {
        let pid = self.child.id().context("the server has exited")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS line")
    }
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
