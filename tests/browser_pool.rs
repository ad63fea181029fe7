//! A multi-thread run's picture in a real headless Chromium: `work_stealing`
//! stepped from its start to its first `steal` draws an arrow from the
//! victim's lane to the thief's with the count the engine recorded; at no
//! step do two lanes hold the driver; the log names each record's thread;
//! the interleaving's seed rides in the address bar, a bad one is said in
//! words; the lanes meet WCAG 2 A/AA (axe-core) in the light, dark and
//! presenter palettes; and a current-thread run (`tcp_read`) shows no
//! lanes at all.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Context, Result, ensure};
use reactor_e2e::{Page, TestServer, axe_source, axe_violations, eventually, with_browser};
use serde_json::Value;
use web_support::{get_json, key, open, press, probe, settled_at};

/// What `#pool` shows: its lanes, the arrow, and the interleaving.
const POOL_PROBE: &str = r#"
const pool = document.querySelector('#pool');
if (!pool) return null;
const box = (e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; };
const arrow = pool.querySelector('#pool-arrow');
return {
  lanes: [...pool.querySelectorAll('.pool-lane')].map((e) => ({
    lane: e.dataset.lane, worker: e.dataset.worker === undefined ? null : +e.dataset.worker,
    state: e.dataset.state ?? null, driver: e.dataset.driver === 'true',
    acting: e.dataset.acting === 'true', move: e.dataset.move ?? null,
    driverBadge: e.querySelector('.badge.driver') !== null, box: box(e),
  })),
  arrow: arrow && {
    kind: arrow.dataset.kind, from: arrow.dataset.from, to: arrow.dataset.to,
    count: +arrow.dataset.count, head: arrow.dataset.head, label: arrow.getAttribute('aria-label'),
    role: arrow.getAttribute('role'), shown: arrow.querySelector('.pool-arrow-count').innerText,
    box: box(arrow),
  },
  moveText: pool.querySelector('#pool-move')?.innerText ?? null,
  seed: pool.querySelector('#seed-now').dataset.seed ?? null,
  note: pool.querySelector('.pool-note').innerText,
};
"#;

/// The pool as shown, once `#pool` is on the page.
async fn pool(page: &Page) -> Result<Value> {
    eventually("#pool", || async {
        let shown = page.eval(POOL_PROBE).await?;
        Ok((!shown.is_null()).then_some(shown))
    })
    .await
}

/// The lanes that show the driver, by `data-driver` and by their badge.
fn driver_lanes(shown: &Value) -> (Vec<String>, usize) {
    let lanes = shown["lanes"].as_array().cloned().unwrap_or_default();
    let marked = (lanes.iter())
        .filter(|l| l["driver"] == true)
        .map(|l| l["lane"].as_str().unwrap_or_default().to_string())
        .collect();
    let badges = lanes.iter().filter(|l| l["driverBadge"] == true).count();
    (marked, badges)
}

/// The lane `id` (`w2`, `inject`, `block_on`).
fn lane<'a>(shown: &'a Value, id: &str) -> Result<&'a Value> {
    (shown["lanes"].as_array().into_iter().flatten())
        .find(|l| l["lane"] == id)
        .with_context(|| format!("no lane {id}: {shown:#}"))
}

/// The thread of a record, as a lane id.
fn thread_lane(worker: u64) -> String {
    if worker == u64::from(u32::MAX) {
        "block_on".into()
    } else {
        format!("w{worker}")
    }
}

/// Scroll `#pool` into view and take a screenshot at `width` × `height`.
async fn screenshot_at(page: &Page, width: u32, height: u32, name: &str) -> Result<()> {
    page.set_viewport(width, height).await?;
    page.eval(
        "document.querySelector('.pool-panel').scrollIntoView({ block: 'start' }); return true;",
    )
    .await?;
    page.screenshot(&format!("{name}-{width}x{height}")).await?;
    Ok(())
}

