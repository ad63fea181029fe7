//! The virtual clock, the park state, and the tasks' console output.

use leptos::prelude::*;

use super::context::use_player;
use super::keyed::{Item, keyed};

/// What "parked" covers, for the park line's tooltip.
const PARK_TITLE: &str = "The loop's park: from its park record, through the wait in the OS, \
until the events the wait brought back have been dispatched.";

/// Time, turn and whether the driver is parked (with its timeout).
#[component]
pub fn Clock() -> impl IntoView {
    let player = use_player();
    // The current record says when it happened; the snapshot is taken after its action.
    let time = move || match player.current.with(|r| r.as_ref().map(|r| r.time_ms)) {
        Some(ms) => ms,
        None => player.state.with(|s| s.as_ref().map_or(0, |s| s.time_ms)),
    };
    let turn = move || match player.current.with(|r| r.as_ref().map(|r| r.turn)) {
        Some(turn) => turn,
        None => player.state.with(|s| s.as_ref().map_or(0, |s| s.turn)),
    };
    // The park in force, by the protocol's one rule (`Park::after`): from
    // the `park` record until the events its wait brought back are dispatched.
    let parked = move || {
        player
            .state
            .with(|s| s.as_ref().and_then(|s| s.park.clone()))
    };
    let timeout = move || parked().and_then(|p| p.timeout_ms).map(|ms| ms.to_string());
    // "parked", not "in the OS": the park also covers its events' dispatch.
    let park_text = move || match parked() {
        None => "running (not parked)".to_string(),
        Some(park) => match park.timeout_ms {
            Some(ms) => format!("parked, timeout {ms} ms"),
            None => "parked, no timeout (I/O only)".to_string(),
        },
    };
    view! {
        <div class="panel clock">
            <h2>"Clock"</h2>
            <p id="clock" data-time=move || time().to_string() data-turn=move || turn().to_string()>
                <span class="big">{move || format!("{} ms", time())}</span>
                {move || format!(" · turn {}", turn())}
            </p>
            <p id="park" title=PARK_TITLE data-parked=move || parked().is_some().to_string() data-timeout=timeout>
                {park_text}
            </p>
        </div>
    }
}

/// Lines the tasks printed.
#[component]
pub fn Console() -> impl IntoView {
    let player = use_player();
    // Lines are only ever added: keyed by place, old lines stay drawn.
    let lines = move || {
        player.state.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.console
                        .iter()
                        .enumerate()
                        .map(|(i, line)| Item::text(i, line))
                        .collect()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="panel console-panel">
            <h2>"Console"</h2>
            <pre id="console">
                {keyed(lines, |line| view! { <div class="line">{line.text}</div> }.into_any())}
            </pre>
        </div>
    }
}
