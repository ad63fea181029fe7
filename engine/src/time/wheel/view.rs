//! The wheel as plain data for the browser: [`WheelView`].

use reactor_protocol::{LevelView, SlotView, TimerView, WheelView};

use super::entry::Line;
use super::{Position, SLOTS_PER_LEVEL, TimerKey, Wheel, level::Level};

impl<T> Wheel<T> {
    /// Every filed timer, in key order: its key, deadline, where it is
    /// filed and its value (for finding a task's timer, not for firing).
    /// It reads every slot: for pictures and diagnoses, not hot loops.
    pub fn iter(&self) -> Vec<(TimerKey, u64, Position, &T)> {
        let mut timers = Vec::with_capacity(self.len);
        for level in &self.levels {
            for slot in 0..SLOTS_PER_LEVEL as u32 {
                let position = Position {
                    level: level.number(),
                    slot,
                };
                timers.extend(
                    self.live_lines(level, slot)
                        .map(|line| (line.key, line.deadline, position, &line.value)),
                );
            }
        }
        timers.sort_unstable_by_key(|&(key, ..)| key);
        timers
    }

    /// Every level, its occupied slots and their timers, for the snapshot.
    /// `task_of` names the task each timer's value belongs to. Timer ids are
    /// the [`TimerKey`]s; timers inside a slot are listed in
    /// fire order. `next_expiration_ms` is the
    /// [next expiration](Self::next_expiration) (where the loop parks until)
    /// and `earliest_deadline_ms` the [earliest deadline](Self::earliest_deadline).
    pub fn view(&self, task_of: impl Fn(&T) -> u64) -> WheelView {
        WheelView {
            elapsed_ms: self.elapsed,
            next_expiration_ms: self.next_expiration(),
            earliest_deadline_ms: self.earliest_deadline(),
            levels: self
                .levels
                .iter()
                .map(|level| self.level_view(level, &task_of))
                .collect(),
        }
    }

    /// One level of [`view`](Self::view).
    fn level_view(&self, level: &Level<T>, task_of: &impl Fn(&T) -> u64) -> LevelView {
        // A slot never holds stale lines only, so each occupied one shows.
        let slots = (0..SLOTS_PER_LEVEL as u32)
            .filter(|slot| level.occupied() & (1 << slot) != 0)
            .map(|slot| {
                let mut lines: Vec<&Line<T>> = self.live_lines(level, slot).collect();
                lines.sort_unstable_by_key(|line| line.order());
                let timers = lines
                    .into_iter()
                    .map(|line| TimerView {
                        id: line.key,
                        task: task_of(&line.value),
                        deadline_ms: line.deadline,
                    })
                    .collect();
                SlotView { slot, timers }
            })
            .collect();
        LevelView {
            level: level.number(),
            slot_ms: level.slot_ms(),
            current_slot: level.slot_of(self.elapsed),
            occupied: level.occupied(),
            slots,
        }
    }
}
