//! The four parts of the runtime as an SVG, the acting part lit and the
//! arrow it uses animated.
//!
//! ```text
//!   ┌ Futures ┐ ─register/waker─▶ ┌ Reactor ─┐ ─park───▶ ┌ OS ┐
//!   └─────────┘                   │ I/O, ◷   │ ◀─events─ └────┘
//!      ▲ poll                     └──────────┘
//!   ┌ Executor ┐ ◀───────wake─────────┘
//!   └──────────┘
//! ```

use leptos::prelude::*;
use reactor_protocol::Snapshot;

use super::context::use_player;
use crate::explain::{Arrow, Part, acting};

/// Where each part sits: x, y, width, height in the 720×290 view box.
fn frame(part: Part) -> (u32, u32, u32, u32) {
    match part {
        Part::Futures => (10, 40, 170, 80),
        Part::Reactor => (280, 40, 180, 110),
        Part::Os => (545, 40, 170, 80),
        Part::Executor => (10, 200, 170, 80),
    }
}

fn title(part: Part) -> &'static str {
    match part {
        Part::Futures => "Futures / tasks",
        Part::Reactor => "Reactor",
        Part::Os => "OS events (epoll)",
        Part::Executor => "Executor",
    }
}

/// A one-line count under each part's title, from the snapshot.
fn detail(part: Part, state: Option<&Snapshot>) -> String {
    let Some(state) = state else {
        return String::new();
    };
    match part {
        Part::Futures => plural(state.tasks.len(), "task"),
        Part::Reactor => {
            let timers: usize = state
                .wheel
                .levels
                .iter()
                .map(|l| l.occupied.count_ones() as usize)
                .sum();
            format!("{} I/O · {timers} timer slots", state.registrations.len())
        }
        Part::Os => match &state.park {
            Some(park) => park.timeout_ms.map_or("parked, no timeout".into(), |ms| {
                format!("parked ≤ {ms} ms")
            }),
            None => "not parked".into(),
        },
        Part::Executor => format!("run queue: {}", state.run_queue.len()),
    }
}

/// `1 task`, `2 tasks`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The path and label position of each arrow.
fn geometry(arrow: Arrow) -> (&'static str, (u32, u32), &'static str) {
    match arrow {
        Arrow::FuturesToReactor => ("M180,70 L278,70", (229, 62), "register · waker"),
        Arrow::FuturesToOs => (
            "M95,40 C95,8 630,8 630,38",
            (365, 31),
            "non-blocking syscall",
        ),
        Arrow::ReactorToOs => ("M460,65 L543,65", (502, 57), "park"),
        Arrow::OsToReactor => ("M545,100 L462,100", (503, 116), "events"),
        Arrow::ReactorToExecutor => ("M370,150 L370,240 L182,240", (385, 200), "wake"),
        Arrow::ExecutorToFutures => ("M95,200 L95,122", (72, 165), "poll"),
        Arrow::InsideWheel => (
            "M430,128 m-12,0 a12,12 0 1,0 24,0 a12,12 0 1,0 -24,0",
            (430, 110),
            "wheel",
        ),
    }
}

/// The diagram.
#[component]
pub fn Diagram() -> impl IntoView {
    let player = use_player();
    let acts = Memo::new(move |_| {
        player
            .current
            .with(|r| r.as_ref().map(|r| acting(&r.event)))
    });
    view! {
        <svg id="diagram" class="diagram" viewBox="0 0 720 290" role="img" aria-label="The runtime's four parts and the arrows between them">
            <defs>
                <marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="arrow-head"></path>
                </marker>
            </defs>
            {Arrow::ALL.into_iter().map(|arrow| view! { <ArrowPath arrow acts /> }).collect_view()}
            {Part::ALL.into_iter().map(|part| view! { <PartBox part acts /> }).collect_view()}
        </svg>
    }
}

#[component]
fn PartBox(part: Part, acts: Memo<Option<(Part, Option<Arrow>)>>) -> impl IntoView {
    let player = use_player();
    let (x, y, width, height) = frame(part);
    let active = move || acts.with(|a| a.is_some_and(|(p, _)| p == part));
    view! {
        <g data-part=part.id() data-active=move || active().then_some("true") class="part" class:active=active>
            <rect x=x y=y width=width height=height rx="10"></rect>
            <text x=x + 12 y=y + 26 class="part-title">{title(part)}</text>
            <text x=x + 12 y=y + 50 class="part-detail">
                {move || player.state.with(|s| detail(part, s.as_deref()))}
            </text>
        </g>
    }
}

#[component]
fn ArrowPath(arrow: Arrow, acts: Memo<Option<(Part, Option<Arrow>)>>) -> impl IntoView {
    let (path, (label_x, label_y), label) = geometry(arrow);
    let active = move || acts.with(|a| a.is_some_and(|(_, used)| used == Some(arrow)));
    let marker = (arrow != Arrow::InsideWheel).then_some("url(#head)");
    view! {
        <g data-arrow=arrow.id() data-active=move || active().then_some("true") class="arrow" class:active=active>
            <path d=path marker-end=marker></path>
            <text x=label_x y=label_y class="arrow-label" text-anchor="middle">{label}</text>
        </g>
    }
}
