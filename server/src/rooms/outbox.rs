//! The writing half of a follower's socket: every write under one deadline,
//! and the pings that show how far the follower has read (see [`Pings`]).
//!
//! ```text
//!  send(frames) ─▶ feed … feed, flush ──── all within write_timeout, else Stuck
//!                  └─ a quarter of follower_bytes written since the last ping? ─▶ ping
//!  cover()      ─▶ a ping after the last byte written, so its pong can free the budget
//!  pong(payload) ─▶ the bytes it acknowledges, to leave the follower's unread count
//! ```

use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::SinkExt;
use tokio::time::Instant;

use super::follower::Settings;
use super::pings::Pings;

/// The socket cannot take more.
pub(crate) struct Stuck;

/// The follower's writes: their deadline and the pings.
pub(crate) struct Outbox {
    timeout: Duration,
    pings: Pings,
}

impl Outbox {
    pub(crate) fn new(settings: &Settings) -> Outbox {
        Outbox {
            timeout: settings.write_timeout,
            pings: Pings::new(settings.max_unread, getrandom::u64().unwrap_or_default()),
        }
    }

    /// Write `frames` and flush once, all within the write timeout; ping
    /// when a quarter of the unread budget went out since the last ping.
    /// The frames must have been counted as handed to the follower.
    pub(crate) async fn send(
        &mut self,
        socket: &mut WebSocket,
        frames: Vec<Utf8Bytes>,
    ) -> Result<(), Stuck> {
        let bytes: usize = frames.iter().map(|frame| frame.len()).sum();
        let write = async {
            for frame in frames {
                socket.feed(Message::Text(frame)).await?;
            }
            socket.flush().await
        };
        match tokio::time::timeout(self.timeout, write).await {
            Ok(Ok(())) => {}
            _ => return Err(Stuck),
        }
        if self.pings.wrote(bytes) {
            self.ping(socket).await?;
        }
        Ok(())
    }

    /// Make sure a ping follows the last byte written.
    pub(crate) async fn cover(&mut self, socket: &mut WebSocket) -> Result<(), Stuck> {
        if self.pings.uncovered() {
            self.ping(socket).await?;
        }
        Ok(())
    }

    async fn ping(&mut self, socket: &mut WebSocket) -> Result<(), Stuck> {
        let Some(payload) = self.pings.next(Instant::now()) else {
            return Ok(());
        };
        match tokio::time::timeout(self.timeout, socket.send(Message::Ping(payload))).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(Stuck),
        }
    }

    /// A pong: the bytes it shows read that were not known read before.
    pub(crate) fn pong(&mut self, payload: &[u8]) -> usize {
        self.pings.pong(payload)
    }

    /// When the oldest unanswered ping times out.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        self.pings.oldest().map(|sent| sent + self.timeout)
    }
}
