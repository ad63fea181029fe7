//! Classroom polls over real WebSockets: a real server, a presenter who
//! asks, followers who answer, and every refusal the room gives.

use std::net::Ipv4Addr;

use anyhow::{Result, bail, ensure};
use reactor_e2e::rooms::{RoomSocket, create_room, room_server};
use reactor_protocol::ServerFrame;
use reactor_protocol::frame::{PollAsked, PollTally};
use reactor_server::RoomLimits;

fn poll_command(text: &str, choices: &[&str]) -> String {
    serde_json::json!({"cmd": "poll", "text": text, "choices": choices}).to_string()
}

fn answer_command(poll: u32, choice: u8) -> String {
    format!(r#"{{"cmd":"answer","poll":{poll},"choice":{choice}}}"#)
}

const CHOICES: [&str; 3] = ["the task parks", "the read returns bytes", "it panics"];

/// Open a room with a presenter and `followers` followers, and ask them a
/// three-choice question; each follower has read its `poll` frame.
async fn asked(
    limits: RoomLimits,
    followers: usize,
) -> Result<(
    reactor_e2e::TestServer,
    RoomSocket,
    Vec<RoomSocket>,
    PollAsked,
)> {
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    let mut joined = Vec::new();
    for _ in 0..followers {
        joined.push(RoomSocket::joined(server.addr(), &room.code).await?);
    }
    presenter
        .send(&poll_command("What happens next?", &CHOICES))
        .await?;
    let zero = presenter.tally_until(0).await?;
    ensure!(zero.counts == [0, 0, 0] && zero.right.is_none(), "{zero:?}");
    let mut asked = None;
    for follower in &mut joined {
        match follower.next_content().await? {
            (_, ServerFrame::Poll(poll)) => asked = Some(poll),
            (raw, _) => bail!("expected the poll, got {raw}"),
        }
    }
    let Some(asked) = asked else {
        bail!("ask at least one follower");
    };
    ensure!(
        asked.id == zero.poll && asked.choices == CHOICES,
        "{asked:?}"
    );
    Ok((server, presenter, joined, asked))
}

/// The follower's next content frame must be `answered` with these values.
async fn expect_answered(follower: &mut RoomSocket, poll: u32, choice: u8) -> Result<()> {
    match follower.next_content().await? {
        (_, ServerFrame::Answered { poll: p, choice: c }) if (p, c) == (poll, choice) => Ok(()),
        (raw, _) => bail!("expected answered {poll}/{choice}, got {raw}"),
    }
}

/// The follower's next content frame must be this `revealed` (a follower
/// is never sent a `tally`).
async fn expect_revealed(follower: &mut RoomSocket, expected: &PollTally) -> Result<()> {
    match follower.next_content().await? {
        (_, ServerFrame::Revealed(tally)) if &tally == expected => Ok(()),
        (raw, _) => bail!("expected {expected:?} revealed, got {raw}"),
    }
}

/// The presenter's next frames: tallies made before the reveal, then this
/// `revealed`.
async fn presenter_sees_revealed(presenter: &mut RoomSocket, expected: &PollTally) -> Result<()> {
    loop {
        match presenter.next_content().await? {
            (_, ServerFrame::Revealed(tally)) if &tally == expected => return Ok(()),
            (_, ServerFrame::Tally(_)) => {}
            (raw, _) => bail!("expected {expected:?} revealed, got {raw}"),
        }
    }
}

#[tokio::test]
async fn answers_are_tallied_for_the_presenter_alone_and_revealed_to_everyone() -> Result<()> {
    let (_server, mut presenter, mut followers, asked) = asked(RoomLimits::default(), 3).await?;
    for (follower, choice) in followers.iter_mut().zip([0, 0, 1]) {
        follower.send(&answer_command(asked.id, choice)).await?;
        expect_answered(follower, asked.id, choice).await?;
    }
    let tally = presenter.tally_until(3).await?;
    ensure!(tally.counts == [2, 1, 0], "{tally:?}");

    // A second answer from the same connection, and bad ones, change nothing.
    let first = &mut followers[0];
    first.send(&answer_command(asked.id, 2)).await?;
    let again = first.next_error().await?;
    ensure!(
        again.contains("answered poll 1 already (choice 0)"),
        "{again}"
    );

    presenter.send(r#"{"cmd":"reveal","right":1}"#).await?;
    let revealed = PollTally {
        poll: asked.id,
        counts: vec![2, 1, 0],
        answered: 3,
        right: Some(1),
    };
    presenter_sees_revealed(&mut presenter, &revealed).await?;
    // Each follower's frames since the poll: its `answered`, then this —
    // never a tally, never a count before the reveal.
    for follower in &mut followers {
        expect_revealed(follower, &revealed).await?;
    }
    followers[1].send(&answer_command(asked.id, 0)).await?;
    let closed = followers[1].next_error().await?;
    ensure!(closed.contains("no poll is open now"), "{closed}");
    Ok(())
}

#[tokio::test]
async fn bad_answer_frames_get_an_error_and_change_nothing() -> Result<()> {
    let limits = RoomLimits {
        poll_answers_per_second: 100,
        ..RoomLimits::default()
    };
    let (_server, mut presenter, mut followers, asked) = asked(limits, 1).await?;
    let follower = &mut followers[0];
    let cases = [
        (
            answer_command(asked.id + 1, 0),
            "poll 2 is not open: the open poll is 1",
        ),
        (answer_command(asked.id, 3), "there is no choice 3"),
        ("not json".to_owned(), "nothing to send"),
        (r#"{"cmd":"step"}"#.to_owned(), "\"step\" refused"),
        (
            r#"{"cmd":"answer","poll":1,"choice":-1}"#.to_owned(),
            "bad \"answer\" command",
        ),
        (
            r#"{"cmd":"answer","poll":1,"choice":0,"also":1}"#.to_owned(),
            "bad \"answer\" command",
        ),
    ];
    for (frame, expected) in cases {
        follower.send(&frame).await?;
        let message = follower.next_error().await?;
        ensure!(message.contains(expected), "{frame}: {message}");
    }
    follower.send(&answer_command(asked.id, 2)).await?;
    expect_answered(follower, asked.id, 2).await?;
    let tally = presenter.tally_until(1).await?;
    ensure!(
        tally.counts == [0, 0, 1],
        "only the good answer counted: {tally:?}"
    );

    // The presenter's own mistakes are errors too.
    for (command, expected) in [
        (
            r#"{"cmd":"reveal","right":3}"#.to_owned(),
            "\"right\" cannot be 3",
        ),
        (
            poll_command("Which?", &["only one"]),
            "a poll has 2 to 5 choices",
        ),
        (
            r#"{"cmd":"poll","text":"Which?"}"#.to_owned(),
            "bad \"poll\" command",
        ),
    ] {
        presenter.send(&command).await?;
        let message = presenter.next_error().await?;
        ensure!(message.contains(expected), "{command}: {message}");
    }
    presenter.send(r#"{"cmd":"reveal"}"#).await?;
    let unanswered = PollTally {
        poll: asked.id,
        counts: vec![0, 0, 1],
        answered: 1,
        right: None,
    };
    presenter_sees_revealed(&mut presenter, &unanswered).await?;
    expect_revealed(follower, &unanswered).await?;
    presenter.send(r#"{"cmd":"reveal"}"#).await?;
    let none = presenter.next_error().await?;
    ensure!(none.starts_with("no poll is open to reveal"), "{none}");
    Ok(())
}

#[tokio::test]
async fn a_late_joiner_gets_the_open_poll_after_its_catch_up() -> Result<()> {
    let server = room_server(RoomLimits::default()).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    let run = presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    presenter.send(r#"{"cmd":"view","step":0}"#).await?;
    presenter
        .send(&poll_command("What happens next?", &CHOICES))
        .await?;
    presenter.tally_until(0).await?;

    let mut late = RoomSocket::joined(server.addr(), &room.code).await?;
    for expected in &run {
        let (raw, _) = late.next_content().await?;
        ensure!(&raw == expected, "catch-up: {raw} instead of {expected}");
    }
    let (view, _) = late.next_content().await?;
    ensure!(view == r#"{"type":"view","step":0}"#, "{view}");
    match late.next_content().await? {
        (_, ServerFrame::Poll(asked)) if asked.id == 1 && asked.choices == CHOICES => {}
        (raw, _) => bail!("expected the open poll last, got {raw}"),
    }
    late.send(&answer_command(1, 1)).await?;
    expect_answered(&mut late, 1, 1).await?;
    Ok(())
}

#[tokio::test]
async fn a_new_poll_or_a_load_closes_the_open_one_and_polls_are_capped() -> Result<()> {
    let limits = RoomLimits {
        max_polls_per_room: 2,
        ..RoomLimits::default()
    };
    let (_server, mut presenter, mut followers, asked) = asked(limits, 1).await?;
    let follower = &mut followers[0];
    presenter
        .send(&poll_command("And now?", &["yes", "no"]))
        .await?;
    let closed = PollTally {
        poll: asked.id,
        counts: vec![0, 0, 0],
        answered: 0,
        right: None,
    };
    presenter_sees_revealed(&mut presenter, &closed).await?;
    let second = presenter.tally_until(0).await?;
    ensure!(second.poll == 2 && second.counts == [0, 0], "{second:?}");
    expect_revealed(follower, &closed).await?;
    match follower.next_content().await? {
        (_, ServerFrame::Poll(poll)) if poll.id == 2 => {}
        (raw, _) => bail!("expected poll 2, got {raw}"),
    }
    presenter
        .send(&poll_command("A third?", &["yes", "no"]))
        .await?;
    let capped = presenter.next_error().await?;
    ensure!(capped.contains("has asked 2 polls"), "{capped}");

    follower.send(&answer_command(2, 1)).await?;
    expect_answered(follower, 2, 1).await?;
    presenter.tally_until(1).await?;
    presenter
        .send(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    let unanswered = PollTally {
        poll: 2,
        counts: vec![0, 1],
        answered: 1,
        right: None,
    };
    expect_revealed(follower, &unanswered).await?;
    match follower.next_content().await? {
        (_, ServerFrame::Loaded { .. }) => {}
        (raw, _) => bail!("expected the new run after the reveal, got {raw}"),
    }
    Ok(())
}

#[tokio::test]
async fn one_address_answers_up_to_its_share() -> Result<()> {
    let limits = RoomLimits {
        poll_answers_per_address: 2,
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    let school = Ipv4Addr::new(127, 0, 0, 2);
    let mut class = Vec::new();
    for _ in 0..3 {
        class.push(RoomSocket::joined_from(school, server.addr(), &room.code).await?);
    }
    let mut elsewhere =
        RoomSocket::joined_from(Ipv4Addr::new(127, 0, 0, 3), server.addr(), &room.code).await?;
    presenter.send(&poll_command("Which?", &["a", "b"])).await?;
    presenter.tally_until(0).await?;
    for follower in class.iter_mut().chain([&mut elsewhere]) {
        follower.next_content().await?;
    }
    for follower in &mut class[..2] {
        follower.send(&answer_command(1, 0)).await?;
        expect_answered(follower, 1, 0).await?;
    }
    class[2].send(&answer_command(1, 0)).await?;
    let share = class[2].next_error().await?;
    ensure!(share.contains("2 answers from your address"), "{share}");
    elsewhere.send(&answer_command(1, 1)).await?;
    expect_answered(&mut elsewhere, 1, 1).await?;
    let tally = presenter.tally_until(3).await?;
    ensure!(tally.counts == [2, 1], "{tally:?}");
    Ok(())
}

#[tokio::test]
async fn answers_past_the_rate_are_refused() -> Result<()> {
    let limits = RoomLimits {
        poll_answers_per_second: 1,
        ..RoomLimits::default()
    };
    let (_server, _presenter, mut followers, asked) = asked(limits, 1).await?;
    let follower = &mut followers[0];
    // Answers the room refuses (no choice 9) still count against the rate.
    const TRIES: usize = 5;
    for _ in 0..TRIES {
        follower.send(&answer_command(asked.id, 9)).await?;
    }
    let mut too_fast = 0;
    for index in 0..TRIES {
        let message = follower.next_error().await?;
        if message.starts_with("answers come too fast: at most 1 a second") {
            ensure!(index > 0, "the first answer is never too fast");
            too_fast += 1;
        } else {
            ensure!(message.contains("no choice 9"), "{message}");
        }
    }
    ensure!(
        too_fast > 0,
        "{TRIES} answers sent at once, none refused as too fast"
    );
    Ok(())
}
