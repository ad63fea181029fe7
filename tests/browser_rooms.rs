//! Classroom rooms in two real headless Chromium sessions: a
//! presenter steps, a follower's page shows the same step and narration, the
//! follower explores on its own and then follows again; and a late follower
//! of a long, compacted history.

use anyhow::{Result, ensure};
use reactor_e2e::rooms::{RoomSocket, create_room, room_server};
use reactor_e2e::{Page, TestServer, eventually, with_browser};
use reactor_server::RoomLimits;

/// The step shown, the records held and the narration of a page.
const PROBE: &str = r#"
const url = location.pathname + location.search;
const pos = document.querySelector('#position');
const ex = document.querySelector('#explanation');
const bar = document.querySelector('#room-bar');
return {
  step: pos ? +pos.dataset.step : null,
  recorded: pos ? +pos.dataset.recorded : null,
  busy: pos ? pos.dataset.busy === 'true' : null,
  narration: ex ? ex.innerText : null,
  role: bar ? bar.dataset.role : null,
  connected: document.querySelector('#connection')?.dataset.state === 'connected',
  followers: +(document.querySelector('#room-followers')?.dataset.count ?? -1),
  exploring: +(document.querySelector('#room-exploring')?.dataset.count ?? -1),
  ended: document.querySelector('#room-ended')?.innerText ?? null,
  problem: document.querySelector('#room-problem')?.innerText ?? null,
  url,
};
"#;

async fn probe(page: &Page) -> Result<serde_json::Value> {
    page.eval(PROBE).await
}

/// Step the presenter once and wait until it rests on the next step.
async fn step(page: &Page) -> Result<u64> {
    let before = probe(page).await?["step"].as_u64().unwrap_or(0);
    page.click("#step-btn").await?;
    let after = page
        .until(PROBE, "the presenter to step", |s| {
            s["step"].as_u64().is_some_and(|n| n > before) && s["busy"] == false
        })
        .await?;
    Ok(after["step"].as_u64().unwrap_or(0))
}

