//! What a room costs per follower: the catch-up is compacted, a follower is
//! handed no more than it shows it reads, and one that stops reading is
//! dropped within the write timeout (or at once at shutdown), while the
//! class goes on.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use reactor_e2e::PATIENCE;
use reactor_e2e::rooms::{RoomSocket, create_room, room_server};
use reactor_server::RoomLimits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bytes a follower may have unread in the tests below.
const BUDGET: usize = 64 * 1024;

/// Load `crowd` and run it to the end: about 1 MB of frames in the history.
async fn crowd_run(presenter: &mut RoomSocket) -> Result<Vec<String>> {
    let mut frames = presenter
        .command(r#"{"cmd":"load","scenario":"crowd"}"#)
        .await?;
    frames.extend(presenter.command(r#"{"cmd":"run"}"#).await?);
    Ok(frames)
}

/// Open a follower's WebSocket by hand, so nothing answers the server's
/// pings: whatever the socket is sent, the follower never shows it read it.
/// `receive_buffer` shrinks the socket's receive buffer.
async fn join_without_pongs(
    addr: SocketAddr,
    code: &str,
    receive_buffer: Option<u32>,
) -> Result<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    if let Some(bytes) = receive_buffer {
        socket.set_recv_buffer_size(bytes)?;
    }
    let mut stream = socket.connect(addr).await?;
    let request = format!(
        "GET /rooms/{code}/ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream
            .read_exact(&mut byte)
            .await
            .context("the upgrade's answer")?;
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    ensure!(head.starts_with("HTTP/1.1 101"), "not upgraded: {head}");
    Ok(stream)
}

/// Read `stream` to its end; how many bytes came.
async fn read_to_end(stream: &mut TcpStream) -> Result<usize> {
    let mut total = 0;
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let read = tokio::time::timeout(PATIENCE, stream.read(&mut buffer))
            .await
            .context("the server neither sent more nor closed")?;
        match read {
            Ok(0) | Err(_) => return Ok(total),
            Ok(read) => total += read,
        }
    }
}

/// Read `follower`'s content frames all the time, as a browser does (so
/// pings are answered at once), and hand them over in order.
fn reading(mut follower: RoomSocket) -> tokio::sync::mpsc::UnboundedReceiver<Result<String>> {
    let (frames, received) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let next = follower.next_content().await.map(|(raw, _)| raw);
            let failed = next.is_err();
            if frames.send(next).is_err() || failed {
                return;
            }
        }
    });
    received
}

/// Wait until the presenter reads a `room` frame counting `followers`.
async fn until_followers(presenter: &mut RoomSocket, followers: usize) -> Result<()> {
    while presenter.next_status().await?.followers != followers {}
    Ok(())
}

