//! What [`Rooms`] does differently when rooms are shared over NATS
//! (`--nats`, see [`bus`]): codes claimed in the directory, rooms of other
//! servers found there and mirrored, a presenter who lands here taking its
//! room over, and the janitor's share: counts told and heard, and rooms
//! ended when NATS stays away.
//!
//! ```text
//!  create ─▶ local room ─▶ claim the code ─┬ ours ─▶ publisher, link_origin
//!                                         └ taken ─▶ forget it, draw another code
//!  find (not here) ─▶ directory ─┬ live  ─▶ adopt a mirror, relay the stream
//!                                ├ ended ─▶ Ended(why)
//!                                └ none  ─▶ Unknown
//!  presenter key on a mirror ─▶ take_over: directory CAS, next seq, publisher, "owner" news
//! ```

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use super::Rooms;
use super::bus::{self, Bus, Counts, CountsReport, Found, PollCounts, mirror, publisher};
use super::code::{KeyDigest, PresenterKey, RoomCode};
use super::registry::{CODE_ATTEMPTS, CreateError, Lookup, Registry};
use super::room::Room;

/// Longest a join waits for a new mirror to catch up with its stream
/// before it goes on (and catches up as the copy fills).
const MIRROR_CATCH_UP: Duration = Duration::from_secs(2);

impl Rooms {
    /// Open a room for `creator`, claiming its code across servers when
    /// rooms are shared.
    pub(crate) async fn create(
        &self,
        now: Instant,
        creator: IpAddr,
    ) -> Result<(Arc<Room>, PresenterKey), CreateError> {
        let Some(bus) = &self.bus else {
            return self.registry.create(now, creator);
        };
        for _ in 0..CODE_ATTEMPTS {
            let (room, key) = self.registry.create(now, creator)?;
            let code = room.code();
            match bus.claim(code, &KeyDigest::of(&key)).await {
                Ok(true) => {
                    let registry = Arc::clone(&self.registry);
                    room.link_origin(publisher::spawn(Arc::clone(bus), registry, code, 1));
                    return Ok((room, key));
                }
                Ok(false) => self.registry.forget(code),
                Err(problem) => {
                    self.registry.forget(code);
                    return Err(CreateError::Shared(problem));
                }
            }
        }
        Err(CreateError::NoRandomness(
            "every code drawn was taken on another server".to_owned(),
        ))
    }

    /// What `code` names, here or, when rooms are shared, on any server.
    pub(crate) async fn find(&self, code: RoomCode) -> Result<Lookup, String> {
        let here = self.registry.find(code);
        let (Lookup::Unknown, Some(bus)) = (&here, &self.bus) else {
            return Ok(here);
        };
        match bus.look_up(code).await? {
            Found::Nothing => Ok(Lookup::Unknown),
            Found::Room(entry, _) => match entry.ended {
                Some(reason) => Ok(Lookup::Ended(reason.into())),
                None => {
                    let key = KeyDigest::from_hex(&entry.key_sha256)
                        .ok_or("a directory entry without a key digest")?;
                    let (room, new) = self.registry.adopt(code, key, Instant::now());
                    if new {
                        let registry = Arc::clone(&self.registry);
                        let mut ready = mirror::spawn(Arc::clone(bus), registry, Arc::clone(&room));
                        // The first joiner gets the room as it is, not an empty copy.
                        let caught_up = ready.wait_for(|ready| *ready);
                        let _ = tokio::time::timeout(MIRROR_CATCH_UP, caught_up).await;
                    }
                    Ok(Lookup::Live(room))
                }
            },
        }
    }

    /// The presenter of `room` is here: publish the room from this server
    /// if another one did.
    pub(crate) async fn take_over(&self, room: &Arc<Room>) -> Result<(), String> {
        let (Some(bus), true) = (&self.bus, room.is_mirror()) else {
            return Ok(());
        };
        let code = room.code();
        let Found::Room(entry, place) = bus.look_up(code).await? else {
            return Err(format!("room {code} is no longer in the directory"));
        };
        if !bus.take_over(code, &entry, place).await? {
            return Err("another server took the room over at the same moment: try again".into());
        }
        let next = publisher::next_seq(bus, code).await?;
        let registry = Arc::clone(&self.registry);
        room.link_origin(publisher::spawn(Arc::clone(bus), registry, code, next));
        bus.tell_owner(code).await;
        tracing::info!(room = %code, "took the room over: its presenter is here now");
        Ok(())
    }

