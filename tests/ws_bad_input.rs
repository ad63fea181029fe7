//! Bad input over `/ws`: each kind answered with an `error` frame naming the
//! problem, and the same session steps on afterwards. Plus the limits: message
//! size (1009), session cap (1013), idle timeout (1000), shutdown (1001) and
//! the record cap (an `error` record).

mod ws_support;

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use reactor_e2e::{TestServer, eventually};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use ws_support::Client;

/// `(what, frame, a word the error message must contain)`.
fn bad_frames() -> Vec<(&'static str, Message, &'static str)> {
    vec![
        ("non-JSON", Message::text("step please"), "not JSON"),
        ("empty text", Message::text(""), "not JSON"),
        (
            "JSON without cmd",
            Message::text(r#"{"scenario":"tcp_read"}"#),
            "\"cmd\"",
        ),
        (
            "cmd not a string",
            Message::text(r#"{"cmd":1}"#),
            "must be a string",
        ),
        (
            "unknown cmd",
            Message::text(r#"{"cmd":"jump"}"#),
            "unknown command \"jump\"",
        ),
        (
            "wrong field type",
            Message::text(r#"{"cmd":"load","scenario":42}"#),
            "invalid type",
        ),
        (
            "missing field",
            Message::text(r#"{"cmd":"load"}"#),
            "scenario",
        ),
        (
            "unknown field",
            Message::text(r#"{"cmd":"step","n":3}"#),
            "unknown field",
        ),
        (
            "unknown scenario",
            Message::text(r#"{"cmd":"load","scenario":"nope"}"#),
            "nope",
        ),
        (
            "binary frame",
            Message::binary(b"{\"cmd\":\"step\"}".to_vec()),
            "binary",
        ),
    ]
}

#[tokio::test]
async fn step_before_load_is_an_error_and_load_still_works() -> Result<()> {
    let server = TestServer::start().await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    for cmd in ["step", "turn", "run", "reset"] {
        client.send_text(&format!(r#"{{"cmd":"{cmd}"}}"#)).await?;
        let message = client.expect_error().await?;
        ensure!(message.contains("load"), "`{cmd}` before load: {message}");
    }
    client.load("tcp_read").await?;
    let step = client.command("step").await?;
    ensure!(step.records.first().is_some_and(|r| r.seq == 0));
    Ok(())
}

#[tokio::test]
async fn every_bad_frame_gets_a_named_error_and_the_session_goes_on() -> Result<()> {
    let server = TestServer::start().await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    client.load("timers").await?;
    let mut next_seq = 0;
    for (what, frame, needle) in bad_frames() {
        client.send(frame).await?;
        let message = client.expect_error().await?;
        ensure!(
            message.contains(needle),
            "{what}: error {message:?} lacks {needle:?}"
        );

        // The same socket still works, and the bad frame changed nothing:
        // the step continues exactly where the last one stopped.
        let step = client.command("step").await?;
        let first = step.records.first().map(|r| r.seq);
        ensure!(
            first == Some(next_seq),
            "{what}: step after it began at {first:?}, not {next_seq}"
        );
        next_seq += step.records.len() as u64;
    }
    Ok(())
}

#[tokio::test]
async fn a_message_over_the_limit_closes_with_1009() -> Result<()> {
    let server = TestServer::start().await?;
    let limit = reactor_server::DEFAULT_MAX_MESSAGE_BYTES;

    // Just under the limit is an ordinary bad command, not a disconnect.
    let mut client = Client::connect(&server.ws_url()).await?;
    client.send_text(&" ".repeat(limit - 100)).await?;
    client.expect_error().await?;

    client.send_text(&"x".repeat(limit + 1)).await?;
    let close = client.expect_close().await?;
    ensure!(close.code == CloseCode::Size, "closed with {close:?}");
    ensure!(
        close.reason.contains(&limit.to_string()),
        "reason: {}",
        close.reason
    );
    Ok(())
}

#[tokio::test]
async fn past_the_session_cap_a_client_is_refused_with_a_reason() -> Result<()> {
    let server = TestServer::start_with(|config| config.limits.max_sessions = 2).await?;
    let mut first = Client::connect(&server.ws_url()).await?;
    let mut second = Client::connect(&server.ws_url()).await?;
    first.load("tcp_read").await?;
    second.load("tcp_read").await?;

    let mut third = Client::connect(&server.ws_url()).await?;
    let close = third.expect_close().await?;
    ensure!(close.code == CloseCode::Again, "refused with {close:?}");
    ensure!(
        close.reason.contains("server full"),
        "reason: {}",
        close.reason
    );

    // Both admitted sessions are unharmed, and a freed place is reusable.
    second.command("step").await?;
    first.close().await?;
    eventually("a place under the cap to free up", || async {
        Ok((server.server().open_sessions() < 2).then_some(()))
    })
    .await?;
    let mut fourth = Client::connect(&server.ws_url()).await?;
    fourth.load("spawn_lifecycle").await?;
    fourth.command("step").await?;
    Ok(())
}

#[tokio::test]
async fn an_idle_session_is_closed_with_a_reason() -> Result<()> {
    let server = TestServer::start_with(|config| {
        config.limits.idle_timeout = Duration::from_millis(300);
    })
    .await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    client.load("tcp_read").await?;
    let close = client.expect_close().await?;
    ensure!(close.code == CloseCode::Normal, "closed with {close:?}");
    ensure!(close.reason.contains("idle"), "reason: {}", close.reason);
    Ok(())
}

#[tokio::test]
async fn shutdown_closes_sessions_with_1001_and_ends_their_engines() -> Result<()> {
    let server = TestServer::start().await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    client.load("tcp_read").await?;
    client.command("step").await?;
    let addr = server.addr();

    let (closed, stopped) = tokio::join!(client.expect_close(), server.shutdown());
    stopped?;
    let close = closed?;
    ensure!(close.code == CloseCode::Away, "closed with {close:?}");
    ensure!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the port still accepts connections after shutdown"
    );
    Ok(())
}

#[tokio::test]
async fn the_record_cap_ends_a_run_with_an_error_record() -> Result<()> {
    const CAP: u64 = 10;
    let server = TestServer::start_with(|config| config.limits.max_records = CAP).await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    client.load("tcp_read").await?;
    let run = client.command("run").await?;
    ensure!(run.done, "a capped run must still finish");
    ensure!(
        run.records.len() as u64 <= CAP + 1,
        "{} records past a cap of {CAP}",
        run.records.len()
    );
    let last = run.records.last().context("no records at all")?;
    ensure!(
        matches!(last.event, reactor_protocol::Event::Error { .. }),
        "the capped run does not end with an error record: {last:?}"
    );
    // Still a working session: a new load starts over under the same cap.
    client.load("spawn_lifecycle").await?;
    client.command("step").await?;
    Ok(())
}
