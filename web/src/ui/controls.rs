//! Step controls: restart, back, step, next turn, play/pause, speed,
//! predict mode (or, presenting a room, "Ask the class"), scrub.

use std::time::Duration;

use leptos::prelude::*;

use super::context::{Scenarios, drivable, use_player};
use super::keyboard::{perform, take_over};
use super::poll::AskTheClass;
use super::predict::{PredictBar, PredictToggle};
use crate::format::count;
use crate::history::History;
use crate::keys::Action;
use crate::player::{Player, SPEEDS};
use crate::room::{Classroom, Role};

/// The control bar.
#[component]
pub fn Controls() -> impl IntoView {
    let player = use_player();
    let recorded = move || player.history.with(History::len);
    let total = move || player.history.with(History::total);
    let at_start = move || player.position.get() == 0;
    let scenarios = expect_context::<Scenarios>();
    let classroom = use_context::<Classroom>();
    let act = move |action| perform(player, classroom, action);
    // An unknown scenario has no engine behind it: stepping would wait forever.
    let stuck = move || !drivable(player, scenarios);
    let scrub = scrubber(player);
    let no_next = move || player.at_end() || stuck();
    let presenting =
        move || classroom.is_some_and(|c| matches!(c.role.get(), Role::Presenting { .. }));
    view! {
        <nav id="controls" class="controls" aria-label="Step controls">
            <button id="restart-btn" title="Restart (Home)" on:click=move |_| act(Action::Restart) disabled=at_start>
                "↺ Restart"
            </button>
            <button id="back-btn" title="Back one record (←)" on:click=move |_| act(Action::Back) disabled=at_start>
                "◀ Back"
            </button>
            <button id="step-btn" class="primary" title="Step to the next record (→ or Space)" on:click=move |_| act(Action::Step) disabled=no_next>
                "Step ▶"
            </button>
            <button id="turn-btn" title="To the end of this turn (Shift+→)" on:click=move |_| act(Action::NextTurn) disabled=no_next>
                "Next turn ▶▶"
            </button>
            <button
                id="play-btn"
                title="Play or pause (P)"
                aria-pressed=move || player.playing.get().to_string()
                on:click=move |_| act(Action::PlayPause)
                disabled=stuck
            >
                {move || if player.playing.get() { "Pause" } else { "Play" }}
            </button>
            <SpeedPicker />
            // Predict mode is one learner's; a presenter asks the class.
            {move || if presenting() {
                view! { <AskTheClass /> }.into_any()
            } else {
                view! { <PredictToggle /> }.into_any()
            }}
            <label class="scrub">
                <span class="visually-hidden">"Scrub through the whole run"</span>
                <input
                    id="scrub"
                    type="range"
                    min="0"
                    max=move || total().to_string()
                    prop:value=move || player.position.get().to_string()
                    aria-label="Scrub through the whole run"
                    aria-valuetext=move || position_label(player.position.get(), total())
                    on:input=move |ev| {
                        if let Ok(position) = event_target_value(&ev).parse::<usize>() {
                            take_over(player, classroom);
                            scrub(position);
                        }
                    }
                />
            </label>
            <span
                id="position"
                data-step=move || player.position.get().to_string()
                data-recorded=move || recorded().to_string()
                data-total=move || total().to_string()
                data-done=move || player.history.with(History::is_done).to_string()
                data-busy=move || player.busy.get().to_string()
            >
                {move || position_label(player.position.get(), total())}
                {move || if player.at_end() { " (the end)" } else { "" }}
            </span>
            <span id="busy-note" class="busy-note" hidden=move || !player.busy.get()>
                "running the engine…"
            </span>
            <PredictBar />
        </nav>
    }
}

/// Where the scrub bar goes: the position it is dragged to is shown in a
/// task of its own, right after the input event's, and only the latest of
/// the positions that came meanwhile. Chromium fires a dragged range
/// input's events as a frame starts, just before drawing it, so updating
/// the panels there put their script and then the whole page's style,
/// layout and paint into one task: on `crowd`, 20 ms and more of each for
/// a far jump, over the 50 ms a task may take. Apart, each half is a task
/// of its own, and a fast drag shows only the position it reached.
fn scrubber(player: Player) -> impl Fn(usize) + Copy + Send + Sync + 'static {
    let wanted = StoredValue::new(None::<usize>);
    move |position| {
        let waiting = wanted.get_value().is_some();
        wanted.set_value(Some(position));
        if waiting {
            return; // the task already waiting shows it
        }
        set_timeout(
            move || {
                // `try_`: the controls may be gone (the page left) by now.
                if let Some(Some(position)) = wanted.try_update_value(Option::take) {
                    player.goto(position);
                }
            },
            Duration::ZERO,
        );
    }
}

/// "step 12 of 5,797".
fn position_label(position: usize, total: usize) -> String {
    format!("step {} of {}", count(position), count(total))
}

/// Records per second while playing.
#[component]
fn SpeedPicker() -> impl IntoView {
    let player = use_player();
    view! {
        <label class="speed">
            "Speed "
            <select id="speed" aria-label="Play speed" on:change=move |ev| {
                if let Ok(speed) = event_target_value(&ev).parse::<u32>() {
                    player.speed.set(speed);
                }
            }>
                {SPEEDS.iter().map(|&speed| view! {
                    <option value=speed.to_string() selected=move || player.speed.get() == speed>
                        {format!("{speed}/s")}
                    </option>
                }).collect_view()}
            </select>
        </label>
    }
}
