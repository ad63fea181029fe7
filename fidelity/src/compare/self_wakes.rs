//! Tokio's self-wakes (see the parent module's docs): finding them, and the
//! [`Comparison`] report that says which parks were left out and why.

use std::fmt;

use super::{AT_ONCE_MS, TOLERANCE_MS};
use crate::observed::{Park, Woken};

/// One park [`compare`](super::compare) left out, and the park that made it redundant.
#[derive(Clone, Debug, PartialEq)]
pub struct LeftOut {
    /// Its index among its side's parks.
    pub index: usize,
    /// The park left out.
    pub park: Park,
    /// The park right after it, kept, which asks for the same instant.
    pub next: Park,
}

/// What a successful [`compare`](super::compare) left out, per side; its `Display` is the
/// report (`Tokio (paused clock): 4 parks, 1 self-wake left out (#0) …`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    /// The two sides' names.
    pub names: (String, String),
    /// How many parks each side had, before leaving any out.
    pub parks: (usize, usize),
    /// The self-wakes left out of each side.
    pub self_wakes: (Vec<LeftOut>, Vec<LeftOut>),
}

impl Comparison {
    /// Indices of the parks left out, per side.
    pub fn left_out_indices(&self) -> (Vec<usize>, Vec<usize>) {
        let indices = |list: &[LeftOut]| list.iter().map(|left| left.index).collect();
        (indices(&self.self_wakes.0), indices(&self.self_wakes.1))
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sides = [
            (&self.names.0, self.parks.0, &self.self_wakes.0),
            (&self.names.1, self.parks.1, &self.self_wakes.1),
        ];
        let summary: Vec<String> = sides
            .iter()
            .map(|(name, parks, left)| {
                let indices: Vec<String> = left.iter().map(|l| format!("#{}", l.index)).collect();
                match left.len() {
                    0 => format!("{name}: {parks} parks, no self-wake"),
                    n => format!(
                        "{name}: {parks} parks, {n} self-wake{} left out ({})",
                        if n == 1 { "" } else { "s" },
                        indices.join(", ")
                    ),
                }
            })
            .collect();
        write!(f, "{}", summary.join("; "))?;
        for (name, _, left) in sides {
            for left in left {
                write!(f, "\n  left out: {name} {}", describe(left))?;
            }
        }
        Ok(())
    }
}

/// `#0 (strace line 95) 0.208 → 960.208, lasted 0.007 ms, only Tokio's
/// waker event, written by the runtime thread itself; next #1 (strace line
/// 96) asks 960.365`.
fn describe(left: &LeftOut) -> String {
    let LeftOut { index, park, next } = left;
    let lasted = park
        .lasted_ms
        .map_or_else(String::new, |ms| format!(", lasted {ms:.3} ms"));
    let inferred = if park.asked_inferred {
        " (asked instant inferred from the next park: the paused clock hides it)"
    } else {
        ""
    };
    format!(
        "#{index} ({}) {:.3} → {}{lasted}, only Tokio's waker event, \
         written by the runtime thread itself; next #{} ({}) asks {}{inferred}",
        park.origin,
        park.at_ms,
        park.asked_text(),
        index + 1,
        next.origin,
        next.asked_text(),
    )
}

/// Whether `park` ended the way a self-wake does: a timed wait that came
/// back with only Tokio's waker event, which the runtime thread had
/// written itself, at once. (Whether the next park asks for the same
/// instant is [`self_wakes`]' part.)
pub fn ended_like_a_self_wake(park: &Park) -> bool {
    park.woken == Woken::OwnWaker
        && park.self_unparked
        && park.asked_ms.is_some_and(|asked| asked > park.at_ms)
        && park.lasted_ms.is_some_and(|ms| ms <= AT_ONCE_MS)
}

/// Indices of the self-wakes among `parks` (see the module docs): parks
/// that [`ended_like_a_self_wake`] and whose next park is kept and asks
/// for the same instant. Decided from the last park back, so a dropped
/// park is always followed by a kept one.
pub fn self_wakes(parks: &[Park]) -> Vec<usize> {
    let mut left_out = vec![false; parks.len()];
    for index in (0..parks.len()).rev() {
        let park = &parks[index];
        let next_kept = parks.get(index + 1).filter(|_| !left_out[index + 1]);
        left_out[index] =
            ended_like_a_self_wake(park) && next_kept.is_some_and(|next| same_instant(park, next));
    }
    (0..parks.len()).filter(|&index| left_out[index]).collect()
}

/// Both timed, instants within [`TOLERANCE_MS`].
fn same_instant(park: &Park, next: &Park) -> bool {
    matches!((park.asked_ms, next.asked_ms), (Some(a), Some(b)) if (a - b).abs() <= TOLERANCE_MS)
}

/// `parks` without the self-wakes, and the self-wakes.
pub(super) fn without_self_wakes(parks: &[Park]) -> (Vec<Park>, Vec<LeftOut>) {
    let indices = self_wakes(parks);
    let left: Vec<LeftOut> = indices
        .iter()
        .map(|&index| LeftOut {
            index,
            park: parks[index].clone(),
            next: parks[index + 1].clone(),
        })
        .collect();
    let kept = parks
        .iter()
        .enumerate()
        .filter(|(index, _)| !indices.contains(index))
        .map(|(_, park)| park.clone())
        .collect();
    (kept, left)
}
