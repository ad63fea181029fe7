//! A mirror: a room another server publishes, read from its stream and
//! applied to this server's copy, for the followers who joined here.
//!
//! ```text
//!  stream (from the room's last `loaded`) ──ordered consumer──▶ check seq ──▶ Room::apply
//!     seq jumps, not to a `loaded`  ─▶ read the stream again from its start (a replay)
//!     seq already seen              ─▶ skipped
//!     `end`                         ─▶ the room ends here too; the task stops
//!     the room no longer a mirror   ─▶ the task stops (taken over, or dropped)
//! ```
//!
//! The ordered consumer restarts itself where it was after a short loss
//! of NATS; a longer one, or a consumer that cannot be made, is retried
//! with a growing pause while the outage watch (`Rooms`) decides when to
//! give up.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::consumer::{DeliverPolicy, pull::OrderedConfig};
use futures_util::StreamExt;
use tokio::sync::watch;

use super::wire::Event;
use super::{Bus, frames_subject};
use crate::rooms::registry::Registry;
use crate::rooms::room::Room;

/// How often an idle mirror checks it is still wanted.
const STILL_WANTED: Duration = Duration::from_millis(500);
/// First pause before reading the stream again; it doubles up to [`MOST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(100);
/// Longest pause before reading the stream again.
const MOST_PAUSE: Duration = Duration::from_secs(2);

/// Relay `room` from the bus until it ends, or stops being a mirror. The
/// receiver turns true once the copy has caught up with the stream.
pub(crate) fn spawn(
    bus: Arc<Bus>,
    registry: Arc<Registry>,
    room: Arc<Room>,
) -> watch::Receiver<bool> {
    let (ready, caught_up) = watch::channel(false);
    tokio::spawn(async move {
        let mut pause = FIRST_PAUSE;
        while room.is_mirror() && room.end_reason().is_none() {
            match follow(&bus, &registry, &room, &ready).await {
                Ok(()) => return,
                Err(problem) => {
                    tracing::debug!(room = %room.code(), "reading the room again: {problem}");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(MOST_PAUSE);
                }
            }
        }
    });
    caught_up
}

/// Read the room's stream from its start; `Ok` when the task should stop,
/// `Err` to read it again.
async fn follow(
    bus: &Bus,
    registry: &Registry,
    room: &Room,
    ready: &watch::Sender<bool>,
) -> Result<(), String> {
    let code = room.code();
    let consumer = bus
        .frames
        .create_consumer(OrderedConfig {
            filter_subject: frames_subject(code),
            deliver_policy: DeliverPolicy::All,
            ..Default::default()
        })
        .await
        .map_err(|error| format!("no consumer: {error}"))?;
    if consumer.cached_info().num_pending == 0 {
        ready.send_replace(true);
    }
    let mut messages = consumer
        .messages()
        .await
        .map_err(|error| format!("no messages: {error}"))?;
    let mut expected: Option<u64> = None;
    loop {
        let next = tokio::select! {
            next = messages.next() => next,
            () = tokio::time::sleep(STILL_WANTED) => {
                if !room.is_mirror() || room.end_reason().is_some() {
                    return Ok(());
                }
                continue;
            }
        };
        let message = match next {
            None => return Err("the stream stopped".to_owned()),
            Some(Err(error)) => return Err(error.to_string()),
            Some(Ok(message)) => message,
        };
        if !room.is_mirror() {
            return Ok(());
        }
        let (seq, event) = match Event::decode(message.headers.as_ref(), message.payload.clone()) {
            Ok(read) => read,
            Err(problem) => {
                tracing::warn!(room = %code, "skipped a message: {problem}");
                continue;
            }
        };
        match expected {
            Some(expected) if seq < expected => continue,
            Some(expected) if seq > expected && !event.starts_over() => {
                return Err(format!("expected message {expected}, got {seq}"));
            }
            _ => expected = Some(seq + 1),
        }
        if let Event::End(reason) = &event {
            registry.end(code, reason);
            return Ok(());
        }
        room.apply(event, Instant::now());
        if message.info().is_ok_and(|info| info.pending == 0) {
            ready.send_replace(true);
        }
    }
}
