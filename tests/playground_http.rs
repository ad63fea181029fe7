//! `POST /api/run` on a real server: a program's whole run as a trace, a
//! program or peer that does not compile as a 400 with its place, a body
//! too big (413), a malformed request (400), a run too long (422) and a
//! server too busy to run one more (503).

mod playground_support;
mod ws_support;

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use playground_support::{
    ARTICLE_HANDLER, ARTICLE_PEER, ARTICLE_SPAWN, BAD_PEER, BROKEN, BROKEN_LINE, GRIND,
    GRIND_STEPS_PER_POLL, SPIN,
};
use reactor_e2e::{TestServer, eventually};
use reactor_protocol::api::{ProgramRefused, RunRequest};
use reactor_protocol::{ApiError, Kind, Trace};
use ws_support::{Response, post_json, request_with_body};

/// `POST /api/run` with `program` and `peer`.
async fn run(server: &TestServer, program: &str, peer: &str) -> Result<Response> {
    let body = serde_json::to_vec(&RunRequest {
        program: program.to_owned(),
        peer: peer.to_owned(),
        seed: 0,
    })?;
    post_json(server.addr(), "/api/run", &body).await
}

#[tokio::test]
async fn a_program_runs_to_its_end_as_a_trace() -> Result<()> {
    let server = TestServer::start().await?;
    let answer = run(&server, ARTICLE_SPAWN, "").await?;
    ensure!(answer.status == 200, "{answer:?}");
    ensure!(answer.header("content-type") == "application/json");
    let trace: Trace = answer.json()?;
    ensure!(trace.scenario == "program", "{}", trace.scenario);
    ensure!(trace.final_state.done, "the run ended");
    ensure!(
        trace.final_state.console == ["done!"],
        "{:?}",
        trace.final_state.console
    );
    let seqs: Vec<u64> = trace.records.iter().map(|record| record.seq).collect();
    ensure!(
        seqs == (0..trace.records.len() as u64).collect::<Vec<_>>(),
        "in order"
    );
    let kinds: Vec<Kind> = trace
        .records
        .iter()
        .map(|record| record.event.kind())
        .collect();
    for kind in [Kind::Spawn, Kind::Poll, Kind::TimerFire, Kind::Output] {
        ensure!(kinds.contains(&kind), "no {kind:?} in {kinds:?}");
    }
    ensure!(
        trace.records.iter().any(|record| record.span.is_some()),
        "records carry the program's line and column"
    );
    let again: Trace = run(&server, ARTICLE_SPAWN, "").await?.json()?;
    ensure!(again == trace, "runs are deterministic");
    Ok(())
}

#[tokio::test]
async fn a_program_with_a_peer_reads_what_the_peer_sends() -> Result<()> {
    let server = TestServer::start().await?;
    let answer = run(&server, ARTICLE_HANDLER, ARTICLE_PEER).await?;
    ensure!(answer.status == 200, "{answer:?}");
    let trace: Trace = answer.json()?;
    ensure!(
        trace.final_state.console == ["Read 14 bytes"],
        "{:?}",
        trace.final_state.console
    );
    Ok(())
}