#[tokio::test]
async fn a_follower_sees_the_presenters_step_explores_and_follows_again() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |presenter| {
        presenter.open("/scenario/tcp_read").await?;
        presenter
            .wait_for("#connection[data-state='connected']")
            .await?;
        presenter.click("#present-btn").await?;
        let code = presenter
            .wait_for("#room-code[data-code]")
            .await?
            .attr("data-code")
            .await?;
        let code = code.unwrap_or_default();
        ensure!(code.len() == 8, "a room code: {code:?}");
        let link = presenter
            .wait_for_text("#room-link", &format!("/join/{code}"))
            .await?;
        for _ in 0..4 {
            step(presenter).await?;
        }
        // A reload goes on presenting the same room, at the same step.
        eventually("the address to show step 4", || async {
            let url = presenter
                .eval("return location.pathname + location.search")
                .await?;
            Ok((url == "/scenario/tcp_read?step=4").then_some(()))
        })
        .await?;
        presenter.client.refresh().await?;
        presenter
            .wait_for(&format!(
                "#room-bar[data-role='presenter'] #room-code[data-code='{code}']"
            ))
            .await?;
        presenter
            .until(PROBE, "the same step after the reload", |s| {
                s["step"] == 4 && s["connected"] == true && s["busy"] == false
            })
            .await?;

        with_browser(&server, async |follower| {
            follower.open(&format!("/join/{code}")).await?;
            follower
                .until(PROBE, "the follower bar", |s| s["role"] == "follower")
                .await?;
            presenter
                .until(PROBE, "one student counted", |s| s["followers"] == 1)
                .await?;
            let shown = probe(presenter).await?;
            let seen = follower
                .until(PROBE, "the presenter's step", |s| {
                    s["step"] == shown["step"]
                })
                .await?;
            ensure!(
                seen["narration"] == shown["narration"],
                "same narration: {seen} vs {shown}"
            );
            follower.screenshot("rooms-follower").await?;
            presenter.screenshot("rooms-presenter").await?;

            // Every later move of the presenter, stepping or going back, is followed.
            let at = step(presenter).await?;
            follower
                .until(PROBE, "the next step", |s| s["step"] == at)
                .await?;
            presenter.click("#back-btn").await?;
            follower
                .until(PROBE, "the step back", |s| s["step"] == at - 1)
                .await?;
            let shown = probe(presenter).await?;
            let seen = probe(follower).await?;
            ensure!(
                seen["narration"] == shown["narration"],
                "same narration after back"
            );

            // Explore on my own: a private session from here, own controls.
            follower.click("#explore-btn").await?;
            follower
                .until(PROBE, "a private session", |s| {
                    s["role"] == "explorer" && s["connected"] == true
                })
                .await?;
            follower.click("#step-btn").await?;
            follower.click("#step-btn").await?;
            follower
                .until(PROBE, "its own steps", |s| {
                    s["step"] == at + 1 && s["busy"] == false
                })
                .await?;
            ensure!(
                probe(presenter).await?["step"] == at - 1,
                "the presenter did not move"
            );

            // The presenter sees who explores, and brings them back.
            presenter
                .until(PROBE, "one student exploring", |s| {
                    s["exploring"] == 1 && s["followers"] == 0
                })
                .await?;
            presenter.screenshot("rooms-presenter-exploring").await?;
            presenter.click("#room-gather").await?;
            follower
                .until(PROBE, "the presenter's step again", |s| {
                    s["role"] == "follower" && s["step"] == at - 1
                })
                .await?;
            presenter
                .until(PROBE, "everyone following", |s| {
                    s["exploring"] == 0 && s["followers"] == 1
                })
                .await?;

            // Stepping while following is exploring too: the follower's own
            // step, on its own session, not a drift the presenter undoes.
            follower.click("#step-btn").await?;
            follower
                .until(PROBE, "a step of its own", |s| {
                    s["role"] == "explorer" && s["step"] == at && s["busy"] == false
                })
                .await?;
            follower.click("#follow-btn").await?;
            follower
                .until(PROBE, "the presenter's step once more", |s| {
                    s["role"] == "follower" && s["step"] == at - 1
                })
                .await?;
            // So is jumping to a record of the event log.
            follower.click(".log-row[data-seq='0']").await?;
            follower
                .until(PROBE, "the jump of its own", |s| {
                    s["role"] == "explorer" && s["step"] == 1 && s["busy"] == false
                })
                .await?;
            follower.click("#follow-btn").await?;
            follower
                .until(PROBE, "the presenter's step after the jump", |s| {
                    s["role"] == "follower" && s["step"] == at - 1
                })
                .await?;

            // A lesson: the follower gets the same stage and the same narration.
            presenter.click(".brand").await?;
            presenter
                .click("li[data-lesson='tcp-read'] a.lesson-link")
                .await?;
            presenter
                .wait_for_text("#lesson-progress", "stage 1 of")
                .await?;
            for _ in 0..2 {
                presenter.click("#lesson-next").await?;
                presenter
                    .until(PROBE, "the next stage", |s| s["busy"] == false)
                    .await?;
            }
            let progress = presenter
                .wait_for_text("#lesson-progress", "stage 3 of")
                .await?;
            let text = presenter.wait_for("#lesson-text").await?.text().await?;
            follower
                .wait_for_text("#lesson-progress", &progress)
                .await?;
            follower.wait_for_text("#lesson-text", &text).await?;
            let shown = probe(presenter).await?;
            follower
                .until(PROBE, "the lesson's step", |s| s["step"] == shown["step"])
                .await?;
            follower.screenshot("rooms-follower-lesson").await?;

            // The presenter ends the room; the follower is told.
            presenter.click("#room-end").await?;
            let ended = follower
                .until(PROBE, "the room-ended notice", |s| s["ended"].is_string())
                .await?;
            ensure!(
                ended["ended"]
                    .as_str()
                    .is_some_and(|t| t.contains("has ended")),
                "{ended}"
            );
            Ok(())
        })
        .await?;
        ensure!(link.contains(&code), "{link}");
        Ok(())
    })
    .await
}

/// A history far over its cap (so most of its snapshots were dropped)
/// still shows a late follower the presenter's step, and a move back into
/// the thinned stretch.
#[tokio::test]
async fn a_late_follower_of_a_thinned_history_shows_the_presenters_step() -> Result<()> {
    let limits = RoomLimits {
        history_bytes: 512 * 1024,
        ..RoomLimits::default()
    };
    let server = room_server(limits).await?;
    let room = create_room(server.addr()).await?;
    let mut presenter = RoomSocket::presenter(server.addr(), &room).await?;
    presenter
        .command(r#"{"cmd":"load","scenario":"crowd"}"#)
        .await?;
    // 300 actions: 300 snapshots of ~24 KB, several times the cap.
    let mut records = 0;
    for _ in 0..300 {
        let answer = presenter.command(r#"{"cmd":"step"}"#).await?;
        records += answer
            .iter()
            .filter(|raw| raw.starts_with(r#"{"type":"record""#))
            .count();
    }
    presenter
        .send(&format!(r#"{{"cmd":"view","step":{records}}}"#))
        .await?;
    with_browser(&server, async |follower| {
        follower.open(&format!("/join/{}", room.code)).await?;
        follower
            .until(PROBE, "the presenter's step, every record held", |s| {
                s["role"] == "follower" && s["step"] == records && s["recorded"] == records
            })
            .await?;
        let back = records / 3;
        presenter
            .send(&format!(r#"{{"cmd":"view","step":{back}}}"#))
            .await?;
        let seen = follower
            .until(PROBE, "the step back", |s| s["step"] == back)
            .await?;
        ensure!(
            seen["narration"].as_str().is_some_and(|n| !n.is_empty()),
            "a narration: {seen}"
        );
        let error = follower
            .eval("return document.querySelector('#error-text')?.innerText ?? null")
            .await?;
        ensure!(error.is_null(), "the follower shows an error: {error}");
        Ok(())
    })
    .await
}
