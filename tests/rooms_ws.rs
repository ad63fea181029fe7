//! Classroom rooms over real WebSockets: one presenter drives a real
//! engine, followers receive what it receives, byte for byte and in order.

use anyhow::{Result, bail, ensure};
use reactor_e2e::rooms::{Incoming, RoomSocket, create_room, room_server};
use reactor_protocol::ServerFrame;
use reactor_protocol::frame::ViewPosition;
use reactor_server::RoomLimits;

/// Steps the presenter takes at most before `tcp_read` must be done.
const MAX_STEPS: usize = 500;

/// The `view` frame the room sends for a `view` command, encoded as the server does.
fn view_frame(step: u64) -> String {
    serde_json::to_string(&ServerFrame::View(ViewPosition {
        step,
        lesson: None,
        stage: None,
    }))
    .expect("encodes")
}

fn view_command(step: u64) -> String {
    format!(r#"{{"cmd":"view","step":{step}}}"#)
}

/// Drive `tcp_read` to the end like the web app does: `step`, then a `view`
/// of the new position. Returns what the followers must see, in order.
async fn present_tcp_read(presenter: &mut RoomSocket) -> Result<Vec<String>> {
    let mut expected = presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    let mut shown = 0u64;
    for _ in 0..MAX_STEPS {
        let answer = presenter.command(r#"{"cmd":"step"}"#).await?;
        let done = answer.last().is_some_and(|raw| raw == r#"{"type":"done"}"#);
        shown += answer
            .iter()
            .filter(|raw| raw.starts_with(r#"{"type":"record""#))
            .count() as u64;
        expected.extend(answer);
        presenter.send(&view_command(shown)).await?;
        expected.push(view_frame(shown));
        if done {
            return Ok(expected);
        }
    }
    bail!("tcp_read not done after {MAX_STEPS} steps")
}

/// Read `count` content frames (room frames skipped).
async fn read_content(follower: &mut RoomSocket, count: usize) -> Result<Vec<String>> {
    let mut frames = Vec::with_capacity(count);
    for _ in 0..count {
        frames.push(follower.next_content().await?.0);
    }
    Ok(frames)
}

#[tokio::test]
async fn fifty_followers_receive_every_frame_in_order_and_cannot_drive() -> Result<()> {
    let server = room_server(RoomLimits::default()).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    let mut followers = Vec::new();
    for _ in 0..50 {
        followers.push(RoomSocket::joined(server.addr(), &room.code).await?);
    }

    let expected = present_tcp_read(&mut presenter).await?;
    ensure!(
        expected.len() > 20,
        "a real run has many frames, got {}",
        expected.len()
    );
    let reads = followers
        .iter_mut()
        .map(|follower| read_content(follower, expected.len()));
    for (index, got) in futures_util::future::try_join_all(reads)
        .await?
        .into_iter()
        .enumerate()
    {
        ensure!(got == expected, "follower {index} saw a different stream");
    }

    // A follower's step is refused, and nothing is produced for anyone.
    followers[7].send(r#"{"cmd":"step"}"#).await?;
    match followers[7].next_content().await? {
        (_, ServerFrame::Error { message, .. }) => {
            ensure!(
                message.contains("\"step\" refused") && message.contains(&room.code),
                "{message}"
            )
        }
        (raw, _) => bail!("expected an error frame, got {raw}"),
    }
    let marker = 9_999;
    presenter.send(&view_command(marker)).await?;
    for follower in &mut followers {
        let (raw, _) = follower.next_content().await?;
        ensure!(
            raw == view_frame(marker),
            "a frame slipped in before the marker: {raw}"
        );
    }
    presenter.send(r#"{"cmd":"step"}"#).await?;
    let (raw, _) = presenter.next_content().await?;
    ensure!(
        raw.contains(r#""snapshot""#) || raw == r#"{"type":"done"}"#,
        "the engine moved: {raw}"
    );
    Ok(())
}

#[tokio::test]
async fn the_presenter_sees_the_follower_count() -> Result<()> {
    let server = room_server(RoomLimits::default()).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    let first = presenter.next_status().await?;
    ensure!(first.presenter && first.followers == 0, "{first:?}");
    let _a = RoomSocket::joined(server.addr(), &room.code).await?;
    let b = RoomSocket::joined(server.addr(), &room.code).await?;
    while presenter.next_status().await?.followers != 2 {}
    b.close().await?;
    while presenter.next_status().await?.followers != 1 {}
    Ok(())
}

#[tokio::test]
async fn students_exploring_are_counted_and_brought_back_by_the_presenter() -> Result<()> {
    let server = room_server(RoomLimits::default()).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    let mut follower = RoomSocket::joined(server.addr(), &room.code).await?;
    // A student exploring on a private session keeps an ear on the room.
    let mut explorer = RoomSocket::open(server.addr(), &room.code, "?watch=true").await?;
    explorer.next_status().await?;
    loop {
        let status = presenter.next_status().await?;
        if (status.followers, status.exploring) == (1, 1) {
            break;
        }
    }
    // The run reaches followers only; the room's news reaches both.
    presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    let (_, first) = follower.next_content().await?;
    ensure!(matches!(first, ServerFrame::Loaded { .. }), "{first:?}");
    presenter.send(r#"{"cmd":"gather"}"#).await?;
    let (raw, gather) = explorer.next_content().await?;
    ensure!(
        gather == ServerFrame::Gather,
        "the explorer got {raw} first, not gather"
    );
    ensure!(raw == r#"{"type":"gather"}"#, "{raw}");
    loop {
        match follower.next_content().await? {
            (_, ServerFrame::Gather) => break,
            (_, ServerFrame::Outline(_) | ServerFrame::Snapshot { .. }) => {}
            (raw, _) => bail!("a follower got {raw} before gather"),
        }
    }
    explorer.close().await?;
    loop {
        let status = presenter.next_status().await?;
        if (status.followers, status.exploring) == (1, 0) {
            break;
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_late_joiner_catches_up_with_the_history_and_the_position() -> Result<()> {
    let server = room_server(RoomLimits::default()).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    let mut early = RoomSocket::joined(server.addr(), &room.code).await?;
    presenter
        .command(r#"{"cmd":"load","scenario":"timers"}"#)
        .await?;
    let mut history = presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    for _ in 0..5 {
        history.extend(presenter.command(r#"{"cmd":"step"}"#).await?);
    }
    presenter.send(&view_command(3)).await?;
    presenter.send(&view_command(5)).await?;
    // Once an early follower has the last view, the room has it too.
    while early.next_content().await?.0 != view_frame(5) {}

    let mut late = RoomSocket::follower(server.addr(), &room.code).await?;
    let status = late.next_status().await?;
    ensure!(
        status.followers == 2 && status.presenter && !status.resync,
        "{status:?}"
    );
    let caught_up = read_content(&mut late, history.len() + 1).await?;
    ensure!(
        caught_up[..history.len()] == history[..],
        "history differs from the presenter's"
    );
    ensure!(
        caught_up[history.len()] == view_frame(5),
        "only the last view: {}",
        caught_up[history.len()]
    );

    let next = presenter.command(r#"{"cmd":"step"}"#).await?;
    ensure!(
        read_content(&mut late, next.len()).await? == next,
        "live frames follow the catch-up"
    );
    Ok(())
}

/// Views the flood below sends: ~110 bytes each, 6.6 MB in all, more than a
/// stalled socket can hide in kernel buffers (Linux grows a send buffer to
/// 4 MiB at most, `net.ipv4.tcp_wmem`).
const FLOOD: u64 = 60_000;
/// Views sent before waiting for the healthy followers: a quarter of their queue.
const BURST: usize = 256;

/// A `view` naming a long lesson id, to make each frame weigh ~110 bytes.
fn flood_view(step: u64) -> (String, String) {
    let lesson = "a".repeat(60);
    let at = ViewPosition {
        step,
        lesson: Some(lesson.clone()),
        stage: Some(1),
    };
    let command = format!(r#"{{"cmd":"view","step":{step},"lesson":"{lesson}","stage":1}}"#);
    (
        command,
        serde_json::to_string(&ServerFrame::View(at)).expect("encodes"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_follower_does_not_slow_the_others_and_resyncs_later() -> Result<()> {
    let limits = RoomLimits {
        follower_queue: 4 * BURST,
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    let mut history = presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    history.extend(presenter.command(r#"{"cmd":"run"}"#).await?);

    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(4096)?;
    let stream = socket.connect(server.addr()).await?;
    let mut stalled = RoomSocket::open_on(stream, server.addr(), &room.code).await?;
    let mut readers = Vec::new();
    for _ in 0..3 {
        let mut healthy = RoomSocket::joined(server.addr(), &room.code).await?;
        ensure!(
            read_content(&mut healthy, history.len()).await? == history,
            "catch-up"
        );
        let (progress, seen) = tokio::sync::watch::channel(0usize);
        let reader = tokio::spawn(async move {
            let mut got = Vec::with_capacity(FLOOD as usize);
            while got.len() < FLOOD as usize {
                got.push(healthy.next_content().await?.0);
                progress.send_replace(got.len());
            }
            anyhow::Ok(got)
        });
        readers.push((reader, seen));
    }

    // The stalled follower never reads while this goes on. The presenter
    // goes at the class's pace, a burst smaller than a queue at a time.
    let mut sent = Vec::with_capacity(FLOOD as usize);
    for step in 0..FLOOD {
        let (command, frame) = flood_view(step);
        presenter.send(&command).await?;
        sent.push(frame);
        if sent.len() % BURST == 0 {
            for (_, seen) in &mut readers {
                let caught_up = seen.wait_for(|n| *n >= sent.len());
                tokio::time::timeout(reactor_e2e::PATIENCE, caught_up).await??;
            }
        }
    }
    for (reader, _) in readers {
        ensure!(
            reader.await?? == sent,
            "a healthy follower missed or reordered frames"
        );
    }

    // Now it reads: what it had, then a resync to the room as it is now.
    let resync = loop {
        match stalled.next().await? {
            Incoming::Frame(_, ServerFrame::Room(status)) if status.resync => break status,
            Incoming::Frame(..) => {}
            Incoming::Closed(code, reason) => {
                bail!("the stalled follower was closed: {code} {reason}")
            }
        }
    };
    ensure!(!resync.ended, "{resync:?}");
    let replay = read_content(&mut stalled, history.len() + 1).await?;
    ensure!(
        replay[..history.len()] == history[..],
        "the resync replays the room from its last load"
    );
    ensure!(
        replay[history.len()] == sent[sent.len() - 1],
        "then the presenter's position"
    );
    let next = presenter.command(r#"{"cmd":"reset"}"#).await?;
    ensure!(
        read_content(&mut stalled, next.len()).await? == next,
        "and it is live again"
    );
    Ok(())
}
