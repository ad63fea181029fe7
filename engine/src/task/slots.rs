//! The executor's task table: a slab that hands out its highest free slot.
//!
//! ```text
//!   entries   [ A ][   ][ B ][   ][   ][ C ] …        one per slot; empty = free
//!   free      …011010                               bit i of word i / 64: slot i is free
//!   summary   …1                                    bit w of word w / 64: free[w] ≠ 0
//! ```
//!
//! Why not the `slab` crate, as the I/O driver uses? A slab keeps its free
//! slots as a list threaded through the empty entries, newest first, so an
//! insert reads the entry it takes to learn which one is free next. When
//! many tasks finish in an order that has nothing to do with their slots
//! (100k sleeps end in deadline order), the next burst of spawns walks that
//! list in the same scattered order: each insert waits for a cache miss,
//! and cannot start before the one before it has finished. Here a free slot
//! is a bit, and an insert takes the highest one, so a burst of spawns
//! walks the table in memory order, downwards, whatever order the slots
//! were freed in, and meets whatever else is kept per slot (the spare
//! wakers) in order too. Why the highest and not the lowest: both walk
//! memory in order, but where tasks finish in the order they started
//! (`spawn_100k` in `docs/benchmarks.md`) the highest measured level with
//! the slab and the lowest about 12 % slower.
//!
//! Finding the highest set bit is two `leading_zeros`, one per level, as
//! Tokio's timer wheel finds its next occupied slot with `trailing_zeros`
//! (`runtime/time/wheel/level.rs`). Summary words from `search_below` up
//! are known to be zero, so a full table is not searched again on every
//! insert.

/// Bits in one bitmap word.
const BITS: usize = u64::BITS as usize;

/// Slots one summary word covers: 64 words of 64 slots.
const SLOTS_PER_SUMMARY_WORD: usize = BITS * BITS;

/// A slab whose inserts fill the highest free slot first. A free slot may
/// keep something its last value left behind (`K`) for the next value in
/// that slot: the executor keeps a finished task's waker there.
pub(crate) struct Slots<T, K> {
    entries: Vec<Entry<T, K>>,
    /// One bit per entry, set while it is free.
    free: Vec<u64>,
    /// One bit per `free` word, set while that word has a free slot.
    summary: Vec<u64>,
    /// Every summary word from this one up is zero.
    search_below: usize,
}

/// One slot: its value, or free, with what the last value left in it.
enum Entry<T, K> {
    Used(T),
    Free(Option<K>),
}

impl<T, K> Slots<T, K> {
    /// An empty table.
    pub(crate) fn new() -> Self {
        Slots {
            entries: Vec::new(),
            free: Vec::new(),
            summary: Vec::new(),
            search_below: 0,
        }
    }

    /// Take the highest free slot (a new one at the end if none is free)
    /// for a value [`fill`](Slots::fill) puts there later (the executor
    /// needs a task's slot, which is its id, to build the task); with what
    /// the slot kept, if anything.
    pub(crate) fn reserve(&mut self) -> (usize, Option<K>) {
        let Some(key) = self.highest_free() else {
            self.entries.push(Entry::Free(None));
            if self.free.len() * BITS < self.entries.len() {
                self.free.push(0);
            }
            if self.summary.len() * BITS < self.free.len() {
                self.summary.push(0);
            }
            return (self.entries.len() - 1, None);
        };
        self.set_free(key, false);
        let Entry::Free(kept) = &mut self.entries[key] else {
            unreachable!("slot {key} is marked free but holds a value");
        };
        (key, kept.take())
    }

    /// Put `value` in slot `key`, taken by [`reserve`](Slots::reserve).
    #[inline]
    pub(crate) fn fill(&mut self, key: usize, value: T) {
        debug_assert!(
            matches!(self.entries[key], Entry::Free(None)),
            "slot {key} was not reserved"
        );
        self.entries[key] = Entry::Used(value);
    }

    /// The highest free slot, if any.
    fn highest_free(&mut self) -> Option<usize> {
        let summary = &self.summary[..self.search_below];
        let Some(summary_word) = summary.iter().rposition(|&word| word != 0) else {
            self.search_below = 0;
            return None;
        };
        self.search_below = summary_word + 1;
        let word = summary_word * BITS + highest_bit(self.summary[summary_word]);
        Some(word * BITS + highest_bit(self.free[word]))
    }

    /// Take the value out of slot `key`, freeing the slot.
    #[inline]
    pub(crate) fn remove(&mut self, key: usize) -> Option<T> {
        let entry = self.entries.get_mut(key)?;
        let value = match std::mem::replace(entry, Entry::Free(None)) {
            Entry::Used(value) => value,
            free => {
                *entry = free;
                return None;
            }
        };
        self.set_free(key, true);
        self.search_below = self.search_below.max(key / SLOTS_PER_SUMMARY_WORD + 1);
        Some(value)
    }

    /// Leave `kept` in free slot `key` for the next value that takes it
    /// (dropping what it kept before, if anything).
    #[inline]
    pub(crate) fn keep(&mut self, key: usize, kept: K) {
        if let Some(Entry::Free(slot)) = self.entries.get_mut(key) {
            *slot = Some(kept);
        }
    }

    /// The value in slot `key`, if it is in use.
    #[inline]
    pub(crate) fn get(&self, key: usize) -> Option<&T> {
        match self.entries.get(key)? {
            Entry::Used(value) => Some(value),
            Entry::Free(_) => None,
        }
    }

