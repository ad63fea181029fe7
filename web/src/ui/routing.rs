//! The URL follows the player (`/scenario/tcp_read?step=12`, with `seed=7`
//! for another interleaving of a multi-thread run) and the player follows
//! the URL (on start-up and on the browser's back/forward).

use leptos::ev;
use leptos::prelude::*;

use super::playground::{Opening, PlaygroundPage};
use super::replay::ReplayPage;
use crate::lesson::LessonState;
use crate::player::Player;
use crate::room::{Classroom, join_code};
use crate::route::{Route, seed_in};
use crate::site::{is_static, needs_server};

/// The route in the address bar, and what is wrong with its seed, if anything.
fn current_route() -> (Route, Option<String>) {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    let route = Route::parse(&location.pathname().unwrap_or_default(), &search);
    (route, seed_in(&search).err())
}

/// The pages `apply` opens and closes, taken from context once: `apply`
/// also runs in the browser's back/forward handler, where there is none.
#[derive(Clone, Copy)]
struct Pages {
    lessons: LessonState,
    playground: PlaygroundPage,
    replay: ReplayPage,
}

impl Pages {
    fn from_context() -> Pages {
        Pages {
            lessons: expect_context::<LessonState>(),
            playground: expect_context::<PlaygroundPage>(),
            replay: expect_context::<ReplayPage>(),
        }
    }
}

/// Go where `route` says.
fn apply(player: Player, pages: Pages, route: Route) {
    let Pages {
        lessons,
        playground: page,
        replay,
    } = pages;
    if let Route::Playground { example, code } = route {
        lessons.close();
        player.unload();
        if is_static() {
            player.error.set(Some(needs_server("The playground")));
        } else {
            page.open.set(Some(Opening { example, code }));
        }
        return;
    }
    page.close();
    replay.open.set(route == Route::Replay);
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
        // The file played stays (back and forward over its page); without
        // one, the page to choose one.
        Route::Replay => {
            lessons.close();
            if !player.from_file.get_untracked() {
                player.unload();
            }
        }
        Route::Home | Route::Playground { .. } => {
            lessons.close();
            player.unload();
        }
    }
}

/// What opens the playground (with an example) as a new entry in the
/// history: the home page's and the scenario view's links call it.
pub fn playground_opener(player: Player) -> impl Fn(Option<String>) + Copy + 'static {
    let pages = Pages::from_context();
    move |example| {
        let route = Route::Playground {
            example,
            code: None,
        };
        write_url(&route.url(), true);
        apply(player, pages, route);
    }
}

/// Read the URL now, follow back/forward, and keep the URL in step.
pub fn install(player: Player) {
    let pages = Pages::from_context();
    let Pages {
        lessons,
        playground: page,
        replay,
    } = pages;
    let classroom = expect_context::<Classroom>();
    // `/join/CODE` follows a classroom room (a static site has none); every
    // other URL is a route.
    let open = move || {
        let path = window().location().pathname().unwrap_or_default();
        match join_code(&path) {
            Some(code) if !is_static() => classroom.follow(code),
            _ => {
                let (route, bad_seed) = current_route();
                apply(player, pages, route);
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
    focus_heading_on_new_page(player, lessons, page);

    // Browsers throttle history updates (about 100 per 10 s), and a held
    // arrow key steps faster than that: write the URL once the player rests.
    let generation = StoredValue::new(0_u64);

    // Leaving the playground is a new page, whatever the scenario was.
    Effect::new(move |previous: Option<(Option<String>, bool)>| {
        let scenario = player.scenario.get();
        let playground = page.open.with(Option::is_some);
        let step = player.position.get();
        // A new seed comes with a load, which moves the position.
        let seed = player.seed.get_value();
        // A follower's address stays `/join/CODE`; the playground's is its own.
        if playground {
            // A write still pending from the page before is not this page's.
            generation.update_value(|g| *g += 1);
        }
        if playground || player.busy.get() || !player.link.driving.get() {
            return (scenario, playground);
        }
        let changed_page = previous.is_some_and(|(p, was)| p != scenario || was);
        let route = match (lessons.route(player), &scenario) {
            // A file played, or the page to choose one.
            _ if player.from_file.get() || (replay.open.get() && scenario.is_none()) => {
                Route::Replay
            }
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
        (scenario, playground)
    });
}

/// After a move to another page (home, a scenario, a lesson), focus goes to
/// its heading (`#page-title`), so the keyboard and a screen reader start at
/// the top of what is new instead of on `<body>` or a control that is gone.
/// The first page keeps the browser's own focus.
/// Running a program in the playground is no new page: focus stays on Run.
fn focus_heading_on_new_page(player: Player, lessons: LessonState, playground: PlaygroundPage) {
    type Page = (Option<String>, Option<String>, bool);
    Effect::new(move |previous: Option<Page>| {
        let open = playground.open.with(Option::is_some);
        let scenario = player.scenario.get().filter(|_| !open);
        let page = (scenario, lessons.id.get(), open);
        if previous.as_ref().is_some_and(|previous| *previous != page) {
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
