//! 10,000 TCP echo round trips on loopback: ours vs Tokio.
//!
//! ```text
//!   one runtime, two tasks, one real loopback connection:
//!
//!   client task                          echo task
//!   ───────────                          ─────────
//!   connect ───────────────────────────▶ accept
//!   write 64 B ────────────────────────▶ read ──┐
//!   read (WouldBlock, park in epoll)            │ write back
//!   read 64 B ◀─────────────────────────────────┘
//!   … 10,000 times, then close ────────▶ read 0: done
//! ```
//!
//! Every round trip is two real `write`s and at least two `read`s, and
//! usually a park in `epoll_wait` on each side: this measures the I/O driver
//! (readiness, stored wakers, dispatch) on top of the kernel's loopback.
//!
//! `cargo bench -p reactor-engine --bench tcp_echo`

mod common;

use std::io;
use std::net::SocketAddr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Round trips per iteration (a speed goal in docs/benchmarks.md: "10k TCP echo round trips").
const ROUND_TRIPS: usize = 10_000;

/// Bytes per message: a small request, as in a chatty protocol.
const MESSAGE_LEN: usize = 64;

/// Port 0: the OS picks a free one.
const ANY_LOOPBACK_PORT: &str = "127.0.0.1:0";

mod ours {
    use super::*;
    use reactor_engine::net::{TcpListener, TcpStream};

    /// Read exactly `buf.len()` bytes (our stream has only `read`).
    async fn read_exact(stream: &mut TcpStream, buf: &mut [u8]) -> io::Result<()> {
        let mut filled = 0;
        while filled < buf.len() {
            match stream.read(&mut buf[filled..]).await? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => filled += n,
            }
        }
        Ok(())
    }

    async fn echo(mut listener: TcpListener) -> io::Result<()> {
        let (mut stream, _) = listener.accept().await?;
        let mut buf = [0u8; MESSAGE_LEN];
        loop {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Ok(());
            }
            stream.write_all(&buf[..n]).await?;
        }
    }

    async fn client(addr: SocketAddr) -> io::Result<usize> {
        let mut stream = TcpStream::connect(addr).await?;
        let message = [7u8; MESSAGE_LEN];
        let mut reply = [0u8; MESSAGE_LEN];
        for _ in 0..ROUND_TRIPS {
            stream.write_all(&message).await?;
            read_exact(&mut stream, &mut reply).await?;
        }
        assert_eq!(reply, message);
        Ok(ROUND_TRIPS)
    }

    pub(super) async fn run() -> io::Result<usize> {
        let listener = TcpListener::bind(ANY_LOOPBACK_PORT.parse().expect("an address"))?;
        let addr = listener.local_addr();
        let server = reactor_engine::spawn(echo(listener));
        let client = reactor_engine::spawn(client(addr));
        let trips = client.await.map_err(io::Error::other)??;
        server.await.map_err(io::Error::other)??;
        Ok(trips)
    }
}

mod tokio_side {
    use super::*;
    use tokio::net::{TcpListener, TcpStream};

    async fn echo(listener: TcpListener) -> io::Result<()> {
        let (mut stream, _) = listener.accept().await?;
        let mut buf = [0u8; MESSAGE_LEN];
        loop {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Ok(());
            }
            stream.write_all(&buf[..n]).await?;
        }
    }

    async fn client(addr: SocketAddr) -> io::Result<usize> {
        let mut stream = TcpStream::connect(addr).await?;
        let message = [7u8; MESSAGE_LEN];
        let mut reply = [0u8; MESSAGE_LEN];
        for _ in 0..ROUND_TRIPS {
            stream.write_all(&message).await?;
            stream.read_exact(&mut reply).await?;
        }
        assert_eq!(reply, message);
        Ok(ROUND_TRIPS)
    }

    pub(super) async fn run() -> io::Result<usize> {
        let listener = TcpListener::bind(ANY_LOOPBACK_PORT).await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(echo(listener));
        let client = tokio::spawn(client(addr));
        let trips = client.await??;
        server.await??;
        Ok(trips)
    }
}

fn tcp_echo_10k(c: &mut Criterion) {
    let mut group = c.benchmark_group("tcp_echo_10k");
    group.sampling_mode(common::SAMPLING);
    group.throughput(Throughput::Elements(ROUND_TRIPS as u64));

    let mut ours = common::ours(false);
    group.bench_function("ours", |b| {
        b.iter(|| {
            let trips = ours.block_on(ours::run()).expect("main completes");
            assert_eq!(trips.expect("the echo runs"), ROUND_TRIPS);
        })
    });

    let tokio = common::tokio_current_thread();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            assert_eq!(
                tokio.block_on(tokio_side::run()).expect("the echo runs"),
                ROUND_TRIPS
            )
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = tcp_echo_10k
}
criterion_main!(benches);
