//! Rows 5 and 6: one client taking a room's follower places, and
//! followers that never read a long history.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use reactor_e2e::abuse::{Sampler, Usage, Ws, connect, loopback, mib, peak_rss_kib};
use reactor_e2e::eventually_within;
use reactor_e2e::rooms::Incoming;
use reactor_protocol::ServerFrame;
use reactor_server::CLOSE_ENDED;

use crate::harness::{self, Row};
use crate::joins::{create_room_from, seat};

/// A receive buffer far smaller than the room's history.
const SMALL_RECV_BUFFER: u32 = 4096;

/// Join `path` from `from` (optionally with a small receive buffer):
/// `Ok(ws)` once its first `room` frame came, else the close.
async fn join(row: &Row, from: u8, path: &str, small: bool) -> Result<Result<Ws, (u16, String)>> {
    let buffer = small.then_some(SMALL_RECV_BUFFER);
    let stream = connect(loopback(from), row.addr(), buffer).await?;
    let Ok(mut ws) = Ws::handshake(stream, row.addr(), path, &[]).await? else {
        bail!("the upgrade of {path} was refused");
    };
    match ws.next().await? {
        Incoming::Frame(_, ServerFrame::Room(_)) => Ok(Ok(ws)),
        Incoming::Frame(raw, _) => bail!("a follower's first frame: {raw}"),
        Incoming::Closed(code, reason) => Ok(Err((code, reason))),
    }
}

