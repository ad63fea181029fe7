//! Playground programs over `/ws`: `{"cmd":"load","program":…}` loads one
//! and `step`/`reset`/`seek` work as for a scenario; a program that does not
//! compile is an `error` frame with its place and leaves the session as it
//! was; a hostile program in one session leaves another undisturbed.

mod playground_support;
mod ws_support;

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use playground_support::{
    ARTICLE_HANDLER, ARTICLE_PEER, ARTICLE_SPAWN, BAD_PEER, BROKEN, BROKEN_LINE, GRIND,
    GRIND_STEPS_PER_POLL, SPIN, expect_fault, load_command, load_program,
};
use reactor_e2e::TestServer;
use reactor_protocol::api::RunRequest;
use reactor_protocol::{Record, ServerFrame, Trace};
use ws_support::{Client, commands_for, post_json};

/// Read a `seek`'s answer: its records and whether `done` came.
async fn seek(client: &mut Client, records: u64, have: u64) -> Result<(Vec<Record>, u64)> {
    client
        .send_text(&format!(
            r#"{{"cmd":"seek","records":{records},"have":{have}}}"#
        ))
        .await?;
    let mut got = Vec::new();
    loop {
        match client.next_frame().await? {
            ServerFrame::Records { records } => got.extend(records),
            ServerFrame::Snapshot { state } if state.records >= records || state.done => {
                if state.done {
                    ensure!(client.next_frame().await? == ServerFrame::Done);
                }
                return Ok((got, state.records));
            }
            ServerFrame::Snapshot { .. } => {}
            other => anyhow::bail!("unexpected {other:?} in a seek's answer"),
        }
    }
}

#[tokio::test]
async fn a_loaded_program_steps_to_its_end_like_its_http_run() -> Result<()> {
    let server = TestServer::start().await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    let (outline, start) = load_program(&mut client, ARTICLE_SPAWN, "").await?;
    ensure!(!start.done && outline.records > 0, "{outline:?}");
    let (records, end) = client
        .walk("step", commands_for(outline.records as usize))
        .await?;
    ensure!(
        records.len() as u64 == outline.records,
        "the outline foretold the run"
    );
    ensure!(end.console == ["done!"], "{:?}", end.console);
    ensure!(records.iter().any(|record| record.span.is_some()));

    let body = serde_json::to_vec(&RunRequest {
        program: ARTICLE_SPAWN.to_owned(),
        ..RunRequest::default()
    })?;
    let trace: Trace = post_json(server.addr(), "/api/run", &body).await?.json()?;
    ensure!(
        trace.records == records,
        "a session steps the same run POST /api/run makes"
    );

    // Stepping past the end hangs nothing.
    ensure!(client.command("step").await?.done);
    client.close().await
}

