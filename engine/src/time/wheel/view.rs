//! The wheel as plain data for the browser: [`WheelView`].

use reactor_protocol::{LevelView, SlotView, TimerView, WheelView};

use super::entry::Filed;
use super::{SLOTS_PER_LEVEL, Wheel, level::Level};

impl<T> Wheel<T> {
    /// Every filed timer, in key order: its key, deadline, where it is
    /// filed and its value (for finding a task's timer, not for firing).
    pub fn iter(&self) -> impl Iterator<Item = (super::TimerKey, u64, super::Position, &T)> {
        self.entries.iter().map(|(key, entry)| {
            let position = self.position_for(entry.deadline);
            (key, entry.deadline, position, &entry.value)
        })
    }

    /// Every level, its occupied slots and their timers, for the snapshot.
    /// `task_of` names the task each timer's value belongs to. Timer ids are
    /// the [`TimerKey`](super::TimerKey)s; timers inside a slot are listed in
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
    fn level_view(&self, level: &Level, task_of: &impl Fn(&T) -> u64) -> LevelView {
        // A slot never holds stale lines only, so each occupied one shows.
        let slots = (0..SLOTS_PER_LEVEL as u32)
            .filter(|slot| level.occupied() & (1 << slot) != 0)
            .map(|slot| {
                let mut filed: Vec<Filed> = self.live_lines(level, slot).copied().collect();
                filed.sort_unstable_by_key(Filed::order);
                let timers = filed
                    .into_iter()
                    .map(|timer| TimerView {
                        id: timer.key as u64,
                        task: task_of(&self.entries[timer.key].value),
                        deadline_ms: timer.deadline,
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
