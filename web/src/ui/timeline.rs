//! The whole run at a glance: one lane per kind of mark (parks, OS events,
//! timer fires, wakes, errors) over every record of the run, its turns as
//! alternating bands, the open lesson's stages as numbered ticks, and where
//! the player is. Hovering says what is under the pointer (a park's wait,
//! say); a click jumps there.
//!
//! ```text
//!  parks       │ ▮        ▮      ▮                      ▮ │
//!  OS events   │   ▮                 ▮                    │
//!  timer fires │          ▮▮▮▮▮▮▮▮▮▮▮▮▮▮▮                 │
//!  wakes       │ ▮ ▮      ▮▮▮▮▮▮▮▮▮▮▮▮▮▮▮ ▮         ▮     │
//!  errors      │                                          │
//!  stages      │ 1   2  3     4          5                │
//!              └ record 0 ────────── ▲ position ── last ──┘
//! ```
//!
//! It reads only the run's [`Outline`], which the server sends with
//! `loaded`: the whole run is drawn before any of it is fetched.

use leptos::prelude::*;
use reactor_protocol::{MarkKind, Outline};
use std::fmt::Write;
use std::sync::Arc;
use wasm_bindgen::JsCast;

use super::context::use_player;
use super::keyboard::take_over;
use crate::format::count;
use crate::lesson::LessonState;
use crate::room::Classroom;

/// The drawing's width in SVG units; it stretches to the page's width.
const WIDTH: f64 = 1000.0;
/// One lane's height in SVG units (CSS pixels at the default size).
const LANE: f64 = 12.0;

/// The timeline of the loaded run; empty until its outline comes.
#[component]
pub fn Timeline() -> impl IntoView {
    let player = use_player();
    let classroom = use_context::<Classroom>();
    let lessons = expect_context::<LessonState>();
    let outline = Memo::new(move |_| player.history.with(|h| h.outline().cloned()));
    let has_stages = move || lessons.lesson.with(Option::is_some);
    let hovered = RwSignal::new(None::<String>);
    let jump = move |ev: leptos::ev::MouseEvent| {
        let Some((outline, position, _)) = pointed(&ev, outline) else {
            return;
        };
        take_over(player, classroom);
        player.goto(position.min(outline.records as usize));
    };
    let hover = move |ev: leptos::ev::MouseEvent| {
        hovered
            .set(pointed(&ev, outline).map(|(o, position, slack)| describe(&o, position, slack)));
    };
    view! {
        <figure id="timeline" class="timeline" hidden=move || outline.with(Option::is_none)>
            <figcaption class="visually-hidden">{move || outline.get().map(|o| summary(&o))}</figcaption>
            <div class="timeline-labels" aria-hidden="true">
                {MarkKind::ALL.iter().map(|&kind| view! { <span>{label(kind)}</span> }).collect_view()}
                <Show when=has_stages>
                    <span>"stages"</span>
                </Show>
            </div>
            <div
                class="timeline-plot"
                on:click=jump
                on:mousemove=hover
                on:mouseleave=move |_| hovered.set(None)
            >
                {move || outline.get().map(|outline| view! { <Lanes outline /> })}
                <Show when=has_stages>
                    <Stages />
                </Show>
                <div
                    id="timeline-cursor"
                    class="timeline-cursor"
                    style:left=move || {
                        let total = outline.with(|o| o.as_ref().map_or(1, |o| o.records.max(1)));
                        format!("{:.3}%", player.position.get() as f64 * 100.0 / total as f64)
                    }
                ></div>
            </div>
            <div></div>
            <div id="timeline-readout" class="timeline-readout">
                {move || hovered.get().unwrap_or_else(|| "Click the timeline to jump anywhere in the run.".into())}
            </div>
        </figure>
    }
}

/// The outline, the position under the pointer, and how many records one
/// pixel spans there.
fn pointed(
    ev: &leptos::ev::MouseEvent,
    outline: Memo<Option<Arc<Outline>>>,
) -> Option<(Arc<Outline>, usize, usize)> {
    let outline = outline.get_untracked()?;
    let target = ev
        .current_target()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()?;
    let width = f64::from(target.offset_width().max(1));
    let fraction = (f64::from(ev.offset_x()) / width).clamp(0.0, 1.0);
    let records = outline.records as f64;
    let position = (fraction * records).round() as usize;
    let slack = (records / width).ceil() as usize * 3;
    Some((outline, position, slack))
}

