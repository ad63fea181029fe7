//! A room's polls: the presenter asks, followers answer once each, the
//! presenter watches the tally and reveals.
//!
//! ```text
//!  presenter {"cmd":"poll"} ─▶ open_poll ─┬─▶ an open poll closes unanswered: `revealed` to all
//!                                         ├─▶ `poll` to every live follower (fan-out, like a view)
//!                                         └─▶ a zero `tally` to the presenter
//!  follower {"cmd":"answer"} ─▶ answer ──▶ counted ─▶ `answered` to that follower only
//!                                                  └▶ tally due ─┐
//!  janitor, every TALLY_INTERVAL_MS ─▶ flush_tally ◀─────────────┘ one `tally` to the presenter
//!  presenter {"cmd":"reveal"} / a new `load` ─▶ `revealed` to followers and presenter
//! ```
//!
//! Everything lives under the room's lock and dies with the room. A
//! follower's answer is kept on its own entry (`answered`), so it goes when
//! its connection does; a poll keeps only its counts and the answers per
//! client address (at most one entry per answer, and at most twice
//! `max_followers` answers). A late joiner gets the open `poll` after its
//! catch-up, where it gets the last `view`.
//!
//! The presenter's notice queue is lossy (a newer count replaces an older
//! one), so the poll keeps the latest frame the presenter has not been
//! handed yet ([`Polls::for_presenter`]): a full queue delays it to the next
//! tick instead of losing it, and the last tally always arrives.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use axum::extract::ws::Utf8Bytes;
use reactor_protocol::frame::{PollAsked, PollQuestion, PollTally, ServerFrame};
use tokio::sync::mpsc::error::TrySendError;

use super::link::Shared;
use super::members::Membership;
pub(crate) use super::refused::AnswerRefused;
use super::{Room, State};
use crate::rooms::bus::PollCounts;
use crate::rooms::bus::wire::Event;
use crate::session::encode;

/// A room's polls, kept under its lock.
#[derive(Default)]
pub(super) struct Polls {
    /// Polls opened so far; the last one's id.
    opened: u32,
    open: Option<OpenPoll>,
    /// The latest poll frame for the presenter not yet in its queue.
    for_presenter: Option<Utf8Bytes>,
    /// Answers came since the last tally was made.
    tally_due: bool,
}

/// The poll being answered.
struct OpenPoll {
    id: u32,
    /// Its `poll` frame, encoded once, for late joiners.
    asked: Utf8Bytes,
    /// Answers counted here, per choice.
    counts: Vec<u32>,
    answered: u32,
    /// Answers counted on other servers, per choice, when rooms are shared.
    elsewhere: Vec<u32>,
    /// Answers counted per client address.
    by_address: HashMap<IpAddr, usize>,
}

impl OpenPoll {
    /// Poll `id`, asked with the `poll` frame `asked`, with `choices`
    /// choices and no answer yet.
    fn new(id: u32, asked: Utf8Bytes, choices: usize) -> OpenPoll {
        OpenPoll {
            id,
            asked,
            counts: vec![0; choices],
            answered: 0,
            elsewhere: vec![0; choices],
            by_address: HashMap::new(),
        }
    }

    fn tally(&self, right: Option<u8>) -> PollTally {
        let counts: Vec<u32> = (self.counts.iter().zip(&self.elsewhere))
            .map(|(here, there)| here + there)
            .collect();
        PollTally {
            poll: self.id,
            answered: counts.iter().sum(),
            counts,
            right,
        }
    }
}

impl Polls {
    /// Open a poll: its id and `poll` frame. The caller closed any open one.
    fn open(&mut self, question: PollQuestion) -> Utf8Bytes {
        self.opened += 1;
        let id = self.opened;
        let choices = question.choices.len();
        let asked = encode(&ServerFrame::Poll(PollAsked {
            id,
            text: question.text,
            choices: question.choices,
        }));
        let poll = OpenPoll::new(id, asked.clone(), choices);
        self.for_presenter = Some(encode(&ServerFrame::Tally(poll.tally(None))));
        self.tally_due = false;
        self.open = Some(poll);
        asked
    }

    /// Close the open poll, if any: its `revealed` frame (also kept for
    /// the presenter).
    fn close(&mut self, right: Option<u8>) -> Option<Utf8Bytes> {
        let poll = self.open.take()?;
        let revealed = encode(&ServerFrame::Revealed(poll.tally(right)));
        self.for_presenter = Some(revealed.clone());
        self.tally_due = false;
        Some(revealed)
    }

