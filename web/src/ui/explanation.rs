//! The current step in words (announced through `aria-live`) and the wake chain.

use leptos::prelude::*;

use super::context::use_player;
use super::keyed::{Item, keyed};
use crate::chain::wake_chain;
use crate::explain::{Moment, explain, main_task, task_of};

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
    let data_kind = move || {
        player
            .current
            .with(|r| r.as_ref().map(|r| r.event.kind_name()))
    };
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
    // In presenter mode beside a lesson the sentence scrolls in its own box
    // when it is long: a tab stop, so the keyboard reaches all of it.
    let scrolls = move || player.presenter.get().then_some("0");
    view! {
        <p id="explanation" class="explanation" aria-live="polite" tabindex=scrolls data-kind=data_kind data-seq=seq data-task=task>
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
    // Keyed by link: stepping along one chain only lights the next link.
    let links = move || {
        let links = chain.get().unwrap_or_default().into_iter();
        links
            .map(|link| Item::text(link.seq.unwrap_or(u64::MAX), link.label))
            .collect()
    };
    let link = move |link: Item| {
        let seq = (link.id != u64::MAX).then_some(link.id);
        let reached = move || seq.is_some_and(|seq| Some(seq) <= current_seq());
        view! { <li data-reached=move || reached().to_string() class:reached=reached>{link.text}</li> }
            .into_any()
    };
    view! {
        <Show when=move || chain.with(Option::is_some)>
            <ol id="wake-chain" class="chain" aria-label="Why this task was woken">
                {keyed(links, link)}
            </ol>
        </Show>
    }
}
