//! A client for classroom rooms, shared by the room tests and the
//! `room_load` tool: create a room over HTTP, then open presenter and
//! follower sockets and read their frames, raw and parsed (polls' tallies
//! and errors included).

use std::net::{Ipv4Addr, SocketAddr};

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt, StreamExt};
use reactor_protocol::ServerFrame;
use reactor_protocol::frame::{PollTally, RoomCreated, RoomStatus};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::PATIENCE;

/// A test server whose rooms are bounded by `limits`.
pub async fn room_server(limits: reactor_server::RoomLimits) -> Result<crate::TestServer> {
    crate::TestServer::start_with(move |config| config.rooms = limits).await
}

/// `POST /api/rooms`: the status code and the body.
pub async fn post_room(addr: SocketAddr) -> Result<(u16, String)> {
    post_room_from(Ipv4Addr::LOCALHOST, addr).await
}

/// A TCP connection to `addr` from the loopback address `from` (any of
/// 127.0.0.0/8), so one test can play several clients' addresses.
pub async fn connect_from(from: Ipv4Addr, addr: SocketAddr) -> Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((from, 0)))?;
    let stream = socket.connect(addr).await.context("connecting")?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// `POST /api/rooms` from the loopback address `from`: the status code and the body.
pub async fn post_room_from(from: Ipv4Addr, addr: SocketAddr) -> Result<(u16, String)> {
    tokio::time::timeout(PATIENCE, async {
        let mut stream = connect_from(from, addr).await?;
        let head = format!(
            "POST /api/rooms HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text.split(' ').nth(1).and_then(|code| code.parse().ok()).context("no status line")?;
        let body = text.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
        anyhow::Ok((status, body))
    })
    .await
    .context("POST /api/rooms timed out")?
}

/// Create a room, which must succeed.
pub async fn create_room(addr: SocketAddr) -> Result<RoomCreated> {
    let (status, body) = post_room(addr).await?;
    if status != 201 {
        bail!("POST /api/rooms answered {status}: {body}");
    }
    serde_json::from_str(&body).with_context(|| format!("not a room: {body}"))
}

/// What a room socket read next.
///
/// A frame is far larger than a close, but a test holds one at a time, and
/// a `Box` would keep the callers from matching on the frame's kind.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Incoming {
    /// A text frame: as sent, and parsed.
    Frame(String, ServerFrame),
    /// The server closed: code and reason (1005 when it sent no code).
    Closed(u16, String),
}

impl Incoming {
    /// The status if this is a `room` frame, `None` for any other frame; a
    /// close while a room frame was awaited is an error.
    pub fn room_status(self) -> Result<Option<RoomStatus>> {
        match self {
            Incoming::Frame(_, ServerFrame::Room(status)) => Ok(Some(status)),
            Incoming::Frame(..) => Ok(None),
            Incoming::Closed(code, reason) => {
                bail!("closed ({code} {reason}) while waiting for a room frame")
            }
        }
    }

    /// What one WebSocket message from the server is: a frame (a room status
    /// is also kept in `status`), the close, or `None` for a ping or pong.
    pub fn read(message: Message, status: &mut Option<RoomStatus>) -> Result<Option<Incoming>> {
        match message {
            Message::Text(text) => {
                let parsed = serde_json::from_str(text.as_str())
                    .with_context(|| format!("not a server frame: {}", text.as_str()))?;
                if let ServerFrame::Room(room) = &parsed {
                    *status = Some(room.clone());
                }
                Ok(Some(Incoming::Frame(text.as_str().to_owned(), parsed)))
            }
            Message::Close(frame) => {
                let (code, reason) = frame.map_or((1005, String::new()), |f| {
                    (u16::from(f.code), f.reason.as_str().to_owned())
                });
                Ok(Some(Incoming::Closed(code, reason)))
            }
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => Ok(None),
            Message::Binary(_) => bail!("the server sent a binary frame"),
        }
    }
}

/// A presenter's or follower's socket.
pub struct RoomSocket {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The last `room` frame read.
    status: Option<RoomStatus>,
}

impl RoomSocket {
    /// Open `ws://ADDR/rooms/{code}/ws{query}` (query: `""` or `"?key=..."`),
    /// with Nagle's algorithm off as browsers do, so a small command is never
    /// held back waiting for the acknowledgement of the previous one.
    pub async fn open(addr: SocketAddr, code: &str, query: &str) -> Result<RoomSocket> {
        let stream = TcpStream::connect(addr).await.context("connecting")?;
        stream.set_nodelay(true)?;
        RoomSocket::open_path(stream, addr, &format!("/rooms/{code}/ws{query}")).await
    }

    /// Open `/rooms/{code}/ws{query}` from the loopback address `from`.
    pub async fn open_from(
        from: Ipv4Addr,
        addr: SocketAddr,
        code: &str,
        query: &str,
    ) -> Result<RoomSocket> {
        let stream = connect_from(from, addr).await?;
        RoomSocket::open_path(stream, addr, &format!("/rooms/{code}/ws{query}")).await
    }

    /// Open over a TCP stream the caller prepared (a tiny receive buffer, say).
    pub async fn open_on(stream: TcpStream, addr: SocketAddr, code: &str) -> Result<RoomSocket> {
        RoomSocket::open_path(stream, addr, &format!("/rooms/{code}/ws")).await
    }