    /// Count `choice` for poll `poll` from a connection at `address` that
    /// gave `earlier` as its last answer.
    fn count(
        &mut self,
        poll: u32,
        choice: u8,
        earlier: Option<(u32, u8)>,
        address: IpAddr,
        caps: (usize, usize),
    ) -> Result<(), AnswerRefused> {
        let (per_address, in_all) = caps;
        let open = match &mut self.open {
            Some(open) if open.id == poll => open,
            other => {
                let open = other.as_ref().map(|open| open.id);
                return Err(AnswerRefused::NotOpen { poll, open });
            }
        };
        let choices = open.counts.len();
        if usize::from(choice) >= choices {
            return Err(AnswerRefused::NoSuchChoice {
                poll,
                choices,
                choice,
            });
        }
        if let Some((answered, choice)) = earlier
            && answered == poll
        {
            return Err(AnswerRefused::AlreadyAnswered { poll, choice });
        }
        let from_address = open.by_address.get(&address).copied().unwrap_or(0);
        if from_address >= per_address {
            return Err(AnswerRefused::AddressShare {
                poll,
                cap: per_address,
            });
        }
        if open.answered as usize >= in_all {
            return Err(AnswerRefused::PollFull { poll, cap: in_all });
        }
        open.counts[usize::from(choice)] += 1;
        open.answered += 1;
        *open.by_address.entry(address).or_default() += 1;
        self.tally_due = true;
        Ok(())
    }

    /// What a follower that reaches the end of its catch-up gets: the open
    /// poll, and its own answer to it if it gave one (before a resync).
    pub(super) fn catch_up(&self, answered: Option<(u32, u8)>) -> impl Iterator<Item = Utf8Bytes> {
        let open = self.open.as_ref();
        let asked = open.map(|open| open.asked.clone());
        let own = open
            .zip(answered)
            .filter(|(open, (poll, _))| open.id == *poll)
            .map(|(_, (poll, choice))| encode(&ServerFrame::Answered { poll, choice }));
        asked.into_iter().chain(own)
    }

    /// If answers came since the last tally, make a new one for the presenter.
    fn make_due_tally(&mut self) {
        if !std::mem::take(&mut self.tally_due) {
            return;
        }
        if let Some(open) = &self.open {
            self.for_presenter = Some(encode(&ServerFrame::Tally(open.tally(None))));
        }
    }

    /// The other servers' answers changed, maybe: a tally is due if so.
    pub(super) fn hear(&mut self, shared: &Shared) {
        if let Some(open) = &mut self.open {
            let elsewhere = shared.answers(open.id, open.counts.len());
            if elsewhere != open.elsewhere {
                open.elsewhere = elsewhere;
                self.tally_due = true;
            }
        }
    }

    /// The answers counted on this server to the open poll, to tell the others.
    pub(super) fn here(&self) -> Option<PollCounts> {
        (self.open.as_ref()).map(|open| (open.id, open.counts.clone()))
    }

    /// A new presenter sat down: it is told the open poll's tally.
    pub(super) fn retell(&mut self) {
        if let Some(open) = &self.open {
            self.for_presenter = Some(encode(&ServerFrame::Tally(open.tally(None))));
            self.tally_due = false;
        }
    }
}

impl Room {
    /// The presenter asks the class `question` at `now`: any open poll
    /// closes unanswered, followers get the `poll` frame, the presenter a
    /// zero tally.
    ///
    /// # Errors
    /// What is wrong with the question, or that the room asked all the
    /// polls it may; nothing changes then.
    pub(crate) fn open_poll(&self, question: PollQuestion, now: Instant) -> Result<(), String> {
        question
            .check()
            .map_err(|problem| format!("bad \"poll\" command: {problem}"))?;
        let mut state = self.lock();
        let state = &mut *state;
        let cap = self.limits.max_polls_per_room;
        if state.polls.opened as usize >= cap {
            return Err(format!(
                "room {} has asked {cap} polls, the most one room may: create a new room to ask more",
                self.code
            ));
        }
        self.close_poll_locked(state, None);
        let asked = state.polls.open(question);
        state.polls.hear(&state.shared);
        self.fan_out(state, &asked);
        state.shared.tell(Event::Poll(asked));
        self.hand_presenter(state);
        state.last_active = now;
        Ok(())
    }

