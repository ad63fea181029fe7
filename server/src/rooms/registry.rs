//! Every live room by code, the caps, and the janitor's work: ending rooms
//! that are idle, empty or too old, and publishing follower counts.
//!
//! ```text
//!  POST /api/rooms ─▶ create ─▶ rooms: { K7QX2MPD → Room, … }   (≤ max_rooms)
//!  /rooms/{code}/ws ─▶ find ──┬─▶ Live(room)
//!                             ├─▶ Ended(reason)  ◀── ended: recent codes, for a clear notice
//!                             └─▶ Unknown        (a strike for the code-guess limiter)
//!  janitor, every tick ─▶ end a room past max_lifetime since created,
//!                         idle past idle_timeout (nothing new shown),
//!                         or empty past empty_timeout (nobody connected);
//!                         publish changed counts
//! ```
//!
//! Why three clocks: the idle clock moves only when the presenter changes
//! what the class sees, so a script that repeats itself keeps no room; the
//! empty clock gives back rooms created and abandoned, three times sooner;
//! the lifetime bounds a script that does keep stepping.
//!
//! An ended room leaves the map at once (its place is free for a new room);
//! its code stays in `ended` (at most [`ENDED_KEPT_PER_ROOM`] × `max_rooms`
//! codes, oldest dropped first) so students who reconnect read why it ended
//! instead of "no such room", and do not count as guessers.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use super::code::{PresenterKey, RoomCode};
use super::limits::RoomLimits;
use super::room::Room;

/// Ended codes remembered per room of the cap.
pub(crate) const ENDED_KEPT_PER_ROOM: usize = 4;
/// Fresh codes tried when one is already taken, before giving up. With 2^40
/// codes and at most a few dozen rooms, a second try is already a wonder.
const CODE_ATTEMPTS: usize = 8;

/// What a code names.
pub(crate) enum Lookup {
    /// A live room.
    Live(Arc<Room>),
    /// A room that ended recently, and why.
    Ended(Arc<str>),
    /// Nothing.
    Unknown,
}

/// Why a room could not be created.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CreateError {
    /// All `max_rooms` rooms are in use.
    Full(usize),
    /// This address already has `rooms_per_address` rooms open.
    TooManyFromAddress(usize),
    /// The OS random source failed.
    NoRandomness(String),
}

#[derive(Default)]
struct Rooms {
    live: HashMap<RoomCode, (Arc<Room>, IpAddr)>,
    ended: VecDeque<(RoomCode, Arc<str>)>,
}

/// The room registry.
pub(crate) struct Registry {
    limits: Arc<RoomLimits>,
    rooms: Mutex<Rooms>,
}

impl Registry {
    /// An empty registry bounded by `limits`.
    pub(crate) fn new(limits: RoomLimits) -> Registry {
        Registry {
            limits: Arc::new(limits),
            rooms: Mutex::new(Rooms::default()),
        }
    }

    /// The bounds.
    pub(crate) fn limits(&self) -> &RoomLimits {
        &self.limits
    }

    fn lock(&self) -> MutexGuard<'_, Rooms> {
        self.rooms
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Rooms open now.
    pub(crate) fn live(&self) -> usize {
        self.lock().live.len()
    }

    /// Open a room for a client at `creator`; the key is returned once and
    /// kept only inside the room.
    pub(crate) fn create(
        &self,
        now: Instant,
        creator: IpAddr,
    ) -> Result<(Arc<Room>, PresenterKey), CreateError> {
        let randomness = |error: getrandom::Error| CreateError::NoRandomness(error.to_string());
        let key = PresenterKey::random().map_err(randomness)?;
        let mut rooms = self.lock();
        if rooms.live.len() >= self.limits.max_rooms {
            return Err(CreateError::Full(self.limits.max_rooms));
        }
        let mine = rooms.live.values().filter(|(_, by)| *by == creator).count();
        if mine >= self.limits.rooms_per_address {
            return Err(CreateError::TooManyFromAddress(
                self.limits.rooms_per_address,
            ));
        }
        for _ in 0..CODE_ATTEMPTS {
            let code = RoomCode::random().map_err(randomness)?;
            let taken =
                rooms.live.contains_key(&code) || rooms.ended.iter().any(|(c, _)| *c == code);
            if !taken {
                let room = Arc::new(Room::new(code, key.clone(), Arc::clone(&self.limits), now));
                rooms.live.insert(code, (Arc::clone(&room), creator));
                return Ok((room, key));
            }
        }
        Err(CreateError::NoRandomness(
            "the random source keeps repeating itself".to_owned(),
        ))
    }

