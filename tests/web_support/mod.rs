//! Helpers for `browser_web.rs`: one JavaScript probe that reads the ids and
//! data-attributes the app exposes for tests, and waits built on
//! [`reactor_e2e::eventually`] (never a fixed sleep).

use anyhow::{Context, Result, ensure};
use std::time::Duration;

use reactor_e2e::{Page, TestServer, eventually, eventually_within};
use serde_json::Value;

/// Most records any built-in scenario produces; a loop past this is a hang.
pub const MAX_RECORDS: usize = 10_000;

/// What the page shows right now.
pub const PROBE: &str = r#"
const q = (s) => document.querySelector(s);
const all = (s) => [...document.querySelectorAll(s)];
const pos = q('#position');
if (!pos) return null;
const ex = q('#explanation');
return {
  step: +pos.dataset.step, recorded: +pos.dataset.recorded,
  done: pos.dataset.done === 'true', busy: pos.dataset.busy === 'true',
  kind: ex.dataset.kind ?? null, task: ex.dataset.task === undefined ? null : +ex.dataset.task,
  explanation: ex.innerText,
  active: all('[data-part][data-active]').map((e) => e.dataset.part),
  arrows: all('[data-arrow][data-active]').map((e) => e.dataset.arrow),
  readable: all('#registrations tr[data-readable="true"]').map((e) => +e.dataset.token),
  runQueue: all('#run-queue li').map((e) => +e.dataset.task),
  console: q('#console').innerText,
  parked: q('#park').dataset.parked === 'true', timeout: q('#park').dataset.timeout ?? null,
  occupied: all('#wheel [data-occupied="true"]').map((e) => [+e.dataset.level, +e.dataset.slot]),
  wheelNext: q('#wheel-next')?.dataset.ms === undefined ? null : +q('#wheel-next').dataset.ms,
  wheelEarliest: q('#wheel-earliest')?.dataset.ms === undefined ? null : +q('#wheel-earliest').dataset.ms,
  tasks: all('#tasks li').map((e) => [+e.dataset.task, e.dataset.state]),
  url: location.pathname + location.search,
  presenter: q('#app').dataset.presenter === 'true',
};
"#;

/// The page state, once the scenario view is up.
pub async fn probe(page: &Page) -> Result<Value> {
    eventually("the scenario view", || async {
        let state = page.eval(PROBE).await?;
        Ok((!state.is_null()).then_some(state))
    })
    .await
}

pub fn step_of(state: &Value) -> u64 {
    state["step"].as_u64().unwrap_or(0)
}

/// Wait until the player rests (no server trip pending) at `step`.
pub async fn settled_at(page: &Page, step: u64) -> Result<Value> {
    eventually(&format!("the player to rest at step {step}"), || async {
        let state = probe(page).await?;
        Ok((step_of(&state) == step && state["busy"] == false).then_some(state))
    })
    .await
}

/// Click `#step-btn` and wait for the next step.
pub async fn click_step(page: &Page) -> Result<Value> {
    let before = step_of(&probe(page).await?);
    page.wait_for("#step-btn").await?.click().await?;
    settled_at(page, before + 1).await
}

/// Open a scenario and wait for the socket.
pub async fn open(page: &Page, path: &str) -> Result<()> {
    page.open(path).await?;
    page.wait_for("#connection[data-state='connected']").await?;
    Ok(())
}

pub fn at_end(state: &Value) -> bool {
    state["done"] == true && state["step"] == state["recorded"]
}

/// Open scenario `id` by a deep link past its end and wait, at most
/// `patience`, until the player rests on its last record.
pub async fn open_at_end(page: &Page, id: &str, patience: Duration) -> Result<Value> {
    open(page, &format!("/scenario/{id}?step={MAX_RECORDS}")).await?;
    eventually_within(patience, &format!("{id} to run to its end"), || async {
        let state = probe(page).await?;
        Ok((at_end(&state) && state["busy"] == false).then_some(state))
    })
    .await
}

/// The panels a learner sees, as HTML, to compare two visits of one step.
pub async fn panels_html(page: &Page) -> Result<String> {
    let html = page
        .eval(
            "return ['#diagram','#explanation','#tasks','#run-queue','#registrations','#clock','#park','#wheel','#console','#position']
               .map((s) => document.querySelector(s).outerHTML).join('\\n');",
        )
        .await?;
    html.as_str().map(str::to_string).context("panels HTML")
}

