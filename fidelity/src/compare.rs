//! Match two [`Observed`] one to one, and show where they part.
//!
//! - **Parks**: same count; the i-th parks both wait forever, or ask for
//!   instants at most [`TOLERANCE_MS`] apart (zero-timeout parks on a real
//!   clock may also lag by [`THREAD_LAG_MS`]).
//! - **Socket calls**: same calls, same order, same outcomes.
//! - **Registrations**: same count, same order, same readable/writable interest.
//!
//! On a mismatch the error is a side-by-side table of the whole sequence,
//! diverging rows marked `✗`, so a developer sees where the two part and
//! what each side did around it.
//!
//! # Self-wakes: the one park [`compare`] leaves out
//!
//! Tokio's time driver unparks its own I/O driver when a timer is filed
//! earlier than the wake it promised (`Handle::reregister` in
//! `tokio/src/runtime/time/mod.rs`: `unpark.unpark()` when `next_wake` is
//! `None` or later than the new timer), which writes to the eventfd behind
//! its waker. The next `epoll_wait` therefore comes back at once with only
//! the waker's event, and the loop parks again for the same instant:
//! `0 → 960` (cut short), `0 → 960`, `960 → 1000`. The engine computes its
//! park timeout after the tasks have run, so it never needs that round
//! trip, and does not model it.
//!
//! [`self_wakes`] finds such parks, precisely: a timed park that came back
//! with **only** Tokio's waker event ([`crate::observed::Woken::OwnWaker`]: never one with a
//! socket event), that the runtime thread had **itself** unparked (a write
//! to the eventfd since the previous park), that **returned at once**
//! (lasted at most [`AT_ONCE_MS`]), and whose **next park is kept and asks
//! for the same instant** (within [`TOLERANCE_MS`]). [`compare`] leaves
//! them out of the one-to-one match and reports them, count and indices,
//! in its [`Comparison`] (and in the error, on a mismatch).
//! [`compare_parks`] leaves nothing out: the validation tests use it to
//! hold Tokio's two clocks to the same parks, self-wakes included.

mod self_wakes;

use self_wakes::without_self_wakes;
pub use self_wakes::{Comparison, LeftOut, ended_like_a_self_wake, self_wakes};

use crate::observed::{IoCall, Observed, Park, Registration};

/// How far apart two asked instants may be and still match, in ms.
///
/// Tokio rounds every deadline up to the next whole millisecond of a real
/// clock that started a fraction of a millisecond before the program's
/// first poll, and it parks a fraction of a millisecond after the wake
/// that got it there; the engine's virtual clock (like Tokio's paused
/// clock) is exact. One millisecond of rounding plus a fraction of one
/// stays within two.
pub const TOLERANCE_MS: f64 = 2.0;

/// How much later than [`TOLERANCE_MS`] allows a zero-timeout park read
/// off a real clock may come, in ms.
///
/// A zero-timeout park has no deadline behind it: it happens when the
/// thread gets there after a wake, and the real clock shows the thread's
/// lag. On a loaded two-core machine, with every traced syscall stopping
/// for strace, that lag reaches a few ms (and Tokio's wake itself is for a
/// deadline rounded up by up to 1 ms). Timed parks get no such leeway:
/// their asked instant is Tokio's own arithmetic, lag or not.
pub const THREAD_LAG_MS: f64 = 5.0;

/// Longest a wait may last and still count as "returned at once", in ms.
///
/// A self-unparked wait finds the eventfd already readable, so the kernel
/// returns at once: strace's `-T` shows a few µs; the paused clock shows
/// no jump at all. 1 ms leaves room for a loaded machine and still tells
/// such a wait from any timed park the suite makes (the shortest asks for
/// 1 ms).
pub const AT_ONCE_MS: f64 = 1.0;

/// Compare everything, self-wakes left out of the parks (see the module
/// docs); `Ok` reports what was left out, `Err` holds that report and one
/// table per part that differs.
pub fn compare(left: (&str, &Observed), right: (&str, &Observed)) -> Result<Comparison, String> {
    let names = (left.0, right.0);
    let (left_parks, left_out) = without_self_wakes(&left.1.parks);
    let (right_parks, right_out) = without_self_wakes(&right.1.parks);
    let comparison = Comparison {
        names: (names.0.to_string(), names.1.to_string()),
        parks: (left.1.parks.len(), right.1.parks.len()),
        self_wakes: (left_out, right_out),
    };
    let problems: Vec<String> = [
        compare_parks(names, &left_parks, &right_parks).err(),
        compare_io(names, &left.1.io, &right.1.io).err(),
        compare_registrations(names, &left.1.registrations, &right.1.registrations).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if problems.is_empty() {
        return Ok(comparison);
    }
    let mut report = comparison.to_string();
    if !(comparison.self_wakes.0.is_empty() && comparison.self_wakes.1.is_empty()) {
        report.push_str("\n(the park rows below leave those out; \"where\" names each park)");
    }
    Err(format!("{report}\n{}", problems.join("\n")))
}

/// Whether two parks match: both forever, or instants within the
/// tolerance (plus [`THREAD_LAG_MS`] for two zero-timeout parks, one of
/// them read off a real clock).
pub fn parks_match(left: &Park, right: &Park) -> bool {
    let lag = if left.is_zero() && right.is_zero() && (left.real_clock || right.real_clock) {
        THREAD_LAG_MS
    } else {
        0.0
    };
    match (left.asked_ms, right.asked_ms) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() <= TOLERANCE_MS + lag,
        _ => false,
    }
}