    /// Strike a join from `address` that named no room: counted across
    /// servers when rooms are shared (here alone if NATS does not answer).
    pub(crate) async fn strike_code(&self, address: IpAddr) -> Result<(), Duration> {
        if let Some(bus) = &self.bus {
            let limits = self.registry.limits();
            let key = match address {
                IpAddr::V4(v4) => hex(&v4.octets()),
                IpAddr::V6(v6) => hex(&v6.octets()),
            };
            let window = limits.code_guess_window;
            match bus.strike("code", &key, limits.code_guesses, window).await {
                Ok(verdict) => return verdict,
                Err(problem) => tracing::warn!("{problem}: counted on this server alone"),
            }
        }
        self.code_guesses.strike(&address)
    }

    /// Strike a wrong presenter key for room `code`, as [`Rooms::strike_code`].
    pub(crate) async fn strike_key(&self, code: RoomCode) -> Result<(), Duration> {
        if let Some(bus) = &self.bus {
            let limits = self.registry.limits();
            let window = limits.key_guess_window;
            match bus
                .strike("key", code.as_str(), limits.key_guesses, window)
                .await
            {
                Ok(verdict) => return verdict,
                Err(problem) => tracing::warn!("{problem}: counted on this server alone"),
            }
        }
        self.key_guesses.strike(&code)
    }

    /// Hear the other servers: their counts, and who took a room over.
    /// Stops at shutdown.
    pub(crate) fn spawn_listener(&self) {
        let Some(bus) = self.bus.clone() else { return };
        let registry = Arc::clone(&self.registry);
        let mut shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            // Not `reactor-lab.room.*.*`: that would also bring every
            // frame of every room to every server.
            let counts = bus.client.subscribe("reactor-lab.room.*.counts").await;
            let owners = bus.client.subscribe("reactor-lab.room.*.owner").await;
            let (Ok(counts), Ok(owners)) = (counts, owners) else {
                tracing::error!("cannot hear the other servers on NATS");
                return;
            };
            let mut news = futures_util::stream::select(counts, owners);
            loop {
                let message = tokio::select! {
                    _ = shutdown.wait_for(|stop| *stop) => return,
                    message = news.next() => match message {
                        Some(message) => message,
                        None => return,
                    },
                };
                let Some((code, what)) = bus::room_subject(message.subject.as_str()) else {
                    continue;
                };
                let Lookup::Live(room) = registry.find(code) else {
                    continue;
                };
                match what {
                    "counts" => {
                        let Ok(report) = serde_json::from_slice::<CountsReport>(&message.payload)
                        else {
                            continue;
                        };
                        if report.instance != bus.instance {
                            let now = Instant::now();
                            room.heard(&report.instance, report.counts, report.poll, now);
                        }
                    }
                    "owner"
                        if message.payload.as_ref() != bus.instance.as_bytes()
                            && room.is_shared()
                            && !room.is_mirror() =>
                    {
                        tracing::info!(room = %code, "another server took the room over");
                        room.link_mirror();
                        let _ = mirror::spawn(Arc::clone(&bus), Arc::clone(&registry), room);
                    }
                    _ => {}
                }
            }
        });
    }
}

/// The janitor's share of sharing rooms: counts told, and rooms ended
/// when NATS has been unreachable for `--nats-outage-secs`.
#[derive(Default)]
pub(crate) struct Upkeep {
    told: HashMap<RoomCode, (Counts, Option<PollCounts>, Instant)>,
    lost_since: Option<Instant>,
}

impl Upkeep {
    /// One janitor round.
    pub(crate) async fn round(&mut self, bus: &Bus, registry: &Registry, now: Instant) {
        let shared: Vec<Arc<Room>> = (registry.live_rooms().into_iter())
            .filter(|room| room.is_shared())
            .collect();
        if bus.connected() {
            self.lost_since = None;
        } else {
            let since = *self.lost_since.get_or_insert(now);
            if now.saturating_duration_since(since) >= bus.outage {
                let reason = format!(
                    "the servers lost their message bus (NATS) for {} s",
                    bus.outage.as_secs()
                );
                for room in &shared {
                    registry.end(room.code(), &reason);
                }
            }
            return;
        }
        self.told
            .retain(|code, _| shared.iter().any(|room| room.code() == *code));
        for room in shared {
            let counts = room.local_counts();
            let poll = room.local_poll();
            let due = match self.told.get(&room.code()) {
                Some((told, answers, at)) => {
                    *told != counts
                        || *answers != poll
                        || now.saturating_duration_since(*at) >= bus::COUNTS_EVERY
                }
                None => true,
            };
            if due {
                bus.tell_counts(room.code(), counts, poll.clone()).await;
                self.told.insert(room.code(), (counts, poll, now));
            }
        }
    }
}

/// `bytes` as lowercase hex: a client address as one subject token.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
