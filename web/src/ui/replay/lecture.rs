//! Playing a saved lecture (`reactor_protocol::export::lecture`): the room's
//! moves made again, at their original pace or a move at a time, on the
//! runs themselves (the server's, or a static site's files).
//!
//! ```text
//!  move i ─▶ the load before it (if another run is shown) ─▶ its view:
//!           a lesson stage (the lesson opens there) or a step
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use leptos::prelude::*;
use reactor_protocol::export::lecture::{FORMAT, Lecture, LectureMove, Shown, VERSION};

use crate::lesson::LessonState;
use crate::player::Player;

/// The lecture played, the move shown and the pace: one for the app, made
/// on first use, so the first screen carries none of it (only the replay
/// page and the workbench use it, both on demand). Reference-counted
/// signals: no view owns them, so a move that loads another run (and so
/// rebuilds the views) leaves the lecture playing.
#[derive(Clone)]
pub(super) struct Played {
    /// The lecture, if one is played.
    lecture: ArcRwSignal<Option<Arc<Lecture>>>,
    /// The move shown.
    at: ArcRwSignal<usize>,
    /// Playing at the original pace.
    playing: ArcRwSignal<bool>,
    /// Bumped by every press: a wait scheduled before it is dropped.
    generation: Arc<AtomicU64>,
}

impl Played {
    /// The one lecture state.
    fn get() -> Played {
        thread_local! {
            static PLAYED: Played = Played {
                lecture: ArcRwSignal::new(None),
                at: ArcRwSignal::new(0),
                playing: ArcRwSignal::new(false),
                generation: Arc::new(AtomicU64::new(0)),
            };
        }
        PLAYED.with(Played::clone)
    }

    /// Stop playing any lecture.
    pub(super) fn close() {
        let played = Played::get();
        played.stop();
        played.lecture.set(None);
    }

    /// Stop playing at the pace: a wait already scheduled does nothing.
    fn stop(&self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
        self.playing.set(false);
    }

    /// Which press the pace belongs to.
    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }
}

/// Whether `text` says it is a lecture (before reading it whole).
pub(super) fn is_lecture(text: &str) -> bool {
    text.get(..200).unwrap_or(text).contains(FORMAT)
}

/// Read a lecture file; the sentence for the learner when it is not one.
pub(super) fn read(name: &str, text: &str) -> Result<Lecture, String> {
    let lecture: Lecture = serde_json::from_str(text).map_err(|error| {
        format!("{name}: this lecture file is not complete or not one ({error}).")
    })?;
    if lecture.version > VERSION {
        return Err(format!(
            "{name}: this lecture is in format version {}, newer than this Reactor Lab reads (version {VERSION}): open it with a newer Reactor Lab.",
            lecture.version
        ));
    }
    if lecture.moves.is_empty() {
        return Err(format!("{name}: this lecture has no moves."));
    }
    Ok(lecture)
}

/// Play `lecture` from its first move.
pub(super) fn start(player: Player, lessons: LessonState, lecture: Lecture) {
    Played::get().lecture.set(Some(Arc::new(lecture)));
    show(player, lessons, 0);
}

/// Show move `index`: the run it is in, at the place it showed.
fn show(player: Player, lessons: LessonState, index: usize) {
    let page = Played::get();
    let Some(lecture) = page.lecture.get_untracked() else {
        return;
    };
    if index >= lecture.moves.len() {
        return;
    }
    page.at.set(index);
    // The run a move is in: the last load before it, or, for a view the
    // room heard before its first load's answer, that first load.
    let is_load = |m: &&LectureMove| !matches!(m.shown, Shown::View(_));
    let load = lecture.moves[..=index]
        .iter()
        .rev()
        .find(is_load)
        .or_else(|| lecture.moves.iter().find(is_load));
    match load.map(|m| &m.shown) {
        Some(Shown::Load { scenario, seed }) => {
            let shown = player.scenario.get_untracked();
            if shown.as_deref() != Some(scenario.as_str()) || player.seed.get_value() != *seed {
                lessons.close();
                player.load_seeded(scenario, *seed);
            }
        }
        Some(Shown::Program { program, peer, .. }) => {
            let same = player.program.with_untracked(|p| {
                p.as_ref()
                    .is_some_and(|p| p.source == *program && p.peer == *peer)
            });
            if !same {
                lessons.close();
                player.load_program(program, peer);
            }
        }
        _ => {}
    }
    match &lecture.moves[index].shown {
        Shown::View(view) => match (&view.lesson, view.stage) {
            (Some(lesson), Some(stage)) => lessons.open(player, lesson.clone(), stage as usize),
            _ => {
                player.pause();
                player.goto(view.step as usize);
            }
        },
        _ => player.restart(),
    }
}

