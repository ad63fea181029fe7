//! The people who must keep being served: a student on `/ws` and a
//! presenter with one follower, each step timed.
//!
//! ```text
//!  student:   connect /ws ─ load tcp_read ─ step ─ step ─ step ─ close
//!  presenter: (POST /api/rooms once) ─ join with the key ─ load tcp_read
//!             ─ a follower joins ─ step ─ step (the follower sees each) ─ close both
//! ```
//!
//! Every timed piece (a connect, a command's answer, a follower's view of a
//! step) is one latency sample; a row's figure is the 95th percentile.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reactor_protocol::frame::{CLOSE_ROOM_ENDED, RoomCreated};
use tokio::sync::watch;

use super::net::{ClosedMidAnswer, Ws, http};
use crate::rooms::Incoming;

/// Steps a student probe takes after loading.
const STUDENT_STEPS: usize = 3;
/// Steps a presenter probe takes while its follower watches.
const PRESENTER_STEPS: usize = 2;

/// Latency samples, shared between tasks.
#[derive(Clone, Default)]
pub struct Latencies(Arc<Mutex<Vec<Duration>>>);

impl Latencies {
    /// Add one sample.
    pub fn record(&self, sample: Duration) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(sample);
    }

    /// Run `work`, recording how long it took when it succeeds.
    pub async fn time<T>(&self, work: impl Future<Output = Result<T>>) -> Result<T> {
        let start = Instant::now();
        let value = work.await?;
        self.record(start.elapsed());
        Ok(value)
    }

    /// Count, median, 95th percentile and maximum so far.
    pub fn summary(&self) -> Summary {
        let mut samples = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        samples.sort_unstable();
        let at = |fraction: f64| {
            // Indices of a few thousand samples at most: no precision concern.
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss
            )]
            let index = ((samples.len() as f64 * fraction).ceil() as usize).saturating_sub(1);
            samples.get(index).copied().unwrap_or_default()
        };
        Summary {
            count: samples.len(),
            p50: at(0.50),
            p95: at(0.95),
            max: samples.last().copied().unwrap_or_default(),
        }
    }
}

/// What [`Latencies::summary`] reports.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    /// Samples.
    pub count: usize,
    /// Median.
    pub p50: Duration,
    /// 95th percentile.
    pub p95: Duration,
    /// Slowest.
    pub max: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} samples, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            self.count,
            self.p50.as_secs_f64() * 1e3,
            self.p95.as_secs_f64() * 1e3,
            self.max.as_secs_f64() * 1e3
        )
    }
}

/// A normal student and a presenter, from one address.
pub struct Probe {
    server: SocketAddr,
    from: Ipv4Addr,
    room: tokio::sync::Mutex<Option<RoomCreated>>,
}

impl Probe {
    /// Probes of `server` from `from`.
    pub fn new(server: SocketAddr, from: Ipv4Addr) -> Probe {
        Probe {
            server,
            from,
            room: tokio::sync::Mutex::new(None),
        }
    }

    /// The address the probes come from.
    pub fn from(&self) -> Ipv4Addr {
        self.from
    }

    /// A student and then a presenter, timed into `into`.
    pub async fn round(&self, into: &Latencies) -> Result<()> {
        self.student(into).await.context("the student probe")?;
        self.presenter(into).await.context("the presenter probe")
    }

