//! How a room reaches the other servers, when rooms are shared over NATS
//! (see `rooms::bus`): an origin hands every event it fans out to its
//! publisher, under the same lock, so the bus carries them in the order
//! this server's followers got them; a mirror is fed by the bus instead
//! of a presenter; and both hear the other servers' follower counts.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::ws::Utf8Bytes;
use reactor_protocol::ServerFrame;
use tokio::sync::mpsc;

use super::members::{Audience, counts};
use super::{Kind, Room, State};
use crate::rooms::bus::wire::Event;
use crate::rooms::bus::{Counts, PollCounts};

/// How a room reaches the other servers.
#[derive(Debug, Default)]
pub(crate) enum Link {
    /// It does not: rooms are not shared (no `--nats`).
    #[default]
    Alone,
    /// This server publishes the room: every event also goes to the
    /// publisher, whose queue is bounded.
    Origin(mpsc::Sender<Event>),
    /// Another server publishes the room; this one relays it.
    Mirror,
}

/// What another server last told of the room.
#[derive(Debug)]
pub(super) struct Heard {
    counts: Counts,
    poll: Option<PollCounts>,
    at: Instant,
}

/// What the room knows of the other servers.
#[derive(Debug, Default)]
pub(super) struct Shared {
    pub(super) link: Link,
    /// The other servers, by instance name.
    pub(super) elsewhere: HashMap<String, Heard>,
    /// The publisher's queue overflowed: the bus no longer has every event.
    pub(super) fell_behind: bool,
    /// On a mirror: whether the origin's last `room` frame had a presenter.
    pub(super) presenter_elsewhere: bool,
}

impl Shared {
    /// Everyone in the room on other servers.
    pub(super) fn counts(&self) -> Counts {
        let mut sum = Counts::default();
        for heard in self.elsewhere.values() {
            sum.followers += heard.counts.followers;
            sum.exploring += heard.counts.exploring;
        }
        sum
    }

    /// The other servers' answers to poll `id`, per choice (`choices` long).
    pub(super) fn answers(&self, id: u32, choices: usize) -> Vec<u32> {
        let mut sum = vec![0; choices];
        for heard in self.elsewhere.values() {
            if let Some((poll, counts)) = &heard.poll
                && *poll == id
            {
                for (total, count) in sum.iter_mut().zip(counts) {
                    *total += count;
                }
            }
        }
        sum
    }

    /// Hand `event` to the publisher, if this room has one.
    pub(super) fn tell(&mut self, event: Event) {
        if let Link::Origin(publisher) = &self.link
            && publisher.try_send(event).is_err()
        {
            self.fell_behind = true;
        }
    }
}

impl Room {
    /// Publish this room from now on through `publisher`'s queue.
    pub(crate) fn link_origin(&self, publisher: mpsc::Sender<Event>) {
        let mut state = self.lock();
        state.shared.link = Link::Origin(publisher);
        state.shared.fell_behind = false;
        // The bus starts with who is here.
        state.status_changed = true;
    }

    /// Relay this room from the bus from now on; any presenter seated
    /// here is replaced (another server took the room over).
    pub(crate) fn link_mirror(&self) {
        let mut state = self.lock();
        state.shared.link = Link::Mirror;
        state.presenter = None;
    }

    /// Stop relaying (the mirror is dropped from this server).
    pub(crate) fn unlink(&self) {
        self.lock().shared.link = Link::Alone;
    }

    /// Whether the room is relayed from the bus.
    pub(crate) fn is_mirror(&self) -> bool {
        matches!(self.lock().shared.link, Link::Mirror)
    }

    /// Whether the room is shared with other servers.
    pub(crate) fn is_shared(&self) -> bool {
        !matches!(self.lock().shared.link, Link::Alone)
    }

    /// Whether the publisher's queue overflowed: the room must end.
    pub(crate) fn bus_fell_behind(&self) -> bool {
        self.lock().shared.fell_behind
    }

    /// This server's own follower counts.
    pub(crate) fn local_counts(&self) -> Counts {
        counts(&self.lock())
    }

    /// `instance` has `counts` of this room's students, and `poll` answers
    /// to the open poll, as heard at `now`.
    pub(crate) fn heard(
        &self,
        instance: &str,
        counts: Counts,
        poll: Option<PollCounts>,
        now: Instant,
    ) {
        let mut state = self.lock();
        let state = &mut *state;
        let heard = Heard {
            counts,
            poll,
            at: now,
        };
        let before = state.shared.elsewhere.insert(instance.to_owned(), heard);
        if before.as_ref().map(|heard| heard.counts) != Some(counts) {
            state.status_changed = true;
        }
        state.polls.hear(&state.shared);
    }

    /// Forget the counts of servers not heard from for `after`.
    pub(crate) fn forget_silent(&self, now: Instant, after: Duration) {
        let mut state = self.lock();
        let before = state.shared.elsewhere.len();
        (state.shared.elsewhere).retain(|_, heard| now.saturating_duration_since(heard.at) < after);
        if state.shared.elsewhere.len() != before {
            state.status_changed = true;
            let state = &mut *state;
            state.polls.hear(&state.shared);
        }
    }

