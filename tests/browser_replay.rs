//! Saving a run and replaying it with no engine: the file the app saves,
//! opened in a fresh browser, shows the same record with the same panels;
//! files that are not ours are refused with their own message; a lecture,
//! saved by a presenter or written by hand, plays its moves again.

mod ws_support;

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use reactor_e2e::browser::Page;
use reactor_e2e::{TestServer, eventually, eventually_within, with_browser};

/// The panels whose text must match between the live run and its replay.
const PANELS: &[&str] = &[
    "#position",
    "#clock",
    "#explanation",
    "#tasks",
    "#run-queue",
    "#wheel",
    "#console",
    "#page-title",
];

/// The text of every panel in [`PANELS`].
async fn panels(page: &Page) -> Result<Vec<String>> {
    let mut texts = Vec::new();
    for css in PANELS {
        texts.push(page.wait_for(css).await?.text().await?);
    }
    Ok(texts)
}

/// The finished download whose name ends with `suffix` in the page's
/// download folder: its name and text. Chromium may put an empty file under
/// the final name while it writes the `.crdownload` beside it: a download
/// is finished when no `.crdownload` is left and its file is not empty and
/// the same size at two looks in a row.
async fn downloaded(page: &Page, suffix: &str) -> Result<(String, String)> {
    let last_look = std::cell::RefCell::new(None::<(String, usize)>);
    eventually_within(
        Duration::from_secs(30),
        &format!("a saved {suffix}"),
        || async {
            let Ok(entries) = std::fs::read_dir(&page.downloads) else {
                return Ok(None);
            };
            let names: Vec<String> = entries
                .flatten()
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect();
            if names.iter().any(|name| name.ends_with(".crdownload")) {
                return Ok(None);
            }
            for name in names.into_iter().filter(|name| name.ends_with(suffix)) {
                let text = std::fs::read_to_string(page.downloads.join(&name))?;
                let look = Some((name.clone(), text.len()));
                if !text.is_empty() && *last_look.borrow() == look {
                    return Ok(Some((name, text)));
                }
                *last_look.borrow_mut() = look;
            }
            Ok(None)
        },
    )
    .await
}

/// Choose `path` in the replay page's file input.
async fn choose(page: &Page, path: &std::path::Path) -> Result<()> {
    let input = page.wait_for("#replay-file").await?;
    input
        .send_keys(&path.to_string_lossy())
        .await
        .context("choosing a file")
}

#[tokio::test]
async fn a_saved_run_replays_at_the_same_record_with_the_same_panels() -> Result<()> {
    let server = TestServer::start().await?;
    let folder = tempfile_dir("replay")?;
    let (name, text, live) = {
        let mut saved = None;
        with_browser(&server, async |page| {
            page.open("/scenario/timers?step=40").await?;
            let live = page.wait_for_text("#position", "40").await;
            page.screenshot("replay-live-40").await?;
            live.context("the live run at step 40")?;
            let live = panels(page).await?;
            page.wait_for("#save-trace").await?.click().await?;
            let (name, text) = downloaded(page, ".jsonl").await?;
            saved = Some((name, text, live));
            Ok(())
        })
        .await?;
        saved.context("the save")?
    };
    ensure!(name.starts_with("timers-step-40"), "saved as {name}");
    ensure!(
        text.lines()
            .next()
            .is_some_and(|header| header.contains("\"position\":40")),
        "the header opens at step 40"
    );
    let path = folder.join(&name);
    std::fs::write(&path, &text)?;

    with_browser(&server, async |page| {
        page.open("/replay").await?;
        choose(page, &path).await?;
        let shown = page.wait_for("#replay-banner").await;
        page.screenshot("replay-opened").await?;
        shown?;
        page.wait_for_text("#position", "40")
            .await
            .context("the replay opens at step 40")?;
        let replayed = eventually("the replay's panels to match", || async {
            let now = panels(page).await?;
            Ok((now == live).then_some(now))
        })
        .await;
        ensure!(
            replayed.is_ok(),
            "live: {live:?}\nreplay: {:?}",
            panels(page).await?
        );
        let url = page.client.current_url().await?;
        ensure!(url.path() == "/replay", "the address is {url}");
        // It steps on from the file.
        page.wait_for("#step-btn").await?.click().await?;
        page.wait_for_text("#position", "41").await?;
        Ok(())
    })
    .await?;
    let _ = std::fs::remove_dir_all(&folder);
    Ok(())
}

