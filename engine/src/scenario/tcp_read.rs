//! `tcp_read`: the article's `handle_connection`, on a real loopback socket.
//!
//! ```text
//!   t = 0 ms   main binds 127.0.0.1:0; the listener's readiness starts
//!              empty, so accept stores main's waker without a syscall
//!              park (no timer: no timeout); the peer (script) connects
//!              → OS event → main woken → accept → spawn handler
//!              handler: the accepted stream is assumed ready, so read is
//!              tried → WouldBlock, readiness cleared, waker stored
//!              park → the new stream reports "writable": nobody waits for it
//!   t = 5 ms   park; the peer writes "hello, reactor" → OS event → wake(io)
//!              read → 14 bytes, "Read 14 bytes", complete → main woken
//! ```

use std::cell::Cell;
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;

use super::peer::{Peer, PeerAction};
use super::{MainResult, Setup};
use crate::net::{TcpListener, TcpStream};
use crate::{output, spawn_named};

/// The handler's buffer, as in the article.
const BUFFER_BYTES: usize = 1024;

/// The article's handler: one read into a 1 KiB buffer.
async fn handle_connection(mut stream: TcpStream) {
    let mut buf = [0u8; BUFFER_BYTES];
    let n = stream.read(&mut buf).await.expect("the read failed");
    output(format!("Read {n} bytes"));
}

/// Accept one connection and hand it to a spawned handler. The listener's
/// address is `published` for the scripted peer, which connects to it.
async fn main(published: Rc<Cell<Option<SocketAddr>>>) -> MainResult {
    let any_port = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let mut listener =
        TcpListener::bind(any_port).map_err(|error| format!("bind failed: {error}"))?;
    published.set(Some(listener.local_addr()));
    let accepted = listener.accept().await;
    let (stream, _peer) = accepted.map_err(|error| format!("accept failed: {error}"))?;
    let handler = spawn_named("handler", handle_connection(stream));
    handler.await.map_err(|error| error.to_string())
}

/// What the peer sends.
const MESSAGE: &[u8] = b"hello, reactor";
/// When the peer sends it, in virtual milliseconds.
const SEND_AT_MS: u64 = 5;

pub(crate) fn setup() -> Setup {
    let address = Rc::new(Cell::new(None));
    let peer = Peer::new(
        Rc::clone(&address),
        vec![
            (0, PeerAction::Connect),
            (SEND_AT_MS, PeerAction::SendAndClose(MESSAGE.into())),
        ],
    );
    Setup {
        main: Box::pin(main(address)),
        script: Some(Box::new(peer)),
    }
}
