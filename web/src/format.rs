//! Small pure helpers for the panels: source excerpts, the event log's
//! visible window, wheel slot lookups.

use std::ops::Range;

use reactor_protocol::{LevelView, TimerView};

/// Lines shown above and below the current source line.
pub const SOURCE_CONTEXT: u32 = 3;

/// The lines `line - radius ..= line + radius` of `text` (1-based), with their numbers.
pub fn excerpt(text: &str, line: u32, radius: u32) -> Vec<(u32, &str)> {
    let first = line.saturating_sub(radius).max(1);
    let last = line.saturating_add(radius);
    text.lines()
        .enumerate()
        .map(|(i, text)| (i as u32 + 1, text))
        .skip_while(|(n, _)| *n < first)
        .take_while(|(n, _)| *n <= last)
        .collect()
}

/// Rows drawn beyond the visible ones, so fast scrolling shows no gap.
pub const OVERSCAN_ROWS: usize = 8;

/// The rows of a virtualised list to draw: those visible in a viewport of
/// `viewport_px` scrolled to `scroll_px`, plus [`OVERSCAN_ROWS`] each side.
pub fn visible_rows(total: usize, row_px: f64, scroll_px: f64, viewport_px: f64) -> Range<usize> {
    if total == 0 || row_px <= 0.0 {
        return 0..0;
    }
    let first = (scroll_px.max(0.0) / row_px) as usize;
    let count = (viewport_px.max(0.0) / row_px).ceil() as usize;
    let start = first.saturating_sub(OVERSCAN_ROWS).min(total);
    let end = (first + count + OVERSCAN_ROWS).min(total);
    start..end
}

/// The scroll offset that brings row `index` into a viewport, or `None` if
/// it is visible. A row gone past the bottom lands a third of the way down,
/// one gone past the top two thirds down: stepping on then moves through the
/// rows in view, and the list scrolls once every few steps, not at each.
pub fn scroll_to_show(index: usize, row_px: f64, scroll_px: f64, viewport_px: f64) -> Option<f64> {
    let top = index as f64 * row_px;
    let lead = (viewport_px / row_px / 3.0).floor() * row_px;
    if top < scroll_px {
        Some((top + row_px + lead - viewport_px).max(0.0))
    } else if top + row_px > scroll_px + viewport_px {
        Some((top - lead).max(0.0))
    } else {
        None
    }
}

/// A duration for people, from whole milliseconds, without float formatting:
/// `1 ms`, `64 ms`, `4 s`, `4 min`, `4 h`, `12 d`.
pub fn human_ms(ms: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "min"),
        (1_000, "s"),
    ];
    for (size, unit) in UNITS {
        if ms >= size {
            return format!("{} {unit}", ms / size);
        }
    }
    format!("{ms} ms")
}

/// Whether `slot` of `level` holds a timer, from the occupancy bitmap.
pub fn occupied(level: &LevelView, slot: u32) -> bool {
    slot < 64 && level.occupied & (1u64 << slot) != 0
}

/// The timers filed in `slot` of `level`.
pub fn timers_in(level: &LevelView, slot: u32) -> &[TimerView] {
    level
        .slots
        .iter()
        .find(|s| s.slot == slot)
        .map_or(&[], |s| &s.timers)
}

/// A tooltip for a slot: one line per timer.
pub fn slot_title(level: &LevelView, slot: u32) -> String {
    let head = format!(
        "level {} slot {slot} ({} ms per slot)",
        level.level, level.slot_ms
    );
    let timers = timers_in(level, slot);
    if timers.is_empty() {
        return head;
    }
    let lines: Vec<String> = timers
        .iter()
        .map(|t| format!("timer {} → task #{} at {} ms", t.id, t.task, t.deadline_ms))
        .collect();
    format!("{head}\n{}", lines.join("\n"))
}

/// A count with thousands separated by commas, as in "5,797".
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactor_protocol::SlotView;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human_ms(1), "1 ms");
        assert_eq!(human_ms(64), "64 ms");
        assert_eq!(human_ms(4096), "4 s");
        assert_eq!(human_ms(262_144), "4 min");
        assert_eq!(human_ms(16_777_216), "4 h");
        assert_eq!(human_ms(1_073_741_824), "12 d");
    }

    #[test]
    fn excerpts_stop_at_the_file_edges() {
        let text = "a\nb\nc\nd\ne";
        assert_eq!(excerpt(text, 1, 1), [(1, "a"), (2, "b")]);
        assert_eq!(excerpt(text, 3, 1), [(2, "b"), (3, "c"), (4, "d")]);
        assert_eq!(
            excerpt(text, 5, 3),
            [(2, "b"), (3, "c"), (4, "d"), (5, "e")]
        );
        assert!(excerpt(text, 40, 3).is_empty());
    }

    #[test]
    fn only_the_visible_rows_of_5000_are_drawn() {
        let rows = visible_rows(5000, 20.0, 40_000.0, 300.0);
        assert_eq!(rows, 1992..2023);
        assert!(rows.len() < 40);
        assert_eq!(visible_rows(5000, 20.0, 0.0, 300.0), 0..23);
        assert_eq!(visible_rows(3, 20.0, 0.0, 300.0), 0..3);
        assert_eq!(visible_rows(0, 20.0, 0.0, 300.0), 0..0);
    }

    #[test]
    fn scrolling_follows_the_current_row() {
        assert_eq!(scroll_to_show(0, 20.0, 0.0, 100.0), None);
        // Five rows in view, so a row comes back one row from an edge.
        assert_eq!(scroll_to_show(10, 20.0, 0.0, 100.0), Some(180.0));
        assert_eq!(scroll_to_show(20, 20.0, 500.0, 100.0), Some(340.0));
        assert_eq!(scroll_to_show(2, 20.0, 100.0, 100.0), Some(0.0));
        // After the scroll, the next rows need none.
        for next in 11..=13 {
            assert_eq!(scroll_to_show(next, 20.0, 180.0, 100.0), None);
        }
        assert_eq!(scroll_to_show(14, 20.0, 180.0, 100.0), Some(260.0));
    }

    #[test]
    fn slots_read_the_bitmap_and_entries() {
        let level = LevelView {
            level: 1,
            slot_ms: 64,
            current_slot: 0,
            occupied: 1 << 15,
            slots: vec![SlotView {
                slot: 15,
                timers: vec![TimerView {
                    id: 0,
                    task: 1,
                    deadline_ms: 1000,
                }],
            }],
        };
        assert!(occupied(&level, 15));
        assert!(!occupied(&level, 14));
        assert!(!occupied(&level, 64));
        assert_eq!(timers_in(&level, 15).len(), 1);
        assert!(slot_title(&level, 15).contains("timer 0 → task #1 at 1000 ms"));
    }

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(5_797), "5,797");
        assert_eq!(count(1_234_567), "1,234,567");
    }
}
