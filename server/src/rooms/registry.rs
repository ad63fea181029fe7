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
//!  tally tick (100 ms) ─▶ each room hands its presenter the poll tally due
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
//! instead of "no such room", and do not count as guessers. The lectures of
//! the last `max_rooms` rooms to end stay with their codes, as files (see
//! [`super::lecture`]), so a presenter may save a lecture after ending it.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use super::bus::COUNTS_FORGOTTEN_AFTER;
use super::code::{KeyDigest, PresenterKey, RoomCode};
use super::lecture::KeptLecture;
use super::limits::RoomLimits;
use super::room::Room;

/// Ended codes remembered per room of the cap.
pub(crate) const ENDED_KEPT_PER_ROOM: usize = 4;
/// Fresh codes tried when one is already taken, before giving up. With 2^40
/// codes and at most a few dozen rooms, a second try is already a wonder.
pub(crate) const CODE_ATTEMPTS: usize = 8;

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
    /// Rooms are shared over NATS, and NATS did not answer.
    Shared(String),
}

#[derive(Default)]
struct Rooms {
    /// Each with the address that created it here; `None` for a mirror
    /// of another server's room, which counts against no cap of this one's.
    live: HashMap<RoomCode, (Arc<Room>, Option<IpAddr>)>,
    /// Oldest first.
    ended: VecDeque<Gone>,
}

/// A room that ended: why, and its lecture while it is kept.
struct Gone {
    code: RoomCode,
    reason: Arc<str>,
    lecture: Option<Arc<KeptLecture>>,
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
        let own = rooms.live.values().filter(|(_, by)| by.is_some()).count();
        if own >= self.limits.max_rooms {
            return Err(CreateError::Full(self.limits.max_rooms));
        }
        let mine = (rooms.live.values())
            .filter(|(_, by)| *by == Some(creator))
            .count();
        if mine >= self.limits.rooms_per_address {
            return Err(CreateError::TooManyFromAddress(
                self.limits.rooms_per_address,
            ));
        }
        for _ in 0..CODE_ATTEMPTS {
            let code = RoomCode::random().map_err(randomness)?;
            let taken =
                rooms.live.contains_key(&code) || rooms.ended.iter().any(|gone| gone.code == code);
            if !taken {
                let room = Arc::new(Room::new(
                    code,
                    KeyDigest::of(&key),
                    Arc::clone(&self.limits),
                    now,
                ));
                rooms.live.insert(code, (Arc::clone(&room), Some(creator)));
                return Ok((room, key));
            }
        }
        Err(CreateError::NoRandomness(
            "the random source keeps repeating itself".to_owned(),
        ))
    }

    /// This server's copy of another server's room `code`, entered now if
    /// it has none (`true` then: the caller starts relaying it).
    pub(crate) fn adopt(&self, code: RoomCode, key: KeyDigest, now: Instant) -> (Arc<Room>, bool) {
        let mut rooms = self.lock();
        if let Some((room, _)) = rooms.live.get(&code) {
            return (Arc::clone(room), false);
        }
        let room = Arc::new(Room::new(code, key, Arc::clone(&self.limits), now));
        room.link_mirror();
        rooms.live.insert(code, (Arc::clone(&room), None));
        (room, true)
    }

    /// Drop `code` from this server without ending it: a code another
    /// server had already claimed, or a mirror nobody here follows.
    pub(crate) fn forget(&self, code: RoomCode) {
        if let Some((room, _)) = self.lock().live.remove(&code) {
            room.unlink();
        }
    }

    /// What `code` names.
    pub(crate) fn find(&self, code: RoomCode) -> Lookup {
        let rooms = self.lock();
        if let Some((room, _)) = rooms.live.get(&code) {
            return Lookup::Live(Arc::clone(room));
        }
        match rooms.ended.iter().find(|gone| gone.code == code) {
            Some(gone) => Lookup::Ended(Arc::clone(&gone.reason)),
            None => Lookup::Unknown,
        }
    }

    /// The lecture of the ended room `code`, while it is kept.
    pub(crate) fn kept_lecture(&self, code: RoomCode) -> Option<Arc<KeptLecture>> {
        let rooms = self.lock();
        let gone = rooms.ended.iter().find(|gone| gone.code == code)?;
        gone.lecture.clone()
    }

    /// End the room `code`, if live, telling everyone in it why, and keep
    /// its lecture.
    pub(crate) fn end(&self, code: RoomCode, reason: &str) {
        let room = {
            let mut rooms = self.lock();
            let Some((room, _)) = rooms.live.remove(&code) else {
                return;
            };
            // Made under the registry's lock, so a lecture asked for is
            // either the live room's or this one, never neither.
            let lecture = Some(Arc::new(room.kept_lecture()));
            rooms.ended.push_back(Gone {
                code,
                reason: reason.into(),
                lecture,
            });
            let keep = ENDED_KEPT_PER_ROOM * self.limits.max_rooms.max(1);
            while rooms.ended.len() > keep {
                rooms.ended.pop_front();
            }
            // One more ended room: the lecture that is now one past the
            // newest `max_rooms` goes.
            let lectures = self.limits.max_rooms.max(1);
            if let Some(index) = rooms.ended.len().checked_sub(lectures + 1) {
                rooms.ended[index].lecture = None;
            }
            room
        };
        room.end(reason);
        tracing::info!(room = %code, "room ended: {reason}");
    }

    /// The janitor's round: end rooms too old, idle or empty; publish changed counts.
    pub(crate) fn tick(&self, now: Instant) {
        let limits = &self.limits;
        for room in self.live_rooms() {
            room.forget_silent(now, COUNTS_FORGOTTEN_AFTER);
            let ending = if room.bus_fell_behind() {
                Some("the message bus (NATS) fell too far behind the room".to_owned())
            } else if now.saturating_duration_since(room.created()) >= limits.max_lifetime {
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
                if room.is_mirror() {
                    // Nobody here follows another server's room: stop relaying it.
                    self.forget(room.code());
                    continue;
                }
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

impl Registry {
    /// The tally tick: every live room hands its presenter the poll tally
    /// that answers made due (see `room::poll`).
    pub(crate) fn flush_tallies(&self) {
        for room in self.live_rooms() {
            room.flush_tally();
        }
    }

    /// Every room open now, taken out from under the registry's lock.
    pub(crate) fn live_rooms(&self) -> Vec<Arc<Room>> {
        self.lock()
            .live
            .values()
            .map(|(room, _)| Arc::clone(room))
            .collect()
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
#[path = "registry_tests.rs"]
mod tests;
