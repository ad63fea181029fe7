//! The rooms of every server, one entry per code, in a JetStream stream
//! that keeps one message per subject: a key-value bucket made by hand
//! (the client's own bucket API needs a newer server than Debian's 2.9).
//!
//! ```text
//!  subject reactor-lab.directory.K7QX2MPD
//!  entry   {"key_sha256":"9c…","owner":"lab-3f1c…","ended":null}
//!
//!  claim     publish, expecting the subject empty  ─▶ codes unique across servers
//!  look up   the subject's last message            ─▶ live, ended (and why), or unknown
//!  take over publish, expecting the entry just read ─▶ one owner wins a race
//!  end       publish with "ended": the reason      ─▶ any server answers 4410 and why
//! ```
//!
//! Only a SHA-256 of the presenter key is stored: the key is 128 random
//! bits, so its hash gives a guesser nothing, and each server compares a
//! candidate's hash in constant time. Entries expire with the stream's
//! `max_age`: a room's whole life plus the time its end is remembered.

use async_nats::jetstream::context::PublishErrorKind;
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream::LastRawMessageErrorKind;
use axum::body::Bytes;
use serde::{Deserialize, Serialize};

use super::Bus;
use crate::rooms::code::{KeyDigest, RoomCode};

/// A room's entry.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub(crate) struct Entry {
    /// SHA-256 of the presenter key, in hex.
    pub(crate) key_sha256: String,
    /// The server that publishes the room's frames.
    pub(crate) owner: String,
    /// Why the room ended; `None` while it is live.
    pub(crate) ended: Option<String>,
}

/// What the directory says of a code.
#[derive(Debug)]
pub(crate) enum Found {
    /// A room: its entry, and the entry's place (for a take-over).
    Room(Entry, u64),
    /// No room has this code.
    Nothing,
}

fn subject(code: RoomCode) -> String {
    format!("reactor-lab.directory.{code}")
}

impl Bus {
    /// Claim `code` for a room this server owns; `Ok(false)` if another room has it.
    pub(crate) async fn claim(&self, code: RoomCode, key: &KeyDigest) -> Result<bool, String> {
        let entry = Entry {
            key_sha256: key.to_hex(),
            owner: self.instance.clone(),
            ended: None,
        };
        self.write(code, &entry, Some(0)).await
    }

    /// What the directory says of `code`.
    pub(crate) async fn look_up(&self, code: RoomCode) -> Result<Found, String> {
        match self
            .directory
            .get_last_raw_message_by_subject(&subject(code))
            .await
        {
            Ok(message) => {
                let entry = serde_json::from_slice(&message.payload)
                    .map_err(|error| format!("a directory entry that is not one: {error}"))?;
                Ok(Found::Room(entry, message.sequence))
            }
            Err(error) if error.kind() == LastRawMessageErrorKind::NoMessageFound => {
                Ok(Found::Nothing)
            }
            Err(error) => Err(format!("the room directory did not answer: {error}")),
        }
    }

    /// Become the owner of `code`, whose entry was read at `place`;
    /// `Ok(false)` if someone changed it since.
    pub(crate) async fn take_over(
        &self,
        code: RoomCode,
        entry: &Entry,
        place: u64,
    ) -> Result<bool, String> {
        let mine = Entry {
            owner: self.instance.clone(),
            ..entry.clone()
        };
        self.write(code, &mine, Some(place)).await
    }

    /// Mark `code` ended, for `reason`, whoever owned it.
    pub(crate) async fn mark_ended(&self, code: RoomCode, reason: &str) -> Result<(), String> {
        let entry = match self.look_up(code).await? {
            Found::Room(entry, _) if entry.ended.is_none() => entry,
            Found::Room(..) | Found::Nothing => return Ok(()),
        };
        let ended = Entry {
            ended: Some(reason.to_owned()),
            ..entry
        };
        self.write(code, &ended, None).await.map(|_| ())
    }

    /// Publish `entry` for `code`, expecting the subject's last message at
    /// `expected` (0: none) when given; `Ok(false)` if it was not there.
    async fn write(
        &self,
        code: RoomCode,
        entry: &Entry,
        expected: Option<u64>,
    ) -> Result<bool, String> {
        let payload = serde_json::to_vec(entry).map_err(|error| error.to_string())?;
        let mut message = PublishMessage::build().payload(Bytes::from(payload));
        if let Some(expected) = expected {
            message = message.expected_last_subject_sequence(expected);
        }
        let refused = |error: async_nats::jetstream::context::PublishError| {
            format!("the room directory did not take the entry: {error}")
        };
        let ack = self
            .jetstream
            .send_publish(subject(code), message)
            .await
            .map_err(refused)?;
        match ack.await {
            Ok(_) => Ok(true),
            Err(error) if error.kind() == PublishErrorKind::WrongLastSequence => Ok(false),
            Err(error) => Err(refused(error)),
        }
    }
}
