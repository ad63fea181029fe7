//! The session limits a hostile client runs into: a write deadline for
//! clients that stop reading, idle time that only real commands reset, a
//! per-address share of the sessions with a seat kept for presenters, and
//! the origin check on every WebSocket upgrade.

mod ws_support;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use reactor_e2e::rooms::{RoomSocket, connect_from, create_room};
use reactor_e2e::{TestServer, eventually, eventually_within};
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use ws_support::Client;

/// The write deadline these tests run with: short, so a stalled client is
/// caught quickly.
const WRITE_TIMEOUT: Duration = Duration::from_millis(300);
/// How long a freed place may take to show: the deadline and generous
/// slack for a busy machine, still far below the idle timeout.
const FREED_WITHIN: Duration = Duration::from_secs(10);

const STUDENT: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);
const OTHER: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
const THIRD: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 3);

/// A client whose socket takes at most a few kilobytes before TCP stops the server.
async fn tiny_receive_buffer(addr: SocketAddr) -> Result<tokio::net::TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(4096)?;
    socket.connect(addr).await.context("connecting")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_closed_within_the_write_deadline() -> Result<()> {
    let server = TestServer::start_with(|config| {
        config.limits.max_sessions = 1;
        config.limits.write_timeout = WRITE_TIMEOUT;
        config.limits.idle_timeout = Duration::from_secs(600);
    })
    .await?;
    let stream = tiny_receive_buffer(server.addr()).await?;
    let mut stalled = Client::connect_on(stream, &server.ws_url()).await?;
    stalled
        .send_text(r#"{"cmd":"load","scenario":"crowd"}"#)
        .await?;
    // Megabytes of records, asked for and never read.
    for _ in 0..20 {
        stalled.send_text(r#"{"cmd":"run"}"#).await?;
        stalled.send_text(r#"{"cmd":"reset"}"#).await?;
    }
    let asked = Instant::now();
    eventually_within(FREED_WITHIN, "the stalled session to end", || async {
        Ok((server.server().open_sessions() == 0).then_some(()))
    })
    .await?;
    let took = asked.elapsed();
    ensure!(
        took < FREED_WITHIN,
        "the stalled session held its place for {took:?}"
    );

    // The one place is free again for a client that reads.
    let mut next = Client::connect(&server.ws_url()).await?;
    next.load("tcp_read").await?;
    next.command("step").await?;
    drop(stalled);
    Ok(())
}

#[tokio::test]
async fn invalid_frames_do_not_keep_a_session_alive() -> Result<()> {
    let idle = Duration::from_millis(400);
    let server = TestServer::start_with(|config| config.limits.idle_timeout = idle).await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    client.load("tcp_read").await?;
    // Garbage, binary and pings as fast as the server answers: none is use.
    let started = Instant::now();
    let frames = [
        Message::text("not a command"),
        Message::text(r#"{"cmd":"jump"}"#),
        Message::binary(vec![1, 2, 3]),
    ];
    let close = 'sending: loop {
        for frame in frames.iter().cloned() {
            ensure!(
                started.elapsed() < idle * 20,
                "still open after {:?} of invalid frames",
                started.elapsed()
            );
            client.send(Message::Ping(vec![7].into())).await?;
            client.send(frame).await?;
            // Its answer (an error frame), or the close.
            loop {
                match client.next_message().await? {
                    Message::Close(Some(close)) => break 'sending close,
                    Message::Text(_) => break,
                    Message::Pong(_) => {}
                    other => bail!("unexpected {other:?}"),
                }
            }
        }
    };
    ensure!(close.code == CloseCode::Normal, "closed with {close:?}");
    ensure!(close.reason.contains("idle"), "reason: {}", close.reason);
    ensure!(
        started.elapsed() >= idle / 2,
        "closed before the idle limit"
    );
    Ok(())
}

#[tokio::test]
async fn actions_keep_a_session_alive_past_the_idle_limit() -> Result<()> {
    let idle = Duration::from_millis(300);
    let server = TestServer::start_with(|config| config.limits.idle_timeout = idle).await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    // `crowd` has thousands of actions: every step records one, which is use.
    // (Steps on a finished run change nothing and do not count; the abuse
    // suite shows such a session closed at its idle limit.)
    client.load("crowd").await?;
    let started = Instant::now();
    while started.elapsed() < idle * 4 {
        client.command("step").await?;
    }
    client.command("step").await?;
    client.close().await
}

#[tokio::test]
async fn one_address_gets_its_share_and_a_presenter_is_still_seated() -> Result<()> {
    let server = TestServer::start_with(|config| {
        config.limits.max_sessions = 4;
        config.limits.sessions_per_address = 2;
    })
    .await?;
    let (addr, url) = (server.addr(), server.ws_url());
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut client = Client::connect_on(connect_from(STUDENT, addr).await?, &url).await?;
        client.load("tcp_read").await?;
        held.push(client);
    }
    let mut over = Client::connect_on(connect_from(STUDENT, addr).await?, &url).await?;
    let close = over.expect_close().await?;
    ensure!(close.code == CloseCode::Again, "refused with {close:?}");
    ensure!(
        close.reason.contains("from your address"),
        "reason: {}",
        close.reason
    );

    // Another address still gets in, until the server is full.
    for _ in 0..2 {
        let mut client = Client::connect_on(connect_from(OTHER, addr).await?, &url).await?;
        client.load("tcp_read").await?;
        held.push(client);
    }
    let mut full = Client::connect_on(connect_from(THIRD, addr).await?, &url).await?;
    let close = full.expect_close().await?;
    ensure!(
        close.reason.contains("server full"),
        "reason: {}",
        close.reason
    );

    // The teacher, behind the same NAT as the class, is seated all the same.
    let room = create_room(addr).await?;
    let query = format!("?key={}", room.presenter_key);
    let mut presenter = RoomSocket::open_from(STUDENT, addr, &room.code, &query).await?;
    presenter.next_status().await?;
    presenter
        .send(r#"{"cmd":"load","scenario":"tcp_read"}"#)
        .await?;
    let (_, loaded) = presenter.next_content().await?;
    ensure!(
        matches!(loaded, reactor_protocol::ServerFrame::Loaded { .. }),
        "the presenter's load answered {loaded:?}"
    );
    ensure!(server.server().open_sessions() == 5);

    // A student's place freed is a student's place again.
    held.pop().context("a held session")?.close().await?;
    eventually("a student place to free up", || async {
        Ok((server.server().open_sessions() == 4).then_some(()))
    })
    .await?;
    let mut back = Client::connect_on(connect_from(THIRD, addr).await?, &url).await?;
    back.load("tcp_read").await?;
    Ok(())
}

/// Open `/ws` with an `Origin` header; the HTTP status of a refusal, or 101.
async fn upgrade_status(url: &str, origin: &str) -> Result<(u16, String)> {
    let mut request = format!("{url}/ws").into_client_request()?;
    request.headers_mut().insert("Origin", origin.parse()?);
    match tokio_tungstenite::connect_async(request).await {
        Ok(_) => Ok((101, String::new())),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            let body = response.body().clone().unwrap_or_default();
            Ok((
                response.status().as_u16(),
                String::from_utf8_lossy(&body).into_owned(),
            ))
        }
        Err(error) => Err(error).context("opening /ws"),
    }
}

#[tokio::test]
async fn websocket_upgrades_from_other_origins_are_refused() -> Result<()> {
    let server = TestServer::start().await?;
    let url = server.ws_url();
    let (status, body) = upgrade_status(&url, "http://evil.example").await?;
    ensure!(status == 403, "another origin: {status} {body}");
    let error: reactor_protocol::ApiError = serde_json::from_str(&body)?;
    ensure!(error.error.contains("evil.example"), "{}", error.error);

    // The room routes are guarded by the same check.
    let room = create_room(server.addr()).await?;
    let mut request = format!("{url}/rooms/{}/ws", room.code).into_client_request()?;
    request
        .headers_mut()
        .insert("Origin", "http://evil.example".parse()?);
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            ensure!(response.status() == 403, "room join: {}", response.status());
        }
        other => bail!("a room join from another origin was not refused: {other:?}"),
    }
    ensure!(
        server.server().open_sessions() == 0,
        "a refused upgrade opened a session"
    );

    let own = format!("http://{}", server.addr());
    ensure!(upgrade_status(&url, &own).await?.0 == 101, "its own pages");
    Ok(())
}

#[tokio::test]
async fn an_allowed_origin_may_open_websockets() -> Result<()> {
    let server = TestServer::start_with(|config| {
        config.allowed_origins = vec!["https://lab.example.org".to_owned()];
    })
    .await?;
    let url = server.ws_url();
    ensure!(upgrade_status(&url, "https://lab.example.org").await?.0 == 101);
    ensure!(upgrade_status(&url, "https://evil.example").await?.0 == 403);
    Ok(())
}
