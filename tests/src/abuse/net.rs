//! Clients from chosen loopback addresses: TCP, WebSocket and one-shot HTTP.
//!
//! Every `127.0.0.x` is this machine, and the server tells clients apart by
//! that address, so one test plays a whole school: the abuser on one
//! address, the class on another.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt, StreamExt};
use reactor_protocol::ServerFrame;
use reactor_protocol::frame::RoomStatus;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::rooms::Incoming;

/// How long one step of a probe or an abuser may take before it counts as failed.
pub const STEP_PATIENCE: Duration = Duration::from_secs(10);

/// The `n`th loopback address, `127.0.0.n`.
pub fn loopback(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 0, n)
}

/// A TCP connection to `server` from `from`, Nagle off; `recv_buffer`
/// shrinks its receive buffer (set before connecting, so the window is small
/// from the start).
pub async fn connect(
    from: Ipv4Addr,
    server: SocketAddr,
    recv_buffer: Option<u32>,
) -> Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((from, 0)))?;
    if let Some(bytes) = recv_buffer {
        socket.set_recv_buffer_size(bytes)?;
    }
    let stream = tokio::time::timeout(STEP_PATIENCE, socket.connect(server))
        .await
        .with_context(|| format!("connecting from {from} timed out"))?
        .with_context(|| format!("connecting from {from}"))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// A WebSocket client over a stream the caller prepared.
pub struct Ws {
    socket: WebSocketStream<TcpStream>,
    received: usize,
    status: Option<RoomStatus>,
}

