//! The header: title, scenario picker, connection state, presenter and help.

use leptos::prelude::*;

use super::context::{Scenarios, use_player};
use crate::lesson::LessonState;

/// The top bar.
#[component]
pub fn Header() -> impl IntoView {
    let player = use_player();
    let state = move || player.connection.get().id();
    let page = expect_context::<super::playground::PlaygroundPage>();
    view! {
        <header class="top">
            <a class="brand" href="/" on:click=move |ev| {
                ev.prevent_default();
                page.close();
                player.unload();
            }>"Reactor Lab"</a>
            <ScenarioPicker />
            // A static site has no server to be connected to.
            <span id="connection" data-state=state title="Connection to the server" hidden=crate::site::is_static()>
                <span class="dot" aria-hidden="true"></span>
                <span class="label">{state}</span>
            </span>
            <super::theme::ThemeButton />
            <button
                id="presenter"
                aria-pressed=move || player.presenter.get().to_string()
                title="Presenter mode (F)"
                on:click=move |_| player.presenter.update(|p| *p = !*p)
            >"Presenter"</button>
            <button id="shortcuts-btn" aria-label="Keyboard shortcuts (?)" on:click=move |_| player.shortcuts.set(true)>"?"</button>
        </header>
    }
}

/// `<select id="scenario-picker">` over `GET /api/scenarios`.
#[component]
fn ScenarioPicker() -> impl IntoView {
    let player = use_player();
    let scenarios = expect_context::<Scenarios>();
    // The scenario shown, if the list has it: an unknown one (`/scenario/nope`)
    // leaves the placeholder selected, so picking any real scenario loads it.
    let chosen = move || {
        player
            .scenario
            .get()
            .filter(|id| scenarios.offers(id) == Some(true))
    };
    let options = move || {
        let current = chosen();
        scenarios
            .0
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|s| {
                let selected = current.as_deref() == Some(s.id.as_str());
                view! { <option value=s.id.clone() selected=selected>{s.title}</option> }
            })
            .collect_view()
    };
    view! {
        <label class="picker">
            <span class="visually-hidden">"Scenario"</span>
            <select id="scenario-picker" aria-label="Scenario" on:keydown=keep_step_keys on:change=move |ev| {
                let id = event_target_value(&ev);
                if !id.is_empty() {
                    player.load(&id);
                }
            }>
                <option value="" disabled=true selected=move || chosen().is_none()>"Choose a scenario…"</option>
                {options}
            </select>
        </label>
    }
}

/// ← and → on the focused picker would choose the neighbouring scenario
/// (Chromium changes a closed select's value on them), and so load it: they
/// are step keys, and step keys never act while a select has focus. ↑ and ↓
/// still move through the list, as in every select.
fn keep_step_keys(ev: leptos::ev::KeyboardEvent) {
    if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight") {
        ev.prevent_default();
    }
}

/// The scenario view's heading: the lesson open, else the scenario's title.
/// Visually hidden (the picker and the lesson panel show the same words);
/// focus lands here when the page changes (`routing`).
#[component]
pub fn PageHeading() -> impl IntoView {
    let player = use_player();
    let scenarios = expect_context::<Scenarios>();
    let lessons = expect_context::<LessonState>();
    let title = move || {
        if let Some(lesson) = lessons.lesson.get() {
            return format!("Lesson: {}", lesson.title);
        }
        let id = player.scenario.get().unwrap_or_default();
        let title = scenarios.0.with(|list| {
            list.as_ref()
                .and_then(|list| list.as_ref().ok())
                .and_then(|list| list.iter().find(|s| s.id == id))
                .map(|s| s.title.clone())
        });
        format!("Scenario: {}", title.unwrap_or(id))
    };
    view! { <h1 id="page-title" class="visually-hidden" tabindex="-1">{title}</h1> }
}
