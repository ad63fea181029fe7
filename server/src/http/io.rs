//! A connection's socket with a write deadline for its HTTP answers.
//!
//! hyper has no write timeout: an answer to a client that stops reading
//! would wait forever for the socket to take it. Here a write (or flush, or
//! shutdown) that stays blocked for the deadline fails with `TimedOut`, and
//! hyper drops the connection. The clock runs only while a write is blocked
//! and restarts on every write that gets through, so a slow reader that
//! keeps reading is never cut off.
//!
//! Once the connection is upgraded to a WebSocket its socket belongs to a
//! session or a follower, which keep their own deadlines (with close codes
//! the client can read), so the answer that upgrades it [`Disarm`]s this one.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// `io` whose writes fail once blocked for longer than the deadline.
pub(crate) struct WriteDeadline<T> {
    io: T,
    timeout: Duration,
    armed: Arc<AtomicBool>,
    blocked: Option<Pin<Box<Sleep>>>,
}

/// Turns a [`WriteDeadline`] off, for a socket handed to a WebSocket.
#[derive(Clone)]
pub(crate) struct Disarm(Arc<AtomicBool>);

impl Disarm {
    /// No deadline from now on.
    pub(crate) fn disarm(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

impl<T> WriteDeadline<T> {
    /// `io` with writes bounded by `timeout`, and the handle that lifts it.
    pub(crate) fn new(io: T, timeout: Duration) -> (WriteDeadline<T>, Disarm) {
        let armed = Arc::new(AtomicBool::new(true));
        let io = WriteDeadline {
            io,
            timeout,
            armed: Arc::clone(&armed),
            blocked: None,
        };
        (io, Disarm(armed))
    }

    /// The inner write answered `poll`: clear the clock when it got through,
    /// start or check it while it is blocked.
    fn watch<R>(&mut self, poll: Poll<io::Result<R>>, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        if poll.is_ready() || !self.armed.load(Ordering::Relaxed) {
            self.blocked = None;
            return poll;
        }
        let timeout = self.timeout;
        let blocked = self
            .blocked
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match blocked.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the client took nothing for {timeout:?}"),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for WriteDeadline<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WriteDeadline<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write(cx, buf);
        this.watch(poll, cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.watch(poll, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_flush(cx);
        this.watch(poll, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_shutdown(cx);
        this.watch(poll, cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::*;

    const DEADLINE: Duration = Duration::from_millis(50);

    /// A pipe whose reader never reads: writes block once its buffer is full.
    fn stuck_pipe() -> (tokio::io::DuplexStream, tokio::io::DuplexStream) {
        tokio::io::duplex(64)
    }

    #[tokio::test]
    async fn a_write_blocked_past_the_deadline_fails() {
        let (ours, _theirs) = stuck_pipe();
        let (mut io, _disarm) = WriteDeadline::new(ours, DEADLINE);
        io.write_all(&[0; 64]).await.expect("fits the buffer");
        let error = io.write_all(&[0; 64]).await.expect_err("blocked");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test]
    async fn a_reader_that_keeps_reading_is_never_cut_off() {
        let (ours, mut theirs) = stuck_pipe();
        let (mut io, _disarm) = WriteDeadline::new(ours, DEADLINE);
        let reader = tokio::spawn(async move {
            let mut sink = Vec::new();
            tokio::io::AsyncReadExt::read_to_end(&mut theirs, &mut sink).await?;
            io::Result::Ok(sink.len())
        });
        // Far more than the pipe holds: each write waits for the reader.
        io.write_all(&[7; 64 * 1024])
            .await
            .expect("the reader reads");
        io.shutdown().await.expect("shutdown");
        drop(io);
        let read = reader.await.expect("no panic").expect("read");
        assert_eq!(read, 64 * 1024);
    }

    #[tokio::test]
    async fn a_disarmed_socket_waits_as_long_as_it_takes() {
        let (ours, _theirs) = stuck_pipe();
        let (mut io, disarm) = WriteDeadline::new(ours, DEADLINE);
        disarm.disarm();
        io.write_all(&[0; 64]).await.expect("fits the buffer");
        let blocked = tokio::time::timeout(DEADLINE * 4, io.write_all(&[0; 64])).await;
        assert!(blocked.is_err(), "still waiting, not failed: {blocked:?}");
    }
}