    /// Apply an event read from the bus, on a mirror: the same as the
    /// origin did, so followers here get what followers there got.
    pub(crate) fn apply(&self, event: Event, now: Instant) {
        match event {
            Event::Run(run, frame) => self.publish(&frame, Kind::Run(run), now),
            Event::View(frame) => self.publish(&frame, Kind::View, now),
            Event::Status(frame) => {
                let presenter = match serde_json::from_str(frame.as_str()) {
                    Ok(ServerFrame::Room(status)) => Some(status.presenter),
                    _ => None,
                };
                self.relay_news(&frame, presenter);
            }
            Event::Gather(frame) => self.relay_news(&frame, None),
            Event::Poll(asked) => self.relay_poll(asked),
            Event::Revealed(revealed) => self.relay_reveal(revealed),
            // The registry ends the room (it keeps why, for late comers).
            Event::End(_) => {}
        }
    }

    /// Room news from the origin (counts, "bring everyone back"): to every
    /// follower and every student watching; a `room` frame also says
    /// whether the presenter is in the room (`presenter`).
    fn relay_news(&self, frame: &Utf8Bytes, presenter: Option<bool>) {
        let mut state = self.lock();
        if let Some(presenter) = presenter {
            state.shared.presenter_elsewhere = presenter;
        }
        self.fan_out_to(&mut state, frame, Audience::Everyone);
    }
}

/// Whether `state`'s room takes its news from the bus, not from itself.
pub(super) fn news_from_bus(state: &State) -> bool {
    matches!(state.shared.link, Link::Mirror)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::rooms::limits::RoomLimits;

    fn room() -> Arc<Room> {
        super::super::tests::room(RoomLimits::default())
    }

    fn counts(followers: usize, exploring: usize) -> Counts {
        Counts {
            followers,
            exploring,
        }
    }

    #[test]
    fn other_servers_counts_add_up_and_a_silent_one_is_forgotten() {
        let room = room();
        let now = Instant::now();
        room.heard("lab-a", counts(3, 1), None, now);
        room.heard("lab-b", counts(2, 0), None, now + Duration::from_secs(2));
        room.heard("lab-a", counts(4, 1), None, now + Duration::from_secs(2));
        assert_eq!(
            room.lock().shared.counts(),
            counts(6, 1),
            "the latest of each"
        );
        let status = room.status(&room.lock(), false);
        assert_eq!((status.followers, status.exploring), (6, 1));

        room.forget_silent(now + Duration::from_secs(4), Duration::from_secs(3));
        assert_eq!(
            room.lock().shared.counts(),
            counts(6, 1),
            "both heard 2 s ago"
        );
        room.heard("lab-b", counts(2, 0), None, now + Duration::from_secs(5));
        room.forget_silent(now + Duration::from_secs(6), Duration::from_secs(3));
        assert_eq!(
            room.lock().shared.counts(),
            counts(2, 0),
            "lab-a fell silent"
        );
    }

    #[test]
    fn answers_elsewhere_count_only_for_the_poll_they_answer() {
        let room = room();
        let now = Instant::now();
        room.heard("lab-a", counts(2, 0), Some((3, vec![1, 1])), now);
        room.heard("lab-b", counts(1, 0), Some((3, vec![0, 1, 7])), now);
        room.heard("lab-c", counts(1, 0), Some((2, vec![5, 5])), now);
        let shared = &room.lock().shared;
        assert_eq!(
            shared.answers(3, 2),
            [1, 2],
            "poll 2's answers and extra choices left out"
        );
        assert_eq!(shared.answers(4, 2), [0, 0]);
    }

    #[test]
    fn only_an_origin_hands_events_to_its_publisher_and_a_full_queue_is_noticed() {
        let room = room();
        room.publish(&Utf8Bytes::from("{}"), Kind::View, Instant::now());
        let (publisher, mut events) = mpsc::channel(1);
        room.link_origin(publisher);
        room.publish(
            &Utf8Bytes::from(r#"{"step":1}"#),
            Kind::View,
            Instant::now(),
        );
        assert_eq!(
            events.try_recv(),
            Ok(Event::View(Utf8Bytes::from(r#"{"step":1}"#)))
        );
        assert!(
            events.try_recv().is_err(),
            "what came before the link stays here"
        );
        room.publish(
            &Utf8Bytes::from(r#"{"step":2}"#),
            Kind::View,
            Instant::now(),
        );
        assert!(!room.bus_fell_behind());
        room.publish(
            &Utf8Bytes::from(r#"{"step":3}"#),
            Kind::View,
            Instant::now(),
        );
        assert!(room.bus_fell_behind(), "the queue of one was full");

        room.link_mirror();
        assert!(room.is_mirror() && room.is_shared());
        room.unlink();
        assert!(!room.is_shared());
    }
}
