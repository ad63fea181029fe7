//! Classroom rooms over real WebSockets: how rooms end, what they
//! refuse, and the limits that protect the server.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use reactor_e2e::PATIENCE;
use reactor_e2e::rooms::{Incoming, RoomSocket, create_room, post_room, room_server};
use reactor_protocol::ServerFrame;
use reactor_server::{
    CLOSE_ENDED, CLOSE_REPLACED, CLOSE_UNKNOWN_ROOM, CLOSE_WRONG_KEY, RoomLimits,
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
        (_, ServerFrame::Error { message, .. }) => ensure!(message.contains("lesson"), "{message}"),
        (raw, _) => bail!("expected an error, got {raw}"),
    }
    Ok(())
}

#[tokio::test]
async fn one_address_gets_its_share_of_a_room_and_others_still_join() -> Result<()> {
    let limits = RoomLimits {
        followers_per_address: 2,
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    let school = Ipv4Addr::new(127, 0, 0, 1);
    let _a = RoomSocket::open_from(school, server.addr(), &room.code, "")
        .await?
        .next_status()
        .await?;
    let mut kept = Vec::new();
    for _ in 0..2 {
        let mut follower = RoomSocket::open_from(school, server.addr(), &room.code, "").await?;
        match follower.next().await? {
            Incoming::Frame(_, ServerFrame::Room(_)) => kept.push(follower),
            Incoming::Frame(raw, _) => bail!("a first frame that is not a room frame: {raw}"),
            Incoming::Closed(code, reason) => {
                ensure!(
                    code == 1013 && reason.contains("2 followers from your address"),
                    "{code} {reason}"
                );
            }
        }
    }
    ensure!(
        kept.len() == 2,
        "one address holds its share: {}",
        kept.len()
    );
    let mut third = RoomSocket::open_from(school, server.addr(), &room.code, "").await?;
    let (code, reason) = third.closed().await?;
    ensure!(
        code == 1013 && reason.contains("2 followers from your address"),
        "{code} {reason}"
    );
    let elsewhere = Ipv4Addr::new(127, 0, 0, 2);
    let status = RoomSocket::open_from(elsewhere, server.addr(), &room.code, "")
        .await?
        .next_status()
        .await?;
    ensure!(status.followers == 3, "another address joins: {status:?}");
    kept.pop().context("a follower")?.close().await?;
    let status = RoomSocket::open_from(school, server.addr(), &room.code, "")
        .await?
        .next_status()
        .await?;
    ensure!(
        !status.ended,
        "a place given back is taken again: {status:?}"
    );
    Ok(())
}

#[tokio::test]
async fn repeating_a_view_keeps_no_room_open_but_stepping_does_until_its_lifetime() -> Result<()> {
    let idle = Duration::from_millis(800);
    let limits = RoomLimits {
        idle_timeout: idle,
        max_lifetime: idle * 4,
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let (repeated, stepped) = (
        create_room(server.addr()).await?,
        create_room(server.addr()).await?,
    );
    let mut repeater = RoomSocket::presenter(server.addr(), &repeated).await?;
    let mut stepper = RoomSocket::presenter(server.addr(), &stepped).await?;
    stepper
        .command(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    repeater.send(r#"{"cmd":"view","step":1}"#).await?;
    let start = Instant::now();
    let mut pace = tokio::time::interval(idle / 8);
    let mut repeater_ended = None;
    let stepper_reason = loop {
        tokio::select! {
            _ = pace.tick() => {
                if repeater_ended.is_none() {
                    repeater.send(r#"{"cmd":"view","step":1}"#).await?;
                }
                // Step to the end, then start again: every frame is new to the class.
                match stepper.command(r#"{"cmd":"step"}"#).await {
                    Ok(answer) if answer.last().is_some_and(|raw| raw == r#"{"type":"done"}"#) => {
                        stepper.command(r#"{"cmd":"reset"}"#).await?;
                    }
                    Ok(_) => {}
                    Err(error) => match stepper.last_status() {
                        Some(status) if status.ended => {
                            break status.reason.clone().unwrap_or_default();
                        }
                        _ => return Err(error),
                    },
                }
            }
            status = repeater.next_status(), if repeater_ended.is_none() => {
                let status = status?;
                if status.ended {
                    repeater_ended = Some((start.elapsed(), status.reason.unwrap_or_default()));
                }
            }
        }
        ensure!(start.elapsed() < PATIENCE, "no room ended");
    };
    let (repeater_took, repeater_reason) =
        repeater_ended.context("the repeated room ended first")?;
    ensure!(repeater_reason.contains("idle"), "{repeater_reason}");
    ensure!(repeater_took < idle * 3, "ended after {repeater_took:?}");
    ensure!(
        start.elapsed() >= idle * 3,
        "the stepped room outlived idle: {:?}",
        start.elapsed()
    );
    ensure!(stepper_reason.contains("at most"), "{stepper_reason}");
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
