//! [`TcpStream`]: connect, read and write, each a non-blocking syscall behind
//! the readiness loop.

use std::future::{Future, poll_fn};
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::panic::Location;
use std::task::{Context, Poll};

use reactor_protocol::Direction;

use super::{check_loopback, outcome, shown};
use crate::io::registration::{Registration, record_syscall};
use crate::runtime::context;
use crate::trace::located;

/// A connected TCP socket, registered readable and writable.
///
/// An accepted stream starts out assumed ready both ways (as Tokio's
/// does); a connecting stream starts not ready and waits for "writable",
/// which is how the OS says the connection is made.
#[derive(Debug)]
pub struct TcpStream {
    registration: Registration<mio::net::TcpStream>,
}

impl TcpStream {
    pub(crate) fn register(
        stream: mio::net::TcpStream,
        resource: String,
        assumed_ready: bool,
    ) -> io::Result<Self> {
        Ok(TcpStream {
            registration: Registration::new(stream, resource, assumed_ready)?,
        })
    }

    /// Connect to a loopback address. The caller's line is the `.await` a
    /// task waiting for the handshake is shown parked on.
    #[track_caller]
    pub fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<TcpStream>> {
        let awaited_at = Location::caller();
        async move {
            check_loopback(addr)?;
            let (result, at) = located(mio::net::TcpStream::connect(addr));
            record_syscall("connect", None, outcome(&result), at);
            let resource = format!("TcpStream to {}", shown(addr));
            let mut stream = TcpStream::register(result?, resource, false)?;
            poll_fn(|cx| context::awaiting_at(awaited_at, stream.poll_connected(cx))).await?;
            Ok(stream)
        }
    }

    /// Writable means the handshake finished: check it succeeded. Not
    /// connected yet counts as `WouldBlock`, so the task waits again.
    fn poll_connected(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration.poll_io(
            cx,
            Direction::Write,
            "connect",
            |_| None,
            |io| {
                if let Some(error) = io.take_error()? {
                    return Err(error);
                }
                match io.peer_addr() {
                    Ok(_) => Ok(()),
                    Err(error) if error.kind() == io::ErrorKind::NotConnected => {
                        Err(io::ErrorKind::WouldBlock.into())
                    }
                    Err(error) => Err(error),
                }
            },
        )
    }

    /// The mio token of the registration.
    pub fn token(&self) -> usize {
        self.registration.token()
    }

    /// The remote address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.registration.io().peer_addr()
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.registration.io().local_addr()
    }

    /// `Ready` when the driver's cached readiness says a read may succeed;
    /// otherwise the task's waker is stored (a `waker_stored` record).
    pub fn poll_read_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration
            .poll_ready(cx, Direction::Read)
            .map_ok(|_tick| ())
    }

    /// `Ready` when the driver's cached readiness says a write may succeed;
    /// otherwise the task's waker is stored.
    pub fn poll_write_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration
            .poll_ready(cx, Direction::Write)
            .map_ok(|_tick| ())
    }

    /// Read into `buf`; `Ok(0)` means the peer closed. The caller's line is
    /// the `.await` a task waiting here is shown parked on.
    #[track_caller]
    pub fn read<'a>(
        &'a mut self,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + 'a {
        let at = Location::caller();
        poll_fn(move |cx| context::awaiting_at(at, self.poll_read(cx, buf)))
    }

    /// Poll form of [`read`](Self::read).
    pub fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.registration.poll_io(
            cx,
            Direction::Read,
            "read",
            |n| Some(*n),
            |mut io| io.read(buf),
        )
    }

    /// Write some of `buf`; returns how many bytes the kernel took. The
    /// caller's line is the `.await` a task waiting here is shown parked on.
    #[track_caller]
    pub fn write<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        let at = Location::caller();
        poll_fn(move |cx| context::awaiting_at(at, self.poll_write(cx, buf)))
    }

    /// Poll form of [`write`](Self::write).
    pub fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.registration.poll_io(
            cx,
            Direction::Write,
            "write",
            |n| Some(*n),
            |mut io| io.write(buf),
        )
    }

    /// Write all of `buf`.
    pub async fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            let written = self.write(buf).await?;
            if written == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            buf = &buf[written..];
        }
        Ok(())
    }
}
