//! `room_load`: one presenter and many followers on loopback, to measure how
//! fast a classroom room fans out and what an idle follower costs the server,
//! on one server or on several sharing the room over NATS (`--instances`).
//!
//! ```text
//!  room_load ──spawns──▶ reactor-lab × N, own processes: their CPU and RSS are what we read
//!     │                  (N ≥ 2: and a nats-server -js; every instance gets --nats URL)
//!     │ presenter ──ws──▶ instance 0: load tcp_read, then `step` × S (+ a `view` after each, as the app does)
//!     │                     └ publishes the room ──▶ nats-server ──▶ instances 1 … N−1 relay it
//!     └ followers × F ──ws──▶ follower i on instance i mod N: stamp the arrival of every step's `snapshot`
//!  latency = follower receives the snapshot − presenter sent the `step`   (overall, and per instance)
//!  RSS per idle follower = (VmRSS with its followers joined − VmRSS before) / its followers   (per instance)
//!  CPU = utime + stime from the first step until every follower has the last frame   (per process)
//! ```
//!
//! Run it against a release server:
//!
//! ```text
//! cargo build --release -p reactor-server
//! cargo run --release -p reactor-e2e --bin room_load -- --followers 1000 --steps 200
//! cargo run --release -p reactor-e2e --bin room_load -- --followers 1000 --steps 200 --pace-ms 62
//! cargo run --release -p reactor-e2e --bin room_load -- --followers 1000 --poll
//! cargo run --release -p reactor-e2e --bin room_load -- --followers 2000 --instances 2   # 1,000 on each
//! ```
//!
//! `--poll` asks the followers a question instead of stepping, and measures
//! how soon the presenter's tally counts every answer ([`poll`]; with
//! `--instances`, answers given on every server). [`instances`] starts and
//! kills the processes; [`report`] prints a stepping run's figures.

#[path = "room_load/instances.rs"]
mod instances;
#[path = "room_load/poll.rs"]
mod poll;
#[path = "room_load/report.rs"]
mod report;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use clap::Parser;
use futures_util::StreamExt;
use instances::{Cluster, cpu_ms, rss_kib};
use reactor_e2e::rooms::{RoomSocket, create_room};
use report::{Figures, Stepped};
use tokio_tungstenite::tungstenite::Message;

/// File descriptors the tool asks for beyond one per follower socket (each
/// server raises its own soft limit to the hard one when it starts).
const FD_SLACK: u64 = 256;
/// Followers connecting at once: well under the listener's backlog (1,024).
const CONNECT_BATCH: usize = 100;
/// The `view` step the presenter sends last, telling followers to stop.
const FINAL_VIEW: u64 = u64::MAX / 2;

/// Command-line options.
#[derive(Parser, Debug)]
#[command(about = "Measure classroom fan-out latency and memory per follower")]
struct Args {
    /// Followers to connect (over all instances).
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
    /// Server processes. 1: one, rooms not shared. N ≥ 2: N sharing rooms
    /// over a nats-server started for the run; the room and its presenter
    /// are on the first, follower i on instance i mod N.
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// The server binary (default: `reactor-lab` next to this tool).
    #[arg(long)]
    server: Option<PathBuf>,
    /// The NATS server binary, run with --instances 2 or more.
    #[arg(long, default_value = "nats-server")]
    nats_server: PathBuf,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let count = args.instances;
    ensure!(count >= 1, "--instances must be at least 1");
    ensure!(
        args.followers >= count,
        "--followers must be at least --instances ({count})"
    );
    let wanted = args.followers as u64 + FD_SLACK;
    let fds = rlimit::increase_nofile_limit(wanted).context("raising the open-file limit")?;
    ensure!(
        fds >= wanted,
        "only {fds} open files allowed, {wanted} needed: raise `ulimit -Hn`"
    );

    // Dropped on every way out of `main`: kills the servers, then NATS.
    let cluster = Cluster::start(
        args.server.clone(),
        &args.nats_server,
        count,
        args.followers,
    )
    .await?;
    let servers = &cluster.servers;
    let room = create_room(servers[0].addr).await?;
    let mut presenter = RoomSocket::presenter(servers[0].addr, &room).await?;
    presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;

