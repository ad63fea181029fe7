//! Helpers for the `ws_*` and `http_*` tests: a WebSocket client that speaks
//! the `/ws` protocol, a minimal HTTP/1.1 client, and process resource counts.
//!
//! The HTTP client is a few lines over a raw `TcpStream` on purpose: it sends
//! the request path byte for byte (a general client would normalise `../`
//! away) and hides nothing about the response.

#![allow(dead_code)] // each test binary uses a different part

use std::collections::HashMap;

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt, StreamExt};
use reactor_e2e::PATIENCE;
use reactor_protocol::{Outline, Record, ServerFrame, Snapshot};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A `/ws` session seen from the client.
pub struct Client {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What the server answered to one stepping command.
#[derive(Debug)]
pub struct Reply {
    /// The `record` frames, in order.
    pub records: Vec<Record>,
    /// The `snapshot` that closes the answer.
    pub state: Snapshot,
    /// Whether a `done` frame followed.
    pub done: bool,
}

impl Client {
    /// Open a session on `ws_url` (`ws://127.0.0.1:PORT`).
    pub async fn connect(ws_url: &str) -> Result<Client> {
        let (socket, _) = tokio::time::timeout(
            PATIENCE,
            tokio_tungstenite::connect_async(format!("{ws_url}/ws")),
        )
        .await
        .context("connecting timed out")?
        .context("connecting to /ws")?;
        Ok(Client { socket })
    }

    /// Open a session over a TCP stream the caller prepared (from another
    /// loopback address, or with a tiny receive buffer).
    pub async fn connect_on(stream: TcpStream, ws_url: &str) -> Result<Client> {
        let handshake =
            tokio_tungstenite::client_async(format!("{ws_url}/ws"), MaybeTlsStream::Plain(stream));
        let (socket, _) = tokio::time::timeout(PATIENCE, handshake)
            .await
            .context("connecting timed out")?
            .context("connecting to /ws")?;
        Ok(Client { socket })
    }

    /// Send one text frame.
    pub async fn send_text(&mut self, text: &str) -> Result<()> {
        self.socket
            .send(Message::text(text))
            .await
            .context("sending a text frame")
    }

    /// Send any message (binary, oversize, ...).
    pub async fn send(&mut self, message: Message) -> Result<()> {
        self.socket.send(message).await.context("sending a frame")
    }

    /// The next message of any kind, waiting at most [`PATIENCE`].
    pub async fn next_message(&mut self) -> Result<Message> {
        match tokio::time::timeout(PATIENCE, self.socket.next()).await {
            Err(_) => bail!("no message from the server within {PATIENCE:?}"),
            Ok(None) => bail!("the server closed the connection without a close frame"),
            Ok(Some(message)) => message.context("reading from the socket"),
        }
    }

    /// The next frame, which must be a JSON text frame.
    pub async fn next_frame(&mut self) -> Result<ServerFrame> {
        match self.next_message().await? {
            Message::Text(text) => serde_json::from_str(text.as_str())
                .with_context(|| format!("not a server frame: {}", text.as_str())),
            other => bail!("expected a JSON text frame, got {other:?}"),
        }
    }

    /// The close frame the server sends next (text frames before it are an error).
    pub async fn expect_close(&mut self) -> Result<CloseFrame> {
        match self.next_message().await? {
            Message::Close(Some(frame)) => Ok(frame),
            other => bail!("expected a close frame, got {other:?}"),
        }
    }

    /// The `error` frame the server sends next; returns its message.
    pub async fn expect_error(&mut self) -> Result<String> {
        match self.next_frame().await? {
            ServerFrame::Error { message, .. } => Ok(message),
            other => bail!("expected an error frame, got {other:?}"),
        }
    }

    /// `load` a scenario and check the `loaded` + `outline` + `snapshot` answer.
    pub async fn load(&mut self, scenario: &str) -> Result<Snapshot> {
        Ok(self.load_outlined(scenario).await?.1)
    }

