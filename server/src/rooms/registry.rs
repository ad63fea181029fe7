//! Every live room by code, the caps, and the janitor's work: ending idle
//! rooms and publishing follower counts.
//!
//! ```text
//!  POST /api/rooms ─▶ create ─▶ rooms: { K7QX2MPD → Room, … }   (≤ max_rooms)
//!  /rooms/{code}/ws ─▶ find ──┬─▶ Live(room)
//!                             ├─▶ Ended(reason)  ◀── ended: recent codes, for a clear notice
//!                             └─▶ Unknown        (a strike for the rate limiter)
//!  janitor, every tick ─▶ end rooms idle past idle_timeout; publish changed counts
//! ```
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

    /// The janitor's round: end idle rooms, publish changed counts.
    pub(crate) fn tick(&self, now: Instant) {
        let rooms: Vec<Arc<Room>> = self
            .lock()
            .live
            .values()
            .map(|(room, _)| Arc::clone(room))
            .collect();
        let idle = self.limits.idle_timeout;
        for room in rooms {
            if now.saturating_duration_since(room.last_active()) >= idle {
                let minutes = idle.as_secs_f64() / 60.0;
                let reason = format!("the presenter was idle for {minutes:.1} minutes");
                self.end(room.code(), &reason);
            } else {
                room.publish_status();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

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
        busy.touch(start + Duration::from_secs(30));
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
}
