//! The program beside the picture, in real headless Chromium: the panel
//! shows the scenario's own source file, line for line, fetched on demand
//! (it is not in the wasm), and marks the `.await` each pending task is
//! parked on and the line the task being polled resumed from. Helpers and
//! conventions as in `browser_web.rs`.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Context, Result, ensure};
use reactor_e2e::{Page, TestServer, eventually, with_browser};
use serde_json::Value;
use web_support::{get_json, open, settled_at};

/// The program panel as the page shows it: each line's number, code, the
/// classes that mark it, and the tasks standing on it.
const PROGRAM_PROBE: &str = r#"
const rows = [...document.querySelectorAll('#program .src-line')];
if (rows.length === 0) return null;
return {
  file: document.querySelector('#program .where').innerText,
  lines: rows.map((row) => ({
    number: +row.dataset.line,
    code: row.querySelector('.code').innerText,
    parked: row.classList.contains('parked'),
    running: row.classList.contains('running'),
    awaitMarked: row.querySelector('mark.await') !== null,
    tasks: [...row.querySelectorAll('.task-at[data-task]')]
      .map((chip) => [+chip.dataset.task, chip.dataset.state]),
  })),
};
"#;

/// The program panel once it has loaded.
async fn program(page: &Page) -> Result<Value> {
    eventually("the program panel to load", || async {
        let shown = page.eval(PROGRAM_PROBE).await?;
        Ok((!shown.is_null()).then_some(shown))
    })
    .await
}

/// The shown line whose code contains `needle`.
fn line_with<'a>(shown: &'a Value, needle: &str) -> Result<&'a Value> {
    shown["lines"]
        .as_array()
        .context("lines")?
        .iter()
        .find(|line| {
            line["code"]
                .as_str()
                .is_some_and(|code| code.contains(needle))
        })
        .with_context(|| format!("no line with {needle:?} in {shown}"))
}

/// Wait until the line with `needle` shows `task` in `state`, and return the panel.
async fn marked(page: &Page, needle: &str, task: u64, state: &str) -> Result<Value> {
    eventually(&format!("task {task} {state} at {needle:?}"), || async {
        let shown = program(page).await?;
        let line = line_with(&shown, needle)?;
        let here = line["tasks"]
            .as_array()
            .is_some_and(|tasks| tasks.contains(&serde_json::json!([task, state])));
        Ok(here.then_some(shown))
    })
    .await
}

