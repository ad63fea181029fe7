//! Rooms across servers: a real `nats-server` with JetStream and two or
//! three `reactor-lab` instances sharing their rooms through it
//! (`--nats`). A class joins on any instance and sees exactly what the
//! presenter's instance shows; an instance, the presenter's one, or NATS
//! itself can die, and what happens then is what docs/scaling.md says.

use std::net::SocketAddr;

use anyhow::{Result, bail, ensure};
use reactor_e2e::nats::{Instance, Nats};
use reactor_e2e::rooms::{Incoming, RoomSocket, create_room};
use reactor_protocol::ServerFrame;
use reactor_protocol::frame::{RoomCreated, ViewPosition};
use reactor_server::NatsConfig;

/// Load `tcp_read` and step it `steps` times; the frames the presenter got.
async fn run(presenter: &mut RoomSocket, steps: usize) -> Result<Vec<String>> {
    let mut frames = presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    for _ in 0..steps {
        frames.extend(step(presenter).await?);
    }
    Ok(frames)
}

/// One step; the frames it brought.
async fn step(presenter: &mut RoomSocket) -> Result<Vec<String>> {
    presenter.command(r#"{"cmd":"step"}"#).await
}

/// The next `count` frames that are not `room` frames.
async fn content(socket: &mut RoomSocket, count: usize) -> Result<Vec<String>> {
    let mut frames = Vec::with_capacity(count);
    while frames.len() < count {
        frames.push(socket.next_content().await?.0);
    }
    Ok(frames)
}

/// Read until a frame equal to `frame` arrives; the frames before it too.
async fn until(socket: &mut RoomSocket, frame: &str) -> Result<Vec<String>> {
    let mut read = Vec::new();
    loop {
        let (raw, _) = socket.next_content().await?;
        let found = raw == frame;
        read.push(raw);
        if found {
            return Ok(read);
        }
    }
}

/// Read `room` frames until one counts `followers` following.
async fn counted(socket: &mut RoomSocket, followers: usize) -> Result<()> {
    loop {
        let status = socket.next_status().await?;
        if status.followers == followers {
            return Ok(());
        }
    }
}

/// Two instances over one NATS, and a room created on the first.
async fn two(
    nats: &Nats,
    config: impl Fn(&mut NatsConfig),
) -> Result<(Instance, Instance, RoomCreated)> {
    let mut shared = NatsConfig::new(nats.url());
    config(&mut shared);
    let a = Instance::start(&shared)?;
    let b = Instance::start(&shared)?;
    let room = create_room(a.addr()).await?;
    Ok((a, b, room))
}

/// A class on two servers (bind every instance: one left to `..` is dropped,
/// which kills it): the presenter on A has run `steps` steps of
/// `tcp_read`, which its follower on B has seen.
struct Class {
    a: Instance,
    b: Instance,
    room: RoomCreated,
    presenter: RoomSocket,
    on_b: RoomSocket,
    /// The frames the run showed.
    shown: Vec<String>,
}

async fn class(nats: &Nats, config: impl Fn(&mut NatsConfig), steps: usize) -> Result<Class> {
    let (a, b, room) = two(nats, config).await?;
    let mut presenter = RoomSocket::presenter(a.addr(), &room).await?;
    let mut on_b = follower(b.addr(), &room.code).await?;
    counted(&mut presenter, 1).await?;
    let shown = run(&mut presenter, steps).await?;
    ensure!(content(&mut on_b, shown.len()).await? == shown);
    Ok(Class {
        a,
        b,
        room,
        presenter,
        on_b,
        shown,
    })
}

/// Join `code` on `addr` as a follower.
async fn follower(addr: SocketAddr, code: &str) -> Result<RoomSocket> {
    RoomSocket::joined(addr, code).await
}

#[tokio::test]
async fn followers_on_every_server_see_the_same_frames_and_latecomers_catch_up() -> Result<()> {
    let nats = Nats::start()?;
    let (a, b, room) = two(&nats, |_| {}).await?;
    let mut presenter = RoomSocket::presenter(a.addr(), &room).await?;
    let mut on_a = follower(a.addr(), &room.code).await?;
    let mut on_b = follower(b.addr(), &room.code).await?;
    ensure!(
        on_b.last_status().is_some_and(|status| status.presenter),
        "the other server's first frame says the presenter is there"
    );
    counted(&mut presenter, 2).await?;

    let mut shown = run(&mut presenter, 5).await?;
    presenter.send(r#"{"cmd":"view","step":3}"#).await?;
    shown.push(serde_json::to_string(&ServerFrame::View(ViewPosition {
        step: 3,
        lesson: None,
        stage: None,
    }))?);
    let seen_on_a = content(&mut on_a, shown.len()).await?;
    let seen_on_b = content(&mut on_b, shown.len()).await?;
    ensure!(
        seen_on_a == shown,
        "the presenter's server relayed other frames"
    );
    ensure!(
        seen_on_b == seen_on_a,
        "the other server relayed other frames than the presenter's"
    );

    // Latecomers on either server catch up to the same place.
    let mut late_a = follower(a.addr(), &room.code).await?;
    let mut late_b = follower(b.addr(), &room.code).await?;
    let caught_up_a = until(&mut late_a, shown.last().expect("frames")).await?;
    let caught_up_b = until(&mut late_b, shown.last().expect("frames")).await?;
    ensure!(
        caught_up_b == caught_up_a,
        "a latecomer on the other server caught up differently:\n{caught_up_b:#?}\n{caught_up_a:#?}"
    );
    ensure!(
        caught_up_a
            .first()
            .is_some_and(|f| f.contains(r#""type":"loaded""#)),
        "a catch-up starts at the run's start"
    );
    // And they all go on together; the presenter counts the class on both.
    let next = step(&mut presenter).await?;
    for socket in [&mut on_a, &mut on_b, &mut late_a, &mut late_b] {
        ensure!(
            content(socket, next.len()).await? == next,
            "a follower missed a step"
        );
    }
    counted(&mut presenter, 4).await?;
    Ok(())
}

#[tokio::test]
async fn followers_of_a_server_that_dies_continue_on_another() -> Result<()> {
    let nats = Nats::start()?;
    let Class {
        a,
        b,
        room,
        mut presenter,
        mut on_b,
        shown,
    } = class(&nats, |_| {}, 3).await?;

    b.kill();
    // Gone without a goodbye: a close, or a reset.
    if let Ok(Incoming::Frame(raw, _)) = on_b.next().await {
        bail!("a dead server still sent {raw}");
    }
    // The presenter's count forgets the dead server's follower.
    counted(&mut presenter, 0).await?;
    // Its student comes back on the other server, at the presenter's step.
    let mut back = follower(a.addr(), &room.code).await?;
    until(&mut back, shown.last().expect("frames")).await?;
    let next = step(&mut presenter).await?;
    ensure!(content(&mut back, next.len()).await? == next);
    Ok(())
}

#[tokio::test]
async fn when_the_presenters_server_dies_the_presenter_takes_over_elsewhere() -> Result<()> {
    let nats = Nats::start()?;
    let Class {
        a,
        b,
        room,
        presenter: _crashed_with_a,
        mut on_b,
        shown,
    } = class(&nats, |_| {}, 3).await?;

    a.kill();
    // The web app reconnects with its key to whichever server answers,
    // loads the run again and replays to its step.
    let mut presenter = RoomSocket::presenter(b.addr(), &room).await?;
    let replayed = run(&mut presenter, 3).await?;
    ensure!(replayed == shown, "the same run replays to the same frames");
    ensure!(
        content(&mut on_b, replayed.len()).await? == replayed,
        "the class sees the replay"
    );
    let next = step(&mut presenter).await?;
    ensure!(
        content(&mut on_b, next.len()).await? == next,
        "and follows on"
    );
    // A newcomer on the room's new home catches up too.
    let mut newcomer = follower(b.addr(), &room.code).await?;
    until(&mut newcomer, next.last().expect("frames")).await?;
    Ok(())
}

#[tokio::test]
async fn a_nats_restart_is_survived() -> Result<()> {
    let mut nats = Nats::start()?;
    let Class {
        a: _a,
        b,
        room,
        mut presenter,
        mut on_b,
        ..
    } = class(&nats, |_| {}, 2).await?;

    nats.restart()?;
    let next = step(&mut presenter).await?;
    // Published once NATS is back, stored once, relayed on: the class
    // sees the step, after at most a resubscription's replay of the run.
    let last = next.last().expect("frames").clone();
    let seen = until(&mut on_b, &last).await?;
    ensure!(seen.ends_with(&next), "the step arrived whole: {seen:#?}");
    // And a newcomer on the other server still finds the room.
    let mut newcomer = follower(b.addr(), &room.code).await?;
    until(&mut newcomer, &last).await?;
    Ok(())
}

#[tokio::test]
async fn rooms_end_with_a_reason_when_nats_stays_away() -> Result<()> {
    let mut nats = Nats::start()?;
    let two_seconds = |config: &mut NatsConfig| config.outage = std::time::Duration::from_secs(2);
    let Class {
        a: _a,
        b: _b,
        mut presenter,
        mut on_b,
        ..
    } = class(&nats, two_seconds, 1).await?;

    nats.stop();
    for socket in [&mut presenter, &mut on_b] {
        let (code, reason) = socket.closed().await?;
        ensure!(
            code == reactor_server::CLOSE_ENDED,
            "closed {code}: {reason}"
        );
        ensure!(
            reason.contains("NATS"),
            "the reason names the bus: {reason}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_poll_is_answered_on_every_server_and_tallied_as_one() -> Result<()> {
    let nats = Nats::start()?;
    let (a, b, room) = two(&nats, |_| {}).await?;
    let mut presenter = RoomSocket::presenter(a.addr(), &room).await?;
    let mut on_a = follower(a.addr(), &room.code).await?;
    let mut on_b = follower(b.addr(), &room.code).await?;
    let mut also_on_b = follower(b.addr(), &room.code).await?;
    counted(&mut presenter, 3).await?;

    let question = r#"{"cmd":"poll","text":"Who acts next?","choices":["the executor","the OS"]}"#;
    presenter.send(question).await?;
    let mut class = [(&mut on_a, 0), (&mut on_b, 1), (&mut also_on_b, 1)];
    let mut asked = None;
    for (socket, _) in &mut class {
        match socket.next_content().await? {
            (_, ServerFrame::Poll(poll)) => asked = Some(poll.id),
            (raw, _) => bail!("expected the poll, got {raw}"),
        }
    }
    let id = asked.expect("three followers");
    for (socket, choice) in &mut class {
        let answer = format!(r#"{{"cmd":"answer","poll":{id},"choice":{choice}}}"#);
        socket.send(&answer).await?;
        match socket.next_content().await? {
            (_, ServerFrame::Answered { poll, .. }) if poll == id => {}
            (raw, _) => bail!("expected the answer counted, got {raw}"),
        }
    }
    // Two answers were given on the other server; the presenter counts all three.
    let tally = presenter.tally_until(3).await?;
    ensure!(tally.counts == [1, 2], "{tally:?}");

    presenter.send(r#"{"cmd":"reveal","right":1}"#).await?;
    for (socket, _) in &mut class {
        match socket.next_content().await? {
            (_, ServerFrame::Revealed(tally)) => {
                ensure!(
                    tally.counts == [1, 2] && tally.right == Some(1),
                    "{tally:?}"
                );
            }
            (raw, _) => bail!("expected the reveal, got {raw}"),
        }
    }
    Ok(())
}

#[tokio::test]
async fn guesses_spread_over_servers_are_counted_together() -> Result<()> {
    let nats = Nats::start()?;
    let shared = NatsConfig::new(nats.url());
    let three_a_minute = |config: &mut reactor_server::Config| {
        config.rooms.code_guesses = 3;
        config.rooms.code_guess_window = std::time::Duration::from_secs(60);
    };
    let a = Instance::start_with(&shared, three_a_minute)?;
    let b = Instance::start_with(&shared, three_a_minute)?;
    let mut closes = Vec::new();
    for (guess, server) in ["22222222", "33333333", "44444444", "55555555"]
        .into_iter()
        .zip([a.addr(), b.addr(), a.addr(), b.addr()])
    {
        let mut socket = RoomSocket::follower(server, guess).await?;
        closes.push(socket.closed().await?.0);
    }
    // Two guesses on each server, three allowed in all: the fourth is refused.
    let unknown = reactor_server::CLOSE_UNKNOWN_ROOM;
    let limited = reactor_server::CLOSE_RATE_LIMITED;
    ensure!(
        closes == [unknown, unknown, unknown, limited],
        "closes: {closes:?}"
    );
    Ok(())
}
