//! `cross_runtime`: a socket of one runtime, awaited in another's loop.
//!
//! ```text
//!   main (runtime B, the one being driven):
//!     make runtime A; bind a listener while A is current: it is A's socket
//!     a client connects (a plain blocking std connect): a connection waits
//!     accept().await ─▶ Pending: main's waker waits in A's driver
//!   park(timeout: null): B's driver has nothing to wait for, and only A's
//!   loop would ever report the listener readable ─▶ diagnostic stuck
//! ```

use std::net::{Ipv4Addr, SocketAddr};

use super::{MainResult, Setup};
use crate::net::TcpListener;
use crate::{Runtime, RuntimeOptions, output};

/// Accept, in this runtime's loop, on a listener that belongs to runtime A.
async fn main() -> MainResult {
    let a = Runtime::new(RuntimeOptions::default()).map_err(|e| e.to_string())?;
    let any_port = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let mut listener = {
        let _a_is_current = a.enter();
        // Made while A is current: registered with A's I/O driver.
        TcpListener::bind(any_port).map_err(|e| format!("bind failed: {e}"))?
    };
    let _client = std::net::TcpStream::connect(listener.local_addr())
        .map_err(|e| format!("connect failed: {e}"))?;
    // BUG: only A's loop can report the connection, and A is never driven.
    let accepted = listener.accept().await;
    accepted.map_err(|e| format!("accept failed: {e}"))?;
    output("never printed");
    Ok(())
}

pub(crate) fn setup() -> Setup {
    Setup {
        main: Box::pin(main()),
        script: None,
    }
}
