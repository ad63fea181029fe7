//! Every scenario over `/ws`, by `step`, by `turn` and by `run`: the same
//! records as `GET /api/trace/{id}`, and the commands around a run.

mod ws_support;

use anyhow::{Result, ensure};
use reactor_e2e::TestServer;
use reactor_protocol::{ScenarioSummary, ServerFrame, Trace};
use ws_support::{Client, commands_for, get};

/// The scenario ids the README promises.
const REQUIRED: [&str; 3] = ["tcp_read", "spawn_lifecycle", "timers"];

async fn trace(server: &TestServer, id: &str) -> Result<Trace> {
    let response = get(server.addr(), &format!("/api/trace/{id}"), &[]).await?;
    ensure!(
        response.status == 200,
        "trace {id}: status {}",
        response.status
    );
    ensure!(response.header("content-type") == "application/json");
    response.json()
}

#[tokio::test]
async fn stepping_turning_and_running_each_give_the_trace() -> Result<()> {
    let server = TestServer::start().await?;
    let scenarios: Vec<ScenarioSummary> =
        get(server.addr(), "/api/scenarios", &[]).await?.json()?;
    for id in REQUIRED {
        ensure!(
            scenarios.iter().any(|s| s.id == id),
            "/api/scenarios lacks {id}"
        );
    }
    for scenario in &scenarios {
        ensure!(
            !scenario.title.is_empty() && !scenario.summary.is_empty(),
            "{scenario:?}"
        );
        let trace = trace(&server, &scenario.id).await?;
        ensure!(trace.scenario == scenario.id);
        ensure!(
            !trace.records.is_empty(),
            "{} has an empty trace",
            scenario.id
        );
        ensure!(
            trace.final_state.done,
            "{}: the trace does not end done",
            scenario.id
        );
        for (index, record) in trace.records.iter().enumerate() {
            ensure!(
                record.seq == index as u64,
                "{}: seq gap at {index}",
                scenario.id
            );
        }

        for how in ["step", "turn", "run"] {
            let mut client = Client::connect(&server.ws_url()).await?;
            client.load(&scenario.id).await?;
            let (records, last) = client.walk(how, commands_for(trace.records.len())).await?;
            ensure!(
                records == trace.records,
                "{} by {how}: {} records differ from the trace's {}",
                scenario.id,
                records.len(),
                trace.records.len()
            );
            ensure!(
                last == trace.final_state,
                "{} by {how}: final snapshot differs",
                scenario.id
            );
            client.close().await?;
        }
    }
    Ok(())
}

#[tokio::test]
async fn steps_and_turns_continue_the_trace_and_turns_end_on_a_boundary() -> Result<()> {
    let server = TestServer::start().await?;
    let trace = trace(&server, "tcp_read").await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    client.load("tcp_read").await?;

    let step = client.command("step").await?;
    let taken = step.records.len();
    ensure!(taken >= 1, "a step recorded nothing");
    ensure!(
        step.records == trace.records[..taken],
        "the first step is not the trace's start"
    );
    ensure!(
        step.state.records == taken as u64,
        "the snapshot counts {} records",
        step.state.records
    );

    let turn = client.command("turn").await?;
    let end = taken + turn.records.len();
    ensure!(!turn.records.is_empty(), "turn recorded nothing");
    ensure!(
        turn.records == trace.records[taken..end],
        "turn does not continue the trace"
    );
    if let Some(next) = trace.records.get(end) {
        ensure!(
            next.turn > trace.records[end - 1].turn,
            "turn stopped inside turn {} (next record {next:?})",
            next.turn
        );
    }
    Ok(())
}

#[tokio::test]
async fn done_repeats_reset_restarts_and_load_replaces() -> Result<()> {
    let server = TestServer::start().await?;
    let tcp = trace(&server, "tcp_read").await?;
    let spawn = trace(&server, "spawn_lifecycle").await?;
    let mut client = Client::connect(&server.ws_url()).await?;

    let fresh = client.load("tcp_read").await?;
    let run = client.command("run").await?;
    ensure!(run.done && run.records == tcp.records);
    for cmd in ["step", "turn", "run"] {
        let again = client.command(cmd).await?;
        ensure!(
            again.done && again.records.is_empty(),
            "`{cmd}` after done: {again:?}"
        );
    }

    client.send_text(r#"{"cmd":"reset"}"#).await?;
    ensure!(
        client.next_frame().await?
            == ServerFrame::Loaded {
                scenario: "tcp_read".into()
            }
    );
    let (_, state) = client.outline_and_start().await?;
    ensure!(state == fresh, "reset did not start over: {state:?}");
    let (records, _) = client.walk("turn", commands_for(tcp.records.len())).await?;
    ensure!(records == tcp.records, "after reset the run differs");

    client.load("tcp_read").await?;
    client.command("step").await?;
    client.load("spawn_lifecycle").await?;
    let (records, _) = client
        .walk("step", commands_for(spawn.records.len()))
        .await?;
    ensure!(
        records == spawn.records,
        "loading mid-run did not give a fresh spawn_lifecycle"
    );
    Ok(())
}

#[tokio::test]
async fn pipelined_commands_are_answered_in_order() -> Result<()> {
    let server = TestServer::start().await?;
    let trace = trace(&server, "timers").await?;
    let mut client = Client::connect(&server.ws_url()).await?;
    client.load("timers").await?;
    // More commands than the server queues, all sent before reading a reply:
    // it must stop reading, not drop or reorder anything.
    let commands = trace.records.len() + 40;
    for _ in 0..commands {
        client.send_text(r#"{"cmd":"step"}"#).await?;
    }
    let mut records = Vec::new();
    let mut done_replies = 0;
    for _ in 0..commands {
        let reply = client.reply().await?;
        if reply.done {
            done_replies += 1;
        }
        records.extend(reply.records);
    }
    ensure!(
        records == trace.records,
        "pipelined steps gave a different record sequence"
    );
    ensure!(done_replies > 0, "the scenario never finished");
    client.close().await?;
    Ok(())
}
