//! The lesson list on the home page: where a newcomer starts, then every
//! lesson in order with its summary, scenario and length.

use leptos::prelude::*;
use reactor_protocol::lesson::LessonSummary;

use crate::lesson::{LessonState, fetch_lessons};
use crate::player::Player;
use crate::route::Route;

/// "New here? Start with …" and numbered cards for every lesson from
/// `GET /api/lessons` (the server sends them in reading order); a click
/// opens the lesson in place.
#[component]
pub fn LessonList() -> impl IntoView {
    let player = expect_context::<Player>();
    let state = expect_context::<LessonState>();
    let lessons = RwSignal::new(None);
    // `try_set`: the home page may be gone (a lesson opened) before the answer comes.
    leptos::task::spawn_local(async move {
        let _ = lessons.try_set(Some(fetch_lessons().await));
    });
    let start_here = move || {
        let first = lessons.with(|list| list.as_ref()?.as_ref().ok()?.first().cloned())?;
        let url = lesson_url(&first.id);
        Some(view! {
            <p id="start-here" class="start-here">
                "New here? "
                <a class="start-link" href=url.clone() on:click=opener(player, state, first.id.clone(), url)>
                    "Start with " {first.title}
                </a>
                ", then take the lessons in order."
            </p>
        })
    };
    let cards = move || match lessons.get() {
        None => view! { <p>"Loading lessons…"</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="error" role="alert">"Could not load the lessons: " {error}</p> }
                .into_any()
        }
        Some(Ok(list)) if list.is_empty() => {
            view! { <p>"No lessons are installed on this server."</p> }.into_any()
        }
        Some(Ok(list)) => view! {
            <ol class="cards">
                {list
                    .into_iter()
                    .zip(1..)
                    .map(|(lesson, number)| view! { <LessonCard lesson number player state /> })
                    .collect_view()}
            </ol>
        }
        .into_any(),
    };
    view! {
        <section id="lessons" class="lessons" aria-labelledby="lessons-title">
            <h2 id="lessons-title">"Lessons"</h2>
            {start_here}
            {cards}
        </section>
    }
}

/// The address of lesson `id`'s first stage.
fn lesson_url(id: &str) -> String {
    Route::Lesson {
        id: id.to_string(),
        stage: 1,
    }
    .url()
}

/// A link's click handler that opens lesson `id` in place (a click with a
/// modifier, or not with the main button, is left to the browser: a new tab).
fn opener(
    player: Player,
    state: LessonState,
    id: String,
    url: String,
) -> impl Fn(leptos::ev::MouseEvent) + 'static {
    move |ev: leptos::ev::MouseEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
            return;
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
}

/// One lesson, `number` in reading order.
#[component]
fn LessonCard(
    lesson: LessonSummary,
    number: usize,
    player: Player,
    state: LessonState,
) -> impl IntoView {
    let url = lesson_url(&lesson.id);
    let open = opener(player, state, lesson.id.clone(), url.clone());
    view! {
        <li class="card" data-lesson=lesson.id.clone()>
            <a class="lesson-link" href=url on:click=open>
                <span class="lesson-number">{number} ". "</span>
                {lesson.title}
            </a>
            <p>{lesson.summary}</p>
            <p class="meta">
                "Scenario " <code>{lesson.scenario}</code> " · " {lesson.stages} " stages"
            </p>
        </li>
    }
}
