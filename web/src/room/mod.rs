//! Classroom rooms in the browser: present to a class, or follow a presenter.
//!
//! ```text
//!  presenter                                         follower (/join/K7QX2MPD)
//!  ─────────                                         ─────────────────────────
//!  "Present to a class" ─POST /api/rooms─▶ code, key
//!  socket → /rooms/CODE/ws?key=KEY                    socket → /rooms/CODE/ws (driving off)
//!  steps as usual (the server's engine)  ══frames══▶  the same history, same player store
//!  every move (step, back, scrub, stage) ─view─────▶  goto(step), open the lesson
//!                                                     "Explore on my own": socket → /ws,
//!                                                        replay to here, own controls
//!                                                     "Follow again": socket → the room
//! ```
//!
//! Nothing here draws the runtime: a follower's frames land in the same
//! [`Player`] the app always uses, so every panel works unchanged. This module
//! only moves the player's socket between `/ws` and a room, turns the
//! presenter's moves into `view` commands, and turns the room's `view` frames
//! into moves.
//!
//! Invariants of [`Role`]: `Following` is the only role in which the player is
//! not driving (it sends no command, and adopts whatever scenario the room
//! loads); `Presenting` and `Following` are the only roles whose socket is the
//! room's; `Exploring` keeps the room's code so "Follow again" can go back.

mod code;
pub mod poll;

pub use code::{display, join_code, join_path, normalise, socket_path, view_command, watch_path};

use leptos::prelude::*;
use reactor_protocol::ServerFrame;
use reactor_protocol::frame::{CLOSE_ROOM_ENDED, PresenterCommand, ViewPosition};
use wasm_bindgen::JsValue;

use crate::api::create_room;
use crate::decode;
use crate::lesson::LessonState;
use crate::player::{Connection, PRIVATE_ENDPOINT, Player};
use crate::socket::{Socket, SocketEvent};

/// This tab's part in a room.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Role {
    /// In no room.
    #[default]
    Alone,
    /// Presenting room `code`, proven by `key`.
    Presenting {
        /// The room code.
        code: String,
        /// The presenter key (never shown).
        key: String,
    },
    /// Following the presenter of room `code`.
    Following {
        /// The room code.
        code: String,
    },
    /// In room `code`, exploring on a private session.
    Exploring {
        /// The room code.
        code: String,
    },
}

/// Room state, shared through context.
#[derive(Clone, Copy)]
pub struct Classroom {
    /// This tab's role.
    pub role: RwSignal<Role>,
    /// Why the last room ended, until dismissed.
    pub ended: RwSignal<Option<String>>,
    /// Why creating or joining a room failed, until dismissed.
    pub problem: RwSignal<Option<String>>,
    player: Player,
    /// Exploring: a second socket that keeps an ear on the room, so the
    /// presenter counts this student and can bring them back.
    watch: StoredValue<Option<Socket>, LocalStorage>,
}

impl Classroom {
    /// Create the state, put it in context and start following the player.
    pub fn provide(player: Player) -> Classroom {
        let classroom = Classroom {
            role: RwSignal::new(Role::Alone),
            ended: RwSignal::new(None),
            problem: RwSignal::new(None),
            player,
            watch: StoredValue::new_local(None),
        };
        provide_context(classroom);
        let lessons = use_context::<LessonState>();
        classroom.report_moves(lessons);
        classroom.follow_moves(lessons);
        classroom.watch_room();
        if let Some((code, key)) = saved_seat() {
            classroom.role.set(Role::Presenting {
                code: code.clone(),
                key: key.clone(),
            });
            classroom.move_socket(socket_path(&code, Some(&key)), true);
        }
        classroom
    }

    /// The room code, in any role but `Alone`.
    pub fn code(self) -> Option<String> {
        match self.role.get() {
            Role::Alone => None,
            Role::Presenting { code, .. } | Role::Following { code } | Role::Exploring { code } => {
                Some(code)
            }
        }
    }

    /// Create a room and present the current scenario to it.
    pub fn present(self) {
        self.problem.set(None);
        leptos::task::spawn_local(async move {
            match create_room().await {
                Ok(created) => {
                    let (code, key) = (created.code, created.presenter_key);
                    save_seat(Some((&code, &key)));
                    self.role.set(Role::Presenting {
                        code: code.clone(),
                        key: key.clone(),
                    });
                    self.ended.set(None);
                    self.move_socket(socket_path(&code, Some(&key)), true);
                }
                Err(problem) => self
                    .problem
                    .set(Some(format!("Cannot create a room: {problem}"))),
            }
        });
    }

    /// Follow room `typed` (as a student typed it).
    pub fn follow(self, typed: &str) {
        self.watch.set_value(None);
        match normalise(typed) {
            Ok(code) => {
                self.problem.set(None);
                self.ended.set(None);
                self.role.set(Role::Following { code: code.clone() });
                show_path(&join_path(&code));
                self.move_socket(socket_path(&code, None), false);
            }
            Err(problem) => self.problem.set(Some(problem)),
        }
    }

    /// Leave the presenter: a private session from the step shown now,
    /// and an ear on the room, which counts this student as exploring and
    /// brings them back when the presenter gathers the class.
    pub fn explore(self) {
        if let Role::Following { code } = self.role.get_untracked() {
            self.watch_room_while_exploring(&code);
            self.role.set(Role::Exploring { code });
            self.move_socket(PRIVATE_ENDPOINT.to_string(), true);
        }
    }

