//! Pings that measure how far a follower has read.
//!
//! A WebSocket client answers a ping with a pong carrying the same payload,
//! and it can only do so after reading every frame sent before the ping:
//! TCP delivers in order, and browsers answer pings by themselves as they
//! read. So a pong is proof of reading:
//!
//! ```text
//!  written  0 ─── 120 ──────── 150 ─────▶
//!  sent        ping(120)     ping(150)
//!  answered        pong(120): 120 bytes read   pong(150): 30 more
//! ```
//!
//! [`Pings`] is the bookkeeping, kept apart from the socket so it can be
//! tested alone; the follower's task sends what it says to send.

use std::collections::VecDeque;

use axum::body::Bytes;
use tokio::time::Instant;

/// Pings awaiting their pong, at most; past it no new ping is sent (the
/// oldest one's deadline decides first).
pub(crate) const MAX_PINGS: usize = 64;

/// What was written and which pings await their answers.
///
/// A ping's payload is the count of bytes written before it, mixed with a
/// random salt so a client cannot answer a ping it never read.
pub(crate) struct Pings {
    every: u64,
    /// Bytes of text frames written so far.
    written: u64,
    /// `written` when the last ping went out.
    pinged: u64,
    /// `written` as the latest answered ping acknowledged it.
    acked: u64,
    /// Pings sent and not answered: `written` then, and when.
    awaiting: VecDeque<(u64, Instant)>,
    salt: u64,
}

impl Pings {
    /// Pings every quarter of `max_unread` bytes.
    pub(crate) fn new(max_unread: usize, salt: u64) -> Pings {
        Pings {
            every: (max_unread as u64 / 4).max(1),
            written: 0,
            pinged: 0,
            acked: 0,
            awaiting: VecDeque::new(),
            salt,
        }
    }

    /// `bytes` were written; whether a ping is due.
    pub(crate) fn wrote(&mut self, bytes: usize) -> bool {
        self.written += bytes as u64;
        self.written - self.pinged >= self.every
    }

    /// Whether bytes were written since the last ping.
    pub(crate) fn uncovered(&self) -> bool {
        self.written > self.pinged
    }

    /// The payload of a ping sent `now`, or `None` while [`MAX_PINGS`] await answers.
    pub(crate) fn next(&mut self, now: Instant) -> Option<Bytes> {
        if self.awaiting.len() >= MAX_PINGS {
            return None;
        }
        self.pinged = self.written;
        self.awaiting.push_back((self.written, now));
        Some(Bytes::copy_from_slice(
            &(self.written ^ self.salt).to_be_bytes(),
        ))
    }

    /// A pong: the bytes it newly shows read (0 for a pong no ping asked for).
    pub(crate) fn pong(&mut self, payload: &[u8]) -> usize {
        let Ok(bytes) = <[u8; 8]>::try_from(payload) else {
            return 0;
        };
        let at = u64::from_be_bytes(bytes) ^ self.salt;
        if !self.awaiting.iter().any(|(written, _)| *written == at) {
            return 0;
        }
        while self
            .awaiting
            .front()
            .is_some_and(|(written, _)| *written <= at)
        {
            self.awaiting.pop_front();
        }
        let newly = at.saturating_sub(self.acked);
        self.acked = self.acked.max(at);
        usize::try_from(newly).unwrap_or(usize::MAX)
    }

    /// When the oldest unanswered ping was sent.
    pub(crate) fn oldest(&self) -> Option<Instant> {
        self.awaiting.front().map(|(_, sent)| *sent)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_pong_acknowledges_what_was_written_before_its_ping() {
        let now = Instant::now();
        let mut pings = Pings::new(400, 0x5eed);
        assert!(!pings.wrote(60), "a quarter of 400 is 100");
        assert!(pings.wrote(60));
        let first = pings.next(now).expect("a ping");
        assert!(!pings.uncovered());
        pings.wrote(30);
        assert!(pings.uncovered(), "30 bytes since the ping");
        let second = pings.next(now + Duration::from_secs(1)).expect("a ping");
        assert_eq!(pings.oldest(), Some(now));
        assert_eq!(pings.pong(&first), 120);
        assert_eq!(pings.oldest(), Some(now + Duration::from_secs(1)));
        assert_eq!(pings.pong(&first), 0, "an answer counts once");
        assert_eq!(pings.pong(&second), 30);
        assert_eq!(pings.oldest(), None, "nothing awaited");
    }

    #[test]
    fn a_later_pong_answers_the_earlier_pings_too() {
        let now = Instant::now();
        let mut pings = Pings::new(4, 7);
        pings.wrote(10);
        pings.next(now).expect("a ping");
        pings.wrote(10);
        let second = pings.next(now).expect("a ping");
        assert_eq!(pings.pong(&second), 20);
        assert_eq!(pings.oldest(), None);
    }

    #[test]
    fn pongs_nobody_asked_for_count_for_nothing() {
        let mut pings = Pings::new(4, 0xfeed);
        pings.wrote(1_000);
        let forged = (1_000u64).to_be_bytes();
        assert_eq!(pings.pong(&forged), 0, "the salt is missing");
        assert_eq!(pings.pong(b"short"), 0);
        assert_eq!(pings.pong(&[]), 0);
        let real = pings.next(Instant::now()).expect("a ping");
        assert_eq!(pings.pong(&real), 1_000);
    }

    #[test]
    fn unanswered_pings_are_bounded() {
        let now = Instant::now();
        let mut pings = Pings::new(4, 0);
        for _ in 0..MAX_PINGS {
            pings.wrote(1);
            assert!(pings.next(now).is_some());
        }
        pings.wrote(1);
        assert!(
            pings.next(now).is_none(),
            "the oldest deadline decides first"
        );
    }
}
