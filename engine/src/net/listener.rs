//! [`TcpListener`]: bind, then accept connections as they arrive.

use std::future::{Future, poll_fn};
use std::io;
use std::net::SocketAddr;
use std::panic::Location;
use std::task::{Context, Poll};

use reactor_protocol::Direction;

use super::{TcpStream, check_loopback, outcome, shown};
use crate::io::registration::{Registration, record_syscall};
use crate::runtime::context;
use crate::trace::located;

/// A listening socket. Its readiness starts empty, so `accept` first waits
/// for the OS to report a connection: no `accept` syscall is tried before
/// the listener's first event, as in Tokio.
#[derive(Debug)]
pub struct TcpListener {
    registration: Registration<mio::net::TcpListener>,
    local_addr: SocketAddr,
}

impl TcpListener {
    /// Bind to a loopback address (port 0: the OS picks one) and register
    /// with the driver. Binding never blocks, so this is not `async`.
    pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
        check_loopback(addr)?;
        let (result, at) = located(mio::net::TcpListener::bind(addr));
        record_syscall("bind", None, outcome(&result), at);
        let listener = result?;
        let local_addr = listener.local_addr()?;
        let resource = format!("TcpListener {}", shown(local_addr));
        let registration = Registration::new(listener, resource, false)?;
        Ok(TcpListener {
            registration,
            local_addr,
        })
    }

    /// The address the listener is bound to (with the real port).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The mio token of the registration.
    pub fn token(&self) -> usize {
        self.registration.token()
    }

    /// Wait for the next connection. The caller's line is the `.await` a
    /// task waiting here is shown parked on.
    #[track_caller]
    pub fn accept(&mut self) -> impl Future<Output = io::Result<(TcpStream, SocketAddr)>> + '_ {
        let at = Location::caller();
        poll_fn(move |cx| context::awaiting_at(at, self.poll_accept(cx)))
    }

    /// Accept a connection if one is queued; otherwise wait for readable.
    pub fn poll_accept(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let accepted = match self.registration.poll_io(
            cx,
            Direction::Read,
            "accept",
            |_| None,
            |io| io.accept(),
        ) {
            Poll::Ready(result) => result,
            Poll::Pending => return Poll::Pending,
        };
        Poll::Ready(accepted.and_then(|(stream, peer)| {
            let resource = format!("TcpStream {} (accepted)", shown(peer));
            // Tokio's `TcpStream::new_accepted` assumes a new connection
            // readable and writable: its first read is simply tried.
            Ok((TcpStream::register(stream, resource, true)?, peer))
        }))
    }
}
