//! The narration panel: the active stage's text beside the diagram, stage
//! progress, Previous/Next stage, the stage's question, the engine file
//! behind it, glossary terms.

use std::sync::Arc;

use leptos::prelude::*;
use reactor_protocol::lesson::{Lesson, Term, active_stage};
use wasm_bindgen::JsCast;

use super::keyboard::typing_in_field;
use super::pointer::{bring_into_view, pointer_css};
use super::question::Questions;
use crate::lesson::{LessonState, StageKey, bind_lesson, go_to_stage, progress_label, stage_key};
use crate::player::Player;
use crate::room::Classroom;

/// The panel for the open lesson; nothing when no lesson is open for the
/// scenario on screen.
#[component]
pub fn LessonPanel() -> impl IntoView {
    let player = expect_context::<Player>();
    let state = expect_context::<LessonState>();
    move || {
        let scenario = player.scenario.get();
        match state.lesson.get() {
            Some(lesson) if scenario.as_deref() == Some(lesson.scenario.as_str()) => {
                view! { <Narration lesson player /> }.into_any()
            }
            _ => ().into_any(),
        }
    }
}

/// The narration of one lesson, following the player.
#[component]
fn Narration(lesson: Arc<Lesson>, player: Player) -> impl IntoView {
    let count = lesson.stages.len();
    let bound = Memo::new({
        let lesson = lesson.clone();
        move |_| player.history.with(|h| bind_lesson(&lesson, h.records()))
    });
    let active = Memo::new(move |_| bound.with(|bound| active_stage(bound, player.position.get())));
    let term = RwSignal::new(None::<String>);
    let stage = {
        let lesson = lesson.clone();
        move || active.get().and_then(|k| lesson.stages.get(k).cloned())
    };
    // A new stage: once its pointer's styles are in, what it points at scrolls into view.
    Effect::new({
        let stage = stage.clone();
        move |_| {
            let targets = stage().map(|s| s.point_at).unwrap_or_default();
            if let Ok(frame) =
                request_animation_frame_with_handle(move || bring_into_view(&targets))
            {
                on_cleanup(move || frame.cancel());
            }
        }
    });
    let classroom = use_context::<Classroom>();
    let go = {
        let lesson = lesson.clone();
        move |target: Option<usize>| {
            if let Some(room) = classroom {
                room.explore(); // a follower changing stage explores
            }
            match target {
                Some(stage) => go_to_stage(player, &lesson, stage),
                None => player.restart(),
            }
        }
    };
    let previous = {
        let go = go.clone();
        move |_| go(active.get_untracked().and_then(|k| k.checked_sub(1)))
    };
    let next = {
        let go = go.clone();
        move |_| go(Some(active.get_untracked().map_or(0, |k| k + 1)))
    };
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        let modifier = event.ctrl_key() || event.alt_key() || event.meta_key();
        // The open shortcut list is modal: it keeps the player still.
        let ignored = modifier || typing_in_field(&event) || player.shortcuts.get_untracked();
        let Some(step) = stage_key(&event.key(), ignored) else {
            return;
        };
        let now = active.get_untracked();
        match step {
            StageKey::Next if now != Some(count - 1) => go(Some(now.map_or(0, |k| k + 1))),
            StageKey::Previous if now.is_some() => go(now.and_then(|k| k.checked_sub(1))),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let on_text_click = move |ev: leptos::ev::MouseEvent| {
        let link = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a.glossary-link").ok().flatten());
        if let Some(id) = link.and_then(|link| link.get_attribute("data-term")) {
            ev.prevent_default();
            term.set(Some(id));
        }
    };
    let stage_seq = move || {
        active
            .get()
            .and_then(|k| bound.with(|b| b.get(k).copied()))
            .map(|index| index.to_string())
    };
    let title = lesson.title.clone();
    let glossary = lesson.glossary.clone();
    view! {
        <aside
            id="lesson"
            class="lesson-panel"
            aria-label="Lesson"
            data-lesson=lesson.id.clone()
            data-stages=count.to_string()
            data-stage=move || active.get().map_or(0, |k| k + 1).to_string()
            data-stage-record=stage_seq
        >
            <style id="lesson-pointer">{{
                let stage = stage.clone();
                move || stage().map(|s| pointer_css(&s.point_at)).unwrap_or_default()
            }}</style>
            <p class="lesson-crumb"><a href="/">"Lessons"</a> " › " {title}</p>
            <p id="lesson-progress" class="lesson-progress">{move || progress_label(active.get(), count)}</p>
            <nav class="lesson-nav" aria-label="Lesson stages">
                <button id="lesson-prev" title="Previous stage (B)" on:click=previous disabled=move || active.get().is_none()>
                    "◀ Previous stage"
                </button>
                <button id="lesson-next" class="primary" title="Next stage (N)" on:click=next disabled=move || active.get() == Some(count - 1)>
                    "Next stage ▶"
                </button>
            </nav>
            <h2 id="lesson-stage-title" class="lesson-stage-title">
                {{
                    let stage = stage.clone();
                    let summary = lesson.summary.clone();
                    move || stage().map_or_else(|| summary.clone(), |s| s.title)
                }}
            </h2>
            <p id="lesson-record" class="lesson-record">
                {{
                    let stage = stage.clone();
                    move || {
                        let seq = stage_seq()?;
                        let kind = stage()?.matcher.kind.name();
                        Some(format!("This stage's record: #{seq}, {kind}"))
                    }
                }}
            </p>
            <div id="lesson-text" class="lesson-text" aria-live="polite" on:click=on_text_click inner_html={
                let stage = stage.clone();
                move || stage().map_or_else(intro_html, |s| s.html)
            }></div>
            <Questions lesson=lesson.clone() bound />
            <TermBox glossary=glossary.clone() term />
            {{
                let stage = stage.clone();
                move || stage().and_then(|s| s.source).map(|file| view! {
                    <p class="lesson-source">
                        "Engine source: "
                        <a href=crate::site::api_url(&format!("/api/source/{file}")) target="_blank" rel="noopener">{file.clone()}</a>
                    </p>
                })
            }}
            <GlossaryList glossary term />
        </aside>
    }
}

fn intro_html() -> String {
    "<p>Press <strong>Next stage</strong> to walk the story, or <strong>Step</strong> to go record by \
     record: each stage's text appears when its record does.</p>"
        .to_string()
}

/// The definition of the term last clicked.
#[component]
fn TermBox(glossary: Vec<Term>, term: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        let id = term.get()?;
        let entry = glossary.iter().find(|t| t.id == id)?.clone();
        Some(view! {
            <div id="lesson-term" class="lesson-term" role="note" data-term=entry.id.clone()>
                <button class="lesson-term-close" aria-label="Close the definition" on:click=move |_| term.set(None)>"×"</button>
                <strong>{entry.term.clone()}</strong>
                <div inner_html=entry.html.clone()></div>
            </div>
        })
    }
}

/// Buttons for every glossary term the lesson uses.
#[component]
fn GlossaryList(glossary: Vec<Term>, term: RwSignal<Option<String>>) -> impl IntoView {
    (!glossary.is_empty()).then(|| {
        let buttons = glossary
            .into_iter()
            .map(|entry| {
                let id = entry.id.clone();
                view! {
                    <li><button class="lesson-glossary-term" id=format!("glossary-{}", entry.id) on:click=move |_| term.set(Some(id.clone()))>
                        {entry.term}
                    </button></li>
                }
            })
            .collect_view();
        view! {
            <section class="lesson-glossary secondary" aria-label="Glossary">
                <h3>"Glossary"</h3>
                <ul>{buttons}</ul>
            </section>
        }
    })
}
