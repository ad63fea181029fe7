//! Tasks with their state, and the run queue in order.
//!
//! Both lists are keyed: a step redraws only the rows whose task changed,
//! and the `crowd` scenario's hundreds of rows stay put. A task's row is
//! drawn from its [`Item`]'s text and holds no subscription of its own: with
//! 241 rows each watching the state, every step cost as much bookkeeping
//! (each row leaving and rejoining the state's subscribers) as drawing.

use leptos::prelude::*;
use reactor_protocol::{Snapshot, TaskView};

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

/// Separates the fields of a task row's text.
const FIELD: char = '\u{1f}';

/// A task's row as an item: its label, state and what it waits on.
fn task_item(task: &TaskView, tasks: &[TaskView]) -> Item {
    let waits = task
        .waiting_on
        .as_ref()
        .map(|w| format!("waits on {w}"))
        .unwrap_or_default();
    let label = task_label(task.id, tasks);
    let text = format!("{label}{FIELD}{}{FIELD}{waits}", task.state.name());
    Item::text(task.id, text)
}

/// Every task: name, state and what it waits on.
#[component]
pub fn Tasks() -> impl IntoView {
    let player = use_player();
    let each = move || {
        ids(player, |s| {
            s.tasks.iter().map(|t| task_item(t, &s.tasks)).collect()
        })
    };
    view! {
        <div class="panel">
            <h2>"Tasks"</h2>
            <ul id="tasks" class="tasks">
                {keyed(each, task_row)}
            </ul>
        </div>
    }
}

/// One task's row, as its item says.
fn task_row(item: Item) -> AnyView {
    let mut fields = item.text.split(FIELD);
    let (label, state, waits) = (
        fields.next().unwrap_or_default().to_string(),
        fields.next().unwrap_or_default().to_string(),
        fields.next().unwrap_or_default().to_string(),
    );
    let badge = format!("badge {state}");
    let data_state = state.clone();
    view! {
        <li data-task=item.id.to_string() data-state=data_state>
            <span class="name">{label}</span>
            <span class=badge>{state}</span>
            <span class="waits">{waits}</span>
        </li>
    }
    .into_any()
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