#[tokio::test]
async fn reset_and_seeks_replay_a_program() -> Result<()> {
    let server = TestServer::start().await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    let (outline, _) = load_program(&mut client, ARTICLE_HANDLER, ARTICLE_PEER).await?;
    let (all, end) = client
        .walk("turn", commands_for(outline.records as usize))
        .await?;
    ensure!(end.console == ["Read 14 bytes"], "{:?}", end.console);

    client.send_text(r#"{"cmd":"reset"}"#).await?;
    ensure!(
        client.next_frame().await?
            == ServerFrame::Loaded {
                scenario: "program".into()
            }
    );
    let (again, start) = client.outline_and_start().await?;
    ensure!(again == outline && !start.done);

    let middle = outline.records / 2;
    let (forward, _) = seek(&mut client, middle, 0).await?;
    ensure!(
        forward[..] == all[..forward.len()],
        "a seek forwards replays the run"
    );
    let (back, at) = seek(&mut client, 3, 0).await?;
    ensure!(
        at >= 3 && back[..] == all[..back.len()],
        "a seek back starts it again"
    );
    let (rest, _) = seek(&mut client, outline.records, at).await?;
    ensure!(rest[..] == all[at as usize..], "and goes on to the end");
    client.close().await
}

#[tokio::test]
async fn a_program_that_does_not_compile_leaves_the_session_as_it_was() -> Result<()> {
    let server = TestServer::start().await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    client
        .send_text(r#"{"cmd":"load","scenario":"tcp_read","seed":0}"#)
        .await?;
    ensure!(
        matches!(client.next_frame().await?, ServerFrame::Loaded { scenario } if scenario == "tcp_read")
    );
    client.outline_and_start().await?;
    let first = client.command("step").await?;

    client.send_text(&load_command(BROKEN, "")).await?;
    let (message, line, column, in_peer) = expect_fault(&mut client).await?;
    ensure!(
        line == Some(BROKEN_LINE) && column.is_some_and(|c| c >= 5),
        "{message}"
    );
    ensure!(!in_peer && !message.is_empty());

    client
        .send_text(&load_command(ARTICLE_HANDLER, BAD_PEER))
        .await?;
    let (message, line, _, in_peer) = expect_fault(&mut client).await?;
    ensure!(in_peer && line == Some(2), "{message}");

    // The scenario goes on where it was.
    let next = client.command("step").await?;
    let last = first.records.last().map_or(0, |record| record.seq);
    ensure!(
        next.records
            .first()
            .is_some_and(|record| record.seq == last + 1),
        "{next:?}"
    );
    // And the scenario's load and seed still work.
    client.load("tcp_read").await?;
    client.close().await
}

#[tokio::test]
async fn a_malformed_program_load_is_named() -> Result<()> {
    let server = TestServer::start().await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    for (text, words) in [
        (
            r#"{"cmd":"load","program":"x","scenario":"tcp_read"}"#,
            "not both",
        ),
        (r#"{"cmd":"load","program":5}"#, "invalid type"),
        (r#"{"cmd":"load","program":"x","sauce":1}"#, "unknown field"),
    ] {
        client.send_text(text).await?;
        let message = client.expect_error().await?;
        ensure!(message.contains(words), "{text}: {message}");
    }
    client.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_program_leaves_another_session_undisturbed() -> Result<()> {
    let server = TestServer::start_with(|config| {
        config.programs.max_run_time = Duration::from_secs(3);
        config.programs.playground.steps_per_poll = GRIND_STEPS_PER_POLL;
        config.programs.playground.max_total_steps = u64::MAX;
    })
    .await?;
    let mut hostile = Client::connect(&server.ws_url()).await?;
    let mut spinner = Client::connect(&server.ws_url()).await?;
    let mut learner = Client::connect(&server.ws_url()).await?;

    // One grinds for the whole run time, another spins in a poll.
    let started = Instant::now();
    hostile.send_text(&load_command(GRIND, "")).await?;
    spinner.send_text(&load_command(SPIN, "")).await?;

    // Meanwhile a learner steps a scenario, each step answered at once.
    let (outline, _) = learner.load_outlined("tcp_read").await?;
    let mut slowest = Duration::ZERO;
    let mut records = 0;
    loop {
        let asked = Instant::now();
        let reply = learner.command("step").await?;
        slowest = slowest.max(asked.elapsed());
        records += reply.records.len() as u64;
        if reply.done {
            break;
        }
    }
    ensure!(records == outline.records);
    ensure!(
        slowest < Duration::from_secs(1),
        "a step took {slowest:?} beside the hostile programs"
    );
    ensure!(
        started.elapsed() < Duration::from_secs(3),
        "the learner finished before the grinding program was stopped"
    );

    // The grinding program is refused at the run time, and its session lives on.
    let message = hostile.expect_error().await?;
    ensure!(message.contains("3 s"), "{message}");
    ensure!(started.elapsed() >= Duration::from_secs(3));
    hostile.load("spawn_lifecycle").await?;

    // The spinning one loads (its run ends as a busy poll) and runs to its end.
    ensure!(
        matches!(spinner.next_frame().await?, ServerFrame::Loaded { scenario } if scenario == "program")
    );
    spinner.outline_and_start().await?;
    ensure!(spinner.command("run").await?.done);
    for client in [hostile, spinner, learner] {
        client.close().await?;
    }
    Ok(())
}