#[tokio::test]
async fn a_program_that_does_not_compile_is_a_400_with_its_place() -> Result<()> {
    let server = TestServer::start().await?;
    let answer = run(&server, BROKEN, "").await?;
    ensure!(answer.status == 400, "{answer:?}");
    let body: serde_json::Value = answer.json()?;
    ensure!(body["error"].get("in_peer").is_none(), "{body}");
    let refused: ProgramRefused = answer.json()?;
    ensure!(refused.error.line == BROKEN_LINE, "{refused:?}");
    ensure!(refused.error.column >= 5, "{refused:?}");
    ensure!(!refused.error.message.is_empty() && !refused.error.in_peer);

    let answer = run(&server, ARTICLE_HANDLER, BAD_PEER).await?;
    ensure!(answer.status == 400, "{answer:?}");
    let refused: ProgramRefused = answer.json()?;
    ensure!(
        refused.error.in_peer && refused.error.line == 2,
        "{refused:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_malformed_request_is_a_400_with_a_plain_error() -> Result<()> {
    let server = TestServer::start().await?;
    for body in [&br#"{"source":"fn main() {}"}"#[..], b"not json", b""] {
        let answer = post_json(server.addr(), "/api/run", body).await?;
        ensure!(answer.status == 400, "{answer:?}");
        let refusal: ApiError = answer.json()?;
        ensure!(refusal.error.contains("\"program\""), "{}", refusal.error);
    }
    let answer = ws_support::get(server.addr(), "/api/run", &[]).await?;
    ensure!(answer.status == 405, "{answer:?}");
    Ok(())
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413() -> Result<()> {
    let server = TestServer::start().await?;
    let huge = "// a comment\n".repeat(8_000);
    let answer = run(&server, &huge, "").await?;
    ensure!(answer.status == 413, "{answer:?}");
    let refusal: ApiError = answer.json()?;
    ensure!(refusal.error.contains("65536 bytes"), "{}", refusal.error);

    // Announced far past the limit: refused before a byte of it is read.
    let headers = [("Content-Length", "50000000")];
    let answer = request_with_body(server.addr(), "POST", "/api/run", &headers, b"{").await?;
    ensure!(answer.status == 413, "{answer:?}");

    // Under the body limit but over the program's: the playground refuses it.
    let long = "// a comment\n".repeat(1_300);
    let answer = run(&server, &long, "").await?;
    ensure!(answer.status == 400, "{answer:?}");
    let refused: ProgramRefused = answer.json()?;
    ensure!(refused.error.message.contains("16384"), "{refused:?}");
    Ok(())
}

#[tokio::test]
async fn a_spinning_task_ends_its_run_as_a_busy_poll() -> Result<()> {
    let server = TestServer::start().await?;
    let answer = run(&server, SPIN, "").await?;
    ensure!(answer.status == 200, "{answer:?}");
    let trace: Trace = answer.json()?;
    ensure!(trace.final_state.done);
    let busy = trace
        .records
        .iter()
        .find(|record| record.event.kind() == Kind::Error)
        .context("an error record ends the run")?;
    ensure!(busy.span.is_some_and(|span| span.line == 3), "{busy:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_too_long_is_a_422_and_a_full_server_a_503() -> Result<()> {
    let server = TestServer::start_with(|config| {
        config.programs.max_concurrent = 1;
        config.programs.max_waiting = 0;
        config.programs.max_run_time = Duration::from_secs(3);
        config.programs.playground.steps_per_poll = GRIND_STEPS_PER_POLL;
        config.programs.playground.max_total_steps = u64::MAX;
    })
    .await?;
    let grinding = tokio::spawn({
        let addr = server.addr();
        let body = serde_json::to_vec(&RunRequest {
            program: GRIND.to_owned(),
            ..RunRequest::default()
        })?;
        async move { post_json(addr, "/api/run", &body).await }
    });
    eventually("the grinding run to take the only turn", || async {
        Ok((server.server().program_runs() == 1).then_some(()))
    })
    .await?;
    let busy = run(&server, ARTICLE_SPAWN, "").await?;
    ensure!(busy.status == 503, "{busy:?}");
    ensure!(busy.header("retry-after") == "1", "{busy:?}");
    let refusal: ApiError = busy.json()?;
    ensure!(refusal.error.contains("busy"), "{}", refusal.error);

    let ground = grinding.await??;
    ensure!(ground.status == 422, "{ground:?}");
    let refusal: ApiError = ground.json()?;
    ensure!(refusal.error.contains("3 s"), "{}", refusal.error);
    let answer = run(&server, ARTICLE_SPAWN, "").await?;
    ensure!(answer.status == 200, "the turn was given back: {answer:?}");
    Ok(())
}

#[tokio::test]
async fn a_program_is_saved_as_a_trace_file_or_a_chrome_trace() -> Result<()> {
    let server = TestServer::start().await?;
    let body = serde_json::to_vec(&RunRequest {
        program: ARTICLE_SPAWN.to_owned(),
        peer: String::new(),
        seed: 0,
    })?;
    let trace: Trace = run(&server, ARTICLE_SPAWN, "").await?.json()?;
    let file = post_json(server.addr(), "/api/run?format=jsonl", &body).await?;
    ensure!(file.status == 200, "{file:?}");
    ensure!(file.header("content-type") == "application/x-ndjson");
    let text = String::from_utf8(file.body)?;
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().context("a header")?)?;
    ensure!(
        header["format"] == "reactor-lab-trace" && header["scenario"] == "program",
        "{header}"
    );
    ensure!(
        header["program"]["source"] == ARTICLE_SPAWN,
        "the header carries the program"
    );
    ensure!(header["records"] == trace.records.len(), "{header}");
    // Its record lines are the trace's records, in order.
    let records: Vec<reactor_protocol::Record> = lines
        .filter(|line| line.contains("\"seq\""))
        .filter(|line| !line.starts_with("{\"state\"") && !line.starts_with("{\"change\""))
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    ensure!(records == trace.records, "the file's records are the run's");
    let chrome = post_json(server.addr(), "/api/run?format=chrome", &body).await?;
    ensure!(chrome.status == 200, "{chrome:?}");
    let chrome: serde_json::Value = chrome.json()?;
    ensure!(
        chrome["traceEvents"]
            .as_array()
            .is_some_and(|events| !events.is_empty()),
        "a Chrome trace"
    );
    let unknown = post_json(server.addr(), "/api/run?format=pdf", &body).await?;
    ensure!(
        unknown.status == 400,
        "an unknown format is refused: {unknown:?}"
    );
    let error: ApiError = unknown.json()?;
    ensure!(error.error.contains("format"), "{}", error.error);
    Ok(())
}