/// WebDriver key codes (https://w3c.github.io/webdriver/#keyboard-actions).
pub mod key {
    pub const RIGHT: &str = "\u{e014}";
    pub const LEFT: &str = "\u{e012}";
    pub const SHIFT: &str = "\u{e008}";
    pub const HOME: &str = "\u{e011}";
    pub const ESCAPE: &str = "\u{e00c}";
    pub const RELEASE: &str = "\u{e000}";
}

pub async fn press(page: &Page, keys: &str) -> Result<()> {
    page.wait_for("body").await?.send_keys(keys).await?;
    Ok(())
}

/// `GET path` from the test server as JSON, over a plain HTTP/1.0 request.
pub async fn get_json(server: &TestServer, path: &str) -> Result<Value> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await?;
    stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: test\r\n\r\n").as_bytes())
        .await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let answer = String::from_utf8(answer)?;
    let (head, body) = answer.split_once("\r\n\r\n").context("no HTTP body")?;
    ensure!(
        head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
        "GET {path}: {head}"
    );
    Ok(serde_json::from_str(body)?)
}

/// Start recording the longest task the page runs (`PerformanceObserver`
/// on `longtask`, which reports tasks of 50 ms and more).
pub async fn watch_long_tasks(page: &Page) -> Result<()> {
    page.eval(
        "window.__longest = 0;
         new PerformanceObserver((list) => {
           for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
         }).observe({ type: 'longtask' });
         return true;",
    )
    .await?;
    Ok(())
}

/// The longest task since [`watch_long_tasks`], in ms (0: none of 50 ms or more).
/// The page's first-contentful-paint time (ms from navigation start), once
/// the browser has painted the app's first frame.
pub async fn first_paint_ms(page: &Page) -> Result<f64> {
    eventually("a first-contentful-paint entry", || async {
        let paint = page
            .eval(
                "const e = performance.getEntriesByName('first-contentful-paint')[0];
                 return e ? e.startTime : null;",
            )
            .await?;
        Ok(paint.as_f64())
    })
    .await
}

pub async fn longest_task_ms(page: &Page) -> Result<f64> {
    Ok(page
        .eval("return window.__longest;")
        .await?
        .as_f64()
        .unwrap_or(0.0))
}

/// What the explanation on screen claims that the panels beside it
/// contradict (the browser's twin of `web/src/explain/truth_tests/`, on
/// the real server's snapshots): the run queue, the wheel's next expiration,
/// `main` never queued, a timeout-0 park that does not block.
pub fn explanation_contradictions(state: &Value) -> Vec<String> {
    let text = state["explanation"].as_str().unwrap_or_default();
    let queue = state["runQueue"].as_array().cloned().unwrap_or_default();
    let occupied = state["occupied"].as_array().map_or(0, Vec::len);
    let next = state["wheelNext"].as_u64();
    let number_after = |marker: &str| -> Option<u64> {
        let rest = &text[text.find(marker)? + marker.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    let mut wrong = Vec::new();
    let mut claim = |holds: bool, what: &str| {
        if !holds {
            wrong.push(format!("{what}: {text:?} beside {state}"));
        }
    };
    if text.contains("run queue is empty") {
        claim(queue.is_empty(), "says the run queue is empty");
    }
    if text.contains("no timer is filed") || text.contains("No timer is filed") {
        claim(occupied == 0 && next.is_none(), "says no timer is filed");
    }
    for marker in ["slot starts at ", "slot starts only at "] {
        if let Some(at) = number_after(marker) {
            claim(
                next == Some(at),
                "names a timer slot the wheel panel does not show next",
            );
        }
    }
    if let Some(earliest) = number_after("earliest deadline is ") {
        claim(
            state["wheelEarliest"].as_u64() == Some(earliest),
            "names an earliest deadline the wheel panel does not show",
        );
    }
    match state["kind"].as_str() {
        Some("park") if state["timeout"] == "0" => {
            claim(
                text.contains("quick look"),
                "a zero timeout is a quick look",
            );
            claim(!text.contains("blocks"), "a zero timeout does not block");
            if text.contains("still on the run queue") {
                claim(!queue.is_empty(), "says tasks are still queued");
            }
        }
        Some("clock_advance") if text.contains("where the next timer slot starts") => {
            let to = number_after("ms to ");
            claim(
                to.is_some() && to == next,
                "jumps to a slot start the wheel does not show",
            );
        }
        Some("wake" | "poll") if state["task"] == 0 => {
            claim(!queue.contains(&0.into()), "main is on the run queue");
            claim(
                !text.contains("off the front of the run queue") && !text.contains("onto the"),
                "says main is queued",
            );
        }
        _ => {}
    }
    wrong
}