    let before = each(servers, rss_kib)?;
    let mut followers = Vec::with_capacity(args.followers);
    while followers.len() < args.followers {
        let next = followers.len();
        let batch = (args.followers - next).min(CONNECT_BATCH);
        let joins =
            (next..next + batch).map(|i| Follower::join(servers[i % count].addr, &room.code));
        followers.extend(futures_util::future::try_join_all(joins).await?);
    }
    let after = each(servers, rss_kib)?;
    if args.poll {
        let cpu_before = each(servers, cpu_ms)?;
        let spread = Duration::from_millis(args.answer_spread_ms);
        let run = poll::run(&mut presenter, followers, spread).await?;
        let cpu_after = each(servers, cpu_ms)?;
        run.print(args.followers);
        for (i, (after, before)) in cpu_after.iter().zip(&cpu_before).enumerate() {
            let server = match count {
                1 => "server".to_owned(),
                _ => format!("instance {i}"),
            };
            println!(
                "{server} CPU over the poll  {} ms",
                after.saturating_sub(*before)
            );
        }
        return Ok(());
    }

    let tasks: Vec<_> = followers
        .into_iter()
        .map(|f| tokio::spawn(f.stamp_snapshots()))
        .collect();
    let nats_before = match &cluster.nats {
        Some(nats) => Some((nats.pid(), cpu_ms(nats.pid())?)),
        None => None,
    };
    let cpu_before = each(servers, cpu_ms)?;
    let clients_before = cpu_ms(std::process::id())?;
    let sent = present(
        &mut presenter,
        args.steps,
        Duration::from_millis(args.pace_ms),
    )
    .await?;
    let mut latencies = vec![Vec::new(); count];
    // Kept open until the CPU times are read, so closing is not counted.
    let mut done = Vec::with_capacity(tasks.len());
    let deadline = tokio::time::Instant::now() + reactor_e2e::PATIENCE;
    for (i, task) in tasks.into_iter().enumerate() {
        let (arrivals, follower) = tokio::time::timeout_at(deadline, task)
            .await
            .with_context(|| {
                format!(
                    "a follower of instance {} lacked the last view {} s after it was sent",
                    i % count,
                    reactor_e2e::PATIENCE.as_secs()
                )
            })???;
        ensure!(
            arrivals.len() == sent.len(),
            "a follower of instance {} saw {} of {} steps",
            i % count,
            arrivals.len(),
            sent.len()
        );
        latencies[i % count].extend(
            arrivals
                .iter()
                .zip(&sent)
                .map(|(got, sent)| got.duration_since(*sent)),
        );
        done.push(follower);
    }
    let cpu_after = each(servers, cpu_ms)?;
    let clients = cpu_ms(std::process::id())?.saturating_sub(clients_before);
    let nats = match nats_before {
        Some((pid, before)) => Some((cpu_ms(pid)?.saturating_sub(before), rss_kib(pid)?)),
        None => None,
    };
    drop(done);

    let figures: Vec<Figures> = latencies
        .into_iter()
        .enumerate()
        .map(|(i, mut latencies)| {
            latencies.sort();
            Figures {
                followers: (args.followers + count - 1 - i) / count,
                rss: (before[i], after[i]),
                cpu_ms: cpu_after[i].saturating_sub(cpu_before[i]),
                latencies,
            }
        })
        .collect();
    Stepped {
        followers: args.followers,
        steps: args.steps,
        pace_ms: args.pace_ms,
        figures,
        nats,
        clients_ms: clients,
    }
    .print();
    Ok(())
}

/// `read` applied to every server's process id, in order.
fn each(servers: &[instances::Server], read: impl Fn(u32) -> Result<u64>) -> Result<Vec<u64>> {
    servers.iter().map(|server| read(server.pid)).collect()
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

    /// When each stepped snapshot arrived (a reset's snapshot is skipped),
    /// read until the last `view`; the follower is handed back still open.
    async fn stamp_snapshots(mut self) -> Result<(Vec<Instant>, Follower)> {
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
                return Ok((arrivals, self));
            }
        }
        bail!("the room closed before the last view")
    }
}