    /// What `code` names.
    pub(crate) fn find(&self, code: RoomCode) -> Lookup {
        let rooms = self.lock();
        if let Some((room, _)) = rooms.live.get(&code) {
            return Lookup::Live(Arc::clone(room));
        }
        match rooms.ended.iter().find(|(ended, _)| *ended == code) {
            Some((_, reason)) => Lookup::Ended(Arc::clone(reason)),
            None => Lookup::Unknown,
        }
    }

    /// End the room `code`, if live, telling everyone in it why.
    pub(crate) fn end(&self, code: RoomCode, reason: &str) {
        let room = {
            let mut rooms = self.lock();
            let Some((room, _)) = rooms.live.remove(&code) else {
                return;
            };
            rooms.ended.push_back((code, reason.into()));
            let keep = ENDED_KEPT_PER_ROOM * self.limits.max_rooms.max(1);
            while rooms.ended.len() > keep {
                rooms.ended.pop_front();
            }
            room
        };
        room.end(reason);
        tracing::info!(room = %code, "room ended: {reason}");
    }

    /// The janitor's round: end rooms too old, idle or empty; publish changed counts.
    pub(crate) fn tick(&self, now: Instant) {
        let rooms: Vec<Arc<Room>> = self
            .lock()
            .live
            .values()
            .map(|(room, _)| Arc::clone(room))
            .collect();
        let limits = &self.limits;
        for room in rooms {
            let ending = if now.saturating_duration_since(room.created()) >= limits.max_lifetime {
                Some(format!(
                    "rooms last at most {}: create a new one to go on",
                    span(limits.max_lifetime)
                ))
            } else if now.saturating_duration_since(room.last_active()) >= limits.idle_timeout {
                Some(format!(
                    "the presenter was idle for {}",
                    span(limits.idle_timeout)
                ))
            } else if room.empty_for(now) >= limits.empty_timeout {
                Some(format!(
                    "nobody was in the room for {}",
                    span(limits.empty_timeout)
                ))
            } else {
                None
            };
            match ending {
                Some(reason) => self.end(room.code(), &reason),
                None => room.publish_status(),
            }
        }
    }
}

