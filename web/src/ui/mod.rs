//! The views: tiny components that read the [`Player`] and call its methods.
//!
//! `App` mounts them; each reads what it needs from context (`context`).

mod banners;
mod context;
mod controls;
mod diagram;
mod door;
mod explanation;
mod glossary;
mod header;
mod home;
mod keyboard;
mod keyed;
mod lesson_panel;
mod lessons;
mod log;
mod playground;
mod pointer;
mod poll;
mod pool;
mod pool_moves;
mod predict;
mod program;
mod question;
mod registrations;
mod replay;
mod room;
mod routing;
mod seed;
mod shortcuts;
mod source;
mod status;
mod stuck;
mod tasks;
mod theme;
mod timeline;
mod wheel;
mod workbench;

use leptos::prelude::*;

use crate::lesson::LessonState;
use crate::player::Player;
use crate::room::Classroom;
use context::Scenarios;

/// The whole app: one [`Player`], connected, routed and keyboard-driven.
#[component]
pub fn App() -> impl IntoView {
    let player = Player::new();
    provide_context(player);
    provide_context(Scenarios::fetch());
    // A static site has no server: its runs are files.
    if !crate::site::is_static() {
        player.connect();
    }
    LessonState::provide();
    playground::PlaygroundPage::provide();
    replay::ReplayPage::provide();
    Classroom::provide(player);
    routing::install(player);
    keyboard::install(player);
    theme::install();
    let page = expect_context::<playground::PlaygroundPage>();
    let in_playground = Memo::new(move |_| page.open.with(Option::is_some));
    let replay_open = expect_context::<replay::ReplayPage>().open;
    view! {
        <div
            id="app"
            on:dragover=replay::on_drag_over
            on:drop=move |ev| replay::on_drop(player, ev)
            class:presenter=move || player.presenter.get()
            data-presenter=move || player.presenter.get().to_string()
        >
            <header::Header />
            <banners::Banners />
            <room::RoomBar />
            // The playground keeps its page (and editors) while its program
            // loads: only its opening and closing rebuild it.
            {move || if in_playground.get() {
                view! { <playground::Playground /> }.into_any()
            } else {
                (move || match player.scenario.get() {
                    None if replay_open.get() => view! { <replay::ReplayDrop /> }.into_any(),
                    None => view! { <home::Home /> }.into_any(),
                    // The page's heading at once, the rest when its module is here.
                    Some(_) => view! {
                        <header::PageHeading />
                        <workbench::Workbench />
                    }
                    .into_any(),
                })
                .into_any()
            }}
            <shortcuts::Shortcuts />
        </div>
    }
}
