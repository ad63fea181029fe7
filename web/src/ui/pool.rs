//! `#pool`: a multi-thread run's threads and queues, one lane each, in
//! place of the current-thread run queue.
//!
//! ```text
//!  ┌ block_on thread   main (#0) idle                      ┐
//!  │ inject queue      [spawner (#1)]                      │
//!  │ worker 0  parked · holds the driver   LIFO [ ]  queue │
//!  8 worker 2  running   LIFO [ ]  queue [part 0 (#2) …]   │ ◀ the thief
//!  └ worker 3  running   LIFO [ ]  queue [part 8 (#10) …]  ┘ ◀ the victim
//!  ^ the step's move between lanes: an arrow with its count
//! ```
//!
//! Everything is read from the state shown (the snapshot's `pool`, replayed
//! within an action by `state_within`) and the records of the step shown
//! ([`Move::latest`]); the lane of the thread that made the current record
//! is lit. Each lane is a row of one CSS grid, so the arrow, an item of its
//! own in the grid's first column, spans from the one lane's row to the
//! other's whatever their heights.

use leptos::prelude::*;
use reactor_protocol::{PoolView, WorkerView};

use super::context::use_player;
use super::keyed::{Item, keyed};
use super::pool_moves::{Lane, Move};
use super::seed::SeedControl;
use crate::explain::task_label;
use crate::player::Player;

/// Whether the run loaded is a multi-thread run: its snapshots have a
/// pool. Read from the first snapshot held, so it holds at step 0 too,
/// where no state is shown yet.
pub fn pooled(player: Player) -> Memo<bool> {
    Memo::new(move |_| {
        (player.history).with(|h| h.snapshot_at(1).is_some_and(|s| s.pool.is_some()))
    })
}

/// The pool's lanes, the step's move between them, the seed and what is
/// simulated.
#[component]
pub fn Pool() -> impl IntoView {
    let player = use_player();
    let pool = Memo::new(move |_| (player.state).with(|s| s.as_ref().and_then(|s| s.pool.clone())));
    let workers = Memo::new(move |_| pool.with(|p| p.as_ref().map_or(0, |p| p.workers.len())));
    let acting = Memo::new(move |_| {
        (player.current).with(|r| r.as_ref().map(|r| Lane::of_thread(r.worker)))
    });
    let moved = Memo::new(move |_| {
        let position = player.position.get();
        player.history.with(|h| {
            let start = h
                .action_start(position)
                .unwrap_or(position.saturating_sub(1));
            Move::latest(h.records().get(start..position)?)
        })
    });
    let lanes = Lanes {
        pool,
        acting,
        moved,
    };
    let worker_lanes = move || {
        (0..workers.get() as u32)
            .map(|id| worker_lane(player, lanes, id))
            .collect_view()
    };
    view! {
        <section class="panel pool-panel" aria-labelledby="pool-title">
            <h2 id="pool-title">"Threads and queues " <small>"(multi-thread runtime)"</small></h2>
            // `#pool`, a direct child as every panel's list is, so a lesson
            // stage can point at the panel as at the others (`ui::pointer`).
            <div id="pool">
                <div class="pool-note">
                    <p>"The workers are simulated threads, stepped one action at a time so every step can be shown and replayed: the futures, sockets and epoll are real; the parallelism is not."</p>
                    <details class="pool-more">
                        <summary>"How?"</summary>
                        <p>"Each step lets one thread act once, chosen by the interleaving: round-robin (seed 0) takes the threads that can act in turn — worker 0, worker 1, …, then the block_on thread — and another seed picks among them pseudo-randomly, another valid order. Two polls never overlap, and the worker holding the driver waits in epoll only when no other thread can act."</p>
                    </details>
                </div>
                <SeedControl />
                // The lanes show the state shown: none before the first step.
                <Show when=move || pool.with(Option::is_some)>
                    <div id="pool-lanes" class="pool-lanes" data-workers=move || workers.get().to_string()>
                        {block_on_lane(player, lanes)}
                        {inject_lane(player, lanes)}
                        {worker_lanes}
                        {move || moved.get().map(arrow)}
                    </div>
                    <p class="legend pool-legend">
                        <span><span class="key key-acting" aria-hidden="true"></span>"the thread acting in this step"</span>
                        <span><span class="key key-move" aria-hidden="true"></span>"tasks it moved between lanes"</span>
                    </p>
                    <p id="pool-move" class="pool-move" aria-hidden="true">
                        {move || moved.get().map(|m| format!("In this step {}.", m.sentence()))}
                    </p>
                </Show>
            </div>
        </section>
    }
}

/// What every lane reads.
#[derive(Clone, Copy)]
struct Lanes {
    pool: Memo<Option<PoolView>>,
    acting: Memo<Option<Lane>>,
    moved: Memo<Option<Move>>,
}

impl Lanes {
    /// `data-acting` of `lane`: present while its thread made the current record.
    fn acting(self, lane: Lane) -> impl Fn() -> Option<&'static str> + Copy {
        move || (self.acting.get() == Some(lane)).then_some("true")
    }

    /// `data-move` of `lane`: `from` or `to` when the step's move starts
    /// or ends there.
    fn moving(self, lane: Lane) -> impl Fn() -> Option<&'static str> + Copy {
        move || match self.moved.get() {
            Some(m) if m.from == lane => Some("from"),
            Some(m) if m.to == lane => Some("to"),
            _ => None,
        }
    }
}

