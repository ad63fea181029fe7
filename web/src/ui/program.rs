//! `#program`: the scenario's async program, line by line, with a marker on
//! the line each task stands at (`crate::program`): the `.await` a parked
//! task waits on, and the line the task being polled resumed from.
//!
//! The program is fetched when a scenario opens (it is not in the wasm), once
//! per scenario. A playground program is the learner's own text, as run:
//! its tasks stand on its lines (`TaskView::at`) and the line the current
//! record's `span` names is lit. A scenario with an example links to it in
//! the playground; one the playground cannot write says why.

use leptos::prelude::*;
use leptos::task::spawn_local;
use reactor_protocol::TaskState;
use reactor_protocol::api::ScenarioProgram;

use super::context::use_player;
use super::keyed::{Item, keyed};
use crate::api;
use crate::player::PROGRAM;
use crate::playground::{EXAMPLES_URL, decode_examples, not_expressible};
use crate::program::{PLAYGROUND_FILE, TaskAt, decode, markers, positions, split_await, tasks_on};
use crate::site::{api_url, is_static};

/// Markers shown on one line; more tasks there are counted, not named.
const MOST_MARKERS: usize = 3;

/// The program as far as the app knows it.
#[derive(Clone, Debug, PartialEq)]
enum Loaded {
    Loading,
    Program(ScenarioProgram),
    Failed(String),
}

/// The program panel.
#[component]
pub fn ProgramPanel() -> impl IntoView {
    let player = use_player();
    let loaded = RwSignal::new(None::<(String, Loaded)>);
    Effect::new(move |_| {
        let Some(id) = player.scenario.get() else {
            return;
        };
        if id == PROGRAM {
            let lines = player.program.with(|p| {
                p.as_ref()
                    .map(|p| p.source.lines().map(str::to_string).collect())
                    .unwrap_or_default()
            });
            let program = ScenarioProgram {
                scenario: id.clone(),
                file: PLAYGROUND_FILE.into(),
                first_line: 1,
                lines,
            };
            loaded.set(Some((id, Loaded::Program(program))));
            return;
        }
        if loaded.with_untracked(|l| l.as_ref().is_some_and(|(shown, _)| *shown == id)) {
            return;
        }
        loaded.set(Some((id.clone(), Loaded::Loading)));
        spawn_local(async move {
            let url = api_url(&format!("/api/scenarios/{id}/program"));
            let answer = match api::get_text(&url).await.and_then(|text| decode(&text)) {
                Ok(program) => Loaded::Program(program),
                Err(error) => Loaded::Failed(error),
            };
            // Only if the scenario is still the one asked for.
            loaded.update(|l| {
                if let Some((shown, entry)) = l
                    && *shown == id
                {
                    *entry = answer;
                }
            });
        });
    });
    let program = Memo::new(move |_| {
        loaded.with(|l| match l {
            Some((_, Loaded::Program(program))) => Some(program.clone()),
            _ => None,
        })
    });
    let body = move || match loaded.get().map(|(_, entry)| entry) {
        Some(Loaded::Program(_)) => view! { <Lines program /> }.into_any(),
        Some(Loaded::Failed(error)) => {
            view! { <p class="empty">"Program unavailable: " {error}</p> }.into_any()
        }
        _ => view! { <p class="empty">"Loading the program…"</p> }.into_any(),
    };
    let heading = move || {
        program.with(|p| match p.as_ref().map(|p| p.file.as_str()) {
            Some(PLAYGROUND_FILE) => view! { "Your program" }.into_any(),
            file => view! { "Program " <code class="where">{file.map(str::to_string)}</code> }
                .into_any(),
        })
    };
    view! {
        <section id="program" class="panel program secondary" aria-label="The program">
            <h2>{heading}</h2>
            <OpenInPlayground />
            <p class="program-legend">
                <span class="key parked">"parked on its .await"</span>
                <span class="key running">"being polled"</span>
                <span class="key woken">"woken, resumes here"</span>
            </p>
            {body}
        </section>
    }
}

