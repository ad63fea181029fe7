//! Tasks with their state, and the run queue in order.
//!
//! Both lists are keyed by task. A task's row is drawn once, when the task
//! appears; after that a step changes only what changed in it, its state
//! and what it waits on ([`Live`]). No row subscribes to the state: with
//! 241 rows each watching it, every step cost as much bookkeeping (each row
//! leaving and rejoining the state's subscribers) as drawing.

use leptos::prelude::*;
use reactor_protocol::{Snapshot, TaskView};

use super::context::use_player;
use super::keyed::{Item, Live, keyed};
use crate::explain::task_label;
use crate::player::Player;

/// The rows of `list` in the state shown.
fn ids(player: Player, list: fn(&Snapshot) -> Vec<Item>) -> Vec<Item> {
    player
        .state
        .with(|s| s.as_deref().map(list).unwrap_or_default())
}

/// What a task's row shows that changes from step to step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Shown {
    /// The state's name (`idle`, `running`, ...).
    state: &'static str,
    /// `waits on …`, or empty.
    waits: String,
}

impl Shown {
    fn of(task: &TaskView) -> Shown {
        Shown {
            state: task.state.name(),
            waits: task
                .waiting_on
                .as_ref()
                .map(|w| format!("waits on {w}"))
                .unwrap_or_default(),
        }
    }
}

/// Every task: name, state and what it waits on.
#[component]
pub fn Tasks() -> impl IntoView {
    let player = use_player();
    // A row per task, keyed by its label as well (a task's name never
    // changes; an id taken again by another task is another row).
    let listed = Memo::new(move |_| {
        ids(player, |s| {
            (s.tasks.iter())
                .map(|t| Item::text(t.id, task_label(t.id, std::slice::from_ref(t))))
                .collect()
        })
    });
    let live = Live::new();
    Effect::new(move |_| {
        player.state.with(|s| {
            for task in s.as_ref().map_or(&[][..], |s| &s.tasks) {
                live.show(task.id, Shown::of(task));
            }
        });
    });
    let row = move |item: Item| task_row(player, live, item);
    view! {
        <div class="panel">
            <h2>"Tasks"</h2>
            <ul id="tasks" class="tasks">
                {keyed(move || listed.get(), row)}
            </ul>
        </div>
    }
}

/// One task's row: its label for good, its state and wait as `live` says.
fn task_row(player: Player, live: Live<Shown>, item: Item) -> AnyView {
    let id = item.id;
    let now = player.state.with_untracked(|s| {
        let tasks = s.as_ref().map_or(&[][..], |s| &s.tasks);
        tasks.iter().find(|t| t.id == id).map(Shown::of)
    });
    let shown = live.row(id, now.unwrap_or_default());
    let state = move || shown.with(|s| s.state);
    view! {
        <li data-task=id.to_string() data-state=state>
            <span class="name">{item.text}</span>
            <span class=move || format!("badge {}", state())>{state}</span>
            <span class="waits">{move || shown.with(|s| s.waits.clone())}</span>
        </li>
    }
    .into_any()
}

/// Task ids waiting to be polled, front first.
#[component]
pub fn RunQueue() -> impl IntoView {
    let player = use_player();
    // One row per place in the queue, kept while the queue is that long: a
    // jump across `crowd` swaps most of its 200-odd tasks, which costs far
    // less as new words in the same rows than as rows taken out and built.
    let places = move || ids(player, |s| (0..s.run_queue.len()).map(Item::id).collect());
    let live = Live::new();
    Effect::new(move |_| {
        player.state.with(|s| {
            let Some(s) = s.as_deref() else {
                return;
            };
            for (place, &task) in s.run_queue.iter().enumerate() {
                live.show(place as u64, queued(task, s));
            }
        });
    });
    let row = move |item: Item| {
        let now = player.state.with_untracked(|s| {
            let s = s.as_deref()?;
            let task = *s.run_queue.get(item.id as usize)?;
            Some(queued(task, s))
        });
        let shown = live.row(item.id, now.unwrap_or_default());
        view! {
            <li data-task=move || shown.with(|(task, _)| task.to_string())>
                {move || shown.with(|(_, label)| label.clone())}
            </li>
        }
        .into_any()
    };
    view! {
        <div class="panel">
            <h2>"Run queue " <small>"(front first)"</small></h2>
            <ol id="run-queue" class="queue">
                {keyed(places, row)}
            </ol>
            <Show when=move || player.state.with(|s| s.as_ref().is_none_or(|s| s.run_queue.is_empty()))>
                <p class="empty">"empty"</p>
            </Show>
        </div>
    }
}

/// A queued task as its row shows it: its id and its label.
fn queued(task: u64, state: &Snapshot) -> (u64, String) {
    (task, task_label(task, &state.tasks))
}