#[tokio::test]
async fn files_that_are_not_ours_are_refused_each_with_its_message() -> Result<()> {
    let server = TestServer::start().await?;
    let folder = tempfile_dir("bad-files")?;
    let good = reqwest_text(&server, "/api/trace/tcp_read?format=jsonl").await?;
    let future = good.replacen("\"version\":1", "\"version\":2", 1);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.jsonl", Vec::new(), "empty"),
        ("huge.jsonl", vec![b' '; 50_000_000], "50.0 MB"),
        (
            "perfetto.json",
            reqwest_text(&server, "/api/trace/tcp_read?format=chrome")
                .await?
                .into_bytes(),
            "Chrome trace",
        ),
        (
            "cut.jsonl",
            good.as_bytes()[..good.len() / 2].to_vec(),
            "not complete JSON",
        ),
        (
            "future.jsonl",
            future.into_bytes(),
            "newer than this Reactor Lab reads",
        ),
    ];
    with_browser(&server, async |page| {
        page.open("/scenario/tcp_read?step=3").await?;
        page.wait_for_text("#position", "3").await?;
        page.open("/replay").await?;
        for (name, bytes, words) in &cases {
            let path = folder.join(name);
            std::fs::write(&path, bytes)?;
            choose(page, &path).await?;
            let said = page.wait_for_text("#replay-error", words).await?;
            ensure!(said.contains(name), "the message names the file: {said}");
            // Nothing was replaced: still the page to choose a file.
            page.wait_for("#replay-drop").await?;
        }
        Ok(())
    })
    .await?;
    let _ = std::fs::remove_dir_all(&folder);
    Ok(())
}

/// A fresh folder under the system's temp dir.
fn tempfile_dir(what: &str) -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("reactor-lab-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// `GET path` from the server, as text.
async fn reqwest_text(server: &TestServer, path: &str) -> Result<String> {
    let answer = ws_support::get(server.addr(), path, &[]).await?;
    ensure!(answer.status == 200, "{path} answered {}", answer.status);
    Ok(String::from_utf8(answer.body)?)
}

/// A lecture of two scenarios: views by step, and a lesson stage.
const LECTURE: &str = r#"{"format":"reactor-lab-lecture","version":1,"room":"TESTROOM","moves":[
  {"at_ms":0,"kind":"load","scenario":"tcp_read"},
  {"at_ms":150,"kind":"view","step":5},
  {"at_ms":300,"kind":"view","step":12},
  {"at_ms":450,"kind":"load","scenario":"timers"},
  {"at_ms":600,"kind":"view","step":7}
]}"#;