/// Every line of the program, numbered as in its file.
#[component]
fn Lines(program: Memo<Option<ScenarioProgram>>) -> impl IntoView {
    let rows = move || {
        program.with(|p| {
            p.as_ref().map_or_else(Vec::new, |p| {
                (p.first_line..)
                    .zip(&p.lines)
                    .map(|(number, code)| Item::text(number, code.clone()))
                    .collect()
            })
        })
    };
    // Where every task stands, worked out once per state for all lines.
    let player = use_player();
    let positions = Memo::new(move |_| {
        let Some(file) = program.with(|p| p.as_ref().map(|p| p.file.clone())) else {
            return Vec::new();
        };
        player.state.with(|s| {
            s.as_deref()
                .map(|s| positions(s, &file))
                .unwrap_or_default()
        })
    });
    let lit = Memo::new(move |_| {
        player
            .current
            .with(|r| r.as_ref().and_then(|r| r.span).map(|span| span.line))
    });
    let row = move |Item { id, text }: Item| {
        let number = id as u32;
        view! { <Line number code=text positions lit /> }.into_any()
    };
    view! { <pre class="code-block">{keyed(rows, row)}</pre> }
}

/// One line: its number, its code (the `.await` marked) and its tasks.
#[component]
fn Line(
    number: u32,
    code: String,
    positions: Memo<Vec<(u32, Vec<TaskAt>)>>,
    lit: Memo<Option<u32>>,
) -> impl IntoView {
    let here = Memo::new(move |_| positions.with(|p| tasks_on(p, number).to_vec()));
    let has = move |state: TaskState| here.with(|tasks| tasks.iter().any(|t| t.state == state));
    let code = match split_await(&code) {
        Some((before, await_, after)) => view! {
            <span class="code">{before.to_string()}<mark class="await">{await_}</mark>{after.to_string()}</span>
        }
        .into_any(),
        None => view! { <span class="code">{code}</span> }.into_any(),
    };
    let tags = move || {
        let (shown, more) = here.with(|tasks| markers(tasks, MOST_MARKERS));
        let more = (more > 0)
            .then(|| view! { <span class="task-at more">{format!("+{more} more")}</span> });
        let chips = here.with(|tasks| {
            tasks
                .iter()
                .zip(shown)
                .map(|(task, label)| chip(task, label))
                .collect::<Vec<_>>()
        });
        view! { <span class="marks">{chips}{more}</span> }
    };
    view! {
        <div
            class="src-line"
            class:parked=move || has(TaskState::Idle)
            class:running=move || has(TaskState::Running)
            class:woken=move || has(TaskState::Scheduled)
            class:current=move || lit.get() == Some(number)
            data-line=number.to_string()
        >
            <span class="num">{number}</span>
            {code}
            {tags}
        </div>
    }
}

/// One task's marker on its line.
fn chip(task: &TaskAt, label: String) -> impl IntoView + use<> {
    view! {
        <span class=format!("task-at {}", task.state.name()) data-task=task.id.to_string() data-state=task.state.name()>
            {label}
        </span>
    }
}

/// "Open in playground": the scenario's example program, if it has one; a
/// scenario the playground cannot write says why, on a disabled button. A
/// static site, with no playground, shows nothing.
#[component]
fn OpenInPlayground() -> impl IntoView {
    let player = use_player();
    let open = super::routing::playground_opener(player);
    let examples = RwSignal::new(None::<Vec<(String, String)>>);
    let live = !is_static();
    if live {
        spawn_local(async move {
            let pairs = api::get_text(EXAMPLES_URL)
                .await
                .and_then(|text| decode_examples(&text))
                .map(|list| {
                    list.into_iter()
                        .filter_map(|e| Some((e.scenario?, e.id)))
                        .collect()
                });
            let _ = examples.try_set(pairs.ok());
        });
    }
    move || {
        let scenario = player.scenario.get().filter(|id| live && id != PROGRAM)?;
        if let Some(why) = not_expressible(&scenario) {
            return Some(
                view! {
                    <button id="open-in-playground" class="open-playground" disabled=true>
                        "Open in playground: " {why}
                    </button>
                }
                .into_any(),
            );
        }
        let example = examples.with(|list| {
            list.as_ref()?
                .iter()
                .find(|(s, _)| *s == scenario)
                .map(|(_, id)| id.clone())
        })?;
        let href = format!("/playground?example={example}");
        Some(
            view! {
                <a id="open-in-playground" class="open-playground" href=href on:click=move |ev| {
                    ev.prevent_default();
                    open(Some(example.clone()));
                }>"Open in playground"</a>
            }
            .into_any(),
        )
    }
}