#[tokio::test]
async fn steps_past_the_end_are_neither_kept_nor_sent() -> Result<()> {
    let server = room_server(RoomLimits::default()).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    let mut early = RoomSocket::joined(server.addr(), &room.code).await?;
    let mut run = presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    run.extend(presenter.command(r#"{"cmd":"run"}"#).await?);
    for _ in 0..200 {
        let answer = presenter.command(r#"{"cmd":"step"}"#).await?;
        ensure!(answer.len() == 2, "past the end: a snapshot and done");
    }
    presenter.send(r#"{"cmd":"view","step":44}"#).await?;
    let view = r#"{"type":"view","step":44}"#;

    let mut seen = Vec::new();
    while seen.last().map(String::as_str) != Some(view) {
        seen.push(early.next_content().await?.0);
    }
    ensure!(
        seen.len() == run.len() + 1,
        "{} frames, not {}",
        seen.len(),
        run.len() + 1
    );
    ensure!(
        seen[..run.len()] == run[..],
        "the run as the presenter got it, once"
    );

    let mut late = RoomSocket::joined(server.addr(), &room.code).await?;
    let mut caught_up = Vec::new();
    while caught_up.last().map(String::as_str) != Some(view) {
        caught_up.push(late.next_content().await?.0);
    }
    ensure!(
        caught_up == seen,
        "a late joiner gets the same compact history"
    );
    Ok(())
}

#[tokio::test]
async fn a_joiner_is_handed_no_more_than_it_shows_it_reads() -> Result<()> {
    let limits = RoomLimits {
        follower_bytes: BUDGET,
        follower_write_timeout: Duration::from_secs(1),
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    let run = crowd_run(&mut presenter).await.context("crowd")?;
    let history: usize = run.iter().map(String::len).sum();
    ensure!(
        history > 10 * BUDGET,
        "a history far over the budget: {history} bytes"
    );

    // A reader that answers pings (as browsers do, reading all the time)
    // gets all of it.
    let reader = RoomSocket::joined(server.addr(), &room.code).await?;
    let mut reader = reading(reader);
    for (index, expected) in run.iter().enumerate() {
        let raw = reader
            .recv()
            .await
            .with_context(|| format!("frame {index}"))??;
        ensure!(raw == *expected, "frame {index} of the catch-up differs");
    }

    // One that reads but never answers is handed about half the budget
    // (the rest is kept for live frames), then dropped.
    let mut silent = join_without_pongs(server.addr(), &room.code, None).await?;
    let start = Instant::now();
    until_followers(&mut presenter, 2)
        .await
        .context("the silent one counted")?;
    let received = read_to_end(&mut silent).await?;
    let largest = run.iter().map(String::len).max().unwrap_or(0);
    ensure!(
        received <= BUDGET / 2 + largest + 1024,
        "{received} bytes sent to a follower that never showed it read them"
    );
    ensure!(
        received >= BUDGET / 4,
        "it was sent a catch-up: {received} bytes"
    );
    ensure!(
        start.elapsed() < Duration::from_secs(1) + PATIENCE / 3,
        "dropped after {:?}",
        start.elapsed()
    );
    until_followers(&mut presenter, 1).await?;
    let answer = presenter.command(r#"{"cmd":"reset"}"#).await?;
    for expected in &answer {
        let raw = reader.recv().await.context("the reader follows on")??;
        ensure!(raw == *expected, "the reader follows on: {raw}");
    }
    Ok(())
}

#[tokio::test]
async fn a_follower_that_stops_reading_is_dropped_within_the_write_timeout() -> Result<()> {
    let timeout = Duration::from_secs(1);
    let limits = RoomLimits {
        follower_bytes: BUDGET,
        follower_write_timeout: timeout,
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    let mut student = RoomSocket::joined(server.addr(), &room.code).await?;
    for _ in 0..3 {
        student.next_content().await?; // the catch-up: loaded, outline, snapshot
    }
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(4096)?;
    let stream = socket.connect(server.addr()).await?;
    let _stalled = RoomSocket::open_on(stream, server.addr(), &room.code).await?;
    until_followers(&mut presenter, 2).await?;

    // The class goes on while the stalled follower fills its share and waits.
    let start = Instant::now();
    let mut step = 0u64;
    loop {
        step += 1;
        let command = format!(
            r#"{{"cmd":"view","step":{step},"lesson":"{}"}}"#,
            "a".repeat(60)
        );
        presenter.send(&command).await?;
        let (raw, _) = student.next_content().await?;
        ensure!(
            raw.contains(&format!(r#""step":{step},"#)),
            "the student missed a view: {raw}"
        );
        // The student reads every `room` frame on the way (and skips it).
        if student
            .last_status()
            .is_some_and(|status| status.followers == 1)
        {
            break;
        }
        if start.elapsed() > PATIENCE {
            bail!("the stalled follower was never dropped");
        }
    }
    ensure!(
        start.elapsed() < timeout + PATIENCE / 3,
        "dropped {:?} after it stopped reading",
        start.elapsed()
    );
    Ok(())
}

#[tokio::test]
async fn shutdown_does_not_wait_for_a_follower_that_stopped_reading() -> Result<()> {
    let limits = RoomLimits {
        follower_bytes: BUDGET,
        follower_write_timeout: Duration::from_secs(600),
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    crowd_run(&mut presenter).await?;
    let mut stalled = join_without_pongs(server.addr(), &room.code, Some(4096)).await?;
    until_followers(&mut presenter, 1).await?;
    let start = Instant::now();
    server.shutdown().await?;
    // What the follower was handed is bounded, so reading it all is quick;
    // then the socket ends, long before its 600 s deadline.
    read_to_end(&mut stalled).await?;
    ensure!(
        start.elapsed() < PATIENCE,
        "closed {:?} after shutdown",
        start.elapsed()
    );
    Ok(())
}
