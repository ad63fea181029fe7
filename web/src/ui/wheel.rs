//! The hierarchical timer wheel as a 6×64 grid: occupied slots lit, the
//! current slot of each level marked, inserts and cascades flashed.
//!
//! ```text
//!  level 0 (1 ms/slot)     ▮▯▯▯▯▯▯▯ … 64 slots
//!  level 1 (64 ms/slot)    ▯▯▯▯▯▯▯▮ …
//!  …
//!  level 5                 ▯▯▯▯▯▯▯▯ …
//! ```

use leptos::html::Div;
use leptos::prelude::*;
use reactor_protocol::{Event, LevelView};

use super::context::use_player;
use crate::format::{human_ms, occupied, slot_title};

/// Levels in the engine's wheel (Tokio's layout: 6 levels).
const LEVELS: u32 = 6;
/// Slots per level (64, so a level's occupancy fits one `u64` bitmap).
const SLOTS: u32 = 64;

/// The header's tooltip: why the two instants differ.
const WHEEL_TIMES_TITLE: &str = "Next expiration: the start of the first slot holding a timer. \
The loop parks until then (Tokio's time driver does), because that is when the wheel has work: \
fire the slot's timers, or move them down to a finer level. \
Earliest deadline: when the first timer is really due. \
A timer on a coarse level (a 1 s sleep sits in a 64 ms slot starting at 960 ms) \
makes the next expiration come first.";

/// A slot the current record touches, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark {
    level: u32,
    slot: u32,
    class: &'static str,
}

fn marks(event: &Event) -> Vec<Mark> {
    match *event {
        Event::TimerInsert { level, slot, .. } => vec![Mark {
            level,
            slot,
            class: "inserted",
        }],
        Event::TimerCascade {
            from_level,
            from_slot,
            to_level,
            to_slot,
            ..
        } => vec![
            Mark {
                level: from_level,
                slot: from_slot,
                class: "cascade-from",
            },
            Mark {
                level: to_level,
                slot: to_slot,
                class: "cascade-to",
            },
        ],
        _ => Vec::new(),
    }
}

/// `#wheel`: the grid, and a line describing the hovered slot.
#[component]
pub fn Wheel() -> impl IntoView {
    let player = use_player();
    let hovered = RwSignal::new(None::<(u32, u32)>);
    let marked = Memo::new(move |_| {
        player
            .current
            .with(|r| r.as_ref().map(|r| marks(&r.event)).unwrap_or_default())
    });
    let times = move || {
        player.state.with(|s| {
            s.as_ref().map_or((None, None), |s| {
                (s.wheel.next_expiration_ms, s.wheel.earliest_deadline_ms)
            })
        })
    };
    let next = move || times().0;
    let earliest = move || times().1;
    let detail = move || {
        let (level, slot) = hovered.get()?;
        player.state.with(|s| {
            let level = s.as_ref()?.wheel.levels.iter().find(|l| l.level == level)?;
            Some(slot_title(level, slot))
        })
    };
    view! {
        <div class="panel wheel-panel">
            <h2>"Timer wheel " <small class="wheel-times" title=WHEEL_TIMES_TITLE>
                <span id="wheel-next" data-ms=move || next().map(|ms| ms.to_string())>
                    {move || next().map_or("no timer filed".to_string(), |ms| format!("next expiration {ms} ms"))}
                </span>
                <span id="wheel-earliest" data-ms=move || earliest().map(|ms| ms.to_string())>
                    {move || earliest().map(|ms| format!(" · earliest deadline {ms} ms")).unwrap_or_default()}
                </span>
            </small></h2>
            <div id="wheel" class="wheel" role="grid" aria-label="Timer wheel: 6 levels of 64 slots" on:mouseleave=move |_| hovered.set(None)>
                <SlotNumbers />
                {(0..LEVELS).map(|level| view! { <LevelRow level hovered marked /> }).collect_view()}
            </div>
            <p class="legend wheel-legend">
                <span><span class="slot key occupied" aria-hidden="true"></span>"holds timers"</span>
                <span><span class="slot key current" aria-hidden="true"></span>"the level's current slot"</span>
                <span><span class="slot key" data-mark="cascade-from" aria-hidden="true"></span>"timers moving down a level"</span>
            </p>
            <p id="wheel-detail" class="wheel-detail">{move || detail().unwrap_or_else(|| "Hover a slot (or Tab to one with timers) to see its timers.".into())}</p>
        </div>
    }
}

