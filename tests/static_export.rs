//! A static export (`reactor_server::export_static`) served by a plain file
//! server holds, byte for byte, what the live server answers: every
//! scenario's list entry, program and trace file, every lesson, engine
//! source; and `index.html`, marked static, at every client route.

mod ws_support;

use anyhow::{Result, ensure};
use reactor_e2e::{StaticSite, TestServer};
use reactor_protocol::ScenarioSummary;
use reactor_protocol::lesson::LessonSummary;
use reactor_protocol::static_site::{answer_file, meta_tag, trace_file};
use ws_support::{Response, get};

/// `GET path` with no compression asked for; it must answer 200.
async fn fetch(addr: std::net::SocketAddr, path: &str) -> Result<Response> {
    let response = get(addr, path, &[]).await?;
    ensure!(
        response.status == 200,
        "{path} on {addr}: status {}",
        response.status
    );
    Ok(response)
}

/// The live answer to `route` and the static site's file `file` are the same bytes.
async fn same(live: &TestServer, site: &StaticSite, route: &str, file: &str) -> Result<Response> {
    let answer = fetch(live.addr(), route).await?;
    let copy = fetch(site.addr(), file).await?;
    ensure!(
        answer.body == copy.body,
        "{file} ({} bytes) differs from GET {route} ({} bytes)",
        copy.body.len(),
        answer.body.len()
    );
    Ok(copy)
}

#[tokio::test]
async fn every_exported_answer_is_the_live_servers_byte_for_byte() -> Result<()> {
    let live = TestServer::start().await?;
    let site = StaticSite::export_and_serve("answers").await?;
    let outcome = async {
        let list = same(
            &live,
            &site,
            "/api/scenarios",
            &answer_file("/api/scenarios"),
        )
        .await?;
        ensure!(list.header("content-type") == "application/json");
        let scenarios: Vec<ScenarioSummary> = list.json()?;
        ensure!(scenarios.len() > 10, "{} scenarios", scenarios.len());
        for scenario in &scenarios {
            let program = format!("/api/scenarios/{}/program", scenario.id);
            same(&live, &site, &program, &answer_file(&program)).await?;
            let trace = format!("/api/trace/{}?format=jsonl", scenario.id);
            same(&live, &site, &trace, &trace_file(&scenario.id)).await?;
        }
        let index = same(&live, &site, "/api/lessons", &answer_file("/api/lessons")).await?;
        let lessons: Vec<LessonSummary> = index.json()?;
        ensure!(!lessons.is_empty(), "no lessons exported");
        for lesson in &lessons {
            let route = format!("/api/lessons/{}", lesson.id);
            same(&live, &site, &route, &answer_file(&route)).await?;
        }
        for file in ["engine/src/lib.rs", "engine/src/io/driver.rs"] {
            let route = format!("/api/source/{file}");
            let copy = same(&live, &site, &route, &answer_file(&route)).await?;
            ensure!(copy.header("content-type").starts_with("text/plain"));
        }

        // The first page, marked static, at the root and every client route.
        let mut pages = vec!["/".to_string(), "/playground/".into(), "/replay/".into()];
        pages.extend(scenarios.iter().map(|s| format!("/scenario/{}/", s.id)));
        pages.extend(lessons.iter().map(|l| format!("/lesson/{}/", l.id)));
        for page in &pages {
            let html = String::from_utf8(fetch(site.addr(), page).await?.body)?;
            ensure!(html.contains(&meta_tag()), "{page} is not marked static");
        }
        // The built site's compressed first page was left behind, not copied stale.
        ensure!(!site.dir().join("index.html.br").exists());
        // Nothing but files: what only a server answers is not there.
        for path in [
            "/api/lessons/tcp-read",
            "/api/rooms",
            "/api/playground/examples",
        ] {
            let status = get(site.addr(), path, &[]).await?.status;
            ensure!(status == 404, "{path}: {status}");
        }
        Ok(())
    }
    .await;
    site.shutdown().await?;
    live.shutdown().await?;
    outcome
}
