//! 100,000 sleeps with random deadlines, on virtual time: ours vs Tokio.
//!
//! ```text
//!   main ──spawn×100k──▶ task i: sleep(deadline_i).await      deadline_i ∈ 1..=10 000 ms
//!   loop: poll → insert timers → park → clock jumps to the next deadline
//!         → fire the timers due then → wake → poll → complete …
//! ```
//!
//! Ours runs on its virtual clock; Tokio on its paused clock, which also
//! jumps to the next timer when every task waits. Neither waits in real
//! time, so this measures the timer machinery: filing 100k timers, finding
//! the next deadline, advancing the clock and firing. The deadlines come from
//! a fixed seed, so both runtimes get exactly the same timers.
//!
//! `cargo bench -p reactor-engine --bench sleeps`

mod common;

use std::rc::Rc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Sleeps per iteration (a speed goal in docs/benchmarks.md: "100k sleeps with random deadlines").
const SLEEPS: usize = 100_000;

fn sleeps_100k(c: &mut Criterion) {
    let deadlines = Rc::new(common::random_deadlines(SLEEPS));
    let mut group = c.benchmark_group("sleep_100k_random");
    group.sampling_mode(common::SAMPLING);
    group.throughput(Throughput::Elements(SLEEPS as u64));

    let mut ours = common::ours(false);
    group.bench_function("ours", |b| {
        b.iter(|| {
            let slept = ours.block_on(common::ours_sleep_all(Rc::clone(&deadlines)));
            assert_eq!(slept, Ok(SLEEPS));
        })
    });

    let tokio = common::tokio_paused();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            assert_eq!(
                tokio.block_on(common::tokio_sleep_all(Rc::clone(&deadlines))),
                SLEEPS
            )
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = sleeps_100k
}
criterion_main!(benches);
