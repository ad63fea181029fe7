//! Tasks with their state, and the run queue in order.
//!
//! Both lists are keyed by task id: a step redraws only the rows whose
//! task changed, and the `crowd` scenario's hundreds of rows stay put.

use leptos::prelude::*;
use reactor_protocol::{Snapshot, TaskId, TaskView};

use super::context::use_player;
use super::keyed::{Item, keyed};
use crate::explain::task_label;
use crate::player::Player;

/// The rows of `list` in the state shown.
fn ids(player: Player, list: fn(&Snapshot) -> Vec<Item>) -> Vec<Item> {
    player
        .state
        .with(|s| s.as_deref().map(list).unwrap_or_default())
}

/// Every task: name, state and what it waits on.
#[component]
pub fn Tasks() -> impl IntoView {
    let player = use_player();
    let each = move || ids(player, |s| s.tasks.iter().map(|t| Item::id(t.id)).collect());
    view! {
        <div class="panel">
            <h2>"Tasks"</h2>
            <ul id="tasks" class="tasks">
                {keyed(each, |item| view! { <TaskRow id=item.id /> }.into_any())}
            </ul>
        </div>
    }
}

/// One task's row; it follows the task from step to step.
#[component]
fn TaskRow(id: TaskId) -> impl IntoView {
    let player = use_player();
    let task = Memo::new(move |_| {
        player.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.tasks.iter().find(|t| t.id == id).cloned())
        })
    });
    let read = move |show: fn(&TaskView) -> String| task.with(|t| t.as_ref().map(show));
    let state = move || read(|t| t.state.name().to_string()).unwrap_or_default();
    view! {
        <li data-task=id.to_string() data-state=state>
            <span class="name">{move || player.state.with(|s| s.as_ref().map(|s| task_label(id, &s.tasks)))}</span>
            <span class=move || format!("badge {}", state())>{state}</span>
            <span class="waits">
                {move || read(|t| t.waiting_on.as_ref().map(|w| format!("waits on {w}")).unwrap_or_default())}
            </span>
        </li>
    }
}

/// Task ids waiting to be polled, front first.
#[component]
pub fn RunQueue() -> impl IntoView {
    let player = use_player();
    let each = move || {
        ids(player, |s| {
            s.run_queue.iter().copied().map(Item::id).collect()
        })
    };
    // A task's name never changes: its label is read once, as its row appears.
    let label = move |id| {
        player.state.with_untracked(|s| {
            let tasks = s.as_ref().map_or(&[][..], |s| &s.tasks);
            task_label(id, tasks)
        })
    };
    view! {
        <div class="panel">
            <h2>"Run queue " <small>"(front first)"</small></h2>
            <ol id="run-queue" class="queue">
                {keyed(each, move |item| {
                    view! { <li data-task=item.id.to_string()>{label(item.id)}</li> }.into_any()
                })}
            </ol>
            <Show when=move || player.state.with(|s| s.as_ref().is_none_or(|s| s.run_queue.is_empty()))>
                <p class="empty">"empty"</p>
            </Show>
        </div>
    }
}
