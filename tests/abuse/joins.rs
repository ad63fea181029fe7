//! Row 3: guessing presenter keys and room codes, fast, from the address a
//! whole class shares.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use reactor_e2e::abuse::{Ws, http, loopback};
use reactor_protocol::frame::RoomCreated;
use reactor_server::{CLOSE_RATE_LIMITED, CLOSE_UNKNOWN_ROOM, CLOSE_WRONG_KEY};

use crate::harness::{self, Row};

/// Guesses of each kind, as in the issue.
const GUESSES: usize = 60;
/// The symbols of a room code.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// `POST /api/rooms` from `from`, which must create a room.
pub async fn create_room_from(row: &Row, from: u8) -> Result<RoomCreated> {
    let answer = http(loopback(from), row.addr(), "POST", "/api/rooms").await?;
    if answer.status != 201 {
        bail!(
            "POST /api/rooms from 127.0.0.{from}: {} {}",
            answer.status,
            answer.body
        );
    }
    serde_json::from_str(&answer.body).with_context(|| format!("not a room: {}", answer.body))
}

/// A well-formed room code that no room has (codes are random: the chance
/// that one of these is live is 2^-40 per guess).
fn unknown_code(index: usize) -> String {
    (0..8)
        .map(|digit| char::from(ALPHABET[(index >> (digit * 5)) % ALPHABET.len()]))
        .collect()
}

/// Open `path` from `from` and read how the server closes it.
async fn refusal(row: &Row, from: u8, path: &str) -> Result<(u16, String)> {
    Ws::open(loopback(from), row.addr(), path)
        .await?
        .closed()
        .await
}

/// Row 3: 60 wrong-key joins in a fraction of a second from the class's
/// address used to lock out, for a minute, the presenter with the right
/// key, every follower and `POST /api/rooms` from that address. Now wrong
/// keys are refused (with backoff for that room), and the right key, valid
/// follower joins and room creation still pass; unknown codes likewise.
#[test]
fn wrong_keys_never_lock_out_the_right_key() -> Result<()> {
    harness::row(
        "3 key and code guessing",
        |_| {},
        async |row: &Row| {
            let (guesser, code_guesser) = (13, 14);
            let room = create_room_from(row, guesser).await?;
            let prober = row.probing(&[]);

            let wrong = format!("/rooms/{}/ws?key={}", room.code, "0".repeat(32));
            let mut seen = BTreeMap::new();
            let start = Instant::now();
            for _ in 0..GUESSES {
                let (code, reason) = refusal(row, guesser, &wrong).await?;
                ensure!(
                    code == CLOSE_WRONG_KEY || code == CLOSE_RATE_LIMITED,
                    "a wrong key: {code} {reason}"
                );
                *seen.entry(code).or_insert(0) += 1;
            }
            let guessing = start.elapsed();
            let (code, reason) = refusal(row, guesser, &wrong).await?;
            ensure!(
                code == CLOSE_RATE_LIMITED,
                "after {GUESSES} wrong keys in {guessing:?} the next is still tried: {code} {reason}"
            );

            let mut presenter = seat(row, guesser, &room).await?;
            presenter
                .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
                .await?;
            let follow = format!("/rooms/{}/ws", room.code);
            let mut followers = Vec::new();
            for _ in 0..3 {
                let mut follower = Ws::open(loopback(guesser), row.addr(), &follow).await?;
                follower
                    .next_status()
                    .await
                    .context("a follower from the guessing address")?;
                followers.push(follower);
            }
            let records = presenter.command(r#"{"cmd":"step"}"#).await?;
            for follower in &mut followers {
                while follower.until_snapshot().await? < records {}
            }
            create_room_from(row, guesser)
                .await
                .context("room creation from the guessing address")?;

            let mut unknown = BTreeMap::new();
            for index in 0..GUESSES {
                let path = format!("/rooms/{}/ws", unknown_code(index * 7919 + 1));
                let (code, reason) = refusal(row, code_guesser, &path).await?;
                ensure!(
                    code == CLOSE_UNKNOWN_ROOM || code == CLOSE_RATE_LIMITED,
                    "an unknown code: {code} {reason}"
                );
                *unknown.entry(code).or_insert(0) += 1;
            }
            let path = format!("/rooms/{}/ws", unknown_code(1));
            let (code, reason) = refusal(row, code_guesser, &path).await?;
            ensure!(
                code == CLOSE_RATE_LIMITED,
                "after {GUESSES} unknown codes the next is still looked up: {code} {reason}"
            );
            let mut follower = Ws::open(loopback(code_guesser), row.addr(), &follow).await?;
            follower
                .next_status()
                .await
                .context("a valid follower join from the code-guessing address")?;
            create_room_from(row, code_guesser)
                .await
                .context("room creation from the code-guessing address")?;

            let rounds = prober.stop().await?;
            row.note(format!(
                "{GUESSES} wrong keys in {:.0} ms: closes {seen:?}; then {CLOSE_RATE_LIMITED}; right key, 3 followers and POST /api/rooms from that address served",
                guessing.as_secs_f64() * 1e3
            ));
            row.note(format!(
                "{GUESSES} unknown codes: closes {unknown:?}; a valid join and a room creation from that address served; {rounds} probe rounds meanwhile"
            ));
            Ok(())
        },
    )
}

/// The presenter of `room`, joining from `from` with the right key.
pub async fn seat(row: &Row, from: u8, room: &RoomCreated) -> Result<Ws> {
    let path = format!("/rooms/{}/ws?key={}", room.code, room.presenter_key);
    let mut presenter = Ws::open(loopback(from), row.addr(), &path).await?;
    let status = presenter
        .next_status()
        .await
        .context("the presenter with the right key")?;
    ensure!(status.presenter, "seated but not presenting: {status:?}");
    Ok(presenter)
}
