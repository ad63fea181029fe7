//! Rooms across servers: the presenter's server publishes its room on NATS
//! JetStream, and any server relays it to the followers that joined there.
//!
//! ```text
//!  presenter ══ws══▶ server A: Room (origin) ──every event, in order──▶ publisher task
//!                       │ its own followers, as without a bus                │ seq 1, 2, 3 …
//!                       ▼                                                   ▼
//!                   followers on A            JetStream  reactor-lab.room.K7QX2MPD.frames
//!                                             (from the last `loaded`; older ones purged)
//!                                                                           │ ordered consumer
//!  server B: mirror task ──apply──▶ Room (mirror) ──▶ followers on B ◀──────┘
//!
//!  every server, 4× a second:  reactor-lab.room.K7QX2MPD.counts  {instance, followers, exploring}
//!  a take-over:                reactor-lab.room.K7QX2MPD.owner    the new owner's instance
//!  the rooms of all servers:   reactor-lab.directory.K7QX2MPD     (see `directory`)
//!  failed joins:               reactor-lab.guesses.code.7f000001  (see `strikes`)
//! ```
//!
//! A room is a [`Room`] on every server that has someone in it: on the
//! presenter's server it is the *origin*, fed by the presenter's session as
//! without a bus, and it also hands every event to its publisher
//! ([`publisher`]); elsewhere it is a *mirror*, fed by a task that reads the
//! room's stream ([`mirror`]). Each server fans out to its own followers
//! with its own bounded queues, so a slow server, or a slow follower, slows
//! nobody else; and a follower cannot tell an origin from a mirror, because
//! both build the same history from the same events.
//!
//! Followers counts are summed: each server publishes its own for each room
//! it has, and every server adds up the others' (forgetting a server silent
//! for [`COUNTS_FORGOTTEN_AFTER`]) for the `room` frames and the caps.
//!
//! **Failures.** A server dies: its followers reconnect, to any server, and
//! catch up from the stream. The presenter's server dies: the presenter's
//! browser reconnects elsewhere with its key; that server takes the room
//! over ([`Bus::take_over`], one winner), reloads and replays, and the
//! followers see a replay, which they accept. NATS goes away: publishers
//! retry (a retried message is stored once, by its `Nats-Msg-Id`) and
//! mirrors resubscribe; if it stays away for `--nats-outage-secs`, every room
//! that needs it ends with a message saying so.

mod directory;
pub(crate) mod mirror;
pub(crate) mod publisher;
mod strikes;
pub(crate) mod wire;

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, stream};
use async_nats::{Client, ConnectOptions};
pub(crate) use directory::Found;
use serde::{Deserialize, Serialize};

use super::code::RoomCode;
use super::limits::RoomLimits;

/// Stream of every room's events.
const FRAMES_STREAM: &str = "REACTOR_LAB_ROOMS";
/// Stream of the directory's entries.
const DIRECTORY_STREAM: &str = "REACTOR_LAB_DIRECTORY";
/// Stream of the failed-join counts (`strikes`).
const GUESSES_STREAM: &str = "REACTOR_LAB_GUESSES";
/// How long a room's stream outlives the room's longest life: enough for
/// students who reconnect to read how it ended.
const STREAM_GRACE: Duration = Duration::from_secs(600);
/// How long an ended room's entry outlives the room's longest life.
const DIRECTORY_GRACE: Duration = Duration::from_secs(3600);
/// A server that has not told its counts for this long has none: three
/// missed reports, at one a second at least.
pub(crate) const COUNTS_FORGOTTEN_AFTER: Duration = Duration::from_secs(3);
/// A server tells its counts at least this often, changed or not.
pub(crate) const COUNTS_EVERY: Duration = Duration::from_secs(1);
/// Longest wait for NATS when the server starts.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Default for `--nats-outage-secs`.
pub const DEFAULT_NATS_OUTAGE: Duration = Duration::from_secs(30);
/// Default for `--nats-max-bytes`: a lecture is a few megabytes.
pub const DEFAULT_NATS_MAX_BYTES: u64 = 1 << 30;

/// How to reach NATS, and how much to ask of it.
#[derive(Clone, Debug)]
pub struct NatsConfig {
    /// `nats://host:port`.
    pub url: String,
    /// How long NATS may be unreachable before rooms that need it end.
    pub outage: Duration,
    /// Most bytes the rooms' stream keeps, over all rooms.
    pub max_bytes: u64,
}

impl NatsConfig {
    /// NATS at `url`, with the default outage and stream size.
    pub fn new(url: impl Into<String>) -> NatsConfig {
        NatsConfig {
            url: url.into(),
            outage: DEFAULT_NATS_OUTAGE,
            max_bytes: DEFAULT_NATS_MAX_BYTES,
        }
    }
}

/// One server's follower counts for a room.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Following the presenter.
    pub(crate) followers: usize,
    /// Exploring on their own, with an ear on the room.
    pub(crate) exploring: usize,
}

/// One server's answers to the open poll: its id, and answers per choice.
pub(crate) type PollCounts = (u32, Vec<u32>);

