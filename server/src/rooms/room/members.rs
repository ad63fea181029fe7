//! A room's followers: where each is in the stream, what it has unread,
//! and how it joins, catches up, falls behind and resyncs (the picture of
//! a follower's places is in the parent module's docs).

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::{Notify, mpsc};

use super::{Refusal, Room, State, encode};
use crate::rooms::bus::Counts;

/// Where a follower is in the room's stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// Reading the history; the next frame it needs is at this index.
    CatchingUp { next: usize },
    /// Sent every frame as it is published.
    Live,
    /// Lost a frame (queue or unread bytes full); sent nothing until it resyncs.
    Behind,
    /// Its catch-up can no longer be completed (the history overflowed).
    Evicted,
}

/// One follower's entry in the room.
pub(super) struct Follower {
    queue: mpsc::Sender<Utf8Bytes>,
    wake: Arc<Notify>,
    unread: Arc<AtomicUsize>,
    place: Place,
    pub(super) address: IpAddr,
    /// Exploring on a private session: sent the room's own news (counts,
    /// its end, "bring everyone back"), never the run.
    pub(super) watching: bool,
    /// This connection's answer to a poll: the poll's id and the choice.
    /// Ids only grow, so an answer to an earlier poll is no answer to the
    /// open one.
    pub(super) answered: Option<(u32, u8)>,
}

/// Who a frame fans out to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Audience {
    /// Followers: the run, its views.
    Followers,
    /// Followers and students watching while they explore: room news.
    Everyone,
}

/// This server's students in the room: following, or exploring while
/// they watch it.
pub(super) fn counts(state: &State) -> Counts {
    let exploring = state.followers.iter().filter(|(_, f)| f.watching).count();
    Counts {
        followers: state.followers.len() - exploring,
        exploring,
    }
}

/// A follower's place in a room; leaving is dropping it.
pub(crate) struct Membership {
    /// The room joined.
    pub(crate) room: Arc<Room>,
    pub(super) id: usize,
    /// Live frames, in order.
    pub(crate) frames: mpsc::Receiver<Utf8Bytes>,
    /// Notified when the follower fell behind (or was evicted) and must
    /// call [`Room::resync`].
    pub(crate) wake: Arc<Notify>,
    /// Bytes handed to the follower and not yet shown read.
    unread: Arc<AtomicUsize>,
}

impl Membership {
    /// Bytes handed to this follower and not yet shown read.
    pub(crate) fn unread(&self) -> usize {
        self.unread.load(Ordering::Acquire)
    }

    /// `bytes` more were handed to the follower.
    pub(crate) fn handed(&self, bytes: usize) {
        self.unread.fetch_add(bytes, Ordering::AcqRel);
    }

    /// `bytes` were read by the follower, or thrown away unsent.
    pub(crate) fn settled(&self, bytes: usize) {
        let _ = (self.unread).fetch_update(Ordering::AcqRel, Ordering::Acquire, |unread| {
            Some(unread.saturating_sub(bytes))
        });
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        let mut state = self.room.lock();
        if let Some(follower) = state.followers.try_remove(self.id) {
            if let Some(count) = state.per_address.get_mut(&follower.address) {
                *count -= 1;
                if *count == 0 {
                    state.per_address.remove(&follower.address);
                }
            }
            state.status_changed = true;
        }
    }
}

/// What one [`Room::pull`] handed out.
pub(crate) struct Pulled {
    /// The next frames of the catch-up, in order.
    pub(crate) frames: Vec<Utf8Bytes>,
    /// Whether the catch-up is complete: these frames end with the last
    /// view (and the open poll), and live frames follow in the queue.
    pub(crate) live: bool,
}

impl Room {
    /// Join as a follower from `address`: the first frame to send (a
    /// `room` frame), then the catch-up through [`Room::pull`]. A student
    /// `watching` while exploring on a private session gets no catch-up and
    /// no run, only the room's news; it counts against the same caps.
    pub(crate) fn join(
        self: &Arc<Self>,
        address: IpAddr,
        watching: bool,
    ) -> Result<(Membership, Utf8Bytes), Refusal> {
        let mut state = self.lock();
        if let Some(reason) = self.end_reason() {
            return Err(Refusal::Ended(reason));
        }
        let elsewhere = state.shared.counts();
        let everyone = state.followers.len() + elsewhere.followers + elsewhere.exploring;
        if everyone >= self.limits.max_followers {
            return Err(Refusal::Full(self.limits.max_followers));
        }
        let from_address = state.per_address.get(&address).copied().unwrap_or(0);
        if from_address >= self.limits.followers_per_address {
            return Err(Refusal::AddressFull(self.limits.followers_per_address));
        }
        if state.history.overflowed() && !watching {
            return Err(Refusal::HistoryFull(self.limits.history_bytes));
        }
        let (queue, frames) = mpsc::channel(self.limits.follower_queue.max(1));
        let wake = Arc::new(Notify::new());
        let unread = Arc::new(AtomicUsize::new(0));
        let id = state.followers.insert(Follower {
            queue,
            wake: Arc::clone(&wake),
            unread: Arc::clone(&unread),
            place: if watching {
                Place::Live
            } else {
                Place::CatchingUp { next: 0 }
            },
            address,
            watching,
            answered: None,
        });
        *state.per_address.entry(address).or_default() += 1;
        state.status_changed = true;
        let hello = encode(&self.status(&state, false));
        drop(state);
        let member = Membership {
            room: Arc::clone(self),
            id,
            frames,
            wake,
            unread,
        };
        Ok((member, hello))
    }