/// Compare the park sequences.
pub fn compare_parks(names: (&str, &str), left: &[Park], right: &[Park]) -> Result<(), String> {
    let rows = paired(left, right, parks_match, |l, r| {
        let [l_wait, l_source] = park_cells(l);
        let [r_wait, r_source] = park_cells(r);
        let delta = match (l.and_then(|p| p.asked_ms), r.and_then(|p| p.asked_ms)) {
            (Some(a), Some(b)) => format!("{:+.3}", b - a),
            _ => String::new(),
        };
        vec![l_wait, l_source, r_wait, r_source, delta]
    });
    verdict(
        "parks (parked at → asked instant, ms)",
        names,
        &["parked → asked", "where", "parked → asked", "where", "Δ ms"],
        rows,
        (left.len(), right.len()),
    )
}

/// Compare the accept/read sequences.
pub fn compare_io(names: (&str, &str), left: &[IoCall], right: &[IoCall]) -> Result<(), String> {
    let same = |a: &IoCall, b: &IoCall| a.op == b.op && a.outcome == b.outcome;
    let rows = paired(left, right, same, |l, r| {
        let cell = |call: Option<&IoCall>| {
            call.map_or(["—".into(), String::new()], |call| {
                [call.to_string(), call.origin.clone()]
            })
        };
        let [l_call, l_source] = cell(l);
        let [r_call, r_source] = cell(r);
        vec![l_call, l_source, r_call, r_source]
    });
    verdict(
        "socket calls",
        names,
        &["call", "where", "call", "where"],
        rows,
        (left.len(), right.len()),
    )
}

/// Compare the registration sequences.
pub fn compare_registrations(
    names: (&str, &str),
    left: &[Registration],
    right: &[Registration],
) -> Result<(), String> {
    let same =
        |a: &Registration, b: &Registration| (a.readable, a.writable) == (b.readable, b.writable);
    let rows = paired(left, right, same, |l, r| {
        let cell = |reg: Option<&Registration>| {
            reg.map_or(["—".into(), String::new()], |reg| {
                [reg.to_string(), reg.origin.clone()]
            })
        };
        let [l_reg, l_source] = cell(l);
        let [r_reg, r_source] = cell(r);
        vec![l_reg, l_source, r_reg, r_source]
    });
    verdict(
        "registrations",
        names,
        &["interest", "where", "interest", "where"],
        rows,
        (left.len(), right.len()),
    )
}

/// One side's parks as a table (for reports and failed assertions).
pub fn park_table(parks: &[Park]) -> String {
    let mut rows = vec![(
        true,
        ["#", "parked → asked", "where"].map(String::from).to_vec(),
    )];
    rows.extend(parks.iter().enumerate().map(|(index, park)| {
        let [wait, source] = park_cells(Some(park));
        (true, vec![index.to_string(), wait, source])
    }));
    render(&rows, usize::MAX)
}

/// The "parked → asked" and "where" cells of a park (or of none).
fn park_cells(park: Option<&Park>) -> [String; 2] {
    let Some(park) = park else {
        return ["—".to_string(), String::new()];
    };
    let wait = if park.is_zero() {
        format!("{:.3} → now", park.at_ms)
    } else {
        format!("{:.3} → {}", park.at_ms, park.asked_text())
    };
    let source = if park.note.is_empty() {
        park.origin.clone()
    } else {
        format!("{} ({})", park.origin, park.note)
    };
    [wait, source]
}

/// One row per index of the longer side: (matches, cells).
fn paired<T>(
    left: &[T],
    right: &[T],
    same: impl Fn(&T, &T) -> bool,
    cells: impl Fn(Option<&T>, Option<&T>) -> Vec<String>,
) -> Vec<(bool, Vec<String>)> {
    (0..left.len().max(right.len()))
        .map(|index| {
            let (l, r) = (left.get(index), right.get(index));
            let ok = matches!((l, r), (Some(a), Some(b)) if same(a, b));
            (ok, cells(l, r))
        })
        .collect()
}

fn verdict(
    what: &str,
    names: (&str, &str),
    headers: &[&str],
    rows: Vec<(bool, Vec<String>)>,
    lengths: (usize, usize),
) -> Result<(), String> {
    let Some(first) = rows.iter().position(|(ok, _)| !ok) else {
        return Ok(());
    };
    let half = headers.len() / 2;
    let mut header = vec!["#".to_string()];
    header.extend(headers.iter().map(|h| h.to_string()));
    let title = format!(
        "{what} differ from #{first}: {} has {}, {} has {} (tolerance {TOLERANCE_MS} ms, \
         +{THREAD_LAG_MS} ms for zero-timeout parks on a real clock)\n\
         columns: {} | {}\n",
        names.0, lengths.0, names.1, lengths.1, names.0, names.1
    );
    let mut table = vec![(true, header)];
    table.extend(rows.into_iter().enumerate().map(|(index, (ok, cells))| {
        let mut row = vec![index.to_string()];
        row.extend(cells);
        (ok, row)
    }));
    Err(title + &render(&table, half))
}

/// Columns padded to their widest cell; a `║` between the two sides.
fn render(rows: &[(bool, Vec<String>)], half: usize) -> String {
    let columns = rows.iter().map(|(_, cells)| cells.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            rows.iter()
                .filter_map(|(_, cells)| cells.get(column))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (ok, cells) in rows {
        out.push_str(if *ok { "  " } else { "✗ " });
        for (column, cell) in cells.iter().enumerate() {
            let separator = match column {
                0 => "",
                c if c == half.saturating_add(1) => " ║ ",
                _ => " │ ",
            };
            out.push_str(separator);
            out.push_str(cell);
            let pad = widths[column].saturating_sub(cell.chars().count());
            out.push_str(&" ".repeat(pad));
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
