//! The event log: every record recorded so far, the current one highlighted.
//! Only the rows in view are in the DOM, so 5,000 records stay fast.

use leptos::html::Div;
use leptos::prelude::*;

use super::context::use_player;
use reactor_protocol::{BLOCK_ON_THREAD, Record};

use super::keyboard::take_over;
use super::keyed::{Item, keyed};
use crate::explain::{Moment, explain, main_task, summary};
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
    // Where the log is scrolled to, as the rows in view are computed from it.
    let scroll = RwSignal::new(0.0_f64);
    // The log's height (fixed by the stylesheet, 264 px, but presenter mode or
    // a zoom may change it): measured when the log appears and on a window
    // resize, never while a step updates the page, where reading it would
    // force a layout of the whole page.
    let viewport_px = RwSignal::new(DEFAULT_VIEWPORT_PX);
    let viewport = move || viewport_px.get();
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            let height = f64::from(el.client_height());
            if height > 0.0 && height != viewport_px.get_untracked() {
                viewport_px.set(height);
            }
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            request_animation_frame(measure);
        }
    });
    let resized = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resized.remove());
    let total = move || player.history.with(History::len);
    // The row under the pointer or the keyboard focus, read out below the log.
    let hovered = RwSignal::new(None::<usize>);
    let hover = move |index: Option<usize>| {
        if index.is_some() && index != hovered.get_untracked() {
            hovered.set(index);
        }
    };

    // Keep the current record in view. The rows in view follow at once, in
    // the same update as the step. The log's own scroll bar follows once the
    // next frame is drawn: setting it makes the browser lay the page out
    // first, which is free then and costs the frame a full layout before it
    // (the records that came with this position may also have made the log
    // longer, and it cannot scroll past the spacer's old height). Until then
    // the old rows are still drawn (a page is 7 rows, the rows drawn beyond
    // the view 8). A newer position cancels the frame's scroll.
    let scrolling_to = StoredValue::new(None::<i32>);
    Effect::new(move |_| {
        let Some(index) = player.position.get().checked_sub(1) else {
            return;
        };
        let (top, height) = (scroll.get_untracked(), viewport_px.get_untracked());
        let Some(top) = scroll_to_show(index, ROW_PX, top, height) else {
            return;
        };
        scroll.set(top);
        let frame = request_animation_frame_with_handle(move || {
            set_timeout(
                move || {
                    // `try_`: the log may be gone (the page left) by now.
                    let current = scroll.try_get_untracked() == Some(top);
                    let el = scroller.try_get_untracked().flatten().filter(|_| current);
                    // Reading the scroll bar is free here, the page laid out.
                    if let Some(el) = el.filter(|el| el.scroll_top() != top as i32) {
                        scrolling_to.try_set_value(Some(top as i32));
                        el.set_scroll_top(top as i32);
                    }
                },
                std::time::Duration::ZERO,
            );
        });
        if let Ok(frame) = frame {
            on_cleanup(move || frame.cancel());
        }
    });

    // The rows in view, keyed by record: moving through the history only
    // changes which row is current; scrolling adds and drops rows at the
    // edges; a row is redrawn only if its record was replaced (a replay
    // after reconnecting that came out differently).
    // A row not shown yet is a different item (its id carries `AHEAD`), so
    // a step redraws the one row it passes; which row is current is read
    // through a selector, so a step wakes only the two rows it concerns.
    // (With every row watching the position, each step made each row leave
    // and rejoin the position's subscribers: most of a step's cost.)
    let current = Selector::new(move || player.position.get());
    // A multi-thread run's rows name the thread that acted.
    let pooled = super::pool::pooled(player);
    let in_view = move || {
        let range = visible_rows(total(), ROW_PX, scroll.get(), viewport());
        let position = player.position.get();
        let pooled = pooled.get();
        player.history.with(|h| {
            (h.records()[range].iter())
                .map(|record| row_of(record, position, pooled))
                .collect()
        })
    };
    let row = move |row: Item| {
        let index = (row.id & !AHEAD) as usize;
        let ahead = row.id & AHEAD != 0;
        let selector = current.clone();
        let current = move || selector.selected(&(index + 1));
        let is_current = current.clone();
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
                aria-current=move || is_current().then_some("step")
                title=title
                style=format!("top: {}px", index * ROW_HEIGHT)
            >
                {row.text}
            </button>
        }
        .into_any()
    };
    view! {
        <section class="panel log-panel secondary" aria-label="Event log">
            <h2>"Event log " <small>{move || format!("{} records", total())}</small></h2>
            <div class="log-head" aria-hidden="true">{move || if pooled.get() { POOL_HEADINGS } else { LOG_HEADINGS }}</div>
            <div
                id="log"
                class="log"
                node_ref=scroller
                data-records=move || total().to_string()
                // The rows' events, handled here for all of them: a row comes
                // and goes with every scroll and jump, and a listener on each
                // would be added and removed as often.
                on:click=move |ev| {
                    if let Some(index) = row_index(&ev) {
                        take_over(player, classroom);
                        player.goto(index + 1);
                    }
                }
                on:mouseover=move |ev| hover(row_index(&ev))
                on:focusin=move |ev| hover(row_index(&ev))
                on:mouseleave=move |_| hovered.set(None)
                on:scroll=move |_| {
                    // Our own scroll: `scroll` already says where (reading
                    // it back could force a layout in front of a frame).
                    if scrolling_to.get_value().is_some() {
                        scrolling_to.set_value(None);
                    } else if let Some(el) = scroller.get_untracked() {
                        scroll.set(f64::from(el.scroll_top()));
                    }
                }
            >
                <div class="log-spacer" style=move || format!("height: {}px", total() * ROW_HEIGHT)>
                    {keyed(in_view, row)}
                </div>
            </div>
            <p id="log-detail" class="log-detail" aria-live="polite">
                {move || match hovered.get() {
                    Some(index) => player.history.with(|h| record_detail(h, index)),
                    None => "Hover over a row, or Tab to it, to read what it says; click it to go there.".into(),
                }}
            </p>
        </section>
    }
}