    /// The next frames of `member`'s catch-up: at most `max_frames`, and no
    /// more once `budget` bytes are handed out (but at least one frame).
    /// The pull that reaches the end of the history adds the last view and
    /// the open poll (with this follower's answer, if it gave one) and makes
    /// the follower live.
    pub(crate) fn pull(
        &self,
        member: &Membership,
        max_frames: usize,
        budget: usize,
    ) -> Result<Pulled, Refusal> {
        let mut state = self.lock();
        let state = &mut *state;
        let Some(follower) = state.followers.get_mut(member.id) else {
            return Ok(Pulled {
                frames: Vec::new(),
                live: true,
            });
        };
        let mut next = match follower.place {
            Place::CatchingUp { next } => next,
            Place::Evicted => return Err(Refusal::HistoryFull(self.limits.history_bytes)),
            Place::Live | Place::Behind => {
                return Ok(Pulled {
                    frames: Vec::new(),
                    live: true,
                });
            }
        };
        let mut frames = Vec::new();
        let mut bytes = 0;
        while frames.len() < max_frames.max(1) && (frames.is_empty() || bytes < budget) {
            let Some(frame) = state.history.get(next) else {
                break;
            };
            bytes += frame.len();
            frames.push(frame.clone());
            next += 1;
        }
        let live = next >= state.history.len();
        if live {
            if let Some(view) = &state.view {
                bytes += view.len();
                frames.push(view.clone());
            }
            for frame in state.polls.catch_up(follower.answered) {
                bytes += frame.len();
                frames.push(frame);
            }
            follower.place = Place::Live;
        } else {
            follower.place = Place::CatchingUp { next };
        }
        follower.unread.fetch_add(bytes, Ordering::AcqRel);
        Ok(Pulled { frames, live })
    }

    /// After it fell behind and its task emptied its queue: catch up again
    /// from the start of the history. Returns the `room` frame (with
    /// `"resync":true`) to send first.
    pub(crate) fn resync(&self, member: &Membership) -> Result<Utf8Bytes, Refusal> {
        let mut state = self.lock();
        let watching = (state.followers.get(member.id)).is_some_and(|f| f.watching);
        if state.history.overflowed() && !watching {
            return Err(Refusal::HistoryFull(self.limits.history_bytes));
        }
        if let Some(follower) = state.followers.get_mut(member.id) {
            follower.place = if watching {
                Place::Live
            } else {
                Place::CatchingUp { next: 0 }
            };
        }
        Ok(encode(&self.status(&state, true)))
    }

    /// Queue a frame of the run for every live follower; one that cannot
    /// take it falls behind and is told to resync.
    pub(super) fn fan_out(&self, state: &mut State, frame: &Utf8Bytes) {
        self.fan_out_to(state, frame, Audience::Followers);
    }

    /// Queue `frame` for every live member of `audience`.
    pub(super) fn fan_out_to(&self, state: &mut State, frame: &Utf8Bytes, audience: Audience) {
        self.fan_out_all(state, std::slice::from_ref(frame), audience);
    }

    /// Queue `frames`, in order, for every live member of `audience`: one
    /// member after the other, so each finds them all queued when it wakes.
    /// A member that cannot take one falls behind (and takes no more).
    pub(super) fn fan_out_all(&self, state: &mut State, frames: &[Utf8Bytes], audience: Audience) {
        let cap = self.limits.follower_bytes;
        for (_, follower) in state.followers.iter_mut() {
            let listens = audience == Audience::Everyone || !follower.watching;
            if follower.place != Place::Live || !listens {
                continue;
            }
            for frame in frames {
                let bytes = frame.len();
                let unread = follower.unread.fetch_add(bytes, Ordering::AcqRel);
                let queued =
                    unread + bytes <= cap && follower.queue.try_send(frame.clone()).is_ok();
                if !queued {
                    follower.unread.fetch_sub(bytes, Ordering::AcqRel);
                    follower.place = Place::Behind;
                    follower.wake.notify_one();
                    break;
                }
            }
        }
    }
}

/// Frames from `first` on changed: followers reading past it go back there.
pub(super) fn rewind(state: &mut State, first: usize) {
    for (_, follower) in state.followers.iter_mut() {
        if let Place::CatchingUp { next } = &mut follower.place {
            *next = (*next).min(first);
        }
    }
}

/// The history overflowed: followers still catching up can never finish.
pub(super) fn evict_catching_up(state: &mut State) {
    for (_, follower) in state.followers.iter_mut() {
        if matches!(follower.place, Place::CatchingUp { .. }) {
            follower.place = Place::Evicted;
            follower.wake.notify_one();
        }
    }
}
