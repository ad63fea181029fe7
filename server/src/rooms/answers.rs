//! What a follower sends: an answer to the room's open poll, counted at most
//! `poll_answers_per_second` a second per connection; anything else is
//! refused as before ([`refusal`]).
//!
//! ```text
//!  text frame ─▶ {"cmd":"answer",…}? ── no ──▶ refusal: "… only its presenter drives it"
//!                      │ yes, but malformed ─▶ error "bad \"answer\" command: …"
//!                      ▼
//!                 rate (GCRA, per connection) ── too fast ─▶ error, not counted
//!                      ▼
//!                 Room::answer ── refused ─▶ error saying why (nothing changes)
//!                      └──────── counted ─▶ {"type":"answered","poll":N,"choice":C}
//! ```
//!
//! The limiter belongs to the follower's task, so checking it takes no
//! lock; only an answer it lets through takes the room's.

use std::num::NonZeroU32;

use axum::extract::ws::Utf8Bytes;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reactor_protocol::ServerFrame;
use reactor_protocol::frame::FollowerCommand;

use super::follower::refusal;
use super::room::Membership;
use crate::session::encode;
use crate::session::request::Envelope;

/// The `cmd` name of the one command a follower may send.
const ANSWER: &str = "answer";

/// A follower connection's answers, rate-limited.
pub(crate) struct Answers {
    limiter: DefaultDirectRateLimiter,
    per_second: NonZeroU32,
}

impl Answers {
    /// At most `per_second` answers a second, that many in a row (0 acts as 1).
    pub(crate) fn new(per_second: u32) -> Answers {
        let per_second = NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN);
        Answers {
            limiter: RateLimiter::direct(Quota::per_second(per_second)),
            per_second,
        }
    }

    /// The frame that answers `text`, a text frame from `member` (or `None`
    /// for a binary frame).
    pub(crate) fn reply(&self, member: &Membership, text: Option<&str>) -> Utf8Bytes {
        let code = member.room.code();
        let Some(text) = text else {
            return refusal(code.as_str(), "");
        };
        let (poll, choice) = match read(text) {
            Read::Other => return refusal(code.as_str(), text),
            Read::Bad(message) => return error(message),
            Read::Answer { poll, choice } => (poll, choice),
        };
        if let Err(refused) = self.limiter.check() {
            let wait = refused.wait_time_from(DefaultClock::default().now());
            return error(format!(
                "answers come too fast: at most {} a second; try again in {:.1} s",
                self.per_second,
                wait.as_secs_f64()
            ));
        }
        match member.room.answer(member, poll, choice) {
            Ok(answered) => answered,
            Err(refused) => error(refused.to_string()),
        }
    }
}

/// What a follower's text frame is.
#[derive(Debug, PartialEq, Eq)]
enum Read {
    /// A well-formed answer.
    Answer {
        /// The poll answered.
        poll: u32,
        /// The choice, from 0.
        choice: u8,
    },
    /// An `answer` command that is malformed; the message says how.
    Bad(String),
    /// Anything else: not JSON, no `cmd`, another command.
    Other,
}

fn read(text: &str) -> Read {
    let Ok(envelope) = Envelope::read(text) else {
        return Read::Other;
    };
    if envelope.name() != ANSWER {
        return Read::Other;
    }
    match envelope.decode::<FollowerCommand>() {
        Ok(FollowerCommand::Answer { poll, choice }) => Read::Answer { poll, choice },
        Err(message) => Read::Bad(format!(
            "{message}: an answer looks like {{\"cmd\":\"answer\",\"poll\":1,\"choice\":0}}"
        )),
    }
}

fn error(message: String) -> Utf8Bytes {
    encode(&ServerFrame::error(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_told_from_malformed_answers_and_everything_else() {
        assert_eq!(
            read(r#"{"cmd":"answer","poll":3,"choice":1}"#),
            Read::Answer { poll: 3, choice: 1 }
        );
        for other in ["not json", r#"{"cmd":"step"}"#, r#"{"poll":3}"#, "[1]"] {
            assert_eq!(read(other), Read::Other, "{other}");
        }
        for bad in [
            r#"{"cmd":"answer","poll":3}"#,
            r#"{"cmd":"answer","poll":-1,"choice":0}"#,
            r#"{"cmd":"answer","poll":3,"choice":256}"#,
            r#"{"cmd":"answer","poll":3,"choice":1,"extra":true}"#,
            r#"{"cmd":"answer","poll":"3","choice":1}"#,
        ] {
            let Read::Bad(message) = read(bad) else {
                panic!("{bad} was not refused");
            };
            assert!(
                message.starts_with("bad \"answer\" command") && message.contains("looks like"),
                "{message}"
            );
        }
    }

    #[test]
    fn the_rate_allows_its_burst_then_refuses() {
        let answers = Answers::new(2);
        assert!(answers.limiter.check().is_ok());
        assert!(answers.limiter.check().is_ok());
        assert!(
            answers.limiter.check().is_err(),
            "a third at once is too fast"
        );
        let zero = Answers::new(0);
        assert!(zero.limiter.check().is_ok(), "0 acts as 1");
        assert!(zero.limiter.check().is_err());
    }
}
