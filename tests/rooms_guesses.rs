//! Guessing presenter keys and room codes, from the address a whole class
//! shares: the guesser is told to wait, and nobody else is ever refused.

use std::net::Ipv4Addr;
use std::time::Duration;

use anyhow::{Result, ensure};
use reactor_e2e::rooms::{RoomSocket, create_room, post_room_from, room_server};
use reactor_server::{CLOSE_RATE_LIMITED, CLOSE_UNKNOWN_ROOM, CLOSE_WRONG_KEY, RoomLimits};

/// The one address of a school behind NAT: teacher, class and guesser.
const SCHOOL: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);

/// Guesses sent in a flood: far past either budget below.
const FLOOD: usize = 40;

fn limits() -> RoomLimits {
    // An hour's window: no guess is earned back while a test runs, however slow.
    let window = Duration::from_secs(60 * 60);
    RoomLimits {
        key_guesses: 5,
        key_guess_window: window,
        code_guesses: 5,
        code_guess_window: window,
        ..RoomLimits::default()
    }
}

/// Open `/rooms/{code}/ws{query}` from the school and read how it closed.
async fn closed(addr: std::net::SocketAddr, code: &str, query: &str) -> Result<(u16, String)> {
    RoomSocket::open_from(SCHOOL, addr, code, query)
        .await?
        .closed()
        .await
}

#[tokio::test]
async fn a_wrong_key_flood_locks_out_neither_the_presenter_nor_the_class() -> Result<()> {
    let server = room_server(limits()).await?;
    let room = create_room(server.addr()).await?;
    let wrong = format!("?key={}", "0".repeat(32));
    let mut seen = Vec::new();
    for _ in 0..FLOOD {
        seen.push(closed(server.addr(), &room.code, &wrong).await?);
    }
    let (told, waited): (Vec<_>, Vec<_>) =
        seen.iter().partition(|(code, _)| *code == CLOSE_WRONG_KEY);
    ensure!(
        told.len() == 5,
        "the first wrong keys are told so: {told:?}"
    );
    for (code, reason) in &waited {
        ensure!(
            *code == CLOSE_RATE_LIMITED
                && reason.contains("too many wrong presenter keys")
                && reason.contains("try again in"),
            "{code} {reason}"
        );
    }

    // From the same address, at once: the right key, the class, a new room.
    let key = format!("?key={}", room.presenter_key);
    let mut presenter = RoomSocket::open_from(SCHOOL, server.addr(), &room.code, &key).await?;
    let status = presenter.next_status().await?;
    ensure!(
        status.presenter,
        "the right key is the presenter: {status:?}"
    );
    presenter
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    let mut class = Vec::new();
    for _ in 0..3 {
        let mut student = RoomSocket::open_from(SCHOOL, server.addr(), &room.code, "").await?;
        student.next_status().await?;
        class.push(student);
    }
    let answer = presenter.command(r#"{"cmd":"step"}"#).await?;
    for student in &mut class {
        let mut got = Vec::new();
        // The catch-up (loaded, outline, snapshot), then the step.
        while got.len() < 3 + answer.len() {
            got.push(student.next_content().await?.0);
        }
        ensure!(got[3..] == answer[..], "a student follows the step");
    }
    let (status, body) = post_room_from(SCHOOL, server.addr()).await?;
    ensure!(
        status == 201,
        "room creation is its own budget: {status} {body}"
    );
    let (code, _) = closed(server.addr(), &room.code, &wrong).await?;
    ensure!(
        code == CLOSE_RATE_LIMITED,
        "the guesser still waits: {code}"
    );
    Ok(())
}

#[tokio::test]
async fn a_code_guesser_waits_while_its_class_joins_the_real_code() -> Result<()> {
    let server = room_server(limits()).await?;
    let room = create_room(server.addr()).await?;
    let mut seen = Vec::new();
    for _ in 0..FLOOD {
        seen.push(closed(server.addr(), "23456789", "").await?.0);
    }
    seen.push(closed(server.addr(), "not-a-code", "").await?.0);
    let told = seen
        .iter()
        .filter(|code| **code == CLOSE_UNKNOWN_ROOM)
        .count();
    ensure!(told == 5, "the first unknown codes are told so: {seen:?}");
    ensure!(
        seen[5..].iter().all(|code| *code == CLOSE_RATE_LIMITED),
        "then the guesser is told to wait: {seen:?}"
    );
    let (code, reason) = closed(server.addr(), "22222222", "").await?;
    ensure!(
        code == CLOSE_RATE_LIMITED
            && reason.contains("too many unknown room codes")
            && reason.contains("exists can be joined"),
        "{code} {reason}"
    );

    let mut student = RoomSocket::open_from(SCHOOL, server.addr(), &room.code, "").await?;
    let status = student.next_status().await?;
    ensure!(
        status.code == room.code,
        "the real code still joins: {status:?}"
    );
    let key = format!("?key={}", room.presenter_key);
    let mut presenter = RoomSocket::open_from(SCHOOL, server.addr(), &room.code, &key).await?;
    ensure!(
        presenter.next_status().await?.presenter,
        "and the presenter"
    );
    let (status, body) = post_room_from(SCHOOL, server.addr()).await?;
    ensure!(status == 201, "and a new room: {status} {body}");

    let elsewhere = Ipv4Addr::new(127, 0, 0, 2);
    let (code, _) = RoomSocket::open_from(elsewhere, server.addr(), "22222222", "")
        .await?
        .closed()
        .await?;
    ensure!(
        code == CLOSE_UNKNOWN_ROOM,
        "another address has its own budget: {code}"
    );
    Ok(())
}
