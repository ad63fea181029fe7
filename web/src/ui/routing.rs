//! The URL follows the player (`/scenario/tcp_read?step=12`, with `seed=7`
//! for another interleaving of a multi-thread run) and the player follows
//! the URL (on start-up and on the browser's back/forward).

use leptos::ev;
use leptos::prelude::*;

use crate::lesson::LessonState;
use crate::player::Player;
use crate::room::{Classroom, join_code};
use crate::route::{Route, seed_in};

/// The route in the address bar, and what is wrong with its seed, if anything.
fn current_route() -> (Route, Option<String>) {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    let route = Route::parse(&location.pathname().unwrap_or_default(), &search);
    (route, seed_in(&search).err())
}

/// Go where `route` says.
fn apply(player: Player, lessons: LessonState, route: Route) {
    match route {
        Route::Scenario { id, step, seed } => {
            lessons.close();
            let shown = player.scenario.get_untracked();
            if shown.as_deref() != Some(id.as_str()) || player.seed.get_value() != seed {
                player.load_seeded(&id, seed);
            }
            player.goto(step);
        }
        Route::Lesson { id, stage } => lessons.open(player, id, stage),
        Route::Home => {
            lessons.close();
            player.unload();
        }
    }
}

/// Read the URL now, follow back/forward, and keep the URL in step.
pub fn install(player: Player) {
    let lessons = expect_context::<LessonState>();
    let classroom = expect_context::<Classroom>();
    // `/join/CODE` follows a classroom room; every other URL is a route.
    let open = move || {
        let path = window().location().pathname().unwrap_or_default();
        match join_code(&path) {
            Some(code) => classroom.follow(code),
            None => {
                let (route, bad_seed) = current_route();
                apply(player, lessons, route);
                // After the load, which clears the error shown.
                if bad_seed.is_some() {
                    player.error.set(bad_seed);
                }
            }
        }
    };
    open();
    let handle = window_event_listener(ev::popstate, move |_| open());
    on_cleanup(move || handle.remove());
    focus_heading_on_new_page(player, lessons);

    // Browsers throttle history updates (about 100 per 10 s), and a held
    // arrow key steps faster than that: write the URL once the player rests.
    let generation = StoredValue::new(0_u64);
    Effect::new(move |previous: Option<Option<String>>| {
        let scenario = player.scenario.get();
        let step = player.position.get();
        // A new seed comes with a load, which moves the position.
        let seed = player.seed.get_value();
        // A follower's address stays `/join/CODE`.
        if player.busy.get() || !player.link.driving.get() {
            return scenario;
        }
        let changed_page = previous.is_some_and(|p| p != scenario);
        let route = match (lessons.route(player), &scenario) {
            (Some(lesson), _) => lesson,
            (None, Some(id)) => Route::Scenario {
                id: id.clone(),
                step,
                seed,
            },
            (None, None) => Route::Home,
        };
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let write = move || {
            if generation.get_value() == mine {
                write_url(&route.url(), changed_page);
            }
        };
        if changed_page {
            write();
        } else {
            set_timeout(write, URL_SETTLE);
        }
        scenario
    });
}

/// After a move to another page (home, a scenario, a lesson), focus goes to
/// its heading (`#page-title`), so the keyboard and a screen reader start at
/// the top of what is new instead of on `<body>` or a control that is gone.
/// The first page keeps the browser's own focus.
fn focus_heading_on_new_page(player: Player, lessons: LessonState) {
    Effect::new(move |previous: Option<(Option<String>, Option<String>)>| {
        let page = (player.scenario.get(), lessons.id.get());
        if previous.is_some_and(|previous| previous != page) {
            // Once the new page is in the document.
            request_animation_frame(|| {
                use wasm_bindgen::JsCast;
                let heading = document()
                    .get_element_by_id("page-title")
                    .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(heading) = heading {
                    let _ = heading.focus();
                }
            });
        }
        page
    });
}

/// How long the position must rest before the address bar follows it.
const URL_SETTLE: std::time::Duration = std::time::Duration::from_millis(150);

/// Put `url` in the address bar: a new history entry for a new page, else a replacement.
fn write_url(url: &str, new_entry: bool) {
    let here = window().location();
    let now = format!(
        "{}{}",
        here.pathname().unwrap_or_default(),
        here.search().unwrap_or_default()
    );
    if url == now {
        return;
    }
    let history = window().history();
    let result = if new_entry {
        history.and_then(|h| h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url)))
    } else {
        history.and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url)))
    };
    if result.is_err() {
        leptos::logging::warn!("could not update the address bar to {url}");
    }
}