#[tokio::test]
async fn tcp_reads_program_marks_where_each_task_is_parked() -> Result<()> {
    let server = TestServer::start().await?;
    let answer = get_json(&server, "/api/scenarios/tcp_read/program").await?;
    let file = answer["file"].as_str().context("file")?.to_string();
    ensure!(file == "engine/src/scenario/tcp_read.rs", "{answer}");
    with_browser(&server, async |page| {
        // 22 records shown: both tasks have returned Pending, the handler on
        // its read (WouldBlock, waker stored), main on the handler's join.
        open(page, "/scenario/tcp_read?step=22").await?;
        let state = settled_at(page, 22).await?;
        ensure!(
            state["tasks"] == serde_json::json!([[0, "idle"], [1, "idle"]]),
            "both tasks idle at step 22: {state}"
        );
        let shown = marked(page, "stream.read(&mut buf).await", 1, "idle").await?;
        ensure!(shown["file"] == file.as_str(), "{shown}");

        // The panel is the scenario's own file, line for line, numbered as in it.
        let source: Value = page
            .eval(&format!(
                "return await (await fetch('/api/source/{file}')).text();"
            ))
            .await?;
        let source: Vec<&str> = source.as_str().context("source text")?.lines().collect();
        let lines = shown["lines"].as_array().context("lines")?;
        ensure!(lines.len() > 20, "a whole program: {shown}");
        for line in lines {
            let number = line["number"].as_u64().context("number")? as usize;
            let code = line["code"].as_str().context("code")?;
            ensure!(
                source.get(number - 1).map(|text| text.trim_end()) == Some(code.trim_end()),
                "line {number} shows {code:?}, the file has {:?}",
                source.get(number - 1)
            );
        }
        ensure!(
            line_with(&shown, "async fn handle_connection(mut stream: TcpStream)").is_ok(),
            "the article's handler is shown"
        );

        // The handler is parked on its read's .await, main on the join.
        let read = line_with(&shown, "stream.read(&mut buf).await")?;
        ensure!(
            read["parked"] == true && read["awaitMarked"] == true,
            "{read}"
        );
        let join = line_with(&shown, "handler.await")?;
        ensure!(
            join["parked"] == true && join["tasks"] == serde_json::json!([[0, "idle"]]),
            "{join}"
        );
        // Every other line is unmarked: two tasks, two lines.
        let marked_lines = lines
            .iter()
            .filter(|line| line["tasks"].as_array().is_some_and(|t| !t.is_empty()))
            .count();
        ensure!(marked_lines == 2, "{shown}");
        page.eval("document.querySelector('#program').scrollIntoView(); return null;")
            .await?;
        page.screenshot("program-tcp_read-parked").await?;

        // 12 records shown: main is being polled again, woken by the
        // listener's event: it resumes from its accept's .await.
        open(page, "/scenario/tcp_read?step=12").await?;
        settled_at(page, 12).await?;
        let shown = marked(page, "listener.accept().await", 0, "running").await?;
        let accept = line_with(&shown, "listener.accept().await")?;
        ensure!(
            accept["running"] == true && accept["parked"] == false,
            "{accept}"
        );
        page.eval("document.querySelector('#program').scrollIntoView(); return null;")
            .await?;
        page.screenshot("program-tcp_read-running").await?;
        Ok(())
    })
    .await
}

/// Lines of `#program` and `#source` that are cut off: wider than their box.
const CUT_OFF: &str = r#"
const boxes = [...document.querySelectorAll('#program pre, #source pre')];
if (boxes.length < 2 || !document.querySelector('#source .src-line.here')) return null;
return boxes
  .filter((pre) => pre.scrollWidth > pre.clientWidth + 1)
  .map((pre) => pre.closest('section').id);
"#;

#[tokio::test]
async fn long_lines_wrap_in_the_program_and_the_source_on_a_phone() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        page.set_viewport(390, 844).await?;
        // The wheel insert's line in the engine is long, and so are some of
        // the program's lines, for a phone.
        open(page, "/scenario/spawn_lifecycle?step=8").await?;
        settled_at(page, 8).await?;
        program(page).await?;
        let cut = eventually("the program and the source to be laid out", || async {
            let cut = page.eval(CUT_OFF).await?;
            Ok((!cut.is_null()).then_some(cut))
        })
        .await?;
        let line: Value = page
            .eval("return document.querySelector('#source .src-line.here .code').innerText;")
            .await?;
        ensure!(
            line.as_str().is_some_and(|text| text.len() > 40),
            "a long line is shown: {line}"
        );
        page.eval("document.querySelector('#source').scrollIntoView(); return null;")
            .await?;
        page.screenshot("program-phone-source-wraps").await?;
        ensure!(cut == serde_json::json!([]), "cut off on a phone: {cut}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_program_is_fetched_on_demand_not_built_into_the_wasm() -> Result<()> {
    let site = reactor_e2e::server::site_dir()?;
    let mut wasm_files = 0;
    for entry in std::fs::read_dir(&site)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "wasm") {
            wasm_files += 1;
            let bytes = std::fs::read(&path)?;
            let needle = b"async fn handle_connection";
            ensure!(
                !bytes.windows(needle.len()).any(|window| window == needle),
                "{} holds the program's text",
                path.display()
            );
        }
    }
    ensure!(wasm_files > 0, "no wasm in {}", site.display());
    Ok(())
}