/// What the record at `index` says, as the explanation would say it at its
/// own step (the state its action left, not the one on screen), and its
/// fields.
fn record_detail(history: &History, index: usize) -> String {
    let Some(record) = history.records().get(index) else {
        return String::new();
    };
    let state = history.state_at(index + 1);
    let moment = Moment {
        state: state.as_deref(),
        main: main_task(history.records()),
    };
    format!(
        "#{} · turn {} · {} ms · {} · {}:{}\n{}",
        record.seq,
        record.turn,
        record.time_ms,
        summary(&record.event),
        record.source.file,
        record.source.line,
        explain(record, moment)
    )
}

/// The record index of the log row an event happened in, if any.
fn row_index(ev: &web_sys::Event) -> Option<usize> {
    use wasm_bindgen::JsCast;
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let row = target.closest(".log-row").ok()??;
    row.get_attribute("data-seq")?.parse().ok()
}

/// The log's column headings, over the columns [`row_of`] writes.
const LOG_HEADINGS: &str = "seq   turn      time  what happened";
/// [`LOG_HEADINGS`] of a multi-thread run, whose rows name the thread.
const POOL_HEADINGS: &str = "seq   turn      time  thread    what happened";

/// Set in a row's item id when its record is not shown yet at the position.
const AHEAD: u64 = 1 << 63;

/// A log row: the record's `seq` (with [`AHEAD`] if not shown yet at
/// `position`), and its line (what the row shows; in a `pooled` run, with
/// the thread that acted: `w2`, `block_on`).
fn row_of(record: &Record, position: usize, pooled: bool) -> Item {
    let thread = match record.worker {
        _ if !pooled => String::new(),
        BLOCK_ON_THREAD => format!("{:<10}", "block_on"),
        worker => format!("{:<10}", format!("w{worker}")),
    };
    let text = format!(
        "#{:<4} t{:<3} {:>6} ms  {thread}{}",
        record.seq,
        record.turn,
        record.time_ms,
        summary(&record.event)
    );
    let ahead = if record.seq >= position as u64 {
        AHEAD
    } else {
        0
    };
    Item::text(record.seq | ahead, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactor_protocol::{Event, Source};

    /// A `poll` record.
    fn poll(seq: u64, turn: u64, time_ms: u64) -> Record {
        Record {
            seq,
            turn,
            worker: 0,
            time_ms,
            event: Event::Poll { task: 7 },
            source: Source {
                file: "engine/src/runtime/poll.rs".into(),
                line: 1,
            },
            span: None,
        }
    }

    #[test]
    fn the_headings_stand_over_their_columns() {
        let row = row_of(&poll(1234, 56, 123_456), 0, false).text;
        let column = |text: &str, needle: &str| text.find(needle).unwrap();
        assert_eq!(column(&row, "#1234"), column(LOG_HEADINGS, "seq"));
        assert_eq!(column(&row, "t56"), column(LOG_HEADINGS, "turn"));
        // Times are right-aligned: the unit ends under the heading's end.
        assert_eq!(
            column(&row, " ms") + " ms".len(),
            column(LOG_HEADINGS, "time") + "time".len()
        );
        assert_eq!(
            column(&row, "ms  ") + "ms  ".len(),
            column(LOG_HEADINGS, "what")
        );
        let pooled = |worker| {
            let record = Record {
                worker,
                ..poll(1234, 56, 123_456)
            };
            row_of(&record, 0, true).text
        };
        for (worker, tag) in [(2, "w2"), (BLOCK_ON_THREAD, "block_on")] {
            let row = pooled(worker);
            assert_eq!(column(&row, tag), column(POOL_HEADINGS, "thread"), "{row}");
            assert_eq!(column(&row, "poll"), column(POOL_HEADINGS, "what"), "{row}");
        }
    }

    #[test]
    fn a_row_not_shown_yet_is_another_item() {
        let record = poll(5, 0, 0);
        assert_eq!(
            row_of(&record, 5, false).id,
            5 | AHEAD,
            "record 5 is ahead at position 5"
        );
        assert_eq!(row_of(&record, 6, false).id, 5, "and shown at position 6");
        assert_eq!(
            row_of(&record, 5, false).text,
            row_of(&record, 6, false).text
        );
    }
}