    /// The presenter reveals the open poll at `now`, with the right choice
    /// if its step showed one.
    ///
    /// # Errors
    /// No poll is open, or `right` is not one of its choices; nothing
    /// changes then.
    pub(crate) fn reveal_poll(&self, right: Option<u8>, now: Instant) -> Result<(), String> {
        let mut state = self.lock();
        let state = &mut *state;
        let Some(open) = &state.polls.open else {
            return Err("no poll is open to reveal: open one with \"poll\" first".to_owned());
        };
        let choices = open.counts.len();
        if let Some(right) = right
            && usize::from(right) >= choices
        {
            return Err(format!(
                "poll {} has {choices} choices, 0 to {}: \"right\" cannot be {right}",
                open.id,
                choices - 1
            ));
        }
        self.close_poll_locked(state, right);
        state.last_active = now;
        Ok(())
    }

    /// Close the open poll, if any, unanswered (the presenter loaded a new run).
    pub(crate) fn close_poll(&self) {
        let mut state = self.lock();
        self.close_poll_locked(&mut state, None);
    }

    fn close_poll_locked(&self, state: &mut State, right: Option<u8>) {
        if let Some(revealed) = state.polls.close(right) {
            self.fan_out(state, &revealed);
            self.hand_presenter(state);
            state.shared.tell(Event::Revealed(revealed));
        }
    }

    /// On a mirror: the origin's presenter asked `asked` (a `poll` frame).
    /// Answers given here are counted here, and told to the origin.
    pub(super) fn relay_poll(&self, asked: Utf8Bytes) {
        let Ok(ServerFrame::Poll(poll)) = serde_json::from_str(asked.as_str()) else {
            tracing::warn!(room = %self.code, "a poll from the bus that is not one");
            return;
        };
        let mut state = self.lock();
        let state = &mut *state;
        state.polls.open = Some(OpenPoll::new(poll.id, asked.clone(), poll.choices.len()));
        state.polls.opened = poll.id;
        self.fan_out(state, &asked);
    }

    /// On a mirror: the origin closed its poll, with every server's answers.
    pub(super) fn relay_reveal(&self, revealed: Utf8Bytes) {
        let mut state = self.lock();
        state.polls.open = None;
        self.fan_out(&mut state, &revealed);
    }

    /// The answers counted here to the open poll.
    pub(crate) fn local_poll(&self) -> Option<PollCounts> {
        self.lock().polls.here()
    }

    /// `member` answers poll `poll` with `choice`: the `answered` frame for
    /// it alone.
    ///
    /// # Errors
    /// Why the answer is not counted; nothing changes then.
    pub(crate) fn answer(
        &self,
        member: &Membership,
        poll: u32,
        choice: u8,
    ) -> Result<Utf8Bytes, AnswerRefused> {
        let mut state = self.lock();
        let state = &mut *state;
        let Some(follower) = state.followers.get_mut(member.id) else {
            let open = state.polls.open.as_ref().map(|open| open.id);
            return Err(AnswerRefused::NotOpen { poll, open });
        };
        if follower.watching {
            return Err(AnswerRefused::Watching);
        }
        let caps = (
            self.limits.poll_answers_per_address,
            self.limits.max_followers.saturating_mul(2),
        );
        let earlier = follower.answered;
        state
            .polls
            .count(poll, choice, earlier, follower.address, caps)?;
        follower.answered = Some((poll, choice));
        Ok(encode(&ServerFrame::Answered { poll, choice }))
    }

    /// The janitor's tally tick: a tally for the presenter if answers came
    /// since the last, and any poll frame it could not be handed before.
    pub(crate) fn flush_tally(&self) {
        let mut state = self.lock();
        state.polls.make_due_tally();
        self.hand_presenter(&mut state);
    }

    /// Put the pending poll frame in the presenter's queue if it has room;
    /// else it waits for the next tick (or the next presenter).
    pub(super) fn hand_presenter(&self, state: &mut State) {
        let Some((_, presenter)) = &state.presenter else {
            return;
        };
        let Some(frame) = state.polls.for_presenter.take() else {
            return;
        };
        if let Err(TrySendError::Full(frame) | TrySendError::Closed(frame)) =
            presenter.try_send(frame)
        {
            state.polls.for_presenter = Some(frame);
        }
    }
}

#[cfg(test)]
#[path = "poll_tests.rs"]
mod tests;
