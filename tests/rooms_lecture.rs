//! A classroom room's lecture over the real server: the presenter's moves
//! (loads of scenarios and programs, views with and without a lesson stage)
//! kept as made, in order and timed, handed to the presenter alone by
//! `GET /api/rooms/{code}/lecture?key=KEY`, within the room's caps.

mod playground_support;
mod ws_support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use playground_support::{ARTICLE_HANDLER, ARTICLE_PEER, BROKEN, load_command};
use reactor_e2e::rooms::{RoomSocket, create_room, room_server};
use reactor_protocol::ApiError;
use reactor_protocol::ServerFrame;
use reactor_protocol::export::lecture::{FORMAT, Lecture, Shown, VERSION};
use reactor_protocol::frame::{RoomCreated, ViewPosition};
use reactor_server::{CLOSE_RATE_LIMITED, RoomLimits};
use ws_support::{Response, get};

/// `GET /api/rooms/{code}/lecture` with `query` (`""` or `"?key=…"`).
async fn lecture_answer(addr: SocketAddr, code: &str, query: &str) -> Result<Response> {
    get(addr, &format!("/api/rooms/{code}/lecture{query}"), &[]).await
}

/// The presenter's lecture of `room`, which must be served as a file.
async fn saved(addr: SocketAddr, room: &RoomCreated) -> Result<Lecture> {
    let query = format!("?key={}", room.presenter_key);
    let answer = lecture_answer(addr, &room.code, &query).await?;
    ensure!(
        answer.status == 200,
        "{}: {}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    ensure!(answer.header("content-type") == "application/json");
    let file = format!(
        "attachment; filename=\"lecture-{}.reactor-lab-lecture.json\"",
        room.code
    );
    ensure!(answer.header("content-disposition") == file, "{answer:?}");
    answer.json()
}

/// A refusal: its status and its JSON `error`.
async fn refused(addr: SocketAddr, code: &str, query: &str) -> Result<(u16, String, Response)> {
    let answer = lecture_answer(addr, code, query).await?;
    let ApiError { error } = answer.json()?;
    ensure!(
        answer
            .header("content-type")
            .starts_with("application/json")
    );
    Ok((answer.status, error, answer))
}

/// Send `command`, which the room must refuse with an `error` frame; so
/// every frame sent before it has been carried out when this returns.
async fn expect_refused(presenter: &mut RoomSocket, command: &str) -> Result<String> {
    presenter.send(command).await?;
    match presenter.next_content().await? {
        (_, ServerFrame::Error { message, .. }) => Ok(message),
        (raw, _) => bail!("{command} was answered {raw}"),
    }
}

fn view(step: u64, lesson: Option<(&str, u64)>) -> Shown {
    Shown::View(ViewPosition {
        step,
        lesson: lesson.map(|(id, _)| id.to_owned()),
        stage: lesson.map(|(_, stage)| stage),
    })
}

#[tokio::test]
async fn the_lecture_keeps_every_move_the_room_carried_out_in_order() -> Result<()> {
    let server = room_server(RoomLimits::default()).await?;
    let addr = server.addr();
    let before = Instant::now();
    let room = create_room(addr).await?;
    let mut presenter = RoomSocket::presenter(addr, &room).await?;

    presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    presenter.command(r#"{"cmd":"step"}"#).await?;
    presenter.command(r#"{"cmd":"step"}"#).await?;
    presenter.send(r#"{"cmd":"view","step":1}"#).await?;
    presenter.send(r#"{"cmd":"view","step":1}"#).await?;
    presenter
        .send(r#"{"cmd":"view","step":2,"lesson":"tcp-read","stage":2}"#)
        .await?;
    // Refused: a malformed view, a lesson id that is none, a scenario that
    // does not exist, a program that does not compile. None is a move.
    expect_refused(&mut presenter, r#"{"cmd":"view","step":"three"}"#).await?;
    expect_refused(
        &mut presenter,
        r#"{"cmd":"view","step":3,"lesson":"Not An Id"}"#,
    )
    .await?;
    expect_refused(&mut presenter, r#"{"cmd":"load","scenario":"no_such"}"#).await?;
    expect_refused(&mut presenter, &load_command(BROKEN, "")).await?;
    presenter.command(r#"{"cmd":"reset"}"#).await?;
    presenter
        .command(r#"{"cmd":"load","scenario":"work_stealing","seed":7}"#)
        .await?;
    presenter.send(r#"{"cmd":"view","step":0}"#).await?;
    presenter
        .command(&load_command(ARTICLE_HANDLER, ARTICLE_PEER))
        .await?;

    let lecture = saved(addr, &room).await?;
    let elapsed = before.elapsed();
    ensure!(lecture.format == FORMAT && lecture.version == VERSION);
    ensure!(
        lecture.room == room.code && !lecture.truncated,
        "{lecture:?}"
    );
    let shown: Vec<&Shown> = lecture.moves.iter().map(|m| &m.shown).collect();
    let expected = [
        Shown::Load {
            scenario: "tcp_read".into(),
            seed: 0,
        },
        view(1, None),
        view(2, Some(("tcp-read", 2))),
        Shown::Load {
            scenario: "work_stealing".into(),
            seed: 7,
        },
        view(0, None),
        Shown::Program {
            program: ARTICLE_HANDLER.into(),
            peer: ARTICLE_PEER.into(),
            seed: 0,
        },
    ];
    ensure!(
        shown == expected.iter().collect::<Vec<_>>(),
        "moves: {shown:#?}"
    );
    let times: Vec<u64> = lecture.moves.iter().map(|m| m.at_ms).collect();
    ensure!(times.is_sorted(), "times go back: {times:?}");
    let last = *times.last().context("moves")?;
    ensure!(
        u128::from(last) <= elapsed.as_millis(),
        "{last} ms after the room opened, but the test took {elapsed:?}"
    );
    Ok(())
}

#[tokio::test]
async fn only_the_presenter_gets_the_lecture_and_guesses_are_limited() -> Result<()> {
    // An hour's window: no guess is earned back while the test runs.
    let window = Duration::from_secs(60 * 60);
    let server = room_server(RoomLimits {
        key_guesses: 2,
        key_guess_window: window,
        code_guesses: 2,
        code_guess_window: window,
        ..RoomLimits::default()
    })
    .await?;
    let addr = server.addr();
    let room = create_room(addr).await?;
    let code = room.code.as_str();

    let (status, error, _) = refused(addr, code, "").await?;
    ensure!(
        status == 403 && error.contains("for its presenter"),
        "{status} {error}"
    );
    let wrong = "0".repeat(room.presenter_key.len());
    for _ in 0..2 {
        let (status, error, _) = refused(addr, code, &format!("?key={wrong}")).await?;
        ensure!(
            status == 403 && error.contains("wrong presenter key"),
            "{status} {error}"
        );
    }
    let (status, error, answer) = refused(addr, code, &format!("?key={wrong}")).await?;
    ensure!(
        status == 429 && error.contains("too many wrong presenter keys"),
        "{status} {error}"
    );
    let wait: u64 = answer
        .header("retry-after")
        .parse()
        .context("Retry-After")?;
    ensure!(wait > 0 && wait <= window.as_secs(), "Retry-After: {wait}");
    // The same budget as the room's socket: spent here, refused there.
    let (close, reason) = RoomSocket::open(addr, code, &format!("?key={wrong}"))
        .await?
        .closed()
        .await?;
    ensure!(close == CLOSE_RATE_LIMITED, "{close} {reason}");
    ensure!(
        saved(addr, &room).await?.moves.is_empty(),
        "the right key still opens it"
    );

    for unknown in ["22222222", "not-a-code"] {
        let (status, error, _) = refused(addr, unknown, &format!("?key={wrong}")).await?;
        ensure!(
            status == 404 && error.contains("no "),
            "{unknown}: {status} {error}"
        );
    }
    let (status, error, _) = refused(addr, "33333333", "").await?;
    ensure!(
        status == 429 && error.contains("too many unknown room codes"),
        "{status} {error}"
    );
    Ok(())
}

#[tokio::test]
async fn an_ended_rooms_lecture_is_kept_until_newer_rooms_end() -> Result<()> {
    let server = room_server(RoomLimits {
        max_rooms: 1,
        ..RoomLimits::default()
    })
    .await?;
    let addr = server.addr();
    let first = create_room(addr).await?;
    let mut presenter = RoomSocket::presenter(addr, &first).await?;
    presenter
        .command(r#"{"cmd":"load","scenario":"timers"}"#)
        .await?;
    presenter.send(r#"{"cmd":"end"}"#).await?;
    presenter.closed().await?;
    let lecture = saved(addr, &first).await?;
    ensure!(lecture.moves.len() == 1, "{lecture:?}");
    let wrong = "0".repeat(first.presenter_key.len());
    let (status, _, _) = refused(addr, &first.code, &format!("?key={wrong}")).await?;
    ensure!(
        status == 403,
        "an ended room's lecture is still the presenter's: {status}"
    );

    let second = create_room(addr).await?;
    let mut presenter = RoomSocket::presenter(addr, &second).await?;
    presenter.send(r#"{"cmd":"end"}"#).await?;
    presenter.closed().await?;
    ensure!(saved(addr, &second).await?.moves.is_empty());
    let key = format!("?key={}", first.presenter_key);
    let (status, error, _) = refused(addr, &first.code, &key).await?;
    ensure!(
        status == 410 && error.contains("no longer kept"),
        "{status} {error}"
    );
    Ok(())
}

#[tokio::test]
async fn past_its_cap_a_lecture_is_truncated_and_keeps_its_beginning() -> Result<()> {
    let server = room_server(RoomLimits {
        max_lecture_moves: 3,
        ..RoomLimits::default()
    })
    .await?;
    let addr = server.addr();
    let room = create_room(addr).await?;
    let mut presenter = RoomSocket::presenter(addr, &room).await?;
    presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    for step in 1..=20 {
        presenter
            .send(&format!(r#"{{"cmd":"view","step":{step}}}"#))
            .await?;
    }
    expect_refused(&mut presenter, r#"{"cmd":"view"}"#).await?;
    let lecture = saved(addr, &room).await?;
    ensure!(lecture.truncated, "{lecture:?}");
    let shown: Vec<&Shown> = lecture.moves.iter().map(|m| &m.shown).collect();
    let load = Shown::Load {
        scenario: "tcp_read".into(),
        seed: 0,
    };
    ensure!(
        shown == [&load, &view(1, None), &view(2, None)],
        "{shown:?}"
    );
    Ok(())
}