    /// `load` a scenario: the run's outline and its start state.
    pub async fn load_outlined(&mut self, scenario: &str) -> Result<(Outline, Snapshot)> {
        self.send_text(&format!(r#"{{"cmd":"load","scenario":"{scenario}"}}"#))
            .await?;
        match self.next_frame().await? {
            ServerFrame::Loaded { scenario: loaded } if loaded == scenario => {}
            other => bail!("expected loaded {scenario}, got {other:?}"),
        }
        self.outline_and_start().await
    }

    /// The `outline` and start `snapshot` that follow a `loaded` frame.
    pub async fn outline_and_start(&mut self) -> Result<(Outline, Snapshot)> {
        let ServerFrame::Outline(outline) = self.next_frame().await? else {
            bail!("expected the outline after loaded");
        };
        match self.next_frame().await? {
            ServerFrame::Snapshot { state } => Ok((outline, state)),
            other => bail!("expected the snapshot after the outline, got {other:?}"),
        }
    }

    /// Send `{"cmd":"<cmd>"}` and collect records up to the snapshot (and `done`).
    pub async fn command(&mut self, cmd: &str) -> Result<Reply> {
        self.send_text(&format!(r#"{{"cmd":"{cmd}"}}"#)).await?;
        self.reply().await
    }

    /// Read one stepping answer: records, a snapshot, then `done` iff the snapshot says so.
    pub async fn reply(&mut self) -> Result<Reply> {
        let mut records = Vec::new();
        let state = loop {
            match self.next_frame().await? {
                ServerFrame::Record { record } => records.push(record),
                ServerFrame::Snapshot { state } => break state,
                other => bail!("expected records then a snapshot, got {other:?}"),
            }
        };
        let done = state.done;
        if done {
            match self.next_frame().await? {
                ServerFrame::Done => {}
                other => bail!("the snapshot says done but the next frame is {other:?}"),
            }
        }
        Ok(Reply {
            records,
            state,
            done,
        })
    }

    /// Repeat `cmd` until `done`; all records in order and the final state.
    /// Gives up after `max_commands`, so a server that never finishes fails the test.
    pub async fn walk(
        &mut self,
        cmd: &str,
        max_commands: usize,
    ) -> Result<(Vec<Record>, Snapshot)> {
        let mut records = Vec::new();
        for _ in 0..max_commands {
            let reply = self.command(cmd).await?;
            records.extend(reply.records);
            if reply.done {
                return Ok((records, reply.state));
            }
        }
        bail!(
            "not done after {max_commands} `{cmd}` commands ({} records)",
            records.len()
        )
    }

    /// Close politely; the server must answer with its own close frame
    /// (a connection dropped without one is an error).
    pub async fn close(mut self) -> Result<()> {
        self.socket.close(None).await.context("closing")?;
        loop {
            match tokio::time::timeout(PATIENCE, self.socket.next()).await {
                Err(_) => bail!("the server did not finish the closing handshake"),
                Ok(None) => return Ok(()),
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(error))) => bail!("closing handshake broken: {error}"),
            }
        }
    }
}

/// An HTTP response, headers keyed in lower case.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers; a repeated header keeps its last value.
    pub headers: HashMap<String, String>,
    /// The body as received (still compressed if it was).
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value, or `""`.
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    /// The body parsed as JSON into `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).with_context(|| {
            format!(
                "body is not the JSON expected: {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// `GET path` with extra request headers.
pub async fn get(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Response> {
    request(addr, "GET", path, headers).await
}

/// Send one request on a fresh connection (`Connection: close`) and read the answer.
pub async fn request(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Response> {
    request_with_body(addr, method, path, headers, &[]).await
}

/// `POST path` with a JSON `body` (and its `Content-Length`).
pub async fn post_json(addr: std::net::SocketAddr, path: &str, body: &[u8]) -> Result<Response> {
    let length = body.len().to_string();
    let headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", length.as_str()),
    ];
    request_with_body(addr, "POST", path, &headers, body).await
}

/// [`request`] with a body, sent as is after the headers (give its
/// `Content-Length` in `headers`).
pub async fn request_with_body(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Response> {
    tokio::time::timeout(PATIENCE, async {
        let mut stream = TcpStream::connect(addr).await?;
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        parse_response(&raw, method == "HEAD")
    })
    .await
    .context("HTTP request timed out")?
}

fn parse_response(raw: &[u8], head_only: bool) -> Result<Response> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no end of headers")?;
    let head = std::str::from_utf8(&raw[..split]).context("headers are not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().context("no status line")?;
    let status = status_line
        .split(' ')
        .nth(1)
        .context("no status code")?
        .parse()?;
    let headers: HashMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let body = raw[split + 4..].to_vec();
    if headers
        .get("transfer-encoding")
        .is_some_and(|te| te.contains("chunked"))
    {
        bail!("chunked bodies are not expected from this server");
    }
    if let Some(length) = headers.get("content-length") {
        let length: usize = length.parse()?;
        if !head_only && body.len() != length {
            bail!("content-length {length} but {} body bytes", body.len());
        }
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// Threads of this process right now.
pub fn thread_count() -> Result<usize> {
    Ok(std::fs::read_dir("/proc/self/task")
        .context("/proc/self/task")?
        .count())
}

/// Open file descriptors of this process right now.
pub fn fd_count() -> Result<usize> {
    Ok(std::fs::read_dir("/proc/self/fd")
        .context("/proc/self/fd")?
        .count())
}

/// A slower-than-a-person bound on how many commands walking a scenario may take.
pub fn commands_for(records: usize) -> usize {
    records + 10
}