    /// Bring everyone exploring back to the presenter (presenter only).
    pub fn gather(self) {
        if matches!(self.role.get_untracked(), Role::Presenting { .. }) {
            self.player
                .send_text(&code::command(&PresenterCommand::Gather));
        }
    }

    fn watch_room_while_exploring(self, code: &str) {
        let on_event = move |event: SocketEvent| {
            let SocketEvent::Text(text) = event else {
                return; // a lost ear is not worth a banner: exploring goes on
            };
            if let Ok(ServerFrame::Gather) = decode::frame(&text) {
                // Later, not inside this socket's own handler: following
                // again drops this socket.
                set_timeout(move || self.follow_again(), std::time::Duration::ZERO);
            }
        };
        self.watch
            .set_value(Socket::open(&watch_path(code), on_event).ok());
    }

    /// Back to the presenter's position.
    pub fn follow_again(self) {
        if let Role::Exploring { code } = self.role.get_untracked() {
            self.follow(&code);
        }
    }

    /// End the room for everyone (presenter only).
    pub fn end(self) {
        if matches!(self.role.get_untracked(), Role::Presenting { .. }) {
            self.player
                .send_text(&code::command(&PresenterCommand::End));
        }
    }

    /// The room is over: keep what is on screen, on a private session.
    fn leave(self, why: String) {
        self.watch.set_value(None);
        save_seat(None);
        self.ended.set(Some(why));
        self.role.set(Role::Alone);
        self.move_socket(PRIVATE_ENDPOINT.to_string(), true);
    }

    fn move_socket(self, path: String, driving: bool) {
        // A poll belongs to the socket's room: none is shown elsewhere.
        self.player.link.poll.set(None);
        self.player.link.driving.set(driving);
        self.player.link.endpoint.set(path);
        self.player.connect();
    }

    /// Presenting: tell the room every position the app shows.
    fn report_moves(self, lessons: Option<LessonState>) {
        let player = self.player;
        Effect::new(move |_| {
            let step = player.position.get();
            let lesson = lessons.and_then(|state| {
                let id = state.id.get()?;
                let lesson = state.lesson.get()?;
                let stage = state.active(player, &lesson)?;
                Some((id, stage + 1))
            });
            let presenting = matches!(self.role.get(), Role::Presenting { .. });
            if presenting && player.connection.get() == Connection::Connected && !player.busy.get()
            {
                let lesson = lesson.as_ref().map(|(id, stage)| (id.as_str(), *stage));
                player.send_text(&view_command(step, lesson));
            }
        });
    }

    /// Following: go where the presenter is, as far as the history allows.
    fn follow_moves(self, lessons: Option<LessonState>) {
        let player = self.player;
        Effect::new(move |_| {
            let Some(at) = player.link.view.get() else {
                return;
            };
            let recorded = player.history.with(|h| h.len());
            if !matches!(self.role.get(), Role::Following { .. }) {
                return;
            }
            if let Some(state) = lessons {
                follow_lesson(player, state, &at);
                state.lesson.track();
            }
            let step = usize::try_from(at.step).unwrap_or(usize::MAX).min(recorded);
            if step != player.position.get_untracked() {
                player.pause();
                player.goto(step);
            }
        });
    }

    /// The room's own news: refusals and its end.
    fn watch_room(self) {
        let player = self.player;
        Effect::new(move |_| {
            if let Some(status) = player.link.status.get()
                && status.ended
                && self.role.get_untracked() != Role::Alone
            {
                let reason = status.reason.unwrap_or_else(|| "the room has ended".into());
                self.leave(format!(
                    "Room {} has ended: {reason}.",
                    display(&status.code)
                ));
            }
        });
        Effect::new(move |_| {
            let Some((code, reason)) = player.link.refused.get() else {
                return;
            };
            if self.role.get_untracked() == Role::Alone {
                return;
            }
            if code == CLOSE_ROOM_ENDED {
                self.leave(reason);
            } else {
                save_seat(None);
                self.problem.set(Some(reason));
                self.role.set(Role::Alone);
                self.move_socket(PRIVATE_ENDPOINT.to_string(), true);
            }
        });
    }
}

/// Where this tab keeps its presenter seat, so a reload goes on presenting.
const SEAT_KEY: &str = "reactor-lab-presenting";

/// The seat saved by this tab (session storage: this tab only, gone when it closes).
fn saved_seat() -> Option<(String, String)> {
    let stored = window()
        .session_storage()
        .ok()??
        .get_item(SEAT_KEY)
        .ok()??;
    let (code, key) = stored.split_once(' ')?;
    Some((normalise(code).ok()?, key.to_string()))
}

/// Keep (or forget) the presenter seat in this tab's session storage.
fn save_seat(seat: Option<(&str, &str)>) {
    let Some(storage) = window().session_storage().ok().flatten() else {
        return;
    };
    let _ = match seat {
        Some((code, key)) => storage.set_item(SEAT_KEY, &format!("{code} {key}")),
        None => storage.remove_item(SEAT_KEY),
    };
}

/// Put `path` in the address bar (replacing the entry), so a reload follows again.
fn show_path(path: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(path));
    }
}

/// Open or close the presenter's lesson on a follower.
fn follow_lesson(player: Player, state: LessonState, at: &ViewPosition) {
    match (&at.lesson, state.id.get_untracked()) {
        (Some(id), open) if open.as_deref() != Some(id.as_str()) => {
            let stage = at.stage.and_then(|s| usize::try_from(s).ok()).unwrap_or(1);
            state.open(player, id.clone(), stage);
        }
        (None, Some(_)) => state.close(),
        _ => {}
    }
}