    /// Every slot in use and its value, lowest slot first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, &T)> {
        let entries = self.entries.iter().enumerate();
        entries.filter_map(|(key, entry)| match entry {
            Entry::Used(value) => Some((key, value)),
            Entry::Free(_) => None,
        })
    }

    /// Mark slot `key` free or in use, in both bitmaps.
    fn set_free(&mut self, key: usize, free: bool) {
        let word = key / BITS;
        set_bit(&mut self.free[word], key % BITS, free);
        let any_free = self.free[word] != 0;
        set_bit(&mut self.summary[word / BITS], word % BITS, any_free);
    }
}

impl<T, K> std::ops::Index<usize> for Slots<T, K> {
    type Output = T;

    fn index(&self, key: usize) -> &T {
        self.get(key).expect("no value in this slot")
    }
}

/// The index of the highest set bit of a word that is not zero.
fn highest_bit(word: u64) -> usize {
    (BITS - 1) - word.leading_zeros() as usize
}

/// Set or clear bit `bit` of `word`.
fn set_bit(word: &mut u64, bit: usize, on: bool) {
    if on {
        *word |= 1 << bit;
    } else {
        *word &= !(1 << bit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    impl<T, K> Slots<T, K> {
        /// Put `value` in the slot `reserve` takes.
        fn insert(&mut self, value: T) -> usize {
            let (key, _) = self.reserve();
            self.fill(key, value);
            key
        }
    }

    #[test]
    fn fills_a_new_table_in_order() {
        let mut slots = Slots::<usize, ()>::new();
        for value in 0..200 {
            assert_eq!(slots.insert(value), value);
        }
        assert_eq!(slots.iter().count(), 200);
        assert_eq!(slots[137], 137);
    }

    #[test]
    fn refills_freed_slots_highest_first_whatever_order_they_were_freed_in() {
        let mut slots = Slots::<usize, ()>::new();
        let count = 3 * SLOTS_PER_SUMMARY_WORD + 17;
        for value in 0..count {
            slots.insert(value);
        }
        // Free them in a scattered order, as tasks ending at random deadlines do.
        let mut order: Vec<usize> = (0..count).collect();
        order.sort_by_key(|&key| (key * 7_919) % count);
        for &key in &order {
            assert_eq!(slots.remove(key), Some(key));
        }
        assert_eq!(slots.iter().count(), 0);
        for expected in (0..count).rev() {
            assert_eq!(slots.insert(expected), expected, "refilled top to bottom");
        }
        assert_eq!(slots.insert(count), count, "a full table grows at the end");
    }

    #[test]
    fn a_slot_freed_above_the_search_is_found_again() {
        let mut slots = Slots::<usize, ()>::new();
        for value in 0..(3 * SLOTS_PER_SUMMARY_WORD) {
            slots.insert(value);
        }
        slots.remove(5);
        assert_eq!(slots.insert(0), 5);
        slots.remove(SLOTS_PER_SUMMARY_WORD + 3);
        slots.remove(2 * SLOTS_PER_SUMMARY_WORD + 9);
        assert_eq!(slots.insert(0), 2 * SLOTS_PER_SUMMARY_WORD + 9);
        assert_eq!(slots.insert(0), SLOTS_PER_SUMMARY_WORD + 3);
        assert_eq!(
            slots.insert(0),
            3 * SLOTS_PER_SUMMARY_WORD,
            "none free: grows"
        );
        assert_eq!(slots.remove(5), Some(0));
        assert_eq!(slots.remove(5), None, "removed once");
        assert_eq!(slots.get(5), None);
        assert_eq!(slots.remove(1 << 40), None, "never a slot");
    }

    #[test]
    fn a_reserved_slot_is_taken_until_filled() {
        let mut slots = Slots::<char, ()>::new();
        let (reserved, _) = slots.reserve();
        assert_eq!(slots.get(reserved), None);
        assert_eq!(slots.insert('b'), reserved + 1, "not handed out twice");
        slots.fill(reserved, 'a');
        assert_eq!(slots[reserved], 'a');
    }

    #[test]
    fn a_free_slot_hands_what_it_kept_to_the_next_value() {
        let mut slots = Slots::<&str, &str>::new();
        let a = slots.insert("a");
        slots.insert("b");
        assert_eq!(slots.remove(a), Some("a"));
        slots.keep(a, "a's waker");
        slots.keep(a + 1, "not kept: the slot is in use");
        assert_eq!(slots.remove(a), None, "free, and still keeping");
        assert_eq!(slots.reserve(), (a, Some("a's waker")));
        slots.fill(a, "c");
        assert_eq!(slots.reserve(), (2, None), "the rest kept nothing");
    }

    #[derive(Clone, Debug)]
    enum Op {
        Insert,
        Remove(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![Just(Op::Insert), (0usize..300).prop_map(Op::Remove)]
    }

    proptest! {
        /// Against a model: an insert takes the highest key not in use below
        /// the table's length, or grows the table by one.
        #[test]
        fn behaves_like_taking_the_highest_unused_key(ops in prop::collection::vec(op(), 1..600)) {
            let mut slots = Slots::<usize, ()>::new();
            let mut model = BTreeMap::new();
            let mut length = 0;
            for (step, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Insert => {
                        let free = (0..length).rev().find(|key| !model.contains_key(key));
                        let key = free.unwrap_or(length);
                        length = length.max(key + 1);
                        prop_assert_eq!(slots.insert(step), key);
                        model.insert(key, step);
                    }
                    Op::Remove(key) => {
                        prop_assert_eq!(slots.remove(key), model.remove(&key));
                    }
                }
            }
            let listed: Vec<(usize, usize)> = slots.iter().map(|(key, &value)| (key, value)).collect();
            let expected: Vec<(usize, usize)> = model.into_iter().collect();
            prop_assert_eq!(listed, expected);
        }
    }
}
