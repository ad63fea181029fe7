//! TCP over loopback: [`TcpListener`] and [`TcpStream`] on `mio::net`.
//!
//! Every socket is non-blocking and registered with the driver. Operations
//! go through the readiness loop in `io::registration`: try the syscall,
//! and only on `WouldBlock` store the waker and return `Pending`.
//!
//! Resource names in records hide the port (`127.0.0.1:<port>`): the OS picks
//! a different one every run, and traces must be identical.

mod listener;
mod stream;

pub use listener::TcpListener;
pub use stream::TcpStream;

use std::io;
use std::net::SocketAddr;

use reactor_protocol::Outcome;

/// An address as shown in records: the IP, with the port hidden.
fn shown(addr: SocketAddr) -> String {
    format!("{}:<port>", addr.ip())
}

/// The lab's sockets stay on this machine.
fn check_loopback(addr: SocketAddr) -> io::Result<()> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{addr} is not a loopback address"),
        ))
    }
}

/// The record outcome of a call that moves no bytes.
fn outcome<T>(result: &io::Result<T>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok { bytes: None },
        Err(error) if error.kind() == io::ErrorKind::WouldBlock => Outcome::WouldBlock,
        Err(error) => Outcome::Failed {
            error: error.to_string(),
        },
    }
}
