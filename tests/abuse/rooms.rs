//! Row 4: rooms taken and kept by a script: one address's share, a
//! presenter that only repeats `view`, and a few addresses taking every room.

use std::time::{Duration, Instant};

use anyhow::{Result, bail, ensure};
use reactor_e2e::abuse::{Ws, http, loopback};
use reactor_e2e::eventually_within;
use reactor_e2e::rooms::Incoming;
use reactor_server::CLOSE_ENDED;

use crate::harness::{self, Row};
use crate::joins::{create_room_from, seat};

/// Grace on top of a deadline for the janitor to notice and end a room.
const GRACE: Duration = Duration::from_secs(2);

/// Send `command(n)` every `every` until the room ends; when it closed,
/// and the close. The presenter's answers are read and dropped.
async fn until_ended(
    mut presenter: Ws,
    every: Duration,
    command: impl Fn(usize) -> &'static str,
    patience: Duration,
) -> Result<(Instant, u16, String)> {
    let start = Instant::now();
    let mut tick = tokio::time::interval(every);
    let mut sent = 0;
    while start.elapsed() < patience {
        tokio::select! {
            _ = tick.tick() => {
                // A send may fail once the room has closed: the close says why.
                let _ = presenter.send(command(sent)).await;
                sent += 1;
            }
            incoming = presenter.next() => {
                if let Incoming::Closed(code, reason) = incoming? {
                    return Ok((Instant::now(), code, reason));
                }
            }
        }
    }
    bail!("the room still open after {patience:?} of {}", command(0))
}

/// Row 4: the issue found 8 rooms per address locked for 30 minutes, a
/// presenter's `view` keeping a room alive forever, and four addresses
/// filling all 32 rooms. Now an address gets its share; a room used only
/// by repeating `view` ends when idle, one in real use at its maximum
/// lifetime, one nobody joins when empty; and an address that found every
/// room taken gets one as soon as the abandoned ones end.
#[test]
fn rooms_end_unless_really_used_and_no_address_keeps_them_all() -> Result<()> {
    let (max_rooms, share) = (6, 2);
    let idle = Duration::from_millis(1500);
    let empty = Duration::from_secs(1);
    let lifetime = Duration::from_secs(5);
    harness::row(
        "4 rooms",
        |config| {
            config.rooms.max_rooms = max_rooms;
            config.rooms.rooms_per_address = share;
            config.rooms.idle_timeout = idle;
            config.rooms.empty_timeout = empty;
            config.rooms.max_lifetime = lifetime;
        },
        async |row: &Row| {
            let prober = row.probing(&[]);
            let spammed = create_room_from(row, 14).await?;
            let used = create_room_from(row, 14).await?;
            let created = Instant::now();
            let third = http(loopback(14), row.addr(), "POST", "/api/rooms").await?;
            ensure!(
                third.status == 429 && third.body.contains("your address"),
                "a third room from one address: {} {}",
                third.status,
                third.body
            );
            create_room_from(row, 15).await?;
            let mut refused = Vec::new();
            for from in 16..=17 {
                for _ in 0..share {
                    let answer = http(loopback(from), row.addr(), "POST", "/api/rooms").await?;
                    if answer.status != 201 {
                        refused.push((answer.status, answer.body));
                    }
                }
            }
            ensure!(
                refused.iter().any(|(status, _)| *status == 503),
                "the rooms never ran out: {refused:?}"
            );
            let outsider = http(loopback(20), row.addr(), "POST", "/api/rooms").await?;
            ensure!(
                outsider.status == 503,
                "every room is taken: {}",
                outsider.status
            );
            let full = Instant::now();

            let spam_start = Instant::now();
            let mut spammer = seat(row, 14, &spammed).await?;
            spammer
                .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
                .await?;
            let spam = until_ended(
                spammer,
                Duration::from_millis(100),
                |_| r#"{"cmd":"view","step":1}"#,
                lifetime * 2,
            );
            let mut stepper = seat(row, 14, &used).await?;
            stepper
                .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
                .await?;
            let steps = until_ended(
                stepper,
                Duration::from_millis(200),
                |n| {
                    if n.is_multiple_of(2) {
                        r#"{"cmd":"step"}"#
                    } else {
                        r#"{"cmd":"reset"}"#
                    }
                },
                lifetime * 2,
            );
            let waiting =
                eventually_within(empty + GRACE * 2, "a room for the outsider", || async {
                    let answer = http(loopback(20), row.addr(), "POST", "/api/rooms").await?;
                    Ok((answer.status == 201).then(|| full.elapsed()))
                });
            let (spam, steps, waited) = tokio::join!(spam, steps, waiting);
            let ((spam_end, spam_code, spam_reason), (step_end, step_code, step_reason)) =
                (spam?, steps?);
            let (spam_took, lived) = (spam_end - spam_start, step_end - created);
            let waited = waited?;
            let rounds = prober.stop().await?;
            row.note(format!(
                "`view` spam: ended after {:.2} s (idle {idle:?}): {spam_code} {spam_reason}",
                spam_took.as_secs_f64()
            ));
            row.note(format!(
                "real use: ended {:.2} s after creation (lifetime {lifetime:?}): {step_code} {step_reason}",
                lived.as_secs_f64()
            ));
            row.note(format!(
                "all {max_rooms} rooms taken; an outsider got one {:.2} s later (empty timeout {empty:?}); refusals {refused:?}; {rounds} probe rounds",
                waited.as_secs_f64()
            ));
            ensure!(
                spam_code == CLOSE_ENDED && spam_took <= idle + GRACE,
                "`view` spam kept a room"
            );
            ensure!(
                step_code == CLOSE_ENDED,
                "a room in use closed with {step_code}"
            );
            ensure!(
                lived <= lifetime + GRACE * 2,
                "a room outlived its lifetime: {lived:?}"
            );
            Ok(())
        },
    )
}