#[tokio::test]
async fn a_lecture_plays_its_moves_one_at_a_time_and_at_its_pace() -> Result<()> {
    let server = TestServer::start().await?;
    let folder = tempfile_dir("lecture")?;
    let path = folder.join("lecture-TESTROOM.reactor-lab-lecture.json");
    std::fs::write(&path, LECTURE)?;
    with_browser(&server, async |page| {
        page.open("/replay").await?;
        choose(page, &path).await?;
        page.wait_for_text("#lecture-position", "move 1 of 5")
            .await?;
        page.wait_for_text("#position", "step 0 of").await?;
        let next = async || -> Result<()> {
            page.wait_for("#lecture-next")
                .await?
                .click()
                .await
                .map_err(Into::into)
        };
        next().await?;
        page.wait_for_text("#lecture-position", "move 2 of 5 · 0:00 of 0:00")
            .await?;
        page.wait_for_text("#position", "step 5 of").await?;
        next().await?;
        page.wait_for_text("#position", "step 12 of").await?;
        next().await?;
        page.wait_for_text("#lecture-position", "move 4 of 5")
            .await?;
        page.wait_for_text("#scenario-picker", "").await?;
        let picked = page
            .eval("return document.querySelector('#scenario-picker').value")
            .await?;
        ensure!(
            picked == "timers",
            "the lecture's second scenario is shown: {picked}"
        );
        page.wait_for_text("#position", "step 0 of").await?;
        next().await?;
        page.wait_for_text("#position", "step 7 of").await?;
        // Back to the first scenario, then at its pace to the end.
        for _ in 0..4 {
            page.wait_for("#lecture-prev").await?.click().await?;
        }
        page.wait_for_text("#lecture-position", "move 1 of 5")
            .await?;
        page.wait_for("#lecture-play").await?.click().await?;
        page.wait_for_text("#lecture-position", "move 5 of 5")
            .await?;
        page.wait_for_text("#position", "step 7 of").await?;
        page.wait_for_text("#lecture-play", "Play at its pace")
            .await?;
        Ok(())
    })
    .await?;
    let _ = std::fs::remove_dir_all(&folder);
    Ok(())
}

#[tokio::test]
async fn a_presenters_saved_lecture_replays_what_the_class_saw() -> Result<()> {
    let server = TestServer::start().await?;
    let folder = tempfile_dir("saved-lecture")?;
    let mut saved = None;
    with_browser(&server, async |page| {
        page.open("/scenario/tcp_read").await?;
        page.wait_for_text("#position", "step 0 of").await?;
        page.wait_for("#present-btn").await?.click().await?;
        page.wait_for("#room-code").await?;
        for _ in 0..3 {
            page.wait_for("#step-btn").await?.click().await?;
        }
        page.wait_for_text("#position", "step 3 of").await?;
        page.wait_for("#scenario-picker").await?;
        page.eval("const s = document.querySelector('#scenario-picker'); s.value = 'timers'; s.dispatchEvent(new Event('change'))").await?;
        page.wait_for_text("#position", "step 0 of 109").await?;
        for _ in 0..2 {
            page.wait_for("#step-btn").await?.click().await?;
        }
        page.wait_for_text("#position", "step 2 of").await?;
        page.wait_for("#save-lecture").await?.click().await?;
        saved = Some(downloaded(page, ".reactor-lab-lecture.json").await?);
        Ok(())
    })
    .await?;
    let (name, text) = saved.context("the lecture")?;
    let path = folder.join(&name);
    std::fs::write(&path, &text)?;
    with_browser(&server, async |page| {
        page.open("/replay").await?;
        choose(page, &path).await?;
        page.wait_for_text("#lecture-position", "move 1 of").await?;
        let picked = async || -> Result<String> {
            let value = page
                .eval("return document.querySelector('#scenario-picker').value")
                .await?;
            Ok(value.as_str().unwrap_or_default().to_string())
        };
        page.wait_for_text("#position", "step 0 of 44").await?;
        ensure!(
            picked().await? == "tcp_read",
            "the lecture opens on the first scenario"
        );
        // Move by move to the last: the presenter's last place, on timers.
        page.wait_for("#lecture-play").await?.click().await?;
        eventually_within(
            Duration::from_secs(60),
            "the lecture's last move",
            || async {
                let bar = page.wait_for("#lecture-position").await?.text().await?;
                let mut numbers = bar.split(' ').filter_map(|word| word.parse::<usize>().ok());
                Ok(
                    matches!((numbers.next(), numbers.next()), (Some(at), Some(of)) if at == of)
                        .then_some(()),
                )
            },
        )
        .await?;
        page.wait_for_text("#position", "step 2 of 109").await?;
        ensure!(
            picked().await? == "timers",
            "the lecture ends on the second scenario"
        );
        Ok(())
    })
    .await?;
    let _ = std::fs::remove_dir_all(&folder);
    Ok(())
}
