//! `room_load --poll`: every follower answers one poll within a second; how
//! soon after the last answer the presenter's histogram counts them all.
//!
//! ```text
//!  presenter ── {"cmd":"poll"} ──▶ room ──poll──▶ followers × F
//!  follower i: its `poll` arrives; at i × spread / F after the poll was sent it answers (stamp sent),
//!              reads its `answered` (stamp: ack latency = answered − sent)
//!  presenter: reads tallies until one counts F (stamp settled)
//!  settle = settled − the last answer sent
//! ```
//!
//! The answers are spread evenly over `--answer-spread-ms` (1 s by
//! default) from the moment the presenter asks (a follower that reads the
//! question after its moment answers at once), so the server sees a steady
//! stream rather than one burst, and every answer is sent within the spread. Waiting out a follower's
//! place in the spread is load shaping, not synchronisation: every result
//! is read from a frame.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use futures_util::{SinkExt, StreamExt};
use reactor_e2e::rooms::RoomSocket;
use reactor_protocol::ServerFrame;
use tokio_tungstenite::tungstenite::Message;

use super::{Follower, ms};

/// What one poll run measured.
pub struct PollRun {
    /// Answers counted in the presenter's final tally.
    pub answered: u32,
    /// Tally frames the presenter received.
    pub tallies: usize,
    /// The last answer sent → the presenter's tally counting every answer.
    pub settle: Duration,
    /// The first answer sent → the last sent.
    pub spread: Duration,
    /// Each follower's answer → its `answered`, sorted.
    pub acks: Vec<Duration>,
}

impl PollRun {
    /// Print the figures.
    pub fn print(&self, followers: usize) {
        let at = |p: f64| self.acks[((self.acks.len() - 1) as f64 * p).round() as usize];
        println!(
            "poll: followers {followers}   answered {}   sent over {:.0} ms   tallies received {}",
            self.answered,
            ms(self.spread),
            self.tallies
        );
        println!(
            "histogram settled {:.1} ms after the last answer was sent",
            ms(self.settle)
        );
        println!(
            "answer → answered  p50 {:.2} ms   p95 {:.2} ms   max {:.2} ms",
            ms(at(0.50)),
            ms(at(0.95)),
            ms(at(1.0))
        );
    }
}

/// Ask every follower one question and measure (see the module docs).
pub async fn run(
    presenter: &mut RoomSocket,
    followers: Vec<Follower>,
    spread: Duration,
) -> Result<PollRun> {
    let count = followers.len();
    let asked = tokio::time::Instant::now();
    let tasks: Vec<_> = followers
        .into_iter()
        .enumerate()
        .map(|(index, follower)| {
            let moment = asked + spread.mul_f64(index as f64 / count.max(1) as f64);
            tokio::spawn(follower.answer_poll(moment, (index % 3) as u8))
        })
        .collect();
    presenter
        .send(r#"{"cmd":"poll","text":"What happens next?","choices":["it parks","it reads","it panics"]}"#)
        .await?;
    let mut tallies = 0;
    let (answered, settled) = loop {
        match presenter.next_content().await? {
            (_, ServerFrame::Tally(tally)) => {
                tallies += 1;
                if tally.answered as usize >= count {
                    break (tally.answered, Instant::now());
                }
            }
            (raw, _) => bail!("the presenter expected tallies, got {raw}"),
        }
    };
    let mut sent = Vec::with_capacity(count);
    let mut acks = Vec::with_capacity(count);
    for task in tasks {
        let (at, ack) = task.await??;
        sent.push(at);
        acks.push(ack);
    }
    acks.sort();
    let first = sent.iter().min().context("no follower")?;
    let last = sent.iter().max().context("no follower")?;
    ensure!(
        settled >= *last,
        "the tally counted every answer before the last was sent"
    );
    Ok(PollRun {
        answered,
        tallies,
        settle: settled - *last,
        spread: *last - *first,
        acks,
    })
}

impl Follower {
    /// Read up to the `poll` frame, wait for `moment`, answer `choice`, and
    /// read the `answered`: when the answer was sent, and how long its ack took.
    async fn answer_poll(
        mut self,
        moment: tokio::time::Instant,
        choice: u8,
    ) -> Result<(Instant, Duration)> {
        let poll = loop {
            let text = self.next_text().await?;
            if text.starts_with(r#"{"type":"poll""#) {
                match serde_json::from_str(&text)? {
                    ServerFrame::Poll(asked) => break asked.id,
                    other => bail!("not a poll: {other:?}"),
                }
            }
        };
        tokio::time::sleep_until(moment).await;
        let sent = Instant::now();
        let answer = format!(r#"{{"cmd":"answer","poll":{poll},"choice":{choice}}}"#);
        self.socket.send(Message::text(answer)).await?;
        loop {
            let text = self.next_text().await?;
            if text.starts_with(r#"{"type":"answered""#) {
                let ack = sent.elapsed();
                let _ = self.socket.close(None).await;
                return Ok((sent, ack));
            }
            if text.starts_with(r#"{"type":"error""#) {
                bail!("the answer was refused: {text}");
            }
        }
    }

    /// The next text frame (pings and pongs skipped).
    async fn next_text(&mut self) -> Result<String> {
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Text(text))) => return Ok(text.as_str().to_owned()),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => bail!("the follower's socket ended with {other:?}"),
            }
        }
    }
}
