//! `self_wake`: a future that wakes itself instead of waiting.
//!
//! ```text
//!   main: bind, spawn a client, accept ─▶ Pending (waits for a connection)
//!   spinner: flag not set ─▶ cx.waker().wake_by_ref() ─▶ Pending ─▶ queued again
//!            … at its 3rd self-wake: diagnostic self_wake
//!   client: connect ─▶ Pending (waits for "writable")
//!   the run queue is never empty: the loop parks, with a zero timeout, only
//!   after 61 polls (the poll budget), so each OS event waits 61 spins
//!   turn 1: main accepts, its read would block; the client writes 4 bytes
//!   turn 2: main reads them and sets the flag ─▶ the spinner is Ready
//! ```

use std::cell::Cell;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::{MainResult, Setup};
use crate::net::{TcpListener, TcpStream};
use crate::{output, spawn_named};

/// Waits for `done` to be set by polling it over and over.
struct BusyWait {
    done: Rc<Cell<bool>>,
}

impl Future for BusyWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.done.get() {
            return Poll::Ready(());
        }
        // BUG: "poll me again at once". The task goes straight back on the
        // run queue and spins, instead of leaving its waker with whoever
        // sets the flag.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A client task sends main 4 bytes over loopback while the spinner spins.
async fn main() -> MainResult {
    let done = Rc::new(Cell::new(false));
    let busy = BusyWait {
        done: Rc::clone(&done),
    };
    let spinner = spawn_named("spinner", busy);
    let any_port = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let mut listener = TcpListener::bind(any_port).map_err(|e| format!("bind failed: {e}"))?;
    let address = listener.local_addr();
    let client = spawn_named("client", async move {
        let mut stream = TcpStream::connect(address).await.expect("connect failed");
        stream.write(b"ping").await.expect("write failed");
    });
    let accepted = listener.accept().await;
    let (mut stream, _) = accepted.map_err(|e| format!("accept failed: {e}"))?;
    let mut buf = [0u8; 4];
    let read = stream.read(&mut buf).await;
    let n = read.map_err(|e| format!("read failed: {e}"))?;
    output(format!("main: read {n} bytes"));
    done.set(true);
    client.await.map_err(|error| error.to_string())?;
    spinner.await.map_err(|error| error.to_string())
}

pub(crate) fn setup() -> Setup {
    Setup {
        main: Box::pin(main()),
        script: None,
    }
}