/// A duration in words: hours past two hours, else minutes.
fn span(duration: std::time::Duration) -> String {
    let minutes = duration.as_secs_f64() / 60.0;
    if minutes >= 120.0 {
        format!("{:.1} hours", minutes / 60.0)
    } else {
        format!("{minutes:.1} minutes")
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::extract::ws::Utf8Bytes;

    use super::super::history::Frame;
    use super::super::room::Kind;
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn rooms_are_capped_and_an_ended_room_frees_its_place() {
        let registry = Registry::new(RoomLimits {
            max_rooms: 2,
            ..RoomLimits::default()
        });
        let now = Instant::now();
        let (first, _) = registry.create(now, HOME).expect("room 1");
        let (second, _) = registry.create(now, HOME).expect("room 2");
        assert_ne!(first.code(), second.code());
        assert_eq!(registry.create(now, HOME).err(), Some(CreateError::Full(2)));
        registry.end(first.code(), "done");
        assert!(registry.create(now, HOME).is_ok());
        assert_eq!(registry.live(), 2);
    }

    #[test]
    fn one_address_cannot_take_every_room() {
        let limits = RoomLimits {
            max_rooms: 4,
            rooms_per_address: 2,
            ..RoomLimits::default()
        };
        let registry = Registry::new(limits);
        let now = Instant::now();
        let (first, _) = registry.create(now, HOME).expect("room 1");
        registry.create(now, HOME).expect("room 2");
        assert_eq!(
            registry.create(now, HOME).err(),
            Some(CreateError::TooManyFromAddress(2))
        );
        let elsewhere = IpAddr::from([10, 0, 0, 7]);
        assert!(
            registry.create(now, elsewhere).is_ok(),
            "other addresses still can"
        );
        registry.end(first.code(), "done");
        assert!(
            registry.create(now, HOME).is_ok(),
            "ending one frees a place"
        );
    }

    #[test]
    fn lookups_tell_live_ended_and_unknown_apart() {
        let registry = Registry::new(RoomLimits::default());
        let (room, key) = registry.create(Instant::now(), HOME).expect("room");
        assert!(room.is_presenter_key(&key.to_hex()));
        assert!(matches!(registry.find(room.code()), Lookup::Live(_)));
        registry.end(room.code(), "the presenter ended the room");
        match registry.find(room.code()) {
            Lookup::Ended(reason) => assert_eq!(&*reason, "the presenter ended the room"),
            _ => panic!("should be ended"),
        }
        let other = RoomCode::parse("22222222").expect("valid");
        assert!(matches!(registry.find(other), Lookup::Unknown));
    }

    #[test]
    fn ended_codes_are_remembered_within_a_bound() {
        let registry = Registry::new(RoomLimits {
            max_rooms: 1,
            ..RoomLimits::default()
        });
        let mut codes = Vec::new();
        for _ in 0..ENDED_KEPT_PER_ROOM + 1 {
            let (room, _) = registry.create(Instant::now(), HOME).expect("room");
            codes.push(room.code());
            registry.end(room.code(), "over");
        }
        assert!(
            matches!(registry.find(codes[0]), Lookup::Unknown),
            "the oldest was forgotten"
        );
        assert!(matches!(registry.find(codes[1]), Lookup::Ended(_)));
    }

    #[test]
    fn the_janitor_ends_only_idle_rooms() {
        let idle = Duration::from_secs(60);
        let registry = Registry::new(RoomLimits {
            idle_timeout: idle,
            ..RoomLimits::default()
        });
        let start = Instant::now();
        let (quiet, _) = registry.create(start, HOME).expect("room");
        let (busy, _) = registry.create(start, HOME).expect("room");
        let _seat = busy.seat_presenter();
        let _member = quiet.join(HOME, false).expect("joins");
        let loaded = Utf8Bytes::from_static(r#"{"type":"loaded"}"#);
        busy.publish(
            &loaded,
            Kind::Run(Frame::Loaded),
            start + Duration::from_secs(30),
        );
        registry.tick(start + Duration::from_secs(59));
        assert_eq!(registry.live(), 2);
        registry.tick(start + idle);
        assert!(matches!(registry.find(quiet.code()), Lookup::Ended(_)));
        assert!(matches!(registry.find(busy.code()), Lookup::Live(_)));
        assert!(
            quiet
                .end_reason()
                .expect("ended")
                .contains("idle for 1.0 minutes")
        );
    }

    #[test]
    fn the_janitor_ends_rooms_nobody_is_in() {
        let registry = Registry::new(RoomLimits {
            empty_timeout: Duration::from_secs(60),
            ..RoomLimits::default()
        });
        let start = Instant::now();
        let (abandoned, _) = registry.create(start, HOME).expect("room");
        let (followed, _) = registry.create(start, HOME).expect("room");
        let _member = followed.join(HOME, false).expect("joins");
        registry.tick(start);
        registry.tick(start + Duration::from_secs(59));
        assert_eq!(registry.live(), 2);
        registry.tick(start + Duration::from_secs(60));
        assert!(matches!(registry.find(followed.code()), Lookup::Live(_)));
        let reason = abandoned.end_reason().expect("ended");
        assert!(
            reason.contains("nobody was in the room for 1.0 minutes"),
            "{reason}"
        );
    }

    #[test]
    fn no_room_outlives_its_lifetime_however_busy() {
        let lifetime = Duration::from_secs(4 * 60 * 60);
        let registry = Registry::new(RoomLimits::default());
        let start = Instant::now();
        let (room, _) = registry.create(start, HOME).expect("room");
        let _seat = room.seat_presenter();
        let mut now = start;
        while now < start + lifetime {
            registry.tick(now);
            assert!(matches!(registry.find(room.code()), Lookup::Live(_)));
            now += Duration::from_secs(60);
            let view = Utf8Bytes::from(format!(
                r#"{{"type":"view","step":{}}}"#,
                now.duration_since(start).as_secs()
            ));
            room.publish(&view, Kind::View, now);
        }
        registry.tick(now);
        let reason = room.end_reason().expect("ended");
        assert!(reason.contains("at most 4.0 hours"), "{reason}");
    }
}