/// The slots' numbers over the grid: every eighth, so they stay legible.
#[component]
fn SlotNumbers() -> impl IntoView {
    view! {
        <div class="level slot-numbers" role="row" aria-hidden="true">
            <span class="level-name">"slot"</span>
            {(0..SLOTS).map(|slot| view! {
                <span class="slot-number">{slot.is_multiple_of(8).then(|| slot.to_string())}</span>
            }).collect_view()}
        </div>
    }
}

/// What one slot shows at a step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct SlotLook {
    occupied: bool,
    current: bool,
    /// How the current record touches the slot (`inserted`, `cascade-from`, ...).
    mark: Option<&'static str>,
    /// The tooltip, for a slot holding timers.
    title: Option<String>,
}

fn looks_of(level: u32, view: Option<&LevelView>, marked: &[Mark]) -> Vec<SlotLook> {
    (0..SLOTS)
        .map(|slot| {
            let occupied = view.is_some_and(|l| occupied(l, slot));
            SlotLook {
                occupied,
                current: view.is_some_and(|l| l.current_slot == slot),
                mark: marked
                    .iter()
                    .find(|m| m.level == level && m.slot == slot)
                    .map(|m| m.class),
                title: view.filter(|_| occupied).map(|l| slot_title(l, slot)),
            }
        })
        .collect()
}

/// One level's row. Its 64 cells are drawn once; each step one effect for
/// the whole row works out what every cell shows and touches only the cells
/// that changed. (A reactive closure per attribute per cell made 2,300
/// subscribers that every step had to check, two milliseconds of a key
/// press on `crowd`, for the one or two cells a step changes.)
#[component]
fn LevelRow(
    level: u32,
    hovered: RwSignal<Option<(u32, u32)>>,
    marked: Memo<Vec<Mark>>,
) -> impl IntoView {
    let player = use_player();
    let view_of = Memo::new(move |_| {
        player.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.wheel.levels.iter().find(|l| l.level == level).cloned())
        })
    });
    let row = NodeRef::<Div>::new();
    Effect::new(move |drawn: Option<Vec<SlotLook>>| {
        let looks =
            view_of.with(|view| marked.with(|marked| looks_of(level, view.as_ref(), marked)));
        let Some(row) = row.get() else {
            return drawn.unwrap_or_default();
        };
        let cells = row.children();
        for (index, look) in looks.iter().enumerate() {
            let unchanged = drawn.as_ref().and_then(|drawn| drawn.get(index)) == Some(look);
            // The row's first child names the level; the slots follow it.
            if let (false, Some(cell)) = (unchanged, cells.item(index as u32 + 1)) {
                draw(&cell, look);
            }
        }
        looks
    });
    let slot_ms =
        move || view_of.with(|l| l.as_ref().map_or(String::new(), |l| human_ms(l.slot_ms)));
    view! {
        <div class="level" role="row" data-level-row=level.to_string() node_ref=row>
            <span class="level-name" role="rowheader" title="slot width">{format!("L{level} ")} <small>{slot_ms}</small></span>
            {(0..SLOTS).map(|slot| view! {
                <span
                    class="slot"
                    role="gridcell"
                    data-level=level.to_string()
                    data-slot=slot.to_string()
                    data-occupied="false"
                    on:mouseenter=move |_| hovered.set(Some((level, slot)))
                    on:focus=move |_| hovered.set(Some((level, slot)))
                    on:blur=move |_| hovered.set(None)
                ></span>
            }).collect_view()}
        </div>
    }
}

/// Show `look` on a slot's cell. Slots with timers are reachable by Tab
/// too, and their tooltip lists the timers.
fn draw(cell: &web_sys::Element, look: &SlotLook) {
    let set = |name: &str, value: Option<&str>| {
        let _ = match value {
            Some(value) => cell.set_attribute(name, value),
            None => cell.remove_attribute(name),
        };
    };
    set(
        "data-occupied",
        Some(if look.occupied { "true" } else { "false" }),
    );
    set("data-current", look.current.then_some("true"));
    set("data-mark", look.mark);
    set("title", look.title.as_deref());
    set("tabindex", look.occupied.then_some("0"));
    let classes = cell.class_list();
    let _ = classes.toggle_with_force("occupied", look.occupied);
    let _ = classes.toggle_with_force("current", look.current);
}
