//! One room: its followers, the history it keeps for late joiners, and the
//! fan-out of every frame to every follower.
//!
//! ```text
//!                     ┌──────────────────── Room (one Mutex) ────────────────────┐
//!  presenter's  ──▶   │ publish(frame) ─┬─▶ history (compacted, ≤ history_bytes) │◀── pull: catching-up
//!  session            │                 │                                        │    followers read it by
//!  (encoded once)     │                 └─▶ each live follower: try_send(clone) ─┼─▶  index, 64 at a time
//!                     │ view(frame) ──────▶ last view + the same fan-out         │    queue ─▶ follower task
//!                     └───────────────────────────────────────────────────────────┘
//! ```
//!
//! A frame is encoded to [`Utf8Bytes`] once; a queue gets a clone, which is
//! a reference count, not a copy. A follower that joins is not handed a copy
//! of the history either: its task pulls the history by index, a batch at a
//! time, as its socket takes it ([`Room::pull`]); the last pull switches it
//! to live frames in the same critical section, so it sees every frame
//! exactly once. The lock is held only to append, `try_send` and pull,
//! never across an `.await`, so a slow socket never holds up the presenter
//! or another follower.
//!
//! Each follower has a place (`members::Place`):
//!
//! ```text
//!  join / resync ─▶ CatchingUp { next } ──last pull──▶ Live ──queue full, or
//!                      ▲   │ history overflowed              unread past
//!                      │   ▼                                 follower_bytes──▶ Behind
//!                      │  Evicted (its task closes with 1013)                    │
//!                      └──────────────── resync, once its task emptied its queue ┘
//! ```
//!
//! `unread` counts the bytes handed to a follower that it has not shown it
//! read: the room adds what it queues or hands out in a pull, the follower's
//! task subtracts what a ping's answer acknowledges (or what it throws away
//! unsent). Nothing is queued that would take it past `follower_bytes`.
//!
//! Under the same lock the room keeps its lecture ([`super::lecture`]): the
//! presenter's moves, timed from [`Room::created`], and its polls
//! ([`poll`]): the open question, its counts, and the tally owed to the
//! presenter.

mod link;
mod members;
mod poll;
mod refused;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::ws::Utf8Bytes;
use reactor_protocol::export::lecture::Shown;
use reactor_protocol::frame::{RoomStatus, ServerFrame};
use slab::Slab;
use tokio::sync::{mpsc, watch};

use super::bus::wire::Event;
use super::code::{KeyDigest, RoomCode};
use super::history::{Frame, History, Kept};
use super::lecture::{KeptLecture, Recorder};
use super::limits::RoomLimits;
use link::{Shared, news_from_bus};
pub(crate) use members::Membership;
use members::{Audience, Follower, evict_catching_up, rewind};
use poll::Polls;

/// Frames queued for the presenter's room notices (counts, the end, poll
/// tallies). Lossy on purpose: a newer count replaces an older one soon
/// after (a poll's frame that does not fit waits for the next tick).
const PRESENTER_NOTICES: usize = 8;

/// How a published frame is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A frame of the run: kept in the history as `Frame` says.
    Run(Frame),
    /// A `view` frame: replaces the last view.
    View,
}

/// Why a join (or a resync) was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The room has ended; the reason says why.
    Ended(Arc<str>),
    /// The follower cap is reached.
    Full(usize),
    /// The cap on followers from one address is reached.
    AddressFull(usize),
    /// Records outgrew the history's cap; joins resume after the next `loaded`.
    HistoryFull(usize),
}

/// What the room keeps, under its lock.
struct State {
    followers: Slab<Follower>,
    per_address: HashMap<IpAddr, usize>,
    history: History,
    view: Option<Utf8Bytes>,
    /// The seated presenter's number and notice queue.
    presenter: Option<(u64, mpsc::Sender<Utf8Bytes>)>,
    seats_given: u64,
    last_active: Instant,
    empty_since: Option<Instant>,
    status_changed: bool,
    lecture: Recorder,
    polls: Polls,
    /// The other servers, when rooms are shared ([`link`]).
    shared: Shared,
}