/// `m:ss` of `ms` milliseconds.
fn clock(ms: u64) -> String {
    let seconds = ms / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// At the original pace: the next move after the wait the presenter took.
fn tick(player: Player, lessons: LessonState, mine: u64) {
    let page = Played::get();
    let next = page.at.get_untracked() + 1;
    let times = page.lecture.with_untracked(|l| {
        let l = l.as_ref()?;
        Some((l.moves.get(next - 1)?.at_ms, l.moves.get(next)?.at_ms))
    });
    let Some((now, then)) = times else {
        page.playing.set(false);
        return;
    };
    set_timeout(
        move || {
            let page = Played::get();
            if page.generation() == mine && page.playing.get_untracked() {
                show(player, lessons, next);
                tick(player, lessons, mine);
            }
        },
        Duration::from_millis(then.saturating_sub(now)),
    );
}

/// The number of moves, the move shown, and the time of move `index`.
fn moves() -> usize {
    Played::get()
        .lecture
        .with(|l| l.as_ref().map_or(0, |l| l.moves.len()))
}

fn at() -> usize {
    Played::get().at.get()
}

fn at_ms(index: usize) -> u64 {
    Played::get().lecture.with_untracked(|l| {
        l.as_ref()
            .and_then(|l| l.moves.get(index))
            .map_or(0, |m| m.at_ms)
    })
}

/// The lecture's controls, while one is played.
#[component]
pub fn LectureBar() -> impl IntoView {
    let player = crate::ui::context::use_player();
    let lessons = expect_context::<LessonState>();
    let toggle = move |_| {
        let page = Played::get();
        let was_playing = page.playing.get_untracked();
        page.stop();
        if !was_playing {
            page.playing.set(true);
            tick(player, lessons, page.generation());
        }
    };
    let step_to = move |index: usize| {
        Played::get().stop();
        show(player, lessons, index);
    };
    let position = move || {
        let total = moves();
        format!(
            "move {} of {total} · {} of {}",
            at() + 1,
            clock(at_ms(at())),
            clock(at_ms(total.saturating_sub(1)))
        )
    };
    let lecture = move || Played::get().lecture.get();
    let room = move || lecture().map(|l| l.room.clone()).unwrap_or_default();
    let truncated = move || lecture().is_some_and(|l| l.truncated);
    let playing = move || Played::get().playing.get();
    view! {
        <Show when=move || lecture().is_some()>
            <div id="lecture-bar" class="run-file secondary" role="group" aria-label="Lecture">
                <span>"Lecture of room " <strong>{room}</strong> ": "</span>
                <span id="lecture-position" aria-live="polite">{position}</span>
                <button id="lecture-prev" disabled=move || at() == 0 on:click=move |_| step_to(at().saturating_sub(1))>"◀ Previous move"</button>
                <button id="lecture-play" on:click=toggle>{move || if playing() { "Pause" } else { "Play at its pace" }}</button>
                <button id="lecture-next" disabled=move || { at() + 1 >= moves() } on:click=move |_| step_to(at() + 1)>"Next move ▶"</button>
                <button id="lecture-close" on:click=move |_| Played::close()>"Close the lecture"</button>
                <Show when=truncated>
                    <span class="muted">"(the room made more moves than it kept)"</span>
                </Show>
            </div>
        </Show>
    }
}
