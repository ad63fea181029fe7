//! One room: its followers, the frames it keeps for late joiners, and the
//! fan-out of every frame to every follower.
//!
//! ```text
//!                           ┌──────────────────── Room (one Mutex) ───────────────────┐
//!  presenter's session ──▶  │ publish(frame) ─┬─▶ history: loaded, record…, snapshot… │
//!   (frames encoded once)   │                 └─▶ for each follower: try_send(clone) ─┼─▶ queue ─▶ follower task ─▶ socket
//!                           │ view(frame) ───────▶ last view + the same fan-out       │   (bounded)
//!                           └──────────────────────────────────────────────────────────┘
//! ```
//!
//! A frame is encoded to [`Utf8Bytes`] once; every queue gets a clone, which
//! is a reference count, not a copy. The lock is held only to append and to
//! `try_send`, never across an `.await`, so a slow socket can never hold up the
//! presenter or another follower.
//!
//! Invariants of a follower's `lagging` flag: it turns true when its queue was
//! full (the follower lost a frame); while true nothing is sent to it; only
//! [`Room::resync`], called by the follower's own task after it emptied its
//! queue, turns it false, in the same critical section that copies the
//! history, so the follower sees every frame exactly once after its catch-up.
//!
//! Invariants of `history`: it starts with the last `loaded` frame (or is
//! empty before the first one), holds every stream frame since, in order, and
//! weighs at most `history_bytes`; once a frame does not fit, `history_full`
//! stays true until the next `loaded`, and joins are refused meanwhile rather
//! than handing out a history with a hole.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::extract::ws::Utf8Bytes;
use reactor_protocol::frame::{RoomStatus, ServerFrame};
use slab::Slab;
use tokio::sync::{Notify, mpsc, watch};

use super::code::{PresenterKey, RoomCode};
use super::limits::RoomLimits;

/// Frames queued for the presenter's room notices (counts, the end). Lossy on
/// purpose: a newer count replaces an older one soon after.
const PRESENTER_NOTICES: usize = 8;

/// How a published frame is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A `loaded` frame: a new run starts, the history restarts from it.
    Loaded,
    /// `record`, `snapshot`, `done`: appended to the history.
    Stream,
    /// A `view` frame: replaces the last view.
    View,
}

/// Why a join was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The room has ended; the reason says why.
    Ended(Arc<str>),
    /// The follower cap is reached.
    Full(usize),
    /// The history outgrew its bound; joins resume after the next `loaded`.
    HistoryFull(usize),
}

/// One follower's entry in the room.
struct Follower {
    queue: mpsc::Sender<Utf8Bytes>,
    resync: Arc<Notify>,
    lagging: bool,
}

/// What the room keeps, under its lock.
struct State {
    followers: Slab<Follower>,
    history: Vec<Utf8Bytes>,
    history_bytes: usize,
    history_full: bool,
    view: Option<Utf8Bytes>,
    /// The seated presenter's number and notice queue.
    presenter: Option<(u64, mpsc::Sender<Utf8Bytes>)>,
    seats_given: u64,
    last_active: Instant,
    status_changed: bool,
}

/// A classroom room.
pub(crate) struct Room {
    code: RoomCode,
    key: PresenterKey,
    limits: Arc<RoomLimits>,
    state: Mutex<State>,
    /// `Some` once the room has ended.
    ended: watch::Sender<Option<Ended>>,
}

/// How a room ended.
#[derive(Clone, Debug)]
pub(crate) struct Ended {
    /// The final `room` frame (`"ended":true`), encoded once for everyone.
    pub(crate) frame: Utf8Bytes,
    /// Why, in words for people.
    pub(crate) reason: Arc<str>,
}

/// A follower's place in a room; leaving is dropping it.
pub(crate) struct Membership {
    /// The room joined.
    pub(crate) room: Arc<Room>,
    id: usize,
    /// Live frames, in order.
    pub(crate) frames: mpsc::Receiver<Utf8Bytes>,
    /// Notified when the follower lost a frame and must call [`Room::resync`].
    pub(crate) resync: Arc<Notify>,
}

