//! The scripted peer of the TCP scenarios and of playground programs: plain
//! blocking `std::net` sockets on the engine thread, outside the runtime,
//! acting at fixed virtual times.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::VecDeque;
use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::rc::Rc;
use std::time::Duration;

use crate::runtime::script::Script;

/// Longest the peer waits for a loopback connect. Loopback connects finish
/// within microseconds; this only bounds a broken machine.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// One thing the peer does.
#[derive(Clone, Debug)]
pub enum PeerAction {
    /// Connect to the listener the program published.
    Connect,
    /// Write these bytes on the oldest open connection, and keep it open.
    Send(Cow<'static, [u8]>),
    /// Close the oldest open connection (the program's reads then see 0 bytes).
    Close,
    /// Write these bytes on the oldest open connection, then close it.
    SendAndClose(Cow<'static, [u8]>),
    /// Write these bytes on every open connection, then close them all:
    /// the OS reports them together, in one wait.
    SendAllAndClose(Cow<'static, [u8]>),
}

/// A peer socket following a list of `(time_ms, action)`.
pub struct Peer {
    steps: VecDeque<(u64, PeerAction)>,
    /// Set by the listener task once it is bound.
    listener: Rc<Cell<Option<SocketAddr>>>,
    /// Open connections, oldest first.
    sockets: VecDeque<TcpStream>,
}

impl Peer {
    /// A peer that connects to the address `listener` holds once the
    /// program has bound it, and acts at the given virtual times (in order).
    pub fn new(listener: Rc<Cell<Option<SocketAddr>>>, steps: Vec<(u64, PeerAction)>) -> Self {
        Peer {
            steps: steps.into(),
            listener,
            sockets: VecDeque::new(),
        }
    }
}

impl Script for Peer {
    fn next_time(&self) -> Option<u64> {
        self.steps.front().map(|(at, _)| *at)
    }

    fn run_next(&mut self) -> Result<bool, String> {
        let Some((_, action)) = self.steps.pop_front() else {
            return Ok(false);
        };
        match action {
            PeerAction::Connect => {
                let addr = self
                    .listener
                    .get()
                    .ok_or("the peer cannot connect: no listener is bound yet")?;
                let socket = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)
                    .map_err(|error| format!("the peer could not connect: {error}"))?;
                self.sockets.push_back(socket);
            }
            PeerAction::Send(bytes) => {
                let socket = self
                    .sockets
                    .front_mut()
                    .ok_or("the peer cannot write: it is not connected")?;
                socket
                    .write_all(&bytes)
                    .map_err(|error| format!("the peer could not write: {error}"))?;
            }
            PeerAction::Close => {
                let socket = self
                    .sockets
                    .pop_front()
                    .ok_or("the peer cannot close: it is not connected")?;
                socket
                    .shutdown(Shutdown::Both)
                    .map_err(|error| format!("the peer could not close: {error}"))?;
            }
            PeerAction::SendAndClose(bytes) => {
                let socket = self
                    .sockets
                    .pop_front()
                    .ok_or("the peer cannot write: it is not connected")?;
                send_and_close(socket, &bytes)?;
            }
            PeerAction::SendAllAndClose(bytes) => {
                if self.sockets.is_empty() {
                    return Err("the peer cannot write: it is not connected".into());
                }
                for socket in std::mem::take(&mut self.sockets) {
                    send_and_close(socket, &bytes)?;
                }
            }
        }
        Ok(true)
    }
}

fn send_and_close(mut socket: TcpStream, bytes: &[u8]) -> Result<(), String> {
    socket
        .write_all(bytes)
        .map_err(|error| format!("the peer could not write: {error}"))?;
    socket
        .shutdown(Shutdown::Both)
        .map_err(|error| format!("the peer could not close: {error}"))
}