#[tokio::test]
async fn the_first_steal_is_an_arrow_from_the_victim_to_the_thief() -> Result<()> {
    let server = TestServer::start().await?;
    let trace = get_json(&server, "/api/trace/work_stealing").await?;
    let records = trace["records"].as_array().context("records")?;
    let steal = (records.iter())
        .find(|r| r["kind"] == "steal")
        .context("work_stealing steals")?;
    let seq = steal["seq"].as_u64().context("seq")?;
    let count = steal["count"].as_u64().context("count")?;
    let thief = steal["worker"].as_u64().context("worker")?;
    let victim = steal["from"].as_u64().context("from")?;
    let workers = trace["final"]["pool"]["workers"].as_array().map(Vec::len);
    ensure!(
        thief != victim && workers == Some(4),
        "{steal} of {workers:?}"
    );

    with_browser(&server, async |page| {
        open(page, "/scenario/work_stealing").await?;
        settled_at(page, 0).await?;
        let mut drivers_seen = 0;
        for step in 1..=seq + 1 {
            press(page, key::RIGHT).await?;
            settled_at(page, step).await?;
            let shown = pool(page).await?;
            let (marked, badges) = driver_lanes(&shown);
            ensure!(
                marked.len() <= 1 && badges == marked.len(),
                "step {step}: the driver in {marked:?}, {badges} badges"
            );
            drivers_seen += marked.len();
            let record = &records[step as usize - 1];
            let acting: Vec<&Value> = (shown["lanes"].as_array().into_iter().flatten())
                .filter(|l| l["acting"] == true)
                .collect();
            ensure!(
                acting.len() == 1
                    && acting[0]["lane"] == thread_lane(record["worker"].as_u64().unwrap_or(0)),
                "step {step}: {record} lit {acting:?}"
            );
            if step <= seq {
                ensure!(
                    shown["arrow"]["kind"] != "steal",
                    "a steal before the first: {shown:#}"
                );
            }
        }
        ensure!(drivers_seen > 0, "some worker holds the driver on the way");

        let shown = pool(page).await?;
        let (thief_lane, victim_lane) = (format!("w{thief}"), format!("w{victim}"));
        let arrow = &shown["arrow"];
        let said = format!("worker {thief} stole {} tasks from worker {victim}", count);
        ensure!(
            arrow["kind"] == "steal"
                && arrow["from"] == victim_lane.as_str()
                && arrow["to"] == thief_lane.as_str()
                && arrow["count"] == count
                && arrow["shown"] == count.to_string().as_str()
                && arrow["role"] == "img"
                && arrow["label"] == said.as_str(),
            "the arrow at the steal ({steal}): {arrow:#}"
        );
        ensure!(
            shown["moveText"]
                .as_str()
                .is_some_and(|t| t.contains(&said)),
            "{shown:#}"
        );
        // Drawn between the two lanes: from within the one to within the other.
        let (from, to) = (lane(&shown, &victim_lane)?, lane(&shown, &thief_lane)?);
        let (upper, lower) = if thief < victim {
            (to, from)
        } else {
            (from, to)
        };
        let top = arrow["box"]["top"].as_f64().unwrap_or(f64::NAN);
        let bottom = arrow["box"]["bottom"].as_f64().unwrap_or(f64::NAN);
        let within = |lane: &Value, y: f64| {
            let (t, b) = (lane["box"]["top"].as_f64(), lane["box"]["bottom"].as_f64());
            t.zip(b).is_some_and(|(t, b)| t <= y && y <= b)
        };
        ensure!(
            within(upper, top) && within(lower, bottom),
            "the arrow ({top}..{bottom}) runs from {upper} to {lower}"
        );
        let head = if thief < victim { "up" } else { "down" };
        ensure!(
            arrow["head"] == head,
            "its head points at the thief: {arrow}"
        );
        ensure!(
            from["move"] == "from" && to["move"] == "to" && to["acting"] == true,
            "{shown:#}"
        );

        // The log names the thread beside the record the server sent.
        let row = page
            .eval(&format!(
                "return document.querySelector('.log-row[data-seq=\"{seq}\"]').innerText;"
            ))
            .await?;
        let row = row.as_str().unwrap_or_default();
        let words = format!("steal {} from worker {victim}", count);
        ensure!(
            row.contains(&format!(" {thief_lane} ")) && row.contains(&words),
            "{row:?}"
        );
        let head = page
            .eval("return document.querySelector('.log-head').innerText;")
            .await?;
        ensure!(
            head.as_str().is_some_and(|h| h.contains("thread")),
            "{head}"
        );
        ensure!(
            shown["note"]
                .as_str()
                .is_some_and(|n| n.contains("parallelism is not")),
            "what is simulated is said: {shown:#}"
        );

        for (width, height) in [(1440, 900), (1280, 720), (390, 844)] {
            screenshot_at(page, width, height, "pool-steal").await?;
            // The lanes wrap their chips: nothing wider than the screen.
            let wide = page
                .eval("return document.documentElement.scrollWidth - window.innerWidth;")
                .await?;
            ensure!(
                wide.as_i64() <= Some(0),
                "{width}×{height} scrolls sideways by {wide} px"
            );
        }
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_current_thread_run_has_no_lanes() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read?step=20").await?;
        settled_at(page, 20).await?;
        let shown = page
            .eval(
                "return { pool: document.querySelector('#pool, .pool-panel, .pool-lane, #seed-control') !== null,
                          runQueue: document.querySelector('#run-queue') !== null,
                          head: document.querySelector('.log-head').innerText };",
            )
            .await?;
        ensure!(
            shown["pool"] == false && shown["runQueue"] == true,
            "tcp_read runs on one thread: {shown}"
        );
        ensure!(
            shown["head"]
                .as_str()
                .is_some_and(|h| !h.contains("thread")),
            "{shown}"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_seed_rides_in_the_address_and_a_bad_one_is_said() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/work_stealing?seed=7&step=30").await?;
        settled_at(page, 30).await?;
        ensure!(pool(page).await?["seed"] == "7", "seed 7 runs");
        let url = |wanted: &'static str| async move {
            eventually(&format!("the address {wanted}"), || async {
                Ok((probe(page).await?["url"] == wanted).then_some(()))
            })
            .await
        };
        url("/scenario/work_stealing?seed=7&step=30").await?;

        // Another seed, typed: the run starts again in its interleaving.
        let input = page.wait_for("#seed-input").await?;
        input.clear().await?;
        input.send_keys("12x").await?;
        page.wait_for("#seed-load").await?.click().await?;
        let problem = page.wait_for_text("#seed-problem", "whole number").await?;
        ensure!(problem.contains("0 (round-robin)"), "{problem}");
        ensure!(pool(page).await?["seed"] == "7", "a bad seed loads nothing");
        input.clear().await?;
        input.send_keys("3").await?;
        page.wait_for("#seed-load").await?.click().await?;
        eventually("seed 3 to run", || async {
            Ok((pool(page).await?["seed"] == "3").then_some(()))
        })
        .await?;
        url("/scenario/work_stealing?seed=3").await?;
        let problem = page
            .eval("return document.querySelector('#seed-problem').innerText;")
            .await?;
        ensure!(problem == "", "the problem is gone: {problem}");
        page.wait_for("#seed-shuffle").await?.click().await?;
        let shuffled = eventually("another seed after Shuffle", || async {
            let seed = pool(page).await?["seed"].clone();
            Ok((seed != "3").then_some(seed))
        })
        .await?;
        ensure!(
            shuffled != "0",
            "Shuffle picks a seed, not round-robin: {shuffled}"
        );

        // A bad seed in a link: said, and the round-robin run instead.
        open(page, "/scenario/work_stealing?seed=banana").await?;
        let said = page.wait_for_text("#error-text", "banana").await?;
        ensure!(said.contains("round-robin"), "{said}");
        eventually("the round-robin run", || async {
            Ok((pool(page).await?["seed"] == "0").then_some(()))
        })
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_lanes_meet_wcag_aa_in_every_palette() -> Result<()> {
    let server = TestServer::start().await?;
    let trace = get_json(&server, "/api/trace/work_stealing").await?;
    let records = trace["records"].as_array().context("records")?;
    let steal = records
        .iter()
        .find(|r| r["kind"] == "steal")
        .context("a steal")?;
    let step = steal["seq"].as_u64().context("seq")? + 1;
    with_browser(&server, async |page| {
        open(page, &format!("/scenario/work_stealing?step={step}")).await?;
        settled_at(page, step).await?;
        for theme in ["light", "dark"] {
            eventually(&format!("the {theme} palette"), || async {
                let button = page.wait_for("#theme-btn").await?;
                if button.attr("data-theme").await?.as_deref() == Some(theme) {
                    return Ok(Some(()));
                }
                button.click().await?;
                Ok(None)
            })
            .await?;
            page.wait_for("#pool-arrow").await?;
            let found = axe_violations(page, &axe_source()?, "#pool").await?;
            ensure!(
                found.is_empty(),
                "#pool in the {theme} palette:\n{}",
                found.join("\n")
            );
            screenshot_at(page, 1440, 900, &format!("pool-{theme}")).await?;
        }
        page.wait_for("#presenter").await?.click().await?;
        page.wait_for("#app[data-presenter='true'] #pool-arrow")
            .await?;
        let found = axe_violations(page, &axe_source()?, "#pool").await?;
        ensure!(
            found.is_empty(),
            "#pool in presenter mode:\n{}",
            found.join("\n")
        );
        screenshot_at(page, 1280, 720, "pool-presenter").await?;
        Ok(())
    })
    .await
}
