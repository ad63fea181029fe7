//! Sessions cost nothing once they are gone, and many run at once.
//!
//! Each session owns an engine thread and the engine's real sockets, so a leak
//! shows up in `/proc/self/task` (threads) and `/proc/self/fd` (descriptors) of
//! this process, where the server runs in-process.

mod ws_support;

use anyhow::{Context, Result, ensure};
use reactor_e2e::{TestServer, eventually};
use reactor_protocol::Trace;
use ws_support::{Client, commands_for, fd_count, get, thread_count};

/// Connect/disconnect cycles in the middle of a run: enough to show a leak of
/// one thread or socket per session.
const CYCLES: usize = 200;
/// Sessions stepping at the same time: a large class, each student with
/// their own engine.
const CONCURRENT: usize = 100;
/// Built-in scenarios, used in turn.
const SCENARIOS: [&str; 3] = ["tcp_read", "spawn_lifecycle", "timers"];

/// Wait until the server has no session left, then until this process is back
/// to `threads` threads and `fds` descriptors (or fewer).
async fn back_to(server: &TestServer, threads: usize, fds: usize) -> Result<()> {
    eventually("every session to end", || async {
        Ok((server.server().open_sessions() == 0).then_some(()))
    })
    .await?;
    eventually(
        &format!("threads back to {threads} and fds back to {fds}"),
        || async {
            let (now_threads, now_fds) = (thread_count()?, fd_count()?);
            Ok((now_threads <= threads && now_fds <= fds).then_some(()))
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnecting_mid_run_frees_threads_and_sockets() -> Result<()> {
    let server = TestServer::start().await?;
    // One cycle first, so lazily created runtime parts count in the baseline.
    let mut warm_up = Client::connect(&server.ws_url()).await?;
    warm_up.load("tcp_read").await?;
    warm_up.command("step").await?;
    warm_up.close().await?;
    eventually("the warm-up session to end", || async {
        Ok((server.server().open_sessions() == 0).then_some(()))
    })
    .await?;
    let (threads, fds) = (thread_count()?, fd_count()?);

    for cycle in 0..CYCLES {
        let scenario = SCENARIOS[cycle % SCENARIOS.len()];
        let mut client = Client::connect(&server.ws_url()).await?;
        client.load(scenario).await?;
        let step = client.command("step").await?;
        ensure!(
            !step.done,
            "{scenario} finished in one step; the cycle is not mid-run"
        );
        // Half leave politely, half just vanish (the TCP connection drops).
        if cycle % 2 == 0 {
            client.close().await?;
        } else {
            drop(client);
        }
    }
    ensure!(
        server.server().open_sessions() <= CYCLES,
        "more sessions open than were ever connected"
    );
    back_to(&server, threads, fds)
        .await
        .context("after the connect/disconnect cycles")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_sessions_stepping_at_once_all_reach_done() -> Result<()> {
    let server = TestServer::start().await?;
    let mut traces = Vec::new();
    for id in SCENARIOS {
        let trace: Trace = get(server.addr(), &format!("/api/trace/{id}"), &[])
            .await?
            .json()?;
        traces.push(trace);
    }

    let mut sessions = tokio::task::JoinSet::new();
    for index in 0..CONCURRENT {
        let trace = traces[index % traces.len()].clone();
        let url = server.ws_url();
        sessions.spawn(async move {
            let mut client = Client::connect(&url).await?;
            client.load(&trace.scenario).await?;
            let (records, last) = client
                .walk("step", commands_for(trace.records.len()))
                .await?;
            ensure!(
                records == trace.records,
                "session {index}: records differ from the trace"
            );
            ensure!(last.done, "session {index}: not done");
            client.close().await?;
            anyhow::Ok(())
        });
    }
    let mut finished = 0;
    while let Some(outcome) = sessions.join_next().await {
        outcome.context("a session task panicked")??;
        finished += 1;
    }
    ensure!(
        finished == CONCURRENT,
        "{finished} of {CONCURRENT} sessions finished"
    );
    Ok(())
}
