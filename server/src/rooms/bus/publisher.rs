//! The origin's publisher: every event of a room onto its stream, in
//! order, numbered, each stored once.
//!
//! ```text
//!  Room (under its lock) ──try_send──▶ queue (≤ PUBLISHER_QUEUE) ──▶ this task
//!        seq += 1 each; a batch of up to BATCH goes out at once, then its acks are read
//!        an ack missing ─▶ the batch from there again, after a pause (Nats-Msg-Id: stored once)
//!        `loaded` acked  ─▶ purge the room's older messages: the stream starts at it
//!        `end` acked     ─▶ the directory says why; the task stops
//! ```
//!
//! The room never waits for NATS: it hands events to a bounded queue. If
//! NATS is too slow for the queue ([`PUBLISHER_QUEUE`] events behind), or
//! unreachable for `--nats-outage-secs`, the room cannot be followed elsewhere
//! any more, and ends with a message saying why (the janitor ends it).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::context::PublishAckFuture;
use async_nats::jetstream::message::PublishMessage;
use tokio::sync::mpsc;

use super::wire::{Event, SEQ};
use super::{Bus, frames_subject};
use crate::rooms::code::RoomCode;
use crate::rooms::registry::Registry;

/// Events a room may be ahead of its publisher. A `seek` to the end of
/// `crowd` hands over about 12,000 (a record and a snapshot a step); each
/// queued event is a reference to a frame the room keeps anyway.
pub(crate) const PUBLISHER_QUEUE: usize = 32_768;
/// Events published before their acks are read.
const BATCH: usize = 256;
/// First pause after a failed publish; it doubles up to [`MOST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(50);
/// Longest pause between two tries.
const MOST_PAUSE: Duration = Duration::from_secs(2);

/// Start publishing room `code` from sequence number `next`; returns the
/// queue to hand the room ([`crate::rooms::room::Room::link_origin`]).
pub(crate) fn spawn(
    bus: Arc<Bus>,
    registry: Arc<Registry>,
    code: RoomCode,
    next: u64,
) -> mpsc::Sender<Event> {
    let (sender, events) = mpsc::channel(PUBLISHER_QUEUE);
    tokio::spawn(publish(bus, registry, code, next, events));
    sender
}

/// The sequence number the next publisher of `code` starts from: one past
/// the last one on the stream.
pub(crate) async fn next_seq(bus: &Bus, code: RoomCode) -> Result<u64, String> {
    match bus
        .frames
        .get_last_raw_message_by_subject(&frames_subject(code))
        .await
    {
        Ok(message) => {
            let seq = (message.headers.get(SEQ))
                .and_then(|value| value.as_str().parse::<u64>().ok())
                .unwrap_or(0);
            Ok(seq + 1)
        }
        Err(error)
            if error.kind()
                == async_nats::jetstream::stream::LastRawMessageErrorKind::NoMessageFound =>
        {
            Ok(1)
        }
        Err(error) => Err(format!("cannot read room {code}'s stream: {error}")),
    }
}

async fn publish(
    bus: Arc<Bus>,
    registry: Arc<Registry>,
    code: RoomCode,
    mut next: u64,
    mut events: mpsc::Receiver<Event>,
) {
    let subject = frames_subject(code);
    let mut batch: Vec<(u64, Event)> = Vec::with_capacity(BATCH);
    while let Some(first) = events.recv().await {
        batch.push((next, first));
        next += 1;
        while batch.len() < BATCH {
            let Ok(event) = events.try_recv() else { break };
            batch.push((next, event));
            next += 1;
        }
        let mut failing_since = None;
        let mut pause = FIRST_PAUSE;
        while !batch.is_empty() {
            let stored = send(&bus, code, &subject, &batch).await;
            for ((_, event), place) in batch.drain(..stored.len()).zip(stored) {
                if let Some(problem) = settle(&bus, code, &subject, &event, place).await {
                    tracing::warn!(room = %code, "{problem}");
                }
                if let Event::End(reason) = &event {
                    if let Err(problem) = bus.mark_ended(code, reason).await {
                        tracing::warn!(room = %code, "{problem}");
                    }
                    return;
                }
            }
            if batch.is_empty() {
                break;
            }
            let since = *failing_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= bus.outage {
                let reason = format!(
                    "the servers lost their message bus (NATS) for {} s",
                    bus.outage.as_secs()
                );
                registry.end(code, &reason);
                return;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MOST_PAUSE);
        }
    }
}

/// Publish `batch` and read its acks: the stream sequence of each event
/// stored, in order, up to the first that was not.
async fn send(bus: &Bus, code: RoomCode, subject: &str, batch: &[(u64, Event)]) -> Vec<u64> {
    let mut acks: Vec<PublishAckFuture> = Vec::with_capacity(batch.len());
    for (seq, event) in batch {
        let (headers, payload) = event.encode(code.as_str(), *seq);
        let message = PublishMessage::build().headers(headers).payload(payload);
        match bus
            .jetstream
            .send_publish(subject.to_owned(), message)
            .await
        {
            Ok(ack) => acks.push(ack),
            Err(error) => {
                tracing::debug!(room = %code, "publish failed: {error}");
                break;
            }
        }
    }
    let mut stored = Vec::with_capacity(acks.len());
    for ack in acks {
        match ack.await {
            Ok(ack) => stored.push(ack.sequence),
            Err(error) => {
                tracing::debug!(room = %code, "no ack: {error}");
                break;
            }
        }
    }
    stored
}

/// After `event` was stored at stream sequence `place`: a `loaded` makes
/// everything of the room before it useless, so the stream drops it.
async fn settle(
    bus: &Bus,
    code: RoomCode,
    subject: &str,
    event: &Event,
    place: u64,
) -> Option<String> {
    if !event.starts_over() {
        return None;
    }
    let purge = bus.frames.purge().filter(subject).sequence(place);
    purge
        .await
        .err()
        .map(|error| format!("cannot drop room {code}'s old frames: {error}"))
}
