//! `#why-stuck`: the latest diagnosis on screen, and for every idle task
//! the article's three questions — what it waits on, where its waker is
//! stored, whether what must fire it is driven. The words come from
//! `explain::stuck`; this view only lays them out.

use leptos::prelude::*;

use super::context::use_player;
use super::keyed::{Item, Live, keyed};
use crate::explain::stuck::{Answer, Finding, answers, finding, latest_diagnostic};

/// The latest diagnosis on screen: its record's `seq`, whether that record
/// is the current one, and what it found.
#[derive(Clone, PartialEq)]
struct Shown {
    seq: u64,
    current: bool,
    problem: &'static str,
    finding: Finding,
}

/// "Why is it stuck?": the diagnosis, then one row per idle task.
#[component]
pub fn WhyStuck() -> impl IntoView {
    let player = use_player();
    let shown = Memo::new(move |_| {
        let position = player.position.get();
        let current = player.current.with(|r| r.as_ref().map(|r| r.seq));
        player.history.with(|history| {
            let (seq, diagnostic) = latest_diagnostic(history.records(), position)?;
            player.state.with(|state| {
                let tasks = state.as_ref().map_or(&[][..], |s| &s.tasks);
                Some(Shown {
                    seq,
                    current: current == Some(seq),
                    problem: diagnostic.problem.name(),
                    finding: finding(diagnostic, tasks),
                })
            })
        })
    });
    let answered = Memo::new(move |_| {
        player
            .state
            .with(|s| s.as_deref().map(answers).unwrap_or_default())
    });
    // One row per place in the list, kept while the list is that long: a
    // jump (which changes the tasks answered for and every deadline they
    // wait on) rewrites the rows' words instead of building new rows.
    let rows = move || answered.with(|(shown, _)| (0..shown.len()).map(Item::id).collect());
    let live = Live::new();
    Effect::new(move |_| {
        answered.with(|(shown, _)| {
            for (place, answer) in shown.iter().enumerate() {
                live.show(place as u64, answer.clone());
            }
        });
    });
    let row = move |item: Item| answer_row(answered, live, item);
    let left_out = move || answered.with(|(_, left_out)| *left_out);
    let none_idle = move || answered.with(|(shown, _)| shown.is_empty());
    view! {
        <div class="panel stuck-panel">
            <h2>"Why is it stuck?"</h2>
            <div
                id="why-stuck"
                data-problem=move || shown.with(|s| s.as_ref().map_or("", |s| s.problem))
                data-ends-run=move || shown.with(|s| s.as_ref().is_some_and(|s| s.finding.ends_run)).to_string()
            >
                {move || shown.get().map(|shown| view! { <Diagnosis shown /> })}
                <ul class="stuck-tasks">{keyed(rows, row)}</ul>
                <Show when=none_idle>
                    <p class="empty">"No task is waiting."</p>
                </Show>
                <Show when=move || left_out() != 0>
                    <p class="note">{move || format!("and {} more idle tasks, not shown", left_out())}</p>
                </Show>
            </div>
        </div>
    }
}

/// The diagnosis box: problem, tasks, facts and the engine's line.
#[component]
fn Diagnosis(shown: Shown) -> impl IntoView {
    let Shown {
        seq,
        current,
        finding,
        ..
    } = shown;
    let when = if current {
        "this record".to_string()
    } else {
        format!("found at record {seq}")
    };
    let facts = finding
        .facts
        .into_iter()
        .map(|fact| view! { <li>{fact}</li> })
        .collect_view();
    view! {
        <section class="diagnosis" class:ends-run=finding.ends_run data-current=current.to_string() aria-label="Diagnosis">
            <p class="diagnosis-head">
                <strong class="problem">{finding.title}</strong>
                " — "<span class="diagnosis-tasks">{finding.tasks}</span>
                <span class="diagnosis-when">{when}</span>
            </p>
            <ul class="diagnosis-facts">{facts}</ul>
            <p class="diagnosis-message">{finding.message}</p>
        </section>
    }
}

/// One idle task's three answers: the row at `item.id`'s place, as `live` says.
fn answer_row(answered: Memo<(Vec<Answer>, usize)>, live: Live<Answer>, item: Item) -> AnyView {
    let place = item.id as usize;
    let Some(now) = answered.with_untracked(|(shown, _)| shown.get(place).cloned()) else {
        return ().into_any();
    };
    let answer = live.row(item.id, now);
    let never = move || answer.with(|a| a.never_wakes);
    let text = move |of: fn(&Answer) -> &String| move || answer.with(|a| of(a).clone());
    view! {
        <li data-task=move || answer.with(|a| a.task.to_string()) data-never-wakes=move || never().to_string()>
            <p class="stuck-task">
                <span class="name">{text(|a| &a.label)}</span>
                {move || never().then(|| view! { <span class="badge never">"nothing will wake it"</span> })}
            </p>
            <dl>
                <dt>"waits on"</dt><dd class="waits-on">{text(|a| &a.waits_on)}</dd>
                <dt>"waker"</dt><dd class="waker">{text(|a| &a.waker)}</dd>
                <dt>"fired by"</dt><dd class="fired-by">{text(|a| &a.fired_by)}</dd>
            </dl>
        </li>
    }
    .into_any()
}
