//! Which thread acts next: the deterministic interleaving of the pool.
//!
//! Real worker threads run at once, and the order in which their actions
//! land differs from run to run. The lab's workers are logical threads,
//! stepped one action at a time on the engine thread, so a run replays
//! exactly. Seed 0 takes the ready threads in turn (round-robin); any
//! other seed picks among them with a small pseudo-random generator, which
//! gives another order that real threads could also have produced. The same
//! generator picks where a searching worker starts looking for a victim,
//! as Tokio's `FastRand` does.

/// A thread of the pool that can act.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Actor {
    /// One of the pool's workers.
    Worker(u32),
    /// The thread that called `block_on`: it polls `main` only.
    BlockOn,
}

/// The order in which ready threads act, and the pool's dice.
#[derive(Debug)]
pub(crate) struct Interleaving {
    seed: u64,
    state: u64,
    /// The last actor chosen, as its place in `[W0, W1, …, BlockOn]`.
    last: Option<usize>,
}

/// The generator's state for seed 0 (any odd constant would do).
const DEFAULT_STATE: u64 = 0x9E37_79B9_7F4A_7C15;

impl Interleaving {
    /// The interleaving of `seed` (0: round-robin).
    pub(crate) fn new(seed: u64) -> Interleaving {
        Interleaving {
            seed,
            state: if seed == 0 { DEFAULT_STATE } else { seed },
            last: None,
        }
    }

    /// The seed it was made with.
    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    /// A number below `n` (xorshift64*; `n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }

    /// The next to act of `ready`, a flag per place in `[W0, …, BlockOn]`.
    pub(crate) fn choose(&mut self, ready: &[bool]) -> Option<Actor> {
        let places: Vec<usize> = (0..ready.len()).filter(|&i| ready[i]).collect();
        if places.is_empty() {
            return None;
        }
        let place = if self.seed == 0 {
            let after = self.last.map_or(0, |last| last + 1);
            *places.iter().find(|&&i| i >= after).unwrap_or(&places[0])
        } else {
            places[self.below(places.len())]
        };
        self.last = Some(place);
        let workers = ready.len() - 1;
        Some(if place == workers {
            Actor::BlockOn
        } else {
            Actor::Worker(place as u32)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_zero_takes_the_ready_threads_in_turn() {
        let mut order = Interleaving::new(0);
        let all = [true, true, true];
        let chosen: Vec<Actor> = (0..4).filter_map(|_| order.choose(&all)).collect();
        assert_eq!(
            chosen,
            [
                Actor::Worker(0),
                Actor::Worker(1),
                Actor::BlockOn,
                Actor::Worker(0)
            ]
        );
        assert_eq!(order.choose(&[false, true, false]), Some(Actor::Worker(1)));
        assert_eq!(order.choose(&[false, false, false]), None);
    }

    #[test]
    fn a_seed_picks_only_ready_threads_and_replays_exactly() {
        let ready = [true, false, true, true];
        let picks = |seed| {
            let mut order = Interleaving::new(seed);
            (0..50)
                .map(|_| order.choose(&ready).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(picks(7), picks(7));
        assert_ne!(picks(7), picks(8));
        assert!(!picks(7).contains(&Actor::Worker(1)));
    }
}