impl Ws {
    /// Upgrade `stream` on `path` with extra request `headers`. `Err(status)`
    /// inside the `Ok` is an HTTP refusal of the upgrade.
    pub async fn handshake(
        stream: TcpStream,
        server: SocketAddr,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Result<Result<Ws, u16>> {
        let mut request = format!("ws://{server}{path}").into_client_request()?;
        for (name, value) in headers {
            request.headers_mut().insert(
                HeaderName::from_bytes(name.as_bytes())?,
                HeaderValue::from_str(value)?,
            );
        }
        let handshake = tokio_tungstenite::client_async(request, stream);
        match tokio::time::timeout(STEP_PATIENCE, handshake).await {
            Err(_) => bail!("the upgrade of {path} timed out"),
            Ok(Ok((socket, _))) => Ok(Ok(Ws {
                socket,
                received: 0,
                status: None,
            })),
            Ok(Err(WsError::Http(response))) => Ok(Err(response.status().as_u16())),
            Ok(Err(error)) => Err(error).with_context(|| format!("upgrading {path}")),
        }
    }

    /// Connect from `from` and upgrade on `path`, which must be accepted.
    pub async fn open(from: Ipv4Addr, server: SocketAddr, path: &str) -> Result<Ws> {
        let stream = connect(from, server, None).await?;
        match Ws::handshake(stream, server, path, &[]).await? {
            Ok(ws) => Ok(ws),
            Err(status) => bail!("the upgrade of {path} was refused with HTTP {status}"),
        }
    }

    /// Bytes of text frames read so far.
    pub fn received(&self) -> usize {
        self.received
    }

    /// The last `room` frame read, if any.
    pub fn status(&self) -> Option<&RoomStatus> {
        self.status.as_ref()
    }

    /// Send one text frame.
    pub async fn send(&mut self, text: &str) -> Result<()> {
        tokio::time::timeout(STEP_PATIENCE, self.socket.send(Message::text(text)))
            .await
            .context("sending timed out")?
            .context("sending a text frame")
    }

    /// Send any message (binary, ping, ...).
    pub async fn send_message(&mut self, message: Message) -> Result<()> {
        tokio::time::timeout(STEP_PATIENCE, self.socket.send(message))
            .await
            .context("sending timed out")?
            .context("sending a message")
    }

    /// The next frame or the close, waiting at most [`STEP_PATIENCE`].
    pub async fn next(&mut self) -> Result<Incoming> {
        self.next_within(STEP_PATIENCE).await
    }

    /// The next frame or the close, waiting at most `patience`.
    pub async fn next_within(&mut self, patience: Duration) -> Result<Incoming> {
        loop {
            let message = match tokio::time::timeout(patience, self.socket.next()).await {
                Err(_) => bail!("nothing from the server within {patience:?}"),
                Ok(None) => return Ok(Incoming::Closed(1006, "no close frame".into())),
                Ok(Some(Err(error))) => {
                    return Ok(Incoming::Closed(
                        1006,
                        format!("connection broken: {error}"),
                    ));
                }
                Ok(Some(Ok(message))) => message,
            };
            if let Message::Text(text) = &message {
                self.received += text.len();
            }
            if let Some(incoming) = Incoming::read(message, &mut self.status)? {
                return Ok(incoming);
            }
        }
    }

    /// Read until the server closes; its code and reason (1006 for a
    /// connection that ended without a close frame).
    pub async fn closed(&mut self) -> Result<(u16, String)> {
        self.closed_within(STEP_PATIENCE).await
    }

    /// [`Ws::closed`], waiting at most `patience` for each message.
    pub async fn closed_within(&mut self, patience: Duration) -> Result<(u16, String)> {
        loop {
            if let Incoming::Closed(code, reason) = self.next_within(patience).await? {
                return Ok((code, reason));
            }
        }
    }

    /// Read the raw bytes the server sent until it closes the connection,
    /// answering nothing: reading through the WebSocket would answer the
    /// server's pings, which a room takes as a follower's sign of life.
    pub async fn bytes_until_closed(&mut self) -> Result<usize> {
        let stream = self.socket.get_mut();
        let mut buffer = vec![0; 64 * 1024];
        let mut total = 0;
        loop {
            match tokio::time::timeout(STEP_PATIENCE, stream.read(&mut buffer)).await {
                Err(_) => bail!("the connection is still open after {total} bytes"),
                Ok(Ok(0) | Err(_)) => return Ok(total),
                Ok(Ok(read)) => total += read,
            }
        }
    }

    /// Read everything the server sent, unparsed, to the end of the
    /// connection: the messages read and the close code (1006 when the
    /// connection ended without a close frame).
    pub async fn drain(&mut self) -> Result<(usize, u16)> {
        let mut messages = 0;
        loop {
            match tokio::time::timeout(STEP_PATIENCE, self.socket.next()).await {
                Err(_) => bail!("the connection is still open after {messages} messages"),
                Ok(None | Some(Err(_))) => return Ok((messages, 1006)),
                Ok(Some(Ok(Message::Close(frame)))) => {
                    return Ok((messages, frame.map_or(1005, |f| u16::from(f.code))));
                }
                Ok(Some(Ok(_))) => messages += 1,
            }
        }
    }

    /// The next `room` frame, skipping others.
    pub async fn next_status(&mut self) -> Result<RoomStatus> {
        loop {
            match self.next().await? {
                Incoming::Closed(code, reason) => {
                    return Err(ClosedMidAnswer { code, reason }.into());
                }
                incoming => {
                    if let Some(status) = incoming.room_status()? {
                        return Ok(status);
                    }
                }
            }
        }
    }

    /// Read up to and including the next `snapshot` (and the `done` after it
    /// when it says done), skipping `room` and `view` frames; returns the
    /// snapshot's `records`. An `error` frame or a close fails.
    pub async fn until_snapshot(&mut self) -> Result<u64> {
        loop {
            match self.next().await? {
                Incoming::Frame(_, ServerFrame::Snapshot { state }) => {
                    if state.done {
                        self.until_done().await?;
                    }
                    return Ok(state.records);
                }
                Incoming::Frame(_, ServerFrame::Error { message, .. }) => {
                    bail!("error frame: {message}")
                }
                Incoming::Frame(..) => {}
                Incoming::Closed(code, reason) => {
                    return Err(ClosedMidAnswer { code, reason }.into());
                }
            }
        }
    }

    async fn until_done(&mut self) -> Result<()> {
        loop {
            match self.next().await? {
                Incoming::Frame(_, ServerFrame::Done) => return Ok(()),
                Incoming::Frame(_, ServerFrame::Room(_) | ServerFrame::View(_)) => {}
                Incoming::Frame(raw, _) => bail!("expected done after a done snapshot, got {raw}"),
                Incoming::Closed(code, reason) => bail!("closed ({code} {reason}) before done"),
            }
        }
    }

    /// Send `command` and read its answer up to the snapshot (see
    /// [`Ws::until_snapshot`]).
    pub async fn command(&mut self, command: &str) -> Result<u64> {
        self.send(command).await?;
        self.until_snapshot()
            .await
            .with_context(|| format!("answer to {command}"))
    }

    /// Close politely and read until the server's close (bounded).
    pub async fn close(mut self) -> Result<()> {
        let _ = tokio::time::timeout(STEP_PATIENCE, self.socket.close(None)).await;
        while let Ok(Some(Ok(_))) = tokio::time::timeout(STEP_PATIENCE, self.socket.next()).await {}
        Ok(())
    }
}

/// The server closed a socket while an answer was awaited.
#[derive(Debug)]
pub struct ClosedMidAnswer {
    /// The close code.
    pub code: u16,
    /// The close reason.
    pub reason: String,
}

impl std::fmt::Display for ClosedMidAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "closed ({} {}) mid-answer", self.code, self.reason)
    }
}

impl std::error::Error for ClosedMidAnswer {}

/// An HTTP answer: status, `content-type`, body.
#[derive(Debug)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// The `content-type` header, or `""`.
    pub content_type: String,
    /// The body as text.
    pub body: String,
}

/// One HTTP/1.1 request from `from` on a fresh connection (`Connection: close`).
pub async fn http(from: Ipv4Addr, server: SocketAddr, method: &str, path: &str) -> Result<Answer> {
    let mut stream = connect(from, server, None).await?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {server}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let exchange = async {
        stream.write_all(head.as_bytes()).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        anyhow::Ok(raw)
    };
    let raw = tokio::time::timeout(STEP_PATIENCE, exchange)
        .await
        .with_context(|| format!("{method} {path} timed out"))??;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").context("no end of headers")?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("no status in {head}"))?;
    let content_type = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.trim().to_owned())
        .unwrap_or_default();
    Ok(Answer {
        status,
        content_type,
        body: body.to_owned(),
    })
}
