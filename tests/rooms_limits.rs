//! Classroom rooms over real WebSockets: how rooms end, what they
//! refuse, and the limits that protect the server.

use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use reactor_e2e::rooms::{RoomSocket, create_room, post_room, room_server};
use reactor_protocol::ServerFrame;
use reactor_server::{
    CLOSE_ENDED, CLOSE_RATE_LIMITED, CLOSE_REPLACED, CLOSE_UNKNOWN_ROOM, CLOSE_WRONG_KEY,
    RoomLimits,
};

#[tokio::test]
async fn an_idle_room_ends_and_says_so() -> Result<()> {
    let limits = RoomLimits {
        idle_timeout: Duration::from_millis(600),
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    let mut follower = RoomSocket::follower(server.addr(), &room.code).await?;
    let ended = loop {
        let status = follower.next_status().await?;
        if status.ended {
            break status;
        }
    };
    ensure!(
        ended.reason.as_deref().is_some_and(|r| r.contains("idle")),
        "{ended:?}"
    );
    let (code, reason) = follower.closed().await?;
    ensure!(
        code == CLOSE_ENDED && reason.contains("idle"),
        "{code} {reason}"
    );
    ensure!(server.server().open_rooms() == 0, "the room is gone");
    let (code, reason) = RoomSocket::follower(server.addr(), &room.code)
        .await?
        .closed()
        .await?;
    ensure!(
        code == CLOSE_ENDED && reason.contains("has ended"),
        "a rejoin reads why: {code} {reason}"
    );
    Ok(())
}

#[tokio::test]
async fn the_presenter_ends_the_room_for_everyone() -> Result<()> {
    let server = room_server(RoomLimits::default()).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    let mut follower = RoomSocket::joined(server.addr(), &room.code).await?;
    presenter.send(r#"{"cmd":"end"}"#).await?;
    for socket in [&mut presenter, &mut follower] {
        let status = loop {
            let status = socket.next_status().await?;
            if status.ended {
                break status;
            }
        };
        ensure!(
            status.reason.as_deref() == Some("the presenter ended the room"),
            "{status:?}"
        );
        let (code, _) = socket.closed().await?;
        ensure!(code == CLOSE_ENDED, "closed with {code}");
    }
    Ok(())
}

#[tokio::test]
async fn unknown_rooms_bad_codes_and_wrong_keys_are_refused() -> Result<()> {
    let server = room_server(RoomLimits::default()).await?;
    let room = create_room(server.addr()).await?;
    let (code, reason) = RoomSocket::follower(server.addr(), "22222222")
        .await?
        .closed()
        .await?;
    ensure!(
        code == CLOSE_UNKNOWN_ROOM && reason.contains("no room 22222222"),
        "{code} {reason}"
    );
    let (code, reason) = RoomSocket::follower(server.addr(), "hello")
        .await?
        .closed()
        .await?;
    ensure!(
        code == CLOSE_UNKNOWN_ROOM && reason.contains("8 letters"),
        "{code} {reason}"
    );
    let wrong = "0".repeat(32);
    let (code, reason) = RoomSocket::open(server.addr(), &room.code, &format!("?key={wrong}"))
        .await?
        .closed()
        .await?;
    ensure!(
        code == CLOSE_WRONG_KEY && reason.contains("wrong presenter key"),
        "{code} {reason}"
    );
    let dashed = format!("{}-{}", &room.code[..4], room.code[4..].to_lowercase());
    let status = RoomSocket::follower(server.addr(), &dashed)
        .await?
        .next_status()
        .await?;
    ensure!(
        status.code == room.code,
        "a code typed with a dash and lower case still joins"
    );

    let mut first = RoomSocket::presenter(server.addr(), &room).await?;
    first.next_status().await?;
    let mut second = RoomSocket::presenter(server.addr(), &room).await?;
    second.next_status().await?;
    let (code, reason) = first.closed().await?;
    ensure!(
        code == CLOSE_REPLACED && reason.contains("another window"),
        "{code} {reason}"
    );
    second
        .send(r#"{"cmd":"view","step":1,"lesson":"../etc"}"#)
        .await?;
    match second.next_content().await? {
        (_, ServerFrame::Error { message }) => ensure!(message.contains("lesson"), "{message}"),
        (raw, _) => bail!("expected an error, got {raw}"),
    }
    Ok(())
}

#[tokio::test]
async fn failed_joins_are_rate_limited_per_address() -> Result<()> {
    let limits = RoomLimits {
        failed_joins: 3,
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    for _ in 0..3 {
        let (code, _) = RoomSocket::follower(server.addr(), "22222222")
            .await?
            .closed()
            .await?;
        ensure!(code == CLOSE_UNKNOWN_ROOM, "closed with {code}");
    }
    let (code, reason) = RoomSocket::follower(server.addr(), &room.code)
        .await?
        .closed()
        .await?;
    ensure!(
        code == CLOSE_RATE_LIMITED && reason.contains("too many failed joins"),
        "{code} {reason}"
    );
    let (status, body) = post_room(server.addr()).await?;
    ensure!(
        status == 429 && body.contains("too many failed joins"),
        "{status} {body}"
    );
    // Another loopback address is another client: its joins still work.
    let elsewhere = tokio::net::TcpSocket::new_v4()?;
    elsewhere.bind("127.0.0.2:0".parse()?)?;
    let stream = elsewhere.connect(server.addr()).await?;
    let status = RoomSocket::open_on(stream, server.addr(), &room.code)
        .await?
        .next_status()
        .await?;
    ensure!(
        status.code == room.code,
        "another address joins: {status:?}"
    );
    Ok(())
}

#[tokio::test]
async fn caps_on_rooms_and_followers_refuse_clearly() -> Result<()> {
    let limits = RoomLimits {
        max_rooms: 1,
        max_followers: 2,
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    let (status, body) = post_room(server.addr()).await?;
    ensure!(
        status == 503 && body.contains("all 1 rooms are in use"),
        "{status} {body}"
    );
    let _a = RoomSocket::joined(server.addr(), &room.code).await?;
    let _b = RoomSocket::joined(server.addr(), &room.code).await?;
    let (code, reason) = RoomSocket::follower(server.addr(), &room.code)
        .await?
        .closed()
        .await?;
    ensure!(
        code == 1013 && reason.contains("is full: 2 followers"),
        "{code} {reason}"
    );
    let created: serde_json::Value = serde_json::from_str(&serde_json::to_string(&room)?)?;
    ensure!(
        created["presenter_key"]
            .as_str()
            .is_some_and(|k| k.len() == 32),
        "{created}"
    );
    ensure!(
        created["join"] == format!("/join/{}", room.code),
        "{created}"
    );
    Ok(())
}

#[tokio::test]
async fn rooms_do_not_disturb_plain_sessions() -> Result<()> {
    let server = room_server(RoomLimits::default()).await?;
    let (mut plain, _) = tokio_tungstenite::connect_async(format!("{}/ws", server.ws_url()))
        .await
        .context("/ws")?;
    use futures_util::{SinkExt, StreamExt};
    plain.send(r#"{"cmd":"view","step":1}"#.into()).await?;
    let answer = tokio::time::timeout(reactor_e2e::PATIENCE, plain.next())
        .await?
        .context("an answer")??;
    let text = answer.into_text()?;
    ensure!(
        text.contains(r#""type":"error""#) && text.contains("unknown command"),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn one_address_cannot_take_every_room() -> Result<()> {
    let limits = RoomLimits {
        max_rooms: 4,
        rooms_per_address: 1,
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    let (status, body) = post_room(server.addr()).await?;
    ensure!(
        status == 429 && body.contains("1 rooms created from your address are open"),
        "{status} {body}"
    );
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    presenter.send(r#"{"cmd":"end"}"#).await?;
    presenter.closed().await?;
    create_room(server.addr()).await?;
    Ok(())
}

#[tokio::test]
async fn a_follower_message_over_the_size_limit_closes_with_1009() -> Result<()> {
    let server = room_server(RoomLimits::default()).await?;
    let room = create_room(server.addr()).await?;
    let mut follower = RoomSocket::joined(server.addr(), &room.code).await?;
    let limit = reactor_server::DEFAULT_MAX_MESSAGE_BYTES;
    follower.send(&"x".repeat(limit + 1)).await?;
    let (code, reason) = follower.closed().await?;
    ensure!(code == 1009, "closed with {code} {reason}");
    ensure!(reason.contains(&limit.to_string()), "reason: {reason}");
    Ok(())
}
