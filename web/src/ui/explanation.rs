//! The current step in words (announced through `aria-live`) and the wake chain.

use leptos::prelude::*;

use super::use_player;
use crate::chain::wake_chain;
use crate::explain::{Moment, explain, kind, main_task, task_of};

/// One sentence about the current record.
#[component]
pub fn Explanation() -> impl IntoView {
    let player = use_player();
    let text = move || {
        player.current.with(|record| match record {
            Some(record) => player.state.with(|state| {
                let main = player.history.with(|h| main_task(h.records()));
                explain(
                    record,
                    Moment {
                        state: state.as_deref(),
                        main,
                    },
                )
            }),
            None if player.replaying.get() => {
                "Running the scenario up to the step asked for…".to_string()
            }
            None => "Press Step (→) to run the scenario's first action.".to_string(),
        })
    };
    let data_kind = move || player.current.with(|r| r.as_ref().map(|r| kind(&r.event)));
    let task = move || {
        player.current.with(|r| {
            r.as_ref()
                .and_then(|r| task_of(&r.event))
                .map(|t| t.to_string())
        })
    };
    let seq = move || {
        player
            .current
            .with(|r| r.as_ref().map(|r| r.seq.to_string()))
    };
    view! {
        <p id="explanation" class="explanation" aria-live="polite" data-kind=data_kind data-seq=seq data-task=task>
            {text}
        </p>
    }
}

/// OS event → token → registration → waker → run queue → poll, lit up to the current record.
#[component]
pub fn WakeChain() -> impl IntoView {
    let player = use_player();
    let chain = Memo::new(move |_| {
        player
            .history
            .with(|h| wake_chain(h.records(), player.position.get()))
    });
    let current_seq = move || player.current.with(|r| r.as_ref().map(|r| r.seq));
    view! {
        <Show when=move || chain.with(Option::is_some)>
            <ol id="wake-chain" class="chain" aria-label="Why this task was woken">
                {move || {
                    let now = current_seq();
                    chain.get().unwrap_or_default().into_iter().map(|link| {
                        let reached = link.seq.is_some_and(|seq| Some(seq) <= now);
                        view! { <li data-reached=reached.to_string() class:reached=reached>{link.label}</li> }
                    }).collect_view()
                }}
            </ol>
        </Show>
    }
}
