//! A run played from a trace file, with no engine behind it: the commands
//! the player would send the server are answered here, with the frames the
//! server would send, from the file's records and states.
//!
//! ```text
//!  Player::send(cmd) ─▶ local_run::LocalRun::answer(cmd) ─▶ frames ─▶ (next microtask) Player::on_frame
//! ```
//!
//! So a replay goes through the same history, plan and views as a live run:
//! only `from_file` tells them apart.

use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
use reactor_protocol::Command;
use wasm_split_helpers::{SplitLoaderError, wasm_split};

use super::local_run::LocalRun;
use super::{Player, Program};
use crate::history::History;
use crate::plan::Goal;
use crate::replay::{self, FileError, TraceFile};

impl Player {
    /// Play `file`'s run here, with no server: every step, jump and reset
    /// is answered from the file. The player heads for `at` records, or,
    /// with `None`, wherever it was heading (a static site's scenario
    /// fetched after its URL's step was asked for).
    pub fn load_file(self, file: Rc<TraceFile>, at: Option<usize>) {
        let about = &file.about;
        self.program
            .set(about.program.as_ref().map(|program| Program {
                source: program.source.clone(),
                peer: program.peer.clone(),
            }));
        self.program_error.set(None);
        self.seed.set_value(about.seed);
        self.pause();
        self.scenario.set(Some(about.scenario.clone()));
        // Never the same twice: frames answered for an earlier file are dropped.
        static LOADS: AtomicU64 = AtomicU64::new(0);
        let generation = LOADS.fetch_add(1, Ordering::Relaxed) + 1;
        self.local
            .set_value(Some(LocalRun::new(Rc::clone(&file), generation)));
        self.from_file.set(true);
        self.history.set(History::new());
        self.position.set(0);
        if let Some(at) = at {
            self.goal.set_value(Goal::Position(at));
        }
        self.error.set(None);
        self.send_load();
    }

    /// Read `text` (from a file named `name`) and play it from where it was
    /// saved; the sentence for the learner when it cannot be.
    pub async fn open_file(self, name: &str, text: String) -> Result<(), FileError> {
        let file = replay::read(text)
            .await
            .map_err(|error| format!("{name}: {error}"))?;
        preload_answers()
            .await
            .map_err(|_| replay::NOT_LOADED.to_string())?;
        let at = file.position.unwrap_or(0) as usize;
        self.load_file(Rc::new(file), Some(at));
        Ok(())
    }

    /// Fetch scenario `id`'s trace file from a static site and play it,
    /// keeping the player's goal; an error banner when it cannot be.
    pub(super) fn fetch_static_run(self, id: String) {
        leptos::task::spawn_local(async move {
            if fetch_split(self, id).await.is_err() {
                self.error.set(Some(replay::NOT_LOADED.to_string()));
            }
        });
    }

    /// Stop playing a file: the next load goes to the server.
    pub(super) fn leave_file(self) {
        self.local.set_value(None);
        if self.from_file.get_untracked() {
            self.from_file.set(false);
        }
    }

    fn generation(self) -> Option<u64> {
        self.local
            .with_value(|l| l.as_ref().map(|run| run.generation))
    }

    /// The file played, if the run is a replay.
    pub fn replay_file(self) -> Option<Rc<TraceFile>> {
        self.local
            .with_value(|local| local.as_ref().map(|run| Rc::clone(run.file())))
    }

    /// Answer `command` from the file, delivering the frames as the socket
    /// would: later, each through `on_frame`.
    pub(super) fn answer_locally(self, command: &Command) -> bool {
        let answered = self
            .local
            .try_update_value(|local| local.as_mut().map(|run| answer_now(self, run, command)))
            .flatten();
        answered.is_some()
    }
}

/// Answer `command` from `run` at once, and deliver the frames later, each
/// through `on_frame`, as the socket would. The code is in the replay's
/// module, which every way to a [`Player::load_file`] has fetched and
/// linked (`preload_answers`) first, so the split call is ready at its
/// first poll.
fn answer_now(player: Player, run: &mut LocalRun, command: &Command) {
    let call = pin!(answer_split(player, run, command));
    if !matches!(
        call.poll(&mut Context::from_waker(Waker::noop())),
        Poll::Ready(Ok(()))
    ) {
        player.error.set(Some(replay::NOT_LOADED.to_string()));
    }
}

/// The split point: see [`answer_now`].
#[wasm_split(replay, fallible, preload(preload_answers))]
fn answer_split(
    player: Player,
    run: &mut LocalRun,
    command: &Command,
) -> Result<(), SplitLoaderError> {
    let frames = run.answer(command);
    let generation = run.generation;
    queue_microtask(move || {
        for frame in frames {
            if player.generation() != Some(generation) {
                return; // another file (or the server) took over
            }
            player.on_frame(frame);
        }
    });
    Ok(())
}

/// The split point for [`Player::fetch_static_run`]: the fetch, the reading
/// and the load run in the replay's module.
#[wasm_split(replay, fallible)]
fn fetch_split(player: Player, id: String) -> Result<(), SplitLoaderError> {
    let url = reactor_protocol::static_site::trace_file(&id);
    leptos::task::spawn_local(async move {
        let read = match crate::api::get_text(&url).await {
            Ok(text) => TraceFile::read(text).map_err(|error| format!("{url}: {error}")),
            Err(error) => Err(error),
        };
        // `answer_now` needs its split point linked, not only its module.
        let read = match preload_answers().await {
            Ok(()) => read,
            Err(_) => Err(replay::NOT_LOADED.to_string()),
        };
        // The learner may have gone elsewhere meanwhile.
        if player.scenario.get_untracked().as_deref() != Some(id.as_str()) {
            return;
        }
        match read {
            Ok(file) => player.load_file(Rc::new(file), None),
            Err(error) => player.error.set(Some(error)),
        }
    });
    Ok(())
}
