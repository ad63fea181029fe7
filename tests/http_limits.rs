//! HTTP under a flood: idle connections make room for real requests, a
//! connection that never finishes its headers is closed, and an answer the
//! client never reads is dropped at the write deadline.

mod ws_support;

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use reactor_e2e::{TestServer, eventually, eventually_within};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use ws_support::get;

/// Idle connections one address opens: far past its cap below.
const FLOOD: usize = 40;
/// The per-address cap these tests run with.
const PER_ADDRESS: usize = 8;
/// How long a connection the server closes may take to show as closed.
const CLOSED_WITHIN: Duration = Duration::from_secs(10);

/// Whether the server has closed `stream` (without reading from it otherwise).
fn is_closed(stream: &TcpStream) -> bool {
    let mut byte = [0; 1];
    match stream.try_read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(error) => error.kind() != std::io::ErrorKind::WouldBlock,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_cannot_keep_healthz_from_answering() -> Result<()> {
    let server = TestServer::start_with(|config| {
        config.limits.connections_per_address = PER_ADDRESS;
        config.limits.max_connections = 2 * PER_ADDRESS;
        // Long: here idle connections make room by being displaced, not by timing out.
        config.limits.header_read_timeout = Duration::from_secs(60);
    })
    .await?;
    let mut flood = Vec::new();
    for _ in 0..FLOOD {
        flood.push(TcpStream::connect(server.addr()).await?);
    }
    // From the same address as the flood, as a student behind the same NAT.
    let health = get(server.addr(), "/healthz", &[]).await?;
    ensure!(health.status == 200 && health.body == b"ok", "{health:?}");
    ensure!(
        server.server().open_connections() <= PER_ADDRESS,
        "{} connections open past a cap of {PER_ADDRESS}",
        server.server().open_connections()
    );
    let closed = eventually_within(CLOSED_WITHIN, "the displaced connections to close", || {
        let closed = flood.iter().filter(|stream| is_closed(stream)).count();
        async move { Ok((closed >= FLOOD - PER_ADDRESS).then_some(closed)) }
    })
    .await?;
    ensure!(closed <= FLOOD, "{closed}");
    Ok(())
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_headers_is_closed() -> Result<()> {
    let timeout = Duration::from_millis(300);
    let server =
        TestServer::start_with(|config| config.limits.header_read_timeout = timeout).await?;
    let mut slow = TcpStream::connect(server.addr()).await?;
    let started = Instant::now();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await?;
    let mut answer = Vec::new();
    tokio::time::timeout(CLOSED_WITHIN, slow.read_to_end(&mut answer))
        .await
        .context("the connection was not closed")??;
    ensure!(
        started.elapsed() >= timeout,
        "closed after {:?}",
        started.elapsed()
    );
    eventually("no connection to be open", || async {
        Ok((server.server().open_connections() == 0).then_some(()))
    })
    .await?;
    // Idle keep-alive connections end the same way.
    let mut idle = TcpStream::connect(server.addr()).await?;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await?;
    let mut answer = Vec::new();
    tokio::time::timeout(CLOSED_WITHIN, idle.read_to_end(&mut answer))
        .await
        .context("the idle keep-alive connection was not closed")??;
    ensure!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_nobody_reads_is_dropped_at_the_write_deadline() -> Result<()> {
    let server = TestServer::start_with(|config| {
        config.limits.write_timeout = Duration::from_millis(300);
    })
    .await?;
    let socket = TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(4096)?;
    let mut stalled = socket.connect(server.addr()).await?;
    // Megabytes of traces, pipelined, never read.
    let request = format!(
        "GET /api/trace/crowd HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr()
    );
    for _ in 0..10 {
        stalled.write_all(request.as_bytes()).await?;
    }
    eventually("the server to take the connection", || async {
        Ok((server.server().open_connections() == 1).then_some(()))
    })
    .await?;
    eventually_within(
        CLOSED_WITHIN,
        "the stalled connection to be dropped",
        || async { Ok((server.server().open_connections() == 0).then_some(())) },
    )
    .await?;
    let health = get(server.addr(), "/healthz", &[]).await?;
    ensure!(health.status == 200);
    drop(stalled);
    Ok(())
}
