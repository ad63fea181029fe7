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

/// Where each part sits: x, y, width, height in the [`VIEW_BOX`]. The
/// gaps between parts leave room for the arrows' labels at presenter size.
fn frame(part: Part) -> (u32, u32, u32, u32) {
    match part {
        Part::Futures => (10, 50, 175, 85),
        Part::Reactor => (275, 50, 195, 125),
        Part::Os => (545, 50, 165, 85),
        Part::Executor => (10, 210, 190, 85),
    }
}

/// The diagram's coordinate system: 720 wide, 300 high.
const VIEW_BOX: &str = "0 0 720 300";

fn title(part: Part) -> &'static str {
    match part {
        Part::Futures => "Futures",
        Part::Reactor => "Reactor",
        Part::Os => "OS (epoll)",
        Part::Executor => "Executor",
    }
}

/// Up to two short lines under each part's title, from the snapshot: short
/// enough to stay inside the part's box at presenter size.
fn detail(part: Part, state: Option<&Snapshot>) -> [String; 2] {
    let Some(state) = state else {
        return Default::default();
    };
    match part {
        Part::Futures => [plural(state.tasks.len(), "task"), String::new()],
        Part::Reactor => {
            let timers: usize = state
                .wheel
                .levels
                .iter()
                .flat_map(|level| &level.slots)
                .map(|slot| slot.timers.len())
                .sum();
            [
                plural(state.registrations.len(), "I/O source"),
                plural(timers, "timer"),
            ]
        }
        Part::Os => match &state.park {
            Some(park) => [
                "parked".into(),
                park.timeout_ms
                    .map_or("no timeout".into(), |ms| format!("≤ {ms} ms")),
            ],
            None => ["not parked".into(), String::new()],
        },
        // A pool has no one run queue: its queues have a panel of their own (`ui::pool`).
        Part::Executor => match &state.pool {
            Some(pool) => [plural(pool.workers.len(), "worker"), String::new()],
            None => [
                format!("run queue: {}", state.run_queue.len()),
                String::new(),
            ],
        },
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

/// The path of each arrow, where its label is centred, and the label's
/// lines (two where one line would not fit between the parts).
fn geometry(arrow: Arrow) -> (&'static str, (u32, u32), &'static [&'static str]) {
    match arrow {
        Arrow::FuturesToReactor => ("M185,85 L273,85", (229, 77), &["register", "waker"]),
        Arrow::FuturesToOs => (
            "M97,50 C97,10 628,10 628,48",
            (362, 41),
            &["non-blocking syscall"],
        ),
        Arrow::ReactorToOs => ("M470,75 L543,75", (507, 67), &["park"]),
        Arrow::OsToReactor => ("M545,115 L472,115", (508, 137), &["events"]),
        Arrow::ReactorToExecutor => ("M375,175 L375,252 L202,252", (402, 220), &["wake"]),
        Arrow::ExecutorToFutures => ("M97,210 L97,137", (62, 180), &["poll"]),
        Arrow::InsideWheel => (
            "M445,152 m-12,0 a12,12 0 1,0 24,0 a12,12 0 1,0 -24,0",
            (393, 160),
            &["wheel"],
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
        <svg id="diagram" class="diagram" viewBox=VIEW_BOX role="img" aria-label="The runtime's four parts and the arrows between them">
            <defs>
                <marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="arrow-head"></path>
                </marker>
            </defs>
            {Arrow::ALL.into_iter().map(|arrow| view! { <ArrowPath arrow acts /> }).collect_view()}
            {Part::ALL.into_iter().map(|part| view! { <PartBox part acts /> }).collect_view()}
        </svg>
        <p class="legend diagram-legend">
            <span><span class="key key-acting" aria-hidden="true"></span>"the part acting in this step"</span>
            <span><span class="key key-path" aria-hidden="true"></span>"the arrow it acts along"</span>
            <span class="pointed-key"><span class="key key-pointed" aria-hidden="true"></span>"what the lesson points at"</span>
        </p>
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
            <text x=x + 12 y=y + 28 class="part-title">{title(part)}</text>
            {(0..2).map(|line: usize| view! {
                <text x=x + 12 y=y + 55 + 24 * line as u32 class="part-detail">
                    {move || player.state.with(|s| detail(part, s.as_deref())[line].clone())}
                </text>
            }).collect_view()}
        </g>
    }
}

#[component]
fn ArrowPath(arrow: Arrow, acts: Memo<Option<(Part, Option<Arrow>)>>) -> impl IntoView {
    let (path, (label_x, label_y), lines) = geometry(arrow);
    let active = move || acts.with(|a| a.is_some_and(|(_, used)| used == Some(arrow)));
    let marker = (arrow != Arrow::InsideWheel).then_some("url(#head)");
    view! {
        <g data-arrow=arrow.id() data-active=move || active().then_some("true") class="arrow" class:active=active>
            <path d=path marker-end=marker></path>
            {lines.iter().enumerate().map(|(line, text)| view! {
                // A second line goes under the arrow, the first above it.
                <text x=label_x y=label_y + 26 * line as u32 class="arrow-label" text-anchor="middle">{*text}</text>
            }).collect_view()}
        </g>
    }
}