/// What is at `position` of the run: its record, turn, and the nearest
/// park within `slack` records, with how long it waited.
fn describe(outline: &Outline, position: usize, slack: usize) -> String {
    let seq = position.saturating_sub(1) as u64;
    let turn = outline
        .turns
        .partition_point(|&start| start <= seq)
        .saturating_sub(1);
    let mut text = format!(
        "step {} of {} · turn {}",
        count(position),
        count(outline.records as usize),
        count(turn)
    );
    let park = outline
        .marks
        .iter()
        .filter(|m| m.kind == MarkKind::Park && m.seq.abs_diff(seq) <= slack as u64)
        .min_by_key(|m| m.seq.abs_diff(seq));
    if let Some(park) = park {
        let _ = write!(
            text,
            " · park at record {}: waited {} ms",
            count(park.seq as usize),
            park.waited_ms.unwrap_or(0)
        );
    }
    text
}

/// The five lanes of marks, drawn once per outline.
#[component]
fn Lanes(outline: Arc<Outline>) -> impl IntoView {
    let total = outline.records.max(1) as f64;
    let x = move |seq: u64| (seq as f64 + 0.5) * WIDTH / total;
    let height = LANE * MarkKind::ALL.len() as f64;
    let lanes = MarkKind::ALL.iter().enumerate().map(|(row, &kind)| {
        let marks = || outline.marks.iter().filter(move |m| m.kind == kind);
        let top = row as f64 * LANE + 2.0;
        let count = marks().count();
        // Parks are few and each says how long it waited; the other lanes
        // can hold thousands of marks, drawn as one path.
        let body = if kind == MarkKind::Park {
            marks()
                .map(|mark| {
                    let waited = mark.waited_ms.unwrap_or(0);
                    view! {
                        <rect
                            data-seq=mark.seq.to_string()
                            data-waited-ms=waited.to_string()
                            x=format!("{:.2}", x(mark.seq) - 1.5)
                            y=top.to_string()
                            width="3"
                            height=(LANE - 4.0).to_string()
                        ></rect>
                    }
                })
                .collect_view()
                .into_any()
        } else {
            let mut path = String::new();
            for mark in marks() {
                let _ = write!(path, "M{:.2} {top}v{}", x(mark.seq), LANE - 4.0);
            }
            view! { <path d=path></path> }.into_any()
        };
        view! {
            <g data-lane=kind.name() data-count=count.to_string() class=format!("lane lane-{}", kind.name())>
                {body}
            </g>
        }
    });
    let mut bands = String::new();
    for pair in outline.turns.chunks(2) {
        let start = pair[0];
        let end = pair.get(1).copied().unwrap_or(outline.records);
        let _ = write!(
            bands,
            "M{:.2} 0H{:.2}V{height}H{:.2}Z",
            x(start) - 0.5 * WIDTH / total,
            x(end) - 0.5 * WIDTH / total,
            x(start) - 0.5 * WIDTH / total
        );
    }
    view! {
        <svg
            class="timeline-lanes"
            viewBox=format!("0 0 {WIDTH} {height}")
            preserveAspectRatio="none"
            aria-hidden="true"
        >
            <path class="timeline-turns" d=bands></path>
            {lanes.collect_view()}
        </svg>
    }
}

/// The open lesson's stages, numbered, where each one's record is.
#[component]
fn Stages() -> impl IntoView {
    let player = use_player();
    let lessons = expect_context::<LessonState>();
    let ticks = move || {
        let total = player.history.with(|h| h.total()).max(1) as f64;
        let lesson = lessons.lesson.get()?;
        let ticks = lesson.stages.iter().enumerate().filter_map(move |(index, stage)| {
            let seq = stage.seq?;
            let left = format!("{:.3}%", (seq as f64 + 1.0) * 100.0 / total);
            Some(view! {
                <span class="timeline-stage" data-stage=(index + 1).to_string() style:left=left title=stage.title.clone()>
                    {(index + 1).to_string()}
                </span>
            })
        });
        Some(ticks.collect_view())
    };
    view! { <div class="timeline-stages">{ticks}</div> }
}

fn label(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::Park => "parks",
        MarkKind::OsEvent => "OS events",
        MarkKind::TimerFire => "timer fires",
        MarkKind::Wake => "wakes",
        MarkKind::Error => "errors",
    }
}

/// The timeline in words, for screen readers.
fn summary(outline: &Outline) -> String {
    let mut text = format!(
        "The whole run: {} records in {} turns;",
        count(outline.records as usize),
        count(outline.turns.len())
    );
    for kind in MarkKind::ALL {
        let marks = outline.marks.iter().filter(|m| m.kind == kind).count();
        let _ = write!(text, " {} {},", count(marks), label(kind));
    }
    text.pop();
    text.push('.');
    text
}
