//! Step round-trip latency over loopback: the load tool behind the "Server:
//! step round trip" section of `docs/benchmarks.md`.
//!
//! ```text
//! cargo run --release -p reactor-server --example step_latency -- --sessions 1,100
//! ```
//!
//! For each session count it opens that many `/ws` sessions, loads `tcp_read`
//! in each, and has every session send `{"cmd":"step"}` and wait for the whole
//! answer (its `record` frames, the `snapshot`, and `done` when the snapshot says
//! so) `--steps` times, all sessions at once. A session that reaches the end
//! sends `reset` (not timed) and goes on. The round trip is timed from just
//! before the send to the last frame of the answer, as a browser would see it.
//!
//! Without `--url` the server runs in this process on an ephemeral port (with a
//! throwaway one-page site); with `--url ws://host:port` it measures a running
//! `reactor-lab` instead.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

/// Options.
#[derive(Parser, Debug)]
#[command(about = "Measure the /ws step round trip at several session counts")]
struct Args {
    /// Concurrent session counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,100")]
    sessions: Vec<usize>,
    /// Timed steps per session.
    #[arg(long, default_value_t = 2000)]
    steps: usize,
    /// Untimed steps per session first, to warm caches and connections.
    #[arg(long, default_value_t = 200)]
    warmup: usize,
    /// Measure a running server (`ws://127.0.0.1:3000`) instead of an in-process one.
    #[arg(long)]
    url: Option<String>,
    /// Scenario to step through.
    #[arg(long, default_value = "tcp_read")]
    scenario: String,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let (url, _server) = match &args.url {
        Some(url) => (url.trim_end_matches('/').to_owned(), None),
        None => {
            let server = start_in_process(args.sessions.iter().copied().max().unwrap_or(1)).await?;
            (format!("ws://{}", server.addr()), Some(server))
        }
    };
    println!("| sessions | round trips | steps/s | p50 | p99 | max |");
    println!("|---------:|------------:|--------:|----:|----:|----:|");
    for &sessions in &args.sessions {
        let (mut samples, window) = measure(&url, sessions, &args).await?;
        let rate = samples.len() as f64 / window.as_secs_f64();
        samples.sort_unstable();
        println!(
            "| {sessions} | {} | {rate:.0} | {} | {} | {} |",
            samples.len(),
            show(percentile(&samples, 50.0)),
            show(percentile(&samples, 99.0)),
            show(*samples.last().unwrap_or(&Duration::ZERO)),
        );
    }
    Ok(())
}

/// A server on an ephemeral loopback port, serving a one-page site.
async fn start_in_process(sessions: usize) -> Result<reactor_server::Server> {
    let site = std::env::temp_dir().join("reactor-lab-step-latency-site");
    std::fs::create_dir_all(&site)?;
    std::fs::write(
        site.join("index.html"),
        "<!doctype html><title>bench</title>",
    )?;
    let mut config = reactor_server::Config::new(SocketAddr::from(([127, 0, 0, 1], 0)), site);
    config.limits.max_sessions = config.limits.max_sessions.max(sessions);
    reactor_server::start(config)
        .await
        .map_err(anyhow::Error::msg)
}

/// Every timed round trip of `sessions` sessions stepping at once, and the
/// wall time from the first timed step to the last.
async fn measure(url: &str, sessions: usize, args: &Args) -> Result<(Vec<Duration>, Duration)> {
    let mut sockets = Vec::with_capacity(sessions);
    for _ in 0..sessions {
        // No Nagle on the client either, as a browser's WebSocket does.
        let (mut socket, _) =
            tokio_tungstenite::connect_async_with_config(format!("{url}/ws"), None, true).await?;
        let load = format!(r#"{{"cmd":"load","scenario":"{}"}}"#, args.scenario);
        round_trip(&mut socket, &load).await?;
        sockets.push(socket);
    }
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(sessions));
    let mut tasks = tokio::task::JoinSet::new();
    for mut socket in sockets {
        let (warmup, steps, start) = (args.warmup, args.steps, start.clone());
        tasks.spawn(async move {
            for _ in 0..warmup {
                step(&mut socket).await?;
            }
            start.wait().await;
            let started = Instant::now();
            let mut samples = Vec::with_capacity(steps);
            for _ in 0..steps {
                let began = Instant::now();
                let done = step(&mut socket).await?;
                samples.push(began.elapsed());
                if done {
                    round_trip(&mut socket, r#"{"cmd":"reset"}"#).await?;
                }
            }
            let ended = Instant::now();
            socket.close(None).await.ok();
            anyhow::Ok((samples, started, ended))
        });
    }
    let mut all = Vec::with_capacity(sessions * args.steps);
    let (mut first, mut last) = (None::<Instant>, None::<Instant>);
    while let Some(outcome) = tasks.join_next().await {
        let (samples, started, ended) = outcome.context("a session task panicked")??;
        all.extend(samples);
        first = Some(first.map_or(started, |first| first.min(started)));
        last = Some(last.map_or(ended, |last| last.max(ended)));
    }
    let window = match (first, last) {
        (Some(first), Some(last)) => last - first,
        _ => Duration::ZERO,
    };
    Ok((all, window))
}

/// One `step`; returns whether the scenario is done.
async fn step(socket: &mut Socket) -> Result<bool> {
    round_trip(socket, r#"{"cmd":"step"}"#).await
}

/// Send `command` and read its whole answer; returns whether it ended with `done`.
async fn round_trip(socket: &mut Socket, command: &str) -> Result<bool> {
    socket.send(Message::text(command)).await?;
    loop {
        let Some(message) = socket.next().await else {
            bail!("the server closed the session")
        };
        let Message::Text(text) = message? else {
            continue;
        };
        let text = text.as_str();
        if text.starts_with(r#"{"type":"error""#) {
            bail!("server error: {text}");
        }
        if text.starts_with(r#"{"type":"snapshot""#) {
            let frame: serde_json::Value = serde_json::from_str(text)?;
            if frame["state"]["done"] != serde_json::Value::Bool(true) {
                return Ok(false);
            }
        } else if text.starts_with(r#"{"type":"done""#) {
            return Ok(true);
        }
    }
}

/// The `p`th percentile of sorted samples (nearest rank).
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn show(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1000.0)
}