/// A report of one server's [`Counts`] and poll answers, as published.
#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct CountsReport {
    pub(crate) instance: String,
    #[serde(flatten)]
    pub(crate) counts: Counts,
    /// Answers given on this server to the open poll, if one is.
    #[serde(default)]
    pub(crate) poll: Option<PollCounts>,
}

/// This server's connection to NATS.
pub(crate) struct Bus {
    pub(crate) client: Client,
    jetstream: jetstream::Context,
    frames: stream::Stream,
    directory: stream::Stream,
    guesses: stream::Stream,
    /// This server's name on the bus, random at each start.
    pub(crate) instance: String,
    /// How long NATS may be unreachable before rooms that need it end.
    pub(crate) outage: Duration,
}

impl Bus {
    /// Connect, and make the two streams if no server has yet.
    pub(crate) async fn connect(
        config: &NatsConfig,
        limits: &RoomLimits,
    ) -> Result<Arc<Bus>, String> {
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(|error| error.to_string())?;
        let instance = format!(
            "lab-{}",
            id.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let unreachable = |error: &dyn std::fmt::Display| {
            format!("cannot use NATS at {} (--nats): {error}", config.url)
        };
        let client = ConnectOptions::new()
            .name(format!("reactor-lab {instance}"))
            .connection_timeout(CONNECT_TIMEOUT)
            .connect(config.url.as_str())
            .await
            .map_err(|error| unreachable(&error))?;
        let jetstream = jetstream::new(client.clone());
        let frames = jetstream
            .get_or_create_stream(stream::Config {
                name: FRAMES_STREAM.to_owned(),
                subjects: vec!["reactor-lab.room.*.frames".to_owned()],
                max_age: limits.max_lifetime + STREAM_GRACE,
                max_bytes: i64::try_from(config.max_bytes).unwrap_or(i64::MAX),
                storage: stream::StorageType::File,
                ..Default::default()
            })
            .await
            .map_err(|error| unreachable(&error))?;
        let directory = jetstream
            .get_or_create_stream(stream::Config {
                name: DIRECTORY_STREAM.to_owned(),
                subjects: vec!["reactor-lab.directory.*".to_owned()],
                max_messages_per_subject: 1,
                max_age: limits.max_lifetime + DIRECTORY_GRACE,
                storage: stream::StorageType::File,
                ..Default::default()
            })
            .await
            .map_err(|error| unreachable(&error))?;
        // A key's timestamp is spent a window after it was written.
        let window = limits.code_guess_window.max(limits.key_guess_window);
        let guesses = jetstream
            .get_or_create_stream(stream::Config {
                name: GUESSES_STREAM.to_owned(),
                subjects: vec!["reactor-lab.guesses.*.*".to_owned()],
                max_messages_per_subject: 1,
                max_age: window.max(Duration::from_secs(1)),
                storage: stream::StorageType::File,
                ..Default::default()
            })
            .await
            .map_err(|error| unreachable(&error))?;
        tracing::info!(%instance, url = %config.url, "rooms are shared over NATS");
        Ok(Arc::new(Bus {
            client,
            jetstream,
            frames,
            directory,
            guesses,
            instance,
            outage: config.outage,
        }))
    }

    /// Whether NATS is connected now.
    pub(crate) fn connected(&self) -> bool {
        self.client.connection_state() == async_nats::connection::State::Connected
    }

    /// Tell the other servers this one's counts (and poll answers) for `code`.
    pub(crate) async fn tell_counts(
        &self,
        code: RoomCode,
        counts: Counts,
        poll: Option<PollCounts>,
    ) {
        let report = CountsReport {
            instance: self.instance.clone(),
            counts,
            poll,
        };
        if let Ok(payload) = serde_json::to_vec(&report) {
            let subject = format!("reactor-lab.room.{code}.counts");
            // Lossy on purpose: the next report, a second later at most, says it again.
            let _ = self.client.publish(subject, payload.into()).await;
        }
    }

    /// Tell the other servers this one now owns `code`.
    pub(crate) async fn tell_owner(&self, code: RoomCode) {
        let subject = format!("reactor-lab.room.{code}.owner");
        let _ = (self.client)
            .publish(subject, self.instance.clone().into())
            .await;
    }
}

/// The subject of `code`'s events.
pub(crate) fn frames_subject(code: RoomCode) -> String {
    format!("reactor-lab.room.{code}.frames")
}

/// The room code in a `reactor-lab.room.<code>.<what>` subject, and the what.
pub(crate) fn room_subject(subject: &str) -> Option<(RoomCode, &str)> {
    let rest = subject.strip_prefix("reactor-lab.room.")?;
    let (code, what) = rest.split_once('.')?;
    Some((RoomCode::parse(code).ok()?, what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_name_their_room() {
        let code = RoomCode::parse("K7QX2MPD").expect("valid");
        assert_eq!(frames_subject(code), "reactor-lab.room.K7QX2MPD.frames");
        assert_eq!(
            room_subject("reactor-lab.room.K7QX2MPD.counts"),
            Some((code, "counts"))
        );
        assert_eq!(room_subject("reactor-lab.room.NOTACODE!.counts"), None);
        assert_eq!(room_subject("elsewhere.K7QX2MPD.counts"), None);
    }
}
