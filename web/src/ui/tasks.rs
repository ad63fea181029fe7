//! Tasks with their state, and the run queue in order.

use leptos::prelude::*;
use reactor_protocol::TaskState;

use super::use_player;
use crate::explain::task_label;

fn state_name(state: TaskState) -> &'static str {
    match state {
        TaskState::Idle => "idle",
        TaskState::Scheduled => "scheduled",
        TaskState::Running => "running",
        TaskState::Complete => "complete",
    }
}

/// Every task: name, state and what it waits on.
#[component]
pub fn Tasks() -> impl IntoView {
    let player = use_player();
    let rows = move || {
        player.state.with(|s| {
            s.as_ref().map(|s| s.tasks.clone()).unwrap_or_default().into_iter().map(|task| {
                let state = state_name(task.state);
                view! {
                    <li data-task=task.id.to_string() data-state=state>
                        <span class="name">{format!("{} #{}", task.name, task.id)}</span>
                        <span class=format!("badge {state}")>{state}</span>
                        <span class="waits">{task.waiting_on.map(|w| format!("waits on {w}")).unwrap_or_default()}</span>
                    </li>
                }
            }).collect_view()
        })
    };
    view! {
        <div class="panel">
            <h2>"Tasks"</h2>
            <ul id="tasks" class="tasks">{rows}</ul>
        </div>
    }
}

/// Task ids waiting to be polled, front first.
#[component]
pub fn RunQueue() -> impl IntoView {
    let player = use_player();
    let items = move || {
        player.state.with(|s| {
            let Some(s) = s else { return Vec::new() };
            s.run_queue
                .iter()
                .map(|&id| {
                    let label = task_label(id, &s.tasks);
                    view! { <li data-task=id.to_string()>{label}</li> }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="panel">
            <h2>"Run queue " <small>"(front first)"</small></h2>
            <ol id="run-queue" class="queue">{items}</ol>
            <Show when=move || player.state.with(|s| s.as_ref().is_none_or(|s| s.run_queue.is_empty()))>
                <p class="empty">"empty"</p>
            </Show>
        </div>
    }
}