impl Drop for Membership {
    fn drop(&mut self) {
        let mut state = self.room.lock();
        if state.followers.try_remove(self.id).is_some() {
            state.status_changed = true;
        }
    }
}

/// The presenter's place in a room; dropping it marks the presenter gone.
pub(crate) struct PresenterSeat {
    /// The room presented.
    pub(crate) room: Arc<Room>,
    /// Room frames for the presenter. Ends when another presenter takes over.
    pub(crate) notices: mpsc::Receiver<Utf8Bytes>,
    number: u64,
}

impl Drop for PresenterSeat {
    fn drop(&mut self) {
        let mut state = self.room.lock();
        if state
            .presenter
            .as_ref()
            .is_some_and(|(number, _)| *number == self.number)
        {
            state.presenter = None;
            state.status_changed = true;
        }
    }
}

impl Room {
    /// A fresh room with no presenter, no followers and no history.
    pub(crate) fn new(
        code: RoomCode,
        key: PresenterKey,
        limits: Arc<RoomLimits>,
        now: Instant,
    ) -> Room {
        Room {
            code,
            key,
            limits,
            state: Mutex::new(State {
                followers: Slab::new(),
                history: Vec::new(),
                history_bytes: 0,
                history_full: false,
                view: None,
                presenter: None,
                seats_given: 0,
                last_active: now,
                status_changed: false,
            }),
            ended: watch::Sender::new(None),
        }
    }

    /// The room's code.
    pub(crate) fn code(&self) -> RoomCode {
        self.code
    }

