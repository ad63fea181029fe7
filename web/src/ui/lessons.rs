//! The lesson list on the home page: title, summary, scenario and length.

use leptos::prelude::*;
use reactor_protocol::lesson::LessonSummary;

use crate::lesson::{LessonState, fetch_lessons};
use crate::player::Player;
use crate::route::Route;

/// Cards for every lesson from `GET /api/lessons`; a click opens the lesson in place.
#[component]
pub fn LessonList() -> impl IntoView {
    let player = expect_context::<Player>();
    let state = expect_context::<LessonState>();
    let lessons = RwSignal::new(None);
    // `try_set`: the home page may be gone (a lesson opened) before the answer comes.
    leptos::task::spawn_local(async move {
        let _ = lessons.try_set(Some(fetch_lessons().await));
    });
    let cards = move || match lessons.get() {
        None => view! { <p>"Loading lessons…"</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="error" role="alert">"Could not load the lessons: " {error}</p> }
                .into_any()
        }
        Some(Ok(list)) if list.is_empty() => {
            view! { <p>"No lessons are installed on this server."</p> }.into_any()
        }
        Some(Ok(list)) => list
            .into_iter()
            .map(|lesson| view! { <LessonCard lesson player state /> })
            .collect_view()
            .into_any(),
    };
    view! {
        <section id="lessons" class="lessons" aria-label="Lessons">
            <h2>"Lessons"</h2>
            <p class="lead">"Guided walks through a scenario: the story is told as the records happen."</p>
            <ul class="cards">{cards}</ul>
        </section>
    }
}

/// One lesson.
#[component]
fn LessonCard(lesson: LessonSummary, player: Player, state: LessonState) -> impl IntoView {
    let url = Route::Lesson {
        id: lesson.id.clone(),
        stage: 1,
    }
    .url();
    let id = lesson.id.clone();
    let open = {
        let url = url.clone();
        move |ev: leptos::ev::MouseEvent| {
            if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
                return; // let the browser open a new tab
            }
            ev.prevent_default();
            let pushed = window()
                .history()
                .and_then(|h| h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)));
            if pushed.is_err() {
                leptos::logging::warn!("could not update the address bar to {url}");
            }
            state.open(player, id.clone(), 1);
        }
    };
    view! {
        <li class="card" data-lesson=lesson.id.clone()>
            <a class="lesson-link" href=url on:click=open>{lesson.title}</a>
            <p>{lesson.summary}</p>
            <p class="meta">
                "Scenario " <code>{lesson.scenario}</code> " · " {lesson.stages} " stages"
            </p>
        </li>
    }
}
