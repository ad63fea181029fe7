//! Failed joins counted across servers: the same GCRA as `rooms::rate`,
//! its one timestamp per key kept in a JetStream stream (one message per
//! subject), so a guesser gains nothing by spreading guesses over servers.
//!
//! ```text
//!  subject  reactor-lab.guesses.code.7f000001   (unknown codes, per client address)
//!           reactor-lab.guesses.key.K7QX2MPD    (wrong presenter keys, per room)
//!  payload  the key's theoretical arrival time (TAT), in ns since the Unix epoch
//!
//!  strike at `now`:  tat' = max(tat, now) + window / limit
//!                    tat' − now ≤ window ─▶ counted: write tat', expecting the message read
//!                    otherwise           ─▶ refused: wait tat' − window − now
//! ```
//!
//! Two servers striking the same key at once: one write wins, the other
//! reads again and recomputes. Only a join that already failed pays this
//! round trip; one that names a room, or brings the right key, never does.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_nats::jetstream::context::PublishErrorKind;
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream::LastRawMessageErrorKind;
use axum::body::Bytes;

use super::Bus;

/// Reads and writes tried when other servers strike the same key at once.
const ATTEMPTS: usize = 5;

/// The GCRA step: with `tat` stored, `limit` strikes per `window`, a
/// strike at `now` (all in ns) is counted with the new TAT, or refused
/// with the wait.
pub(crate) fn gcra(tat: u128, now: u128, limit: u32, window: Duration) -> Result<u128, Duration> {
    let window = window.as_nanos().max(1);
    let period = (window / u128::from(limit.max(1))).max(1);
    let next = tat.max(now) + period;
    if next - now <= window {
        Ok(next)
    } else {
        let wait = next - window - now;
        Err(Duration::from_nanos(
            u64::try_from(wait).unwrap_or(u64::MAX),
        ))
    }
}

impl Bus {
    /// Count one strike against `key` of `kind` (`code` or `key`), `limit`
    /// per `window` across every server: `Ok(Ok(()))` if it had one left,
    /// `Ok(Err(wait))` if not, `Err` if NATS did not answer.
    pub(crate) async fn strike(
        &self,
        kind: &str,
        key: &str,
        limit: u32,
        window: Duration,
    ) -> Result<Result<(), Duration>, String> {
        let subject = format!("reactor-lab.guesses.{kind}.{key}");
        let failed =
            |error: &dyn std::fmt::Display| format!("the shared guess count failed: {error}");
        for _ in 0..ATTEMPTS {
            let (tat, place) = match self.guesses.get_last_raw_message_by_subject(&subject).await {
                Ok(message) => {
                    let tat = std::str::from_utf8(&message.payload)
                        .ok()
                        .and_then(|text| text.parse::<u128>().ok())
                        .unwrap_or(0);
                    (tat, message.sequence)
                }
                Err(error) if error.kind() == LastRawMessageErrorKind::NoMessageFound => (0, 0),
                Err(error) => return Err(failed(&error)),
            };
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            let next = match gcra(tat, now, limit, window) {
                Ok(next) => next,
                Err(wait) => return Ok(Err(wait)),
            };
            let message = PublishMessage::build()
                .payload(Bytes::from(next.to_string()))
                .expected_last_subject_sequence(place);
            let ack = (self.jetstream.send_publish(subject.clone(), message).await)
                .map_err(|error| failed(&error))?;
            match ack.await {
                Ok(_) => return Ok(Ok(())),
                Err(error) if error.kind() == PublishErrorKind::WrongLastSequence => continue,
                Err(error) => return Err(failed(&error)),
            }
        }
        Err(failed(&"other servers kept writing the same key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: u128 = 1_000_000_000;

    #[test]
    fn three_a_minute_is_three_at_once_then_one_every_twenty_seconds() {
        let window = Duration::from_secs(60);
        let mut tat = 0;
        let now = 1_000 * SECOND;
        for _ in 0..3 {
            tat = gcra(tat, now, 3, window).expect("a strike left");
        }
        assert_eq!(gcra(tat, now, 3, window), Err(Duration::from_secs(20)));
        assert_eq!(
            gcra(tat, now + 19 * SECOND, 3, window),
            Err(Duration::from_secs(1))
        );
        let later = gcra(tat, now + 20 * SECOND, 3, window).expect("earned back");
        assert_eq!(
            gcra(later, now + 20 * SECOND, 3, window).unwrap_err(),
            Duration::from_secs(20)
        );
        assert!(
            gcra(tat, now + 60 * SECOND, 3, window).is_ok(),
            "all earned back"
        );
    }

    #[test]
    fn a_zero_limit_acts_as_one() {
        let tat = gcra(0, SECOND, 0, Duration::from_secs(10)).expect("one");
        assert!(gcra(tat, SECOND, 0, Duration::from_secs(10)).is_err());
    }
}
