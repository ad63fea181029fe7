//! The room's controls: a button to present, the bar that shows the room, and
//! the join form on the home page.

use leptos::prelude::*;

use super::context::use_player;
use crate::room::{Classroom, Role, display, join_path, normalise};

/// "Present to a class": creates a room for the scenario on screen.
#[component]
pub fn PresentButton() -> impl IntoView {
    let classroom = expect_context::<Classroom>();
    view! {
        <button id="present-btn" title="Let a class follow this screen" on:click=move |_| classroom.present()>
            "Present to a class"
        </button>
    }
}

/// The room bar under the header: what the room is and what can be done.
#[component]
pub fn RoomBar() -> impl IntoView {
    let classroom = expect_context::<Classroom>();
    let player = use_player();
    // A static site has no rooms: it is only ever alone.
    let hidden = crate::site::is_static();
    view! {
        {move || match classroom.role.get() {
            Role::Alone if player.scenario.with(Option::is_some) => {
                view! { <div class="room-bar" data-role="none" hidden=hidden><PresentButton /></div> }.into_any()
            }
            Role::Alone => view! { <div class="room-bar" data-role="none" hidden=hidden><JoinForm /><PresentButton /></div> }.into_any(),
            Role::Presenting { code, .. } => view! { <Presenting code=code /> }.into_any(),
            Role::Following { code } => view! { <Following code=code /> }.into_any(),
            Role::Exploring { code } => view! { <Exploring code=code /> }.into_any(),
        }}
        {move || classroom.ended.get().map(|text| view! {
            <div id="room-ended" class="banner room-ended" role="status">
                <span>{text}</span>
                " You can keep exploring on your own. "
                <button on:click=move |_| classroom.ended.set(None)>"Dismiss"</button>
            </div>
        })}
        {move || classroom.problem.get().map(|text| view! {
            <div id="room-problem" class="banner error" role="alert">
                <span>{text}</span>
                <button on:click=move |_| classroom.problem.set(None)>"Dismiss"</button>
            </div>
        })}
    }
}

/// The presenter's bar: the code and link, big, and the class size.
#[component]
fn Presenting(code: String) -> impl IntoView {
    let classroom = expect_context::<Classroom>();
    let player = use_player();
    let origin = window().location().origin().unwrap_or_default();
    let link = format!("{origin}{}", join_path(&code));
    let followers = move || {
        player
            .link
            .status
            .with(|room| room.as_ref().map_or(0, |r| r.followers))
    };
    let exploring = move || {
        player
            .link
            .status
            .with(|room| room.as_ref().map_or(0, |r| r.exploring))
    };
    view! {
        <section id="room-bar" class="room-bar" data-role="presenter" aria-label="Classroom room">
            <span class="room-label">"Join at"</span>
            <a id="room-link" class="room-link" href=link.clone() target="_blank">{link.clone()}</a>
            <span class="room-label">"code"</span>
            <strong id="room-code" class="room-code" data-code=code.clone()>{display(&code)}</strong>
            // How the class follows, and the presenter's own buttons: one
            // group, which presenter mode lifts into the header's spare middle.
            <span class="room-class">
            <span id="room-followers" data-count=move || followers().to_string() aria-live="polite">
                {move || match followers() {
                    1 => "1 student following".to_string(),
                    n => format!("{n} students following"),
                }}
            </span>
            <span id="room-exploring" data-count=move || exploring().to_string() aria-live="polite">
                {move || format!("{} exploring on their own", exploring())}
            </span>
            <button
                id="room-gather"
                title="Everyone exploring on their own follows you again"
                disabled=move || exploring() == 0
                on:click=move |_| classroom.gather()
            >
                "Bring everyone back"
            </button>
            <button id="room-end" on:click=move |_| classroom.end()>"End the room"</button>
            </span>
        </section>
    }
}

/// A follower's bar: whom it follows, and the way out.
#[component]
fn Following(code: String) -> impl IntoView {
    let classroom = expect_context::<Classroom>();
    let player = use_player();
    let presenter_here = move || {
        player
            .link
            .status
            .with(|room| room.as_ref().is_none_or(|r| r.presenter))
    };
    view! {
        <section id="room-bar" class="room-bar" data-role="follower" aria-label="Classroom room">
            <span>"Following room "</span>
            <strong id="room-code" class="room-code" data-code=code.clone()>{display(&code)}</strong>
            {move || (!presenter_here()).then(|| view! {
                <span class="room-note">" — the presenter is reconnecting…"</span>
            })}
            <button id="explore-btn" on:click=move |_| classroom.explore()>"Explore on my own"</button>
        </section>
    }
}

/// A follower exploring on its own: the way back.
#[component]
fn Exploring(code: String) -> impl IntoView {
    let classroom = expect_context::<Classroom>();
    view! {
        <section id="room-bar" class="room-bar" data-role="explorer" aria-label="Classroom room">
            <span>"Exploring on your own — room "</span>
            <strong id="room-code" class="room-code" data-code=code.clone()>{display(&code)}</strong>
            <button id="follow-btn" class="primary" on:click=move |_| classroom.follow_again()>"Follow again"</button>
        </section>
    }
}

/// "Join a class": type the code the presenter shows.
#[component]
pub fn JoinForm() -> impl IntoView {
    let classroom = expect_context::<Classroom>();
    let typed = RwSignal::new(String::new());
    let join = move || {
        let code = typed.get_untracked();
        if let Ok(canonical) = normalise(&code) {
            let path = join_path(&canonical);
            if let Ok(history) = window().history() {
                let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
            }
        }
        classroom.follow(&code);
    };
    view! {
        <form id="join-form" class="join-form" on:submit=move |ev| {
            ev.prevent_default();
            join();
        }>
            <label for="join-code">"Join a class: "</label>
            <input id="join-code" placeholder="K7QX-2MPD" autocomplete="off" maxlength="12"
                prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev)) />
            <button id="join-btn" type="submit">"Join"</button>
        </form>
    }
}
