//! `multi_thread_tcp_read`: the article's TCP read on 2 workers, with two
//! clients, so that the wake of one reader is stolen by the other worker.
//!
//! ```text
//!   main (block_on thread): bind; accept twice, spawning a handler for
//!     each connection ─▶ inject queue ─▶ a worker takes it
//!   each handler: read ─▶ WouldBlock, waker stored in the registration of
//!     the runtime's one driver ─▶ Pending
//!   both workers park; the one holding the driver waits in the OS
//!   t = 5 ms: both clients write at once ─▶ one wait, two events
//!     ─▶ both handlers woken into the parker's LIFO slot and local queue
//!     ─▶ the parker notifies the other worker, which steals a handler:
//!        its waker found it on the parker, and it runs on the other worker
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

/// How many clients connect.
const CLIENTS: usize = 2;

/// The article's handler: one read into a 1 KiB buffer.
async fn handle_connection(mut stream: TcpStream) {
    let mut buf = [0u8; BUFFER_BYTES];
    let n = stream.read(&mut buf).await.expect("the read failed");
    output(format!("Read {n} bytes"));
}

/// Accept the clients, a handler each; await the handlers.
async fn main(published: Rc<Cell<Option<SocketAddr>>>) -> MainResult {
    let any_port = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let mut listener =
        TcpListener::bind(any_port).map_err(|error| format!("bind failed: {error}"))?;
    published.set(Some(listener.local_addr()));
    let mut handlers = Vec::new();
    for n in 0..CLIENTS {
        let accepted = listener.accept().await;
        let (stream, _peer) = accepted.map_err(|error| format!("accept failed: {error}"))?;
        handlers.push(spawn_named(
            &format!("handler {n}"),
            handle_connection(stream),
        ));
    }
    for handler in handlers {
        handler.await.map_err(|error| error.to_string())?;
    }
    Ok(())
}

/// What each client sends.
const MESSAGE: &[u8] = b"hello, reactor";
/// When the clients send it, in virtual milliseconds.
const SEND_AT_MS: u64 = 5;

pub(crate) fn setup() -> Setup {
    let address = Rc::new(Cell::new(None));
    let peer = Peer::new(
        Rc::clone(&address),
        vec![
            (0, PeerAction::Connect),
            (0, PeerAction::Connect),
            (SEND_AT_MS, PeerAction::SendAllAndClose(MESSAGE.into())),
        ],
    );
    Setup {
        main: Box::pin(main(address)),
        script: Some(Box::new(peer)),
    }
}
