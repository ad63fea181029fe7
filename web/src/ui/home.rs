//! The home page: where to start, the lessons in order, then the raw
//! scenarios and the glossary.

use leptos::prelude::*;

use super::context::{Scenarios, use_player};

/// The home page. The lessons come first (the first is where a newcomer
/// starts); the scenarios they walk through follow, for stepping without a
/// story. "Present to a class" and "Join a class" are in the room bar above.
/// A pointer or the focus on the page starts fetching the scenario view, so
/// it is usually here by the time a card is chosen.
#[component]
pub fn Home() -> impl IntoView {
    use super::workbench::preload;
    let open_playground = super::routing::playground_opener(use_player());
    // A static site has no playground, and says so in its place.
    let is_static = crate::site::is_static();
    let way_in = if is_static {
        crate::site::needs_server("The playground, where you write your own async Rust,")
    } else {
        " in the playground, and step through what the runtime does with it.".into()
    };
    view! {
        <main id="home" class="home" on:pointerover=|_| preload() on:focusin=|_| preload()>
            <h1 id="page-title" tabindex="-1">"Watch an async runtime work, one step at a time"</h1>
            <p class="lead">
                "Each scenario runs on a real reactor: real sockets, a real timer wheel, real epoll. "
                "A lesson tells its story as the records happen; step through at your own pace, "
                "or present it to a class."
            </p>
            <p class="playground-way-in">
                <a id="open-playground" class="button-link" href="/playground" hidden=is_static on:click=move |ev| {
                    ev.prevent_default();
                    open_playground(None);
                }>"Write your own async Rust"</a>
                {way_in}
            </p>
            <super::lessons::LessonList />
            <ScenarioCards />
            <super::glossary::GlossaryLink />
        </main>
    }
}

/// Scenario cards from `GET /api/scenarios`.
#[component]
fn ScenarioCards() -> impl IntoView {
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
        <section id="scenario-list" class="scenario-list" aria-labelledby="scenarios-title">
            <h2 id="scenarios-title">"Scenarios"</h2>
            <p class="lead">"The runs the lessons walk through, without the story: pick one and step."</p>
            <ul id="scenarios" class="cards">{cards}</ul>
        </section>
    }
}