    /// A student: connect `/ws`, load `tcp_read`, step a few times, leave.
    pub async fn student(&self, into: &Latencies) -> Result<()> {
        let mut ws = into.time(Ws::open(self.from, self.server, "/ws")).await?;
        let load = r#"{"cmd":"load","scenario":"tcp_read"}"#;
        into.time(ws.command(load)).await?;
        for _ in 0..STUDENT_STEPS {
            into.time(ws.command(r#"{"cmd":"step"}"#)).await?;
        }
        ws.close().await
    }

    /// A presenter with the right key steps while a follower watches. The
    /// probe's room is created on first use and again if it has ended. A
    /// room may also reach its maximum lifetime in the middle of a round (a
    /// row's rooms may live a few seconds): that is the room's limit, not a
    /// failure to serve, so the round starts over once in a fresh room. Any
    /// other ending mid-round fails the probe.
    pub async fn presenter(&self, into: &Latencies) -> Result<()> {
        match self.presenter_round(into).await {
            Err(error) if lifetime_reached(&error) => {
                *self.room.lock().await = None;
                self.presenter_round(into)
                    .await
                    .context("the round again, in a fresh room")
            }
            outcome => outcome,
        }
    }

    async fn presenter_round(&self, into: &Latencies) -> Result<()> {
        let mut slot = self.room.lock().await;
        let (room, mut presenter) = match slot.as_ref() {
            Some(room) => match self.seat(room, into).await? {
                Some(presenter) => (room.clone(), presenter),
                None => self.fresh_room(into).await?,
            },
            None => self.fresh_room(into).await?,
        };
        *slot = Some(room.clone());
        drop(slot);
        into.time(presenter.command(r#"{"cmd":"load","scenario":"tcp_read"}"#))
            .await?;
        let path = format!("/rooms/{}/ws", room.code);
        let mut follower = into
            .time(async {
                let mut follower = Ws::open(self.from, self.server, &path).await?;
                follower.next_status().await?;
                anyhow::Ok(follower)
            })
            .await
            .context("a follower joins")?;
        for _ in 0..PRESENTER_STEPS {
            let start = Instant::now();
            let records = presenter.command(r#"{"cmd":"step"}"#).await?;
            into.record(start.elapsed());
            while follower.until_snapshot().await.context("the follower")? < records {}
            into.record(start.elapsed());
        }
        follower.close().await?;
        presenter.close().await
    }

    /// Create a room and seat the presenter in it.
    async fn fresh_room(&self, into: &Latencies) -> Result<(RoomCreated, Ws)> {
        let answer = into
            .time(http(self.from, self.server, "POST", "/api/rooms"))
            .await?;
        if answer.status != 201 {
            bail!(
                "POST /api/rooms answered {}: {}",
                answer.status,
                answer.body
            );
        }
        let room: RoomCreated = serde_json::from_str(&answer.body)
            .with_context(|| format!("not a room: {}", answer.body))?;
        match self.seat(&room, into).await? {
            Some(presenter) => Ok((room, presenter)),
            None => bail!("the room {} created just now has ended", room.code),
        }
    }

    /// Join `room` with its key; `None` when the room has ended.
    async fn seat(&self, room: &RoomCreated, into: &Latencies) -> Result<Option<Ws>> {
        let path = format!("/rooms/{}/ws?key={}", room.code, room.presenter_key);
        let start = Instant::now();
        let mut presenter = Ws::open(self.from, self.server, &path).await?;
        match presenter.next().await? {
            Incoming::Frame(_, reactor_protocol::ServerFrame::Room(status)) if status.presenter => {
                into.record(start.elapsed());
                Ok(Some(presenter))
            }
            Incoming::Closed(code, _) if code == CLOSE_ROOM_ENDED => Ok(None),
            Incoming::Closed(code, reason) => {
                bail!("the presenter with the right key was refused: {code} {reason}")
            }
            Incoming::Frame(raw, _) => bail!("the presenter's first frame: {raw}"),
        }
    }
}

/// Whether `error` is the probe's room ending under it because it reached
/// its maximum lifetime (the server's reason says so).
fn lifetime_reached(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<ClosedMidAnswer>()
            .is_some_and(|closed| {
                closed.code == CLOSE_ROOM_ENDED && closed.reason.contains("rooms last at most")
            })
    })
}

/// Runs probe rounds in the background while an abuse goes on.
pub struct Prober {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<usize>>,
}

impl Prober {
    /// A round of every probe in `probes` at most every `every` (a pace, so
    /// the probes themselves stay a class's load), until [`Prober::stop`].
    pub fn start(probes: Vec<Arc<Probe>>, into: Latencies, every: Duration) -> Prober {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut pace = tokio::time::interval(every);
            pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut rounds = 0;
            while !*stopped.borrow() {
                pace.tick().await;
                for probe in &probes {
                    probe
                        .round(&into)
                        .await
                        .with_context(|| format!("probe round {rounds} from {}", probe.from()))?;
                }
                rounds += 1;
            }
            Ok(rounds)
        });
        Prober { stop, task }
    }

    /// Finish the round under way and stop; the rounds done, or the first
    /// failure.
    pub async fn stop(self) -> Result<usize> {
        self.stop.send_replace(true);
        self.task.await.context("the prober panicked")?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(code: u16, reason: &str) -> anyhow::Error {
        anyhow::Error::new(ClosedMidAnswer {
            code,
            reason: reason.to_owned(),
        })
        .context("answer to {\"cmd\":\"step\"}")
        .context("the presenter probe")
    }

    #[test]
    fn only_a_room_at_its_lifetime_starts_a_round_over() {
        let lifetime = "room K7QX2MPD has ended: rooms last at most 0.1 minutes: create a new one";
        assert!(lifetime_reached(&closed(CLOSE_ROOM_ENDED, lifetime)));
        let idle = "room K7QX2MPD has ended: the presenter was idle for 0.0 minutes";
        assert!(!lifetime_reached(&closed(CLOSE_ROOM_ENDED, idle)));
        assert!(!lifetime_reached(&closed(1011, lifetime)));
        assert!(!lifetime_reached(&anyhow::anyhow!(
            "nothing from the server"
        )));
    }
}