    async fn open_path(stream: TcpStream, addr: SocketAddr, path: &str) -> Result<RoomSocket> {
        let url = format!("ws://{addr}{path}");
        let handshake = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream));
        let (socket, _) = tokio::time::timeout(PATIENCE, handshake)
            .await
            .context("connecting timed out")?
            .with_context(|| format!("connecting to {path}"))?;
        Ok(RoomSocket {
            socket,
            status: None,
        })
    }

    /// The presenter's socket of `room`.
    pub async fn presenter(addr: SocketAddr, room: &RoomCreated) -> Result<RoomSocket> {
        RoomSocket::open(addr, &room.code, &format!("?key={}", room.presenter_key)).await
    }

    /// A follower's socket of room `code`.
    pub async fn follower(addr: SocketAddr, code: &str) -> Result<RoomSocket> {
        RoomSocket::open(addr, code, "").await
    }

    /// Join room `code` as a follower and read its first `room` frame, so the
    /// follower is surely counted and receives everything from here on.
    pub async fn joined(addr: SocketAddr, code: &str) -> Result<RoomSocket> {
        let mut follower = RoomSocket::follower(addr, code).await?;
        let status = follower.next_status().await?;
        if status.code != code || status.ended {
            bail!("unexpected first frame {status:?}");
        }
        Ok(follower)
    }

    /// Join room `code` as a follower from the loopback address `from` and
    /// read its first `room` frame.
    pub async fn joined_from(from: Ipv4Addr, addr: SocketAddr, code: &str) -> Result<RoomSocket> {
        let mut follower = RoomSocket::open_from(from, addr, code, "").await?;
        let status = follower.next_status().await?;
        if status.code != code || status.ended {
            bail!("unexpected first frame {status:?}");
        }
        Ok(follower)
    }

    /// The last `room` frame read, if any (say, to learn why a socket closed).
    pub fn last_status(&self) -> Option<&RoomStatus> {
        self.status.as_ref()
    }

    /// Send one text frame.
    pub async fn send(&mut self, text: &str) -> Result<()> {
        self.socket
            .send(Message::text(text))
            .await
            .context("sending a text frame")
    }

    /// The next frame or the close, waiting at most [`PATIENCE`].
    pub async fn next(&mut self) -> Result<Incoming> {
        loop {
            let message = match tokio::time::timeout(PATIENCE, self.socket.next()).await {
                Err(_) => bail!("nothing from the server within {PATIENCE:?}"),
                Ok(None) => {
                    return Ok(Incoming::Closed(
                        1006,
                        "closed without a close frame".into(),
                    ));
                }
                Ok(Some(message)) => message.context("reading from the socket")?,
            };
            if let Some(incoming) = Incoming::read(message, &mut self.status)? {
                return Ok(incoming);
            }
        }
    }

    /// The next frame that is not a `room` frame (counts arrive at any time).
    pub async fn next_content(&mut self) -> Result<(String, ServerFrame)> {
        loop {
            match self.next().await? {
                Incoming::Frame(_, ServerFrame::Room(_)) => {}
                Incoming::Frame(raw, frame) => return Ok((raw, frame)),
                Incoming::Closed(code, reason) => {
                    bail!("closed ({code} {reason}) while waiting for a frame")
                }
            }
        }
    }

    /// The next `room` frame, skipping others.
    pub async fn next_status(&mut self) -> Result<RoomStatus> {
        loop {
            if let Some(status) = self.next().await?.room_status()? {
                return Ok(status);
            }
        }
    }

    /// Read until the server closes; its close code and reason.
    pub async fn closed(&mut self) -> Result<(u16, String)> {
        loop {
            if let Incoming::Closed(code, reason) = self.next().await? {
                return Ok((code, reason));
            }
        }
    }

    /// Send a command, then read its answer up to and including the
    /// `snapshot` (and the `done` after it, if the snapshot says done);
    /// returns every content frame, raw, in order.
    pub async fn command(&mut self, command: &str) -> Result<Vec<String>> {
        self.send(command).await?;
        let mut frames = Vec::new();
        loop {
            let (raw, frame) = self.next_content().await?;
            frames.push(raw);
            match frame {
                ServerFrame::Snapshot { state } if state.done => {
                    let (raw, frame) = self.next_content().await?;
                    if frame != ServerFrame::Done {
                        bail!("the snapshot says done, then came {raw}");
                    }
                    frames.push(raw);
                    return Ok(frames);
                }
                ServerFrame::Snapshot { .. } => return Ok(frames),
                ServerFrame::Error { message, .. } => bail!("{command} was refused: {message}"),
                _ => {}
            }
        }
    }

    /// The message of the next content frame, which must be an `error`.
    pub async fn next_error(&mut self) -> Result<String> {
        match self.next_content().await? {
            (_, ServerFrame::Error { message, .. }) => Ok(message),
            (raw, _) => bail!("expected an error, got {raw}"),
        }
    }

    /// The presenter's side of a poll: read `tally` frames (and skip `room`
    /// frames) until one counts `answered` answers; any other frame, or a
    /// tally past `answered`, is an error.
    pub async fn tally_until(&mut self, answered: u32) -> Result<PollTally> {
        loop {
            match self.next_content().await? {
                (_, ServerFrame::Tally(tally)) if tally.answered == answered => return Ok(tally),
                (raw, ServerFrame::Tally(tally)) if tally.answered > answered => {
                    bail!("a tally counted more than {answered}: {raw}")
                }
                (_, ServerFrame::Tally(_)) => {}
                (raw, _) => bail!("expected a tally, got {raw}"),
            }
        }
    }

    /// Close politely.
    pub async fn close(mut self) -> Result<()> {
        self.socket.close(None).await.context("closing")?;
        while let Ok(Some(Ok(_))) = tokio::time::timeout(PATIENCE, self.socket.next()).await {}
        Ok(())
    }
}