/// A classroom room.
pub(crate) struct Room {
    code: RoomCode,
    key: KeyDigest,
    limits: Arc<RoomLimits>,
    created: Instant,
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
        key: KeyDigest,
        limits: Arc<RoomLimits>,
        now: Instant,
    ) -> Room {
        let history = History::new(limits.history_bytes);
        let lecture = Recorder::new(
            code.as_str(),
            limits.max_lecture_moves,
            limits.max_lecture_bytes,
        );
        Room {
            code,
            key,
            limits,
            created: now,
            state: Mutex::new(State {
                followers: Slab::new(),
                per_address: HashMap::new(),
                history,
                view: None,
                presenter: None,
                seats_given: 0,
                last_active: now,
                empty_since: None,
                status_changed: false,
                lecture,
                polls: Polls::default(),
                shared: Shared::default(),
            }),
            ended: watch::Sender::new(None),
        }
    }

    /// The room's code.
    pub(crate) fn code(&self) -> RoomCode {
        self.code
    }

    /// When the room was created.
    pub(crate) fn created(&self) -> Instant {
        self.created
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

    /// Send `frame` to every follower, keeping it as `kind` says. A frame
    /// that changes what the class sees (a new record, load, snapshot or
    /// view) counts as use of the room at `now`; a repeat does not, and is
    /// not sent on.
    pub(crate) fn publish(&self, frame: &Utf8Bytes, kind: Kind, now: Instant) {
        self.publish_all(&[(frame.clone(), kind)], now);
    }

    /// [`Room::publish`] for frames the presenter's session wrote
    /// together (a step's `record` and `snapshot`): each follower is handed
    /// them in one go, so it wakes, writes and flushes once for them all.
    pub(crate) fn publish_all(&self, frames: &[(Utf8Bytes, Kind)], now: Instant) {
        let mut state = self.lock();
        let mut changed = Vec::with_capacity(frames.len());
        for (frame, kind) in frames {
            if keep(&mut state, frame, *kind) {
                let event = match *kind {
                    Kind::View => Event::View(frame.clone()),
                    Kind::Run(run) => Event::Run(run, frame.clone()),
                };
                state.shared.tell(event);
                changed.push(frame.clone());
            }
        }
        if !changed.is_empty() {
            state.last_active = now;
            self.fan_out_all(&mut state, &changed, Audience::Followers);
        }
    }

    /// Keep a move of the presenter's in the lecture, made at `now`.
    pub(crate) fn record(&self, shown: Shown, now: Instant) {
        let at = now.saturating_duration_since(self.created);
        self.lock().lecture.record(at, shown);
    }

    /// The lecture so far, as its JSON file.
    pub(crate) fn lecture(&self) -> Bytes {
        self.lock().lecture.json()
    }

    /// The lecture as it stands, to keep once the room has ended.
    pub(crate) fn kept_lecture(&self) -> KeptLecture {
        KeptLecture::new(self.key.clone(), self.lecture())
    }

    /// Bring everyone back: every student watching the room while exploring
    /// is told to follow again (followers get the frame too, and ignore it).
    pub(crate) fn gather(&self) {
        let mut state = self.lock();
        let frame = crate::session::encode(&ServerFrame::Gather);
        self.fan_out_to(&mut state, &frame, Audience::Everyone);
        state.shared.tell(Event::Gather(frame));
    }

    /// When the presenter last changed what the class sees.
    pub(crate) fn last_active(&self) -> Instant {
        self.lock().last_active
    }

    /// How long the room has had nobody in it (zero while someone is), as
    /// the janitor sees it at `now`.
    pub(crate) fn empty_for(&self, now: Instant) -> Duration {
        let mut state = self.lock();
        if state.presenter.is_some() || !state.followers.is_empty() {
            state.empty_since = None;
            return Duration::ZERO;
        }
        now.saturating_duration_since(*state.empty_since.get_or_insert(now))
    }

    /// Become the presenter (taking over from any earlier presenter socket).
    /// Taking the seat is not use of the room: a presenter who reconnects
    /// keeps it alive by what it shows next (the app replays to its step).
    pub(crate) fn seat_presenter(self: &Arc<Self>) -> PresenterSeat {
        let (sender, notices) = mpsc::channel(PRESENTER_NOTICES);
        let mut state = self.lock();
        state.seats_given += 1;
        let number = state.seats_given;
        state.presenter = Some((number, sender.clone()));
        state.status_changed = false;
        let status = encode(&self.status(&state, false));
        self.fan_out_to(&mut state, &status, Audience::Everyone);
        state.shared.tell(Event::Status(status.clone()));
        let _ = sender.try_send(status);
        state.polls.retell();
        self.hand_presenter(&mut state);
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
        if !state.status_changed || self.end_reason().is_some() || news_from_bus(&state) {
            return;
        }
        state.status_changed = false;
        let status = encode(&self.status(&state, false));
        self.fan_out_to(&mut state, &status, Audience::Everyone);
        state.shared.tell(Event::Status(status.clone()));
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
        state.shared.tell(Event::End(reason.to_owned()));
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
        let here = members::counts(state);
        let elsewhere = state.shared.counts();
        RoomStatus {
            code: self.code.to_string(),
            followers: here.followers + elsewhere.followers,
            exploring: here.exploring + elsewhere.exploring,
            presenter: state.presenter.is_some()
                || (news_from_bus(state) && state.shared.presenter_elsewhere),
            ended: false,
            reason: None,
            resync,
        }
    }
}

/// Keep `frame` as `kind` says; whether it changes what the class sees
/// (a repeat does not, and is not sent on).
fn keep(state: &mut State, frame: &Utf8Bytes, kind: Kind) -> bool {
    match kind {
        Kind::View => {
            if state.view.as_ref() == Some(frame) {
                return false;
            }
            state.view = Some(frame.clone());
        }
        Kind::Run(run) => {
            if run == Frame::Loaded {
                state.view = None;
                // The bus drops what came before a `loaded`: it says who
                // is here again after it.
                state.status_changed = true;
            }
            match state.history.keep(frame, run) {
                Kept::Unchanged => return false,
                Kept::Appended => {}
                Kept::From(first) => rewind(state, first),
                Kept::Overflowed => evict_catching_up(state),
            }
        }
    }
    true
}

/// Encode a room frame once.
pub(crate) fn encode(status: &RoomStatus) -> Utf8Bytes {
    crate::session::encode(&ServerFrame::Room(status.clone()))
}

#[cfg(test)]
mod tests;
