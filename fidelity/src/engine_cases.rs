//! The suite's own programs written with the engine's public API, the
//! twins of the Tokio ones in `src/bin/tokio_programs/programs.rs`.
//!
//! The engine has no `Instant`: its clock reads whole ms since the runtime
//! started, and [`sleep_until`] takes such a reading ([`now_ms`] reads the
//! clock). There is no `select!` either; [`race`] polls two futures in
//! order, as `tokio::select! { biased; … }` does.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use reactor_engine::{Runtime, RuntimeOptions, output, sleep, sleep_until, spawn, yield_now};
use reactor_protocol::Record;

use crate::program::Program;

/// Run `program` on a fresh engine runtime and return its records, or
/// `None` if the program is a built-in scenario (see [`crate::engine_side`]).
pub fn run(program: Program) -> Option<Result<Vec<Record>, String>> {
    if program.scenario().is_some() {
        return None;
    }
    let mut runtime = match Runtime::new(RuntimeOptions::default()) {
        Ok(runtime) => runtime,
        Err(error) => return Some(Err(format!("the engine could not start: {error}"))),
    };
    let result = match program {
        Program::TimersShort => runtime.block_on(sleeps_in_order(vec![3, 150, 5_000])),
        Program::YieldLoop => runtime.block_on(yield_loop()),
        Program::OddSleeps => {
            runtime.block_on(sleeps_in_order(vec![1, 63, 64, 65, 777, 4095, 4097]))
        }
        Program::OneSlot => runtime.block_on(sleeps_in_order((200..=250).collect())),
        Program::BeyondWheel => runtime.block_on(sleeps_in_order(vec![(1 << 36) + 5_000])),
        Program::SleepMaxRace => runtime.block_on(sleep_max_race()),
        Program::SleepMax => runtime.block_on(sleep_max()),
        Program::PastDeadline => runtime.block_on(past_deadline()),
        Program::TcpRead | Program::SpawnLifecycle | Program::Timers | Program::Crowd => {
            unreachable!("{program} is a built-in scenario")
        }
    };
    Some(match result {
        Ok(()) => Ok(runtime.take_records().into_vec()),
        Err(error) => Err(format!("the engine stopped: {error}")),
    })
}

/// One task per sleep (in ms), spawned in order and awaited in order.
async fn sleeps_in_order(millis: Vec<u64>) {
    let handles: Vec<_> = millis
        .into_iter()
        .map(|ms| {
            spawn(async move {
                sleep(Duration::from_millis(ms)).await;
                output(format!("sleep {ms} ms: woke up"));
            })
        })
        .collect();
    for handle in handles {
        handle.await.expect("a sleeper failed");
    }
}

/// A spawned task yields five times.
async fn yield_loop() {
    let handle = spawn(async {
        for _ in 0..5 {
            yield_now().await;
        }
    });
    handle.await.expect("the yielder failed");
}

/// `sleep(Duration::MAX)` against a 300 ms sleep.
async fn sleep_max_race() {
    let handle = spawn(async {
        race(
            async {
                sleep(Duration::MAX).await;
                "forever"
            },
            async {
                sleep(Duration::from_millis(300)).await;
                "300 ms"
            },
        )
        .await
    });
    let winner = handle.await.expect("the racer failed");
    assert_eq!(winner, "300 ms");
}

/// `sleep(Duration::MAX)` to its end.
async fn sleep_max() {
    let handle = spawn(async {
        sleep(Duration::MAX).await;
        output("forever is over");
    });
    handle.await.expect("the sleeper failed");
}

/// Deadlines in the past: the twin of Tokio's, which sleeps until
/// `Instant::now() - 10 ms` at the start (before the runtime's start: Tokio
/// counts it as tick 0, its `instant_to_tick` saturates) and again after a
/// 20 ms sleep. The engine's clock has no reading before 0, so the first
/// is `sleep_until(0)`, the same tick; the second is 10 ms ago.
async fn past_deadline() {
    let handle = spawn(async {
        sleep_until(now_ms().saturating_sub(10)).await;
        output("before the start: already past");
        sleep(Duration::from_millis(20)).await;
        sleep_until(now_ms() - 10).await;
        output("10 ms ago: already past");
    });
    handle.await.expect("the sleeper failed");
}

/// The runtime clock's reading, in ms: the deadline of a zero sleep (the
/// engine's API has no `Instant::now`).
pub fn now_ms() -> u64 {
    sleep(Duration::ZERO).deadline_ms()
}

/// The output of whichever of `first` and `second` finishes first, polling
/// `first` first (`tokio::select! { biased; … }`); the other is dropped.
pub async fn race<T>(first: impl Future<Output = T>, second: impl Future<Output = T>) -> T {
    let mut first = pin!(first);
    let mut second = pin!(second);
    poll_fn(|cx| match first.as_mut().poll(cx) {
        Poll::Ready(value) => Poll::Ready(value),
        Poll::Pending => second.as_mut().poll(cx),
    })
    .await
}