    /// Whether `candidate` is the presenter key (constant time).
    pub(crate) fn is_presenter_key(&self, candidate: &str) -> bool {
        self.key.matches(candidate)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Watch for the end of the room.
    pub(crate) fn ended(&self) -> watch::Receiver<Option<Ended>> {
        self.ended.subscribe()
    }

    /// Send `frame` to every follower, keeping it as `kind` says.
    pub(crate) fn publish(&self, frame: &Utf8Bytes, kind: Kind) {
        let mut state = self.lock();
        let history_bytes = self.limits.history_bytes;
        match kind {
            Kind::Loaded => {
                state.history.clear();
                state.history_bytes = 0;
                state.history_full = false;
                state.view = None;
                keep(&mut state, frame, history_bytes);
            }
            Kind::Stream => keep(&mut state, frame, history_bytes),
            Kind::View => state.view = Some(frame.clone()),
        }
        fan_out(&mut state, frame);
    }

    /// The presenter did something: the room is not idle.
    pub(crate) fn touch(&self, now: Instant) {
        self.lock().last_active = now;
    }

    /// When the presenter last did something.
    pub(crate) fn last_active(&self) -> Instant {
        self.lock().last_active
    }

    /// Join as a follower: the frames to catch up with, then live frames.
    pub(crate) fn join(self: &Arc<Self>) -> Result<(Membership, Vec<Utf8Bytes>), Refusal> {
        let mut state = self.lock();
        if let Some(reason) = self.end_reason() {
            return Err(Refusal::Ended(reason));
        }
        if state.followers.len() >= self.limits.max_followers {
            return Err(Refusal::Full(self.limits.max_followers));
        }
        if state.history_full {
            return Err(Refusal::HistoryFull(self.limits.history_bytes));
        }
        let (queue, frames) = mpsc::channel(self.limits.follower_queue.max(1));
        let resync = Arc::new(Notify::new());
        let id = state.followers.insert(Follower {
            queue,
            resync: Arc::clone(&resync),
            lagging: false,
        });
        state.status_changed = true;
        let catch_up = self.catch_up(&state, false);
        drop(state);
        Ok((
            Membership {
                room: Arc::clone(self),
                id,
                frames,
                resync,
            },
            catch_up,
        ))
    }

    /// After its queue overflowed and its task emptied it: the frames to start
    /// over from, and live frames again from here on.
    pub(crate) fn resync(&self, member: &Membership) -> Vec<Utf8Bytes> {
        let mut state = self.lock();
        if let Some(follower) = state.followers.get_mut(member.id) {
            follower.lagging = false;
        }
        self.catch_up(&state, true)
    }

    /// A status frame, the history and the last view.
    fn catch_up(&self, state: &State, resync: bool) -> Vec<Utf8Bytes> {
        let mut frames = Vec::with_capacity(state.history.len() + 2);
        frames.push(encode(&self.status(state, resync)));
        frames.extend(state.history.iter().cloned());
        frames.extend(state.view.iter().cloned());
        frames
    }

    /// Become the presenter (taking over from any earlier presenter socket).
    pub(crate) fn seat_presenter(self: &Arc<Self>, now: Instant) -> PresenterSeat {
        let (sender, notices) = mpsc::channel(PRESENTER_NOTICES);
        let mut state = self.lock();
        state.seats_given += 1;
        let number = state.seats_given;
        state.presenter = Some((number, sender.clone()));
        state.last_active = now;
        state.status_changed = false;
        let status = encode(&self.status(&state, false));
        fan_out(&mut state, &status);
        let _ = sender.try_send(status);
        drop(state);
        PresenterSeat {
            room: Arc::clone(self),
            notices,
            number,
        }
    }

    /// If the follower count or the presenter changed since the last call,
    /// tell everyone (one frame, encoded once).
    pub(crate) fn publish_status(&self) {
        let mut state = self.lock();
        if !state.status_changed || self.end_reason().is_some() {
            return;
        }
        state.status_changed = false;
        let status = encode(&self.status(&state, false));
        fan_out(&mut state, &status);
        if let Some((_, presenter)) = &state.presenter {
            let _ = presenter.try_send(status);
        }
    }

    /// End the room: the final frame goes to everyone through [`Room::ended`].
    pub(crate) fn end(&self, reason: &str) {
        let mut state = self.lock();
        if self.end_reason().is_some() {
            return;
        }
        let mut status = self.status(&state, false);
        status.ended = true;
        status.reason = Some(reason.to_owned());
        let frame = encode(&status);
        // Ended first: whoever sees the presenter queue close can already read why.
        self.ended.send_replace(Some(Ended {
            frame,
            reason: reason.into(),
        }));
        state.presenter = None;
    }

    /// Why the room ended, if it has.
    pub(crate) fn end_reason(&self) -> Option<Arc<str>> {
        self.ended
            .borrow()
            .as_ref()
            .map(|ended| Arc::clone(&ended.reason))
    }

    fn status(&self, state: &State, resync: bool) -> RoomStatus {
        RoomStatus {
            code: self.code.to_string(),
            followers: state.followers.len(),
            presenter: state.presenter.is_some(),
            ended: false,
            reason: None,
            resync,
        }
    }
}

/// Append `frame` to the history if it fits.
fn keep(state: &mut State, frame: &Utf8Bytes, limit: usize) {
    if state.history_full {
        return;
    }
    let bytes = frame.len();
    if state.history_bytes + bytes > limit {
        state.history_full = true;
        return;
    }
    state.history_bytes += bytes;
    state.history.push(frame.clone());
}

/// Queue `frame` for every follower that is keeping up.
fn fan_out(state: &mut State, frame: &Utf8Bytes) {
    for (_, follower) in state.followers.iter_mut() {
        if follower.lagging {
            continue;
        }
        if let Err(mpsc::error::TrySendError::Full(_)) = follower.queue.try_send(frame.clone()) {
            follower.lagging = true;
            follower.resync.notify_one();
        }
    }
}

/// Encode a room frame once.
pub(crate) fn encode(status: &RoomStatus) -> Utf8Bytes {
    crate::session::encode(&ServerFrame::Room(status.clone()))
}

#[cfg(test)]
#[path = "room_tests.rs"]
mod tests;
