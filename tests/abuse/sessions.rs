//! Rows 1 and 2: `/ws` sessions that stop reading, and one address that
//! opens far more sessions than a class needs.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use reactor_e2e::abuse::{Ws, connect, engine_threads, loopback};
use reactor_e2e::rooms::Incoming;
use reactor_e2e::{TestServer, eventually_within};
use reactor_protocol::ServerFrame;
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{self, Row};

/// A receive buffer far smaller than a `crowd` run, so the server's
/// writes to a client that does not read block within a few batches.
const SMALL_RECV_BUFFER: u32 = 4096;
/// `(run, reset)` pairs each non-reader sends, as in the issue.
const RUN_RESET_PAIRS: usize = 20;
/// Grace on top of a deadline for the server to notice and clean up.
const GRACE: Duration = Duration::from_secs(3);

/// `n` clients from `from` that load `crowd`, send 20 × (`run`, `reset`)
/// with a small receive buffer, and never read; returns them with the names
/// of the engine threads they got.
async fn non_readers(
    server: std::net::SocketAddr,
    from: u8,
    n: usize,
) -> Result<(Vec<Ws>, BTreeSet<String>)> {
    let before = engine_threads()?;
    let mut clients = Vec::with_capacity(n);
    for _ in 0..n {
        let stream = connect(loopback(from), server, Some(SMALL_RECV_BUFFER)).await?;
        let Ok(mut ws) = Ws::handshake(stream, server, "/ws", &[]).await? else {
            bail!("a non-reader's upgrade was refused");
        };
        ws.send(r#"{"cmd":"load","scenario":"crowd"}"#).await?;
        for _ in 0..RUN_RESET_PAIRS {
            ws.send(r#"{"cmd":"run"}"#).await?;
            ws.send(r#"{"cmd":"reset"}"#).await?;
        }
        clients.push(ws);
    }
    let theirs = eventually_within(harness::SETTLE, "the non-readers' engine threads", || {
        let before = &before;
        async move {
            let new: BTreeSet<String> = engine_threads()?.difference(before).cloned().collect();
            Ok((new.len() == n).then_some(new))
        }
    })
    .await?;
    Ok((clients, theirs))
}

/// Wait until none of `threads` is alive; how long that took from `since`.
async fn gone(threads: &BTreeSet<String>, since: Instant, patience: Duration) -> Result<Duration> {
    eventually_within(
        patience,
        "the non-readers' engine threads to end",
        || async {
            let alive = engine_threads()?;
            Ok(threads.is_disjoint(&alive).then(|| since.elapsed()))
        },
    )
    .await
}

/// Row 1: four clients load `crowd`, send 20 × (`run`, `reset`) and never
/// read. The server closes them within its write deadline (the issue saw
/// 42 s+), frees their engines, and the class is served meanwhile; the idle
/// timer and shutdown stay live while a write is pending.
#[test]
fn non_readers_are_closed_within_the_write_deadline() -> Result<()> {
    let write_timeout = Duration::from_secs(2);
    harness::row(
        "1 non-readers",
        |config| {
            config.limits.max_sessions = 6;
            config.limits.sessions_per_address = 4;
            config.limits.idle_timeout = Duration::from_secs(5);
            config.limits.write_timeout = write_timeout;
        },
        async |row: &Row| {
            let (mut clients, threads) = non_readers(row.addr(), 11, 4).await?;
            let stalled = Instant::now();
            let mut fifth = Ws::open(loopback(11), row.addr(), "/ws").await?;
            let (code, reason) = fifth.closed().await?;
            ensure!(
                code == 1013 && reason.contains("your address"),
                "a fifth session from the abusing address: {code} {reason}"
            );
            let prober = row.probing(&[]);
            let took = gone(&threads, stalled, write_timeout + GRACE * 2).await?;
            let rounds = prober.stop().await?;
            row.note(format!(
                "4 non-readers' engines freed {:.2} s after their last command (write deadline {write_timeout:?}); {rounds} probe rounds meanwhile",
                took.as_secs_f64()
            ));
            ensure!(
                took <= write_timeout + GRACE,
                "non-readers held on for {took:?}"
            );
            for client in &mut clients {
                let (frames, code) = client.drain().await?;
                ensure!(frames > 0, "a non-reader got nothing at all");
                ensure!(code != 1000, "a non-reader was closed as idle, not stalled");
            }
            drop(clients);
            row.no_sessions().await?;
            idle_and_shutdown_stay_live().await
        },
    )
}

/// With a write deadline far away, a stalled session still ends on its idle
/// timer, and a shutdown still closes it at once.
async fn idle_and_shutdown_stay_live() -> Result<()> {
    let idle = Duration::from_secs(1);
    let server = TestServer::start_with(|config| {
        config.limits.idle_timeout = idle;
        config.limits.write_timeout = Duration::from_secs(600);
    })
    .await?;
    let (_clients, threads) = non_readers(server.addr(), 11, 2).await?;
    let took = gone(&threads, Instant::now(), idle + GRACE * 2).await?;
    ensure!(
        took <= idle + GRACE,
        "stalled sessions outlived the idle timer: {took:?}"
    );

    let (_clients, threads) = non_readers(server.addr(), 11, 2).await?;
    let start = Instant::now();
    server.shutdown().await?;
    let took = gone(&threads, start, GRACE * 2).await?;
    ensure!(
        took <= GRACE,
        "stalled sessions held a shutdown for {took:?}"
    );
    Ok(())
}

/// Open `n` sessions from `from`: those admitted (they answered a `load`)
/// and the close of each refused one.
async fn flood(row: &Row, from: u8, n: usize) -> Result<(Vec<Ws>, Vec<(u16, String)>)> {
    let (mut admitted, mut refused) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let mut ws = Ws::open(loopback(from), row.addr(), "/ws").await?;
        // A refused socket may already be closed: its close frame says why.
        let _ = ws.send(r#"{"cmd":"load","scenario":"tcp_read"}"#).await;
        match ws.next().await? {
            Incoming::Frame(_, ServerFrame::Loaded { .. }) => admitted.push(ws),
            Incoming::Closed(code, reason) => refused.push((code, reason)),
            Incoming::Frame(raw, _) => bail!("unexpected first frame {raw}"),
        }
    }
    Ok((admitted, refused))
}

/// Row 2: one address opens many sessions (the issue: 300 against 256).
/// It gets its share and no more; the rest of the class, and the presenter
/// with the right key even from that same address and with the server
/// full, are admitted; invalid frames do not keep a session alive.
#[test]
fn one_address_gets_its_share_and_the_presenter_always_gets_in() -> Result<()> {
    let (max, share, flood_size) = (40, 16, 60);
    harness::row(
        "2 one address floods /ws",
        |config| {
            config.limits.max_sessions = max;
            config.limits.sessions_per_address = share;
        },
        async |row: &Row| {
            let (abusers, refused) = flood(row, 12, flood_size).await?;
            ensure!(
                abusers.len() == share,
                "{} admitted from one address",
                abusers.len()
            );
            for (code, reason) in &refused {
                ensure!(
                    code == &1013 && reason.contains("your address"),
                    "{code} {reason}"
                );
            }
            for _ in 0..3 {
                row.probe_now()
                    .await
                    .context("the class, beside the flood")?;
            }
            let nat = reactor_e2e::abuse::Probe::new(row.addr(), loopback(12));
            nat.presenter(&row.during)
                .await
                .context("a presenter behind the flooding address")?;

            let mut fillers = Vec::new();
            let mut server_full = 0;
            for from in 13..=15 {
                let (admitted, refused) = flood(row, from, share).await?;
                fillers.extend(admitted);
                server_full += refused
                    .iter()
                    .filter(|(_, r)| r.contains("server full"))
                    .count();
            }
            ensure!(server_full > 0, "the student permits were never all taken");
            row.probe
                .presenter(&row.during)
                .await
                .context("the presenter, server full")?;
            nat.presenter(&row.during)
                .await
                .context("the NAT'd presenter, server full")?;
            row.note(format!(
                "{} of {flood_size} admitted from one address (share {share}), {} refused 1013; server full for {server_full} more, presenters still seated",
                abusers.len(),
                refused.len()
            ));
            drop(fillers);
            drop(abusers);
            row.no_sessions().await?;
            only_real_use_keeps_a_session(row).await
        },
    )
}

/// What a session sends, paced, to try to stay open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Busywork {
    /// Text that is not a command.
    InvalidText,
    /// Binary frames.
    Binary,
    /// WebSocket pings.
    Pings,
    /// `step` on a scenario that has finished: valid, but changes nothing.
    StepsWhenDone,
    /// `step` and `reset` in turn: real use.
    RealSteps,
}

impl Busywork {
    /// The next message to send.
    fn message(self, sent: usize) -> Message {
        match self {
            Busywork::InvalidText => Message::text("{\"cmd\":"),
            Busywork::Binary => Message::binary(vec![1, 2, 3]),
            Busywork::Pings => Message::Ping(vec![1].into()),
            Busywork::StepsWhenDone => Message::text(r#"{"cmd":"step"}"#),
            Busywork::RealSteps if sent.is_multiple_of(2) => Message::text(r#"{"cmd":"step"}"#),
            Busywork::RealSteps => Message::text(r#"{"cmd":"reset"}"#),
        }
    }

    /// Do it for up to `patience`; how long until the server closed the
    /// session as idle, or `None` if it stayed open.
    async fn until_closed(
        self,
        server: std::net::SocketAddr,
        patience: Duration,
    ) -> Result<Option<Duration>> {
        let mut ws = Ws::open(loopback(16), server, "/ws").await?;
        ws.command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
            .await?;
        if self == Busywork::StepsWhenDone {
            ws.command(r#"{"cmd":"run"}"#).await?;
        }
        let start = Instant::now();
        let mut pace = tokio::time::interval(Duration::from_millis(250));
        let mut sent = 0;
        while start.elapsed() < patience {
            tokio::select! {
                _ = pace.tick() => {
                    // Once closed a send may fail; the close frame says why.
                    let _ = ws.send_message(self.message(sent)).await;
                    sent += 1;
                }
                incoming = ws.next() => {
                    if let Incoming::Closed(code, reason) = incoming? {
                        ensure!(code == 1000 && reason.contains("idle"), "{self:?}: {code} {reason}");
                        return Ok(Some(start.elapsed()));
                    }
                }
            }
        }
        Ok(None)
    }
}

/// Sessions sending invalid frames, binary frames, pings, or steps of a
/// finished scenario are closed as idle; one that really steps is not (on a
/// server of its own with a one-second idle timeout).
async fn only_real_use_keeps_a_session(row: &Row) -> Result<()> {
    let idle = Duration::from_secs(1);
    let server = TestServer::start_with(|config| config.limits.idle_timeout = idle).await?;
    let patience = idle * 3;
    let addr = server.addr();
    let (invalid, binary, pings, done, real) = tokio::join!(
        Busywork::InvalidText.until_closed(addr, patience),
        Busywork::Binary.until_closed(addr, patience),
        Busywork::Pings.until_closed(addr, patience),
        Busywork::StepsWhenDone.until_closed(addr, patience),
        Busywork::RealSteps.until_closed(addr, patience),
    );
    server.shutdown().await?;
    for (work, outcome) in [
        (Busywork::InvalidText, invalid?),
        (Busywork::Binary, binary?),
        (Busywork::Pings, pings?),
        (Busywork::StepsWhenDone, done?),
    ] {
        let Some(after) = outcome else {
            bail!("a session sending only {work:?} was kept open past {patience:?}");
        };
        ensure!(after <= idle * 2, "{work:?}: closed only after {after:?}");
        row.note(format!(
            "{work:?}: closed as idle after {:.2} s",
            after.as_secs_f64()
        ));
    }
    ensure!(real?.is_none(), "a session in real use was closed as idle");
    Ok(())
}
