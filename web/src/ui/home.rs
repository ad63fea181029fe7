//! The home page: the scenarios to open, and the lessons.

use leptos::prelude::*;

use super::context::{Scenarios, use_player};

/// Scenario cards from `GET /api/scenarios`.
#[component]
pub fn Home() -> impl IntoView {
    let player = use_player();
    let Scenarios(list) = expect_context::<Scenarios>();
    let cards = move || {
        match list.get() {
        None => view! { <p>"Loading scenarios…"</p> }.into_any(),
        Some(Err(error)) => view! { <p class="error" role="alert">"Could not load the scenarios: " {error}</p> }.into_any(),
        Some(Ok(scenarios)) => scenarios
            .into_iter()
            .map(|s| {
                let id = s.id.clone();
                view! {
                    <li class="card">
                        <button data-scenario=s.id.clone() on:click=move |_| player.load(&id)>{s.title}</button>
                        <p>{s.summary}</p>
                    </li>
                }
            })
            .collect_view()
            .into_any(),
    }
    };
    view! {
        <main id="home" class="home">
            <h1>"Watch an async runtime work, one step at a time"</h1>
            <p class="lead">
                "Each scenario runs on a real reactor: real sockets, a real timer wheel, real epoll. "
                "Pick one and step through what the runtime does."
            </p>
            <ul id="scenarios" class="cards">{cards}</ul>
            <super::lessons::LessonList />
        </main>
    }
}
