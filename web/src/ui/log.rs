//! The event log: every record recorded so far, the current one highlighted.
//! Only the rows in view are in the DOM, so 5,000 records stay fast.

use leptos::html::Div;
use leptos::prelude::*;

use super::context::use_player;
use reactor_protocol::Record;

use super::keyboard::take_over;
use super::keyed::{Item, keyed};
use crate::explain::summary;
use crate::format::{scroll_to_show, visible_rows};
use crate::history::History;
use crate::room::Classroom;

/// Height of one row in CSS pixels (matches `.log-row` in style.css).
const ROW_HEIGHT: usize = 22;
/// [`ROW_HEIGHT`] for scroll arithmetic.
const ROW_PX: f64 = ROW_HEIGHT as f64;
/// Viewport height assumed before the log is measured (12 rows).
const DEFAULT_VIEWPORT_PX: f64 = 264.0;

/// `#log`.
#[component]
pub fn EventLog() -> impl IntoView {
    let player = use_player();
    let classroom = use_context::<Classroom>();
    let scroller = NodeRef::<Div>::new();
    let scroll = RwSignal::new(0.0_f64);
    let viewport = move || {
        scroller
            .get_untracked()
            .map_or(DEFAULT_VIEWPORT_PX, |el| f64::from(el.client_height()))
    };
    let total = move || player.history.with(History::len);

    // Keep the current record in view. In the next animation frame: the
    // records that came with this position may also have made the log longer,
    // and the browser cannot scroll past the spacer's old height. A newer
    // position, or the log going away, cancels the frame's scroll.
    Effect::new(move |_| {
        let Some(index) = player.position.get().checked_sub(1) else {
            return;
        };
        let frame = request_animation_frame_with_handle(move || {
            let Some(el) = scroller.get_untracked() else {
                return;
            };
            let top = f64::from(el.scroll_top());
            if let Some(top) = scroll_to_show(index, ROW_PX, top, viewport()) {
                el.set_scroll_top(top as i32);
                scroll.set(top);
            }
        });
        if let Ok(frame) = frame {
            on_cleanup(move || frame.cancel());
        }
    });

    // The rows in view, keyed by record: moving through the history only
    // changes which row is current; scrolling adds and drops rows at the
    // edges; a row is redrawn only if its record was replaced (a replay
    // after reconnecting that came out differently).
    let in_view = move || {
        let range = visible_rows(total(), ROW_PX, scroll.get(), viewport());
        player
            .history
            .with(|h| h.records()[range].iter().map(row_of).collect())
    };
    let row = move |row: Item| {
        let index = row.id as usize;
        let current = move || player.position.get() == index + 1;
        let ahead = move || player.position.get() <= index;
        let kind = player
            .history
            .with_untracked(|h| h.records().get(index).map(|r| r.event.kind_name()));
        let title = row.text.clone();
        view! {
            <button
                class="log-row"
                class:current=current
                class:ahead=ahead
                data-seq=index.to_string()
                data-kind=kind
                aria-current=move || current().then_some("step")
                title=title
                style=format!("top: {}px", index * ROW_HEIGHT)
                on:click=move |_| {
                    take_over(player, classroom);
                    player.goto(index + 1);
                }
            >
                {row.text}
            </button>
        }
        .into_any()
    };
    view! {
        <section class="panel log-panel secondary" aria-label="Event log">
            <h2>"Event log " <small>{move || format!("{} records", total())}</small></h2>
            <div
                id="log"
                class="log"
                node_ref=scroller
                data-records=move || total().to_string()
                on:scroll=move |_| {
                    if let Some(el) = scroller.get_untracked() {
                        scroll.set(f64::from(el.scroll_top()));
                    }
                }
            >
                <div class="log-spacer" style=move || format!("height: {}px", total() * ROW_HEIGHT)>
                    {keyed(in_view, row)}
                </div>
            </div>
        </section>
    }
}

/// A log row: the record's `seq`, and its line (what the row shows).
fn row_of(record: &Record) -> Item {
    let text = format!(
        "#{:<4} t{:<3} {:>6} ms  {}",
        record.seq,
        record.turn,
        record.time_ms,
        summary(&record.event)
    );
    Item::text(record.seq, text)
}