/// The thread that called `block_on`, which polls `main` only.
fn block_on_lane(player: Player, lanes: Lanes) -> impl IntoView {
    let lane = Lane::BlockOn;
    let main = move || {
        player.state.with(|s| {
            let tasks = s.as_ref().map_or(&[][..], |s| &s.tasks);
            let main = tasks.iter().find(|t| t.id == 0);
            main.map(|t| (task_label(0, tasks), t.state.name()))
        })
    };
    view! {
        <div class="pool-lane" data-lane=lane.id() data-acting=lanes.acting(lane) data-move=lanes.moving(lane) style=row(lane)>
            <span class="lane-name">"block_on thread"</span>
            <span class="lane-what">"polls main only"</span>
            {move || main().map(|(label, state)| view! {
                <span class="chip">{label}</span>
                <span class=format!("badge {state}")>{state}</span>
            })}
        </div>
    }
}

/// The shared inject queue.
fn inject_lane(player: Player, lanes: Lanes) -> impl IntoView {
    let lane = Lane::Inject;
    let queue = move || {
        lanes
            .pool
            .with(|p| p.as_ref().map(|p| p.inject.clone()).unwrap_or_default())
    };
    view! {
        <div class="pool-lane" data-lane=lane.id() data-move=lanes.moving(lane) style=row(lane)>
            <span class="lane-name">"inject queue"</span>
            <span class="lane-what">"shared, front first"</span>
            {chips(player, "inject-queue", queue)}
        </div>
    }
}

/// Worker `id`: its state, the driver, a notification, its LIFO slot and
/// its local queue.
fn worker_lane(player: Player, lanes: Lanes, id: u32) -> impl IntoView {
    let lane = Lane::Worker(id);
    let worker = Memo::new(move |_| {
        lanes.pool.with(|p| {
            let workers = p.as_ref().map_or(&[][..], |p| &p.workers);
            workers.iter().find(|w| w.id == id).cloned()
        })
    });
    let read = move |f: fn(&WorkerView) -> bool| move || worker.with(|w| w.as_ref().is_some_and(f));
    let (driver, notified) = (read(|w| w.driver), read(|w| w.notified));
    let state = move || worker.with(|w| w.as_ref().map_or("", |w| w.state.name()));
    let lifo = move || worker.with(|w| w.as_ref().and_then(|w| w.lifo));
    let queue = move || worker.with(|w| w.as_ref().map(|w| w.queue.clone()).unwrap_or_default());
    let flag = |on: bool| on.then_some("true");
    view! {
        <div
            class="pool-lane worker-lane"
            data-lane=lane.id()
            data-worker=id.to_string()
            data-state=state
            data-driver=move || flag(driver())
            data-notified=move || flag(notified())
            data-acting=lanes.acting(lane)
            data-move=lanes.moving(lane)
            style=row(lane)
        >
            <span class="lane-name">{format!("worker {id}")}</span>
            <span class=move || format!("badge {}", state())>{state}</span>
            <Show when=driver>
                <span class="badge driver" title="It holds the runtime's one I/O driver and timer wheel: no other worker can hold them now.">"holds the driver"</span>
            </Show>
            <Show when=notified>
                <span class="badge notified" title="Another thread notified it: it will wake up and look for work.">"notified"</span>
            </Show>
            <span class="lane-slots">
                <span class="slot-name">"LIFO"</span>
                <span class="lifo-slot" data-task=move || lifo().map(|t| t.to_string())>
                    {move || match lifo() {
                        Some(task) => label(player, task),
                        None => "empty".into(),
                    }}
                </span>
                <span class="slot-name">"queue"</span>
                {chips(player, "local-queue", queue)}
            </span>
        </div>
    }
}

/// A queue's tasks, front first, as chips named like every task (`part 3
/// (#5)`), or "empty".
fn chips(
    player: Player,
    class: &'static str,
    queue: impl Fn() -> Vec<u64> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let items = move || {
        let ids = queue();
        ids.into_iter()
            .map(|task| Item::text(task, label(player, task)))
            .collect()
    };
    view! {
        <ol class=format!("chips {class}")>
            {keyed(items, |item| view! { <li class="chip" data-task=item.id.to_string()>{item.text}</li> }.into_any())}
        </ol>
        <Show when=move || queue().is_empty()>
            <span class="empty">"empty"</span>
        </Show>
    }
}

/// A task's label (its name never changes, so it is read untracked).
fn label(player: Player, task: u64) -> String {
    player.state.with_untracked(|s| {
        let tasks = s.as_ref().map_or(&[][..], |s| &s.tasks);
        task_label(task, tasks)
    })
}

/// `style` of a lane: its grid row.
fn row(lane: Lane) -> String {
    format!("grid-row: {}", lane.row())
}

/// The step's move: a bracket in the first column from the one lane's row
/// to the other's, its head at the lane the tasks reached, its count on it.
fn arrow(moved: Move) -> impl IntoView {
    let (from, to) = (moved.from.row(), moved.to.row());
    // From the top of the upper lane to the top of the lower one; the
    // stylesheet moves both ends down to the lanes' first lines.
    let rows = format!("grid-row: {} / {}", from.min(to), from.max(to));
    let head = if to < from { "up" } else { "down" };
    view! {
        <div
            id="pool-arrow"
            class="pool-arrow"
            role="img"
            aria-label=moved.sentence()
            data-kind=moved.kind.id()
            data-from=moved.from.id()
            data-to=moved.to.id()
            data-count=moved.count.to_string()
            data-head=head
            style=rows
        >
            <span class="pool-arrow-count">{moved.count.to_string()}</span>
        </div>
    }
}