/// Row 5: one client opens follower sockets until it is refused (the
/// issue: 1,000 filled a room in 9–13 s and real students got 1013). It
/// gets its address's share; students from another address still join and
/// follow the presenter.
#[test]
fn one_client_cannot_fill_a_room() -> Result<()> {
    let (max, share, tries) = (40, 10, 15);
    harness::row(
        "5 follower flood",
        |config| {
            config.rooms.max_followers = max;
            config.rooms.followers_per_address = share;
        },
        async |row: &Row| {
            let room = create_room_from(row, 2).await?;
            let mut presenter = seat(row, 2, &room).await?;
            presenter
                .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
                .await?;
            let prober = row.probing(&[]);
            let path = format!("/rooms/{}/ws", room.code);
            let (mut flood, mut refused) = (Vec::new(), Vec::new());
            for _ in 0..tries {
                match join(row, 15, &path, false).await? {
                    Ok(ws) => flood.push(ws),
                    Err(close) => refused.push(close),
                }
            }
            ensure!(
                flood.len() == share,
                "{} followers admitted from one address",
                flood.len()
            );
            for (code, reason) in &refused {
                ensure!(
                    *code == 1013 && reason.contains("address"),
                    "{code} {reason}"
                );
            }
            let mut class = Vec::new();
            for _ in 0..5 {
                let joined = row.during.time(join(row, 16, &path, false)).await?;
                match joined {
                    Ok(ws) => class.push(ws),
                    Err((code, reason)) => bail!("a student was refused: {code} {reason}"),
                }
            }
            let start = Instant::now();
            let records = presenter.command(r#"{"cmd":"step"}"#).await?;
            for student in &mut class {
                while student.until_snapshot().await? < records {}
                row.during.record(start.elapsed());
            }
            drop(flood);
            drop(class);
            let rounds = prober.stop().await?;
            row.note(format!(
                "{} of {tries} followers from one address admitted (share {share}), {} refused 1013; 5 students from another address followed; {rounds} probe rounds meanwhile",
                share,
                refused.len()
            ));
            Ok(())
        },
    )
}

/// Build a long history: load `crowd`, run it, then step past its end;
/// the records of the last snapshot.
async fn long_history(presenter: &mut Ws, steps_after_done: usize) -> Result<u64> {
    presenter
        .command(r#"{"cmd":"load","scenario":"crowd"}"#)
        .await?;
    let mut records = presenter.command(r#"{"cmd":"run"}"#).await?;
    for _ in 0..steps_after_done {
        records = presenter.command(r#"{"cmd":"step"}"#).await?;
    }
    Ok(records)
}

/// Row 6: a presenter builds a long history and many followers connect and
/// never read (the issue: RSS 22 → 161 MB and 752 MB of kernel TCP memory
/// for 200). Memory stays bounded, the class keeps following, the
/// non-readers are dropped while the presenter goes on, and memory returns.
#[test]
fn followers_that_never_read_cost_a_bounded_amount() -> Result<()> {
    // The history holds `crowd` run once: its outline and records, about
    // 1.0 MB of frames, under a 2 MiB cap.
    let (non_readers, history, per_follower) = (100, 2 * 1024 * 1024, 256 * 1024);
    let write_timeout = Duration::from_secs(2);
    // What the row may add to the process at its peak: the room's history,
    // the presenter's engine and frames, and per follower its share of what
    // is in flight. The issue's server grew ~0.7 MB per such follower (139 MB
    // for 200): some 70 MB for these 100.
    let rss_bound_kib = 32 * 1024;
    // Kernel TCP memory: what each follower may have unread, with room for
    // the kernel's own accounting; the issue's server let each grow to ~4 MiB.
    let tcp_bound_pages = 3 * non_readers * per_follower / 4096 + 2048;
    harness::row(
        "6 long history, followers never read",
        |config| {
            config.rooms.history_bytes = history;
            config.rooms.follower_bytes = per_follower;
            config.rooms.follower_write_timeout = write_timeout;
        },
        async |row: &Row| {
            let base = Usage::now()?;
            let sampler = Sampler::start(base, Duration::from_millis(20));
            let room = create_room_from(row, 2).await?;
            let mut presenter = seat(row, 2, &room).await?;
            let last = long_history(&mut presenter, 300).await?;
            let built = presenter.received();
            let path = format!("/rooms/{}/ws", room.code);
            let student = match join(row, 20, &path, false).await? {
                Ok(ws) => ws,
                Err((code, reason)) => bail!("a late joiner was refused: {code} {reason}"),
            };
            let (student, seen) = follow(student);
            let caught_up =
                eventually_within(harness::SETTLE, "the late joiner's catch-up", || {
                    let seen = seen.clone();
                    async move { Ok(seen.borrow().filter(|records| *records >= last)) }
                })
                .await?;

            let prober = row.probing(&[]);
            let mut stalled = Vec::new();
            for index in 0..non_readers {
                match join(row, 16 + u8::try_from(index % 4)?, &path, true).await? {
                    Ok(ws) => stalled.push(ws),
                    Err((code, reason)) => bail!("non-reader {index} refused: {code} {reason}"),
                }
            }
            let joined = Instant::now();
            // The class goes on; the non-readers fall behind and are dropped.
            let mut runs = 0;
            let dropped = loop {
                presenter.command(r#"{"cmd":"reset"}"#).await?;
                let records = presenter.command(r#"{"cmd":"run"}"#).await?;
                let what = format!("the student to see run {runs}");
                eventually_within(harness::SETTLE, &what, || {
                    let seen = seen.clone();
                    async move { Ok(seen.borrow().is_some_and(|r| r >= records).then_some(())) }
                })
                .await?;
                runs += 1;
                let followers = presenter.status().map_or(usize::MAX, |s| s.followers);
                if followers <= 1 {
                    break joined.elapsed();
                }
                if joined.elapsed() > write_timeout * 10 {
                    bail!("{followers} followers still in the room after {runs} runs");
                }
            };
            let peak = peak_rss_kib()?;
            let tcp_peak = sampler.stop().await.tcp_pages;
            let rounds = prober.stop().await?;
            row.note(format!(
                "history built: {:.1} MiB sent to the presenter; a late joiner caught up at {caught_up} records",
                mib(u64::try_from(built / 1024)?)
            ));
            row.note(format!(
                "{non_readers} non-readers dropped {:.1} s after joining ({runs} runs meanwhile, write timeout {write_timeout:?}); RSS {:.1} → peak {:.1} MiB (bound +{:.0} MiB); {rounds} probe rounds",
                dropped.as_secs_f64(),
                mib(base.rss_kib),
                mib(peak),
                mib(rss_bound_kib)
            ));
            row.note(format!(
                "kernel TCP pages {} → peak {tcp_peak} (bound +{tcp_bound_pages})",
                base.tcp_pages
            ));
            ensure!(
                peak <= base.rss_kib + rss_bound_kib,
                "RSS peaked at {:.1} MiB, over the bound",
                mib(peak)
            );
            ensure!(
                dropped <= write_timeout + Duration::from_secs(3),
                "the non-readers were dropped only after {dropped:?}"
            );
            ensure!(
                tcp_peak <= base.tcp_pages + u64::try_from(tcp_bound_pages)?,
                "kernel TCP memory peaked at {tcp_peak} pages, over the bound"
            );
            for mut ws in stalled {
                ws.bytes_until_closed()
                    .await
                    .context("a dropped non-reader's end")?;
            }
            presenter.send(r#"{"cmd":"end"}"#).await?;
            presenter.closed().await?;
            let (code, reason) = student.await.context("the student's task")??;
            ensure!(
                code == CLOSE_ENDED,
                "the student saw the room end with {code} {reason}"
            );
            Ok(())
        },
    )
}

/// A follower read in the background: ends with the server's close.
type Reading = tokio::task::JoinHandle<Result<(u16, String)>>;

/// Read a follower's frames in the background, publishing the `records` of
/// the last snapshot; the task ends (with the close) when the server closes.
fn follow(mut ws: Ws) -> (Reading, tokio::sync::watch::Receiver<Option<u64>>) {
    let (publish, seen) = tokio::sync::watch::channel(None);
    let task = tokio::spawn(async move {
        loop {
            match ws.next_within(harness::SETTLE).await? {
                Incoming::Frame(_, ServerFrame::Snapshot { state }) => {
                    publish.send_replace(Some(state.records));
                }
                Incoming::Frame(..) => {}
                Incoming::Closed(code, reason) => return Ok((code, reason)),
            }
        }
    });
    (task, seen)
}
