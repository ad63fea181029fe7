//! Rows 7, 8 and 9: idle connections, API errors, and WebSocket upgrades
//! from a foreign page.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use reactor_e2e::TestServer;
use reactor_e2e::abuse::{Usage, Ws, connect, http, loopback};
use reactor_e2e::rooms::Incoming;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{self, Row};

/// Addresses the connection flood comes from.
const FLOODERS: std::ops::RangeInclusive<u8> = 17..=21;
/// Idle connections opened from each flooding address: 1,100 in all, as in the issue.
const PER_FLOODER: usize = 220;
/// The foreign page's origin.
const EVIL: &str = "http://evil.example";
/// Grace on top of a deadline for the server to notice and clean up.
const GRACE: Duration = Duration::from_secs(3);

/// `GET path` from the class's address, timed into `row.during`; it must
/// answer 200.
async fn page(row: &Row, path: &str) -> Result<()> {
    let answer = row
        .during
        .time(http(loopback(1), row.addr(), "GET", path))
        .await?;
    ensure!(
        answer.status == 200,
        "GET {path} answered {}",
        answer.status
    );
    Ok(())
}

/// Wait until the server has closed `stream` (end of file or a reset),
/// reading whatever it sent first; fails after `patience`.
async fn closed_by_server(stream: &mut TcpStream, patience: Duration) -> Result<()> {
    let mut buffer = [0; 1024];
    tokio::time::timeout(patience, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .context("an idle connection is still open")
}

/// Row 7: a flood of idle TCP connections (the issue: 1,100 against a
/// 1,024-descriptor limit, and `/healthz` silent for 30 s). The server
/// holds at most its connection cap of them (so its descriptors stay
/// bounded whatever the flood), closes idle ones within the header-read
/// timeout (a client trickling its headers too), and `/healthz`, pages and
/// sessions keep answering throughout.
#[test]
fn idle_connections_cannot_silence_the_server() -> Result<()> {
    let (cap, share, header_timeout) = (64, 16, Duration::from_secs(1));
    harness::row(
        "7 idle connections",
        |config| {
            config.limits.max_connections = cap;
            config.limits.connections_per_address = share;
            config.limits.header_read_timeout = header_timeout;
        },
        async |row: &Row| {
            let base = Usage::now()?;
            let prober = row.probing(&[]);
            let flooding = async {
                let (mut held, mut most) = (Vec::new(), 0);
                for _ in 0..PER_FLOODER {
                    for from in FLOODERS {
                        held.push(connect(loopback(from), row.addr(), None).await?);
                    }
                    most = most.max(row.server.server().open_connections());
                }
                anyhow::Ok((held, most))
            };
            let serving = async {
                for _ in 0..20 {
                    page(row, "/healthz").await?;
                    page(row, "/").await?;
                }
                anyhow::Ok(())
            };
            let (flooded, served) = tokio::join!(flooding, serving);
            let ((mut held, most), ()) = (flooded?, served?);
            let server_fds = Usage::now()?.fds.saturating_sub(base.fds + held.len());

            // Under every cap now: only the header-read timeout ends these.
            let opened = Instant::now();
            let mut quiet = Vec::new();
            for _ in 0..4 {
                quiet.push(connect(loopback(23), row.addr(), None).await?);
            }
            let mut trickler = connect(loopback(22), row.addr(), None).await?;
            let trickle = async {
                for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\n" {
                    if trickler.write_all(&[*byte]).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                closed_by_server(&mut trickler, GRACE).await?;
                anyhow::Ok(opened.elapsed())
            };
            let quiet_closed = async {
                for stream in &mut quiet {
                    closed_by_server(stream, header_timeout + GRACE).await?;
                }
                anyhow::Ok(opened.elapsed())
            };
            let flood_closed = async {
                for stream in &mut held {
                    closed_by_server(stream, header_timeout + GRACE).await?;
                }
                anyhow::Ok(opened.elapsed())
            };
            let serving = async {
                for _ in 0..10 {
                    page(row, "/healthz").await?;
                }
                anyhow::Ok(())
            };
            let (trickled, quiet_closed, flood_closed, served) =
                tokio::join!(trickle, quiet_closed, flood_closed, serving);
            let (trickled, quiet_closed, flood_closed) = (trickled?, quiet_closed?, flood_closed?);
            served?;
            let rounds = prober.stop().await?;
            row.note(format!(
                "{} idle connections from {} addresses: at most {most} open on the server (cap {cap}), about {server_fds} descriptors on its side; all closed {:.2} s after the flood",
                held.len(),
                FLOODERS.count(),
                flood_closed.as_secs_f64()
            ));
            row.note(format!(
                "idle under the caps closed after {:.2} s, a header trickler after {:.2} s (header timeout {header_timeout:?}); {rounds} probe rounds meanwhile",
                quiet_closed.as_secs_f64(),
                trickled.as_secs_f64()
            ));
            ensure!(most <= cap, "{most} connections open, over the cap");
            ensure!(
                server_fds <= cap + 16,
                "the server held about {server_fds} descriptors for idle connections"
            );
            for (what, took) in [("idle", quiet_closed), ("trickling", trickled)] {
                ensure!(
                    took <= header_timeout + GRACE,
                    "{what} connections open for {took:?}"
                );
            }
            Ok(())
        },
    )
}

/// Row 8: every `/api` error is JSON with a message: 405s (the issue saw an
/// empty body) and 400 on an undecodable path (the issue saw `text/plain`).
#[test]
fn api_errors_are_json() -> Result<()> {
    harness::row(
        "8 API errors",
        |_| {},
        async |row: &Row| {
            let cases = [
                ("POST", "/api/scenarios", 405),
                ("DELETE", "/api/rooms", 405),
                ("GET", "/api/rooms", 405),
                ("PUT", "/api/lessons", 405),
                ("GET", "/api/trace/%FF", 400),
                ("GET", "/api/lessons/%FF", 400),
                ("GET", "/api/nothing-here", 404),
            ];
            for (method, path, status) in cases {
                let answer = http(loopback(1), row.addr(), method, path).await?;
                ensure!(
                    answer.status == status,
                    "{method} {path}: {} (expected {status})",
                    answer.status
                );
                ensure!(
                    answer.content_type.starts_with("application/json"),
                    "{method} {path}: content-type {:?}",
                    answer.content_type
                );
                let error: reactor_protocol::ApiError = serde_json::from_str(&answer.body)
                    .with_context(|| format!("{method} {path}: body {:?}", answer.body))?;
                ensure!(!error.error.is_empty(), "{method} {path}: an empty message");
                row.probe_now().await?;
            }
            row.note(format!(
                "{} error answers, all JSON with a message",
                cases.len()
            ));
            Ok(())
        },
    )
}

/// How an upgrade with `origin` on `path` ended: `Ok(ws)` when a session
/// opened, else a refusal in words.
async fn upgrade_with_origin(
    server: SocketAddr,
    path: &str,
    origin: &str,
) -> Result<Result<Ws, String>> {
    let stream = connect(loopback(1), server, None).await?;
    let mut ws = match Ws::handshake(stream, server, path, &[("Origin", origin)]).await? {
        Ok(ws) => ws,
        Err(status) => return Ok(Err(format!("HTTP {status}"))),
    };
    if path == "/ws" {
        let _ = ws.send(r#"{"cmd":"load","scenario":"tcp_read"}"#).await;
    }
    match ws.next().await? {
        Incoming::Closed(code, reason) => Ok(Err(format!("close {code} {reason}"))),
        Incoming::Frame(..) => Ok(Ok(ws)),
    }
}

/// Row 9: a page on another site cannot open sessions in a student's
/// browser: `Origin: http://evil.example` is refused (403) on `/ws` and on
/// room sockets; the app's own origin, clients that send none, and origins
/// the server was started with (`--allow-origin`) are served.
#[test]
fn foreign_origins_are_refused() -> Result<()> {
    harness::row(
        "9 foreign Origin",
        |_| {},
        async |row: &Row| {
            let room = crate::joins::create_room_from(row, 1).await?;
            let own = format!("http://{}", row.addr());
            let follow = format!("/rooms/{}/ws", room.code);
            let present = format!("{follow}?key={}", room.presenter_key);
            for path in ["/ws", follow.as_str(), present.as_str()] {
                let sessions = row.server.server().open_sessions();
                match upgrade_with_origin(row.addr(), path, EVIL).await? {
                    Ok(_) => bail!("{path} accepted Origin: {EVIL}"),
                    Err(refusal) => {
                        ensure!(refusal == "HTTP 403", "{path} from {EVIL}: {refusal}");
                    }
                }
                ensure!(
                    row.server.server().open_sessions() <= sessions,
                    "a refused upgrade opened a session"
                );
                row.probe_now().await?;
                let Ok(ws) = upgrade_with_origin(row.addr(), path, &own).await? else {
                    bail!("{path} refused its own origin {own}");
                };
                ws.close().await?;
            }
            let allowing = TestServer::start_with(|config| {
                config.allowed_origins = vec![EVIL.to_owned()];
            })
            .await?;
            let Ok(ws) = upgrade_with_origin(allowing.addr(), "/ws", EVIL).await? else {
                bail!("--allow-origin {EVIL} did not let it in");
            };
            ws.close().await?;
            allowing.shutdown().await?;
            row.note(format!("{EVIL} refused 403 on /ws, follower and presenter sockets; own origin and --allow-origin served"));
            Ok(())
        },
    )
}
