//! The whole run up front and jumps anywhere in it, over `/ws`: the
//! `outline` sent with `loaded` describes exactly the records the session's
//! engine then makes, and a `seek` lands on any step, forwards or back,
//! with the records the client lacks and the snapshots around its action.

mod ws_support;

use anyhow::{Result, ensure};
use reactor_e2e::TestServer;
use reactor_protocol::frame::RECORDS_PER_FRAME;
use reactor_protocol::{MarkKind, Record, ServerFrame, Snapshot, Trace};
use ws_support::{Client, get};

/// What a seek answered with, up to its last snapshot (and `done`, when
/// the run is over).
struct Answer {
    records: Vec<Record>,
    states: Vec<Snapshot>,
    /// The frames that brought the records.
    record_frames: usize,
}

/// Seek to `records` records, holding `have`; every `records` frame holds
/// at most [`RECORDS_PER_FRAME`] records, and no other frame brings any.
async fn seek(client: &mut Client, records: u64, have: u64) -> Result<Answer> {
    client
        .send_text(&format!(
            r#"{{"cmd":"seek","records":{records},"have":{have}}}"#
        ))
        .await?;
    let mut answer = Answer {
        records: Vec::new(),
        states: Vec::new(),
        record_frames: 0,
    };
    loop {
        match client.next_frame().await? {
            ServerFrame::Records { records } => {
                ensure!(
                    (1..=RECORDS_PER_FRAME).contains(&records.len()),
                    "a records frame of {} records",
                    records.len()
                );
                answer.record_frames += 1;
                answer.records.extend(records);
            }
            ServerFrame::Snapshot { state } => {
                let last = state.records >= records || state.done;
                let done = state.done;
                answer.states.push(state);
                if last {
                    if done {
                        ensure!(client.next_frame().await? == ServerFrame::Done);
                    }
                    return Ok(answer);
                }
            }
            other => anyhow::bail!("a seek answered {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_outline_describes_the_run_the_engine_then_makes() -> Result<()> {
    let server = TestServer::start().await?;
    for id in ["tcp_read", "spawn_lifecycle", "timers", "crowd"] {
        let trace: Trace = get(server.addr(), &format!("/api/trace/{id}"), &[])
            .await?
            .json()?;
        let mut client = Client::connect(&server.ws_url()).await?;
        let (outline, _) = client.load_outlined(id).await?;
        ensure!(
            outline.records == trace.records.len() as u64,
            "{id}: {outline:?}"
        );
        let parks: Vec<u64> = (trace.records.iter())
            .filter(|r| matches!(r.event, reactor_protocol::Event::Park { .. }))
            .map(|r| r.seq)
            .collect();
        let marked: Vec<u64> = (outline.marks.iter())
            .filter(|m| m.kind == MarkKind::Park)
            .map(|m| m.seq)
            .collect();
        ensure!(parks == marked, "{id}: parks {parks:?}, marked {marked:?}");
        if id == "crowd" {
            client.close().await?;
            continue; // 1,005 steps: the seeks below cover it
        }
        // Each action's end is where a `step` answer ends.
        let mut ends = Vec::new();
        let mut recorded = 0;
        while ends.len() < outline.actions.len() {
            let reply = client.command("step").await?;
            recorded += reply.records.len() as u64;
            if !reply.records.is_empty() {
                ends.push(recorded);
            }
            ensure!(
                reply.state.records == recorded,
                "{id}: the snapshot counts {recorded}"
            );
        }
        ensure!(ends == outline.actions, "{id}: action ends differ");
        client.close().await?;
    }
    Ok(())
}

#[tokio::test]
async fn a_seek_lands_anywhere_forwards_and_back() -> Result<()> {
    let server = TestServer::start().await?;
    let trace: Trace = get(server.addr(), "/api/trace/crowd", &[]).await?.json()?;
    let mut client = Client::connect(&server.ws_url()).await?;
    let (outline, start_state) = client.load_outlined("crowd").await?;

    // Far ahead from nothing: every record up to the action's end, and
    // snapshots only around it.
    let Answer {
        records,
        states,
        record_frames,
    } = seek(&mut client, 4000, 0).await?;
    let (index, start, end) = outline.action_at(4000).expect("4000 is inside the run");
    ensure!(
        records[..] == trace.records[..end as usize],
        "records 0..{end}"
    );
    let counts: Vec<u64> = states.iter().map(|s| s.records).collect();
    ensure!(
        counts.last() == Some(&end) && counts.contains(&start),
        "{counts:?}"
    );
    ensure!(
        counts.len() <= 6 && counts.len() >= 2,
        "snapshots only near the goal: {counts:?}"
    );
    ensure!(index > 100, "4000 is deep in the run");
    // Full frames up to the window, then one before each snapshot at most:
    // a browser pays for every message, not for every record.
    let fewest = (end as usize).div_ceil(RECORDS_PER_FRAME);
    ensure!(
        record_frames <= fewest + counts.len(),
        "{end} records came in {record_frames} frames"
    );

    // Back (into the second action: the first one spawns 240 tasks): no
    // record again (the client has them), the snapshots around it.
    let Answer {
        records, states, ..
    } = seek(&mut client, 486, end).await?;
    ensure!(records.is_empty(), "records resent: {}", records.len());
    let (_, start, end_486) = outline.action_at(486).expect("486 is inside");
    let counts: Vec<u64> = states.iter().map(|s| s.records).collect();
    ensure!(
        counts.contains(&start) && counts.last() == Some(&end_486),
        "{counts:?}"
    );

    // Then a plain step goes on from there, as after any step.
    let reply = client.command("step").await?;
    ensure!(
        reply.records.first().map(|r| r.seq) == Some(end_486),
        "{:?}",
        reply.records.first()
    );

    // The end: the last record, and `done`.
    let states = seek(&mut client, outline.records, outline.records)
        .await?
        .states;
    let last = states.last().expect("a snapshot");
    ensure!(last.done && last.records == outline.records, "{last:?}");

    // A seek past the end lands on the end; 0 on the start state.
    let states = seek(&mut client, u64::MAX, outline.records).await?.states;
    ensure!(states.last().is_some_and(|s| s.records == outline.records));
    let states = seek(&mut client, 0, outline.records).await?.states;
    ensure!(
        states.last() == Some(&start_state),
        "seek 0: {:?}",
        states.last()
    );
    client.close().await
}
