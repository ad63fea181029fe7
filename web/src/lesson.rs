//! Lessons in the browser: the lesson open in this tab, and which of its
//! stages the player shows (the views are `ui::lessons` and
//! `ui::lesson_panel`).
//!
//! ```text
//!  /lesson/tcp-read?stage=4
//!      │ open()
//!      ▼
//!  GET /api/lessons/tcp-read ──▶ LessonState.lesson ──▶ Player::load(scenario), goto(stage 4)
//!                                        │
//!  Player.history + position ──bind()──▶ active stage ──▶ ui::lesson_panel: "stage 4 of 6", its text
//! ```
//!
//! What is shown is decided by [`reactor_protocol::lesson::bind`] over the
//! records this session actually received — the same code the server used to
//! validate the lesson — so a stage's text appears exactly when its record
//! does. The server's `seq` hint is only used to know how far to step when
//! the record has not arrived yet.

use std::sync::Arc;

use leptos::prelude::*;
use reactor_protocol::Record;
use reactor_protocol::lesson::{Lesson, LessonSummary, Reveal, active_stage, bind, reveal};

use crate::api::get_text;
use crate::player::Player;
use crate::route::Route;
use crate::site::api_url;

/// The lesson open in this tab, shared through context.
///
/// Invariants: `lesson`, when set, has the id in `id`; `wanted` is the
/// 0-based stage a link asked for (`None` for the introduction), kept until
/// the lesson has arrived and the player has been sent there. A lesson that cannot be fetched is closed at
/// once and the player's error banner says why, so the address bar follows
/// what is on screen instead of naming a lesson that is not there.
#[derive(Clone, Copy)]
pub struct LessonState {
    /// The id of the lesson open (or loading), if any.
    pub id: RwSignal<Option<String>>,
    /// The lesson, once fetched.
    pub lesson: RwSignal<Option<Arc<Lesson>>>,
    /// A stage asked for before the lesson arrived (0-based).
    wanted: RwSignal<Option<usize>>,
}

impl LessonState {
    /// Create the state and put it in context. Call once, in the app root.
    pub fn provide() -> LessonState {
        let state = LessonState {
            id: RwSignal::new(None),
            lesson: RwSignal::new(None),
            wanted: RwSignal::new(None),
        };
        provide_context(state);
        state
    }

    /// Open lesson `id` at `stage` (1-based, as in the URL; 0 is the
    /// introduction, at step 0).
    pub fn open(self, player: Player, id: String, stage: usize) {
        let stage = stage.checked_sub(1);
        if self.id.get_untracked().as_deref() == Some(id.as_str()) {
            if let Some(lesson) = self.lesson.get_untracked() {
                let position = player.position.get_untracked();
                let bound = player
                    .history
                    .with_untracked(|h| bind_lesson(&lesson, h.records()));
                if active_stage(&bound, position) != stage {
                    match stage {
                        Some(stage) => go_to_stage(player, &lesson, stage),
                        None => player.restart(),
                    }
                }
            } else {
                self.wanted.set(stage);
            }
            return;
        }
        self.id.set(Some(id.clone()));
        self.lesson.set(None);
        self.wanted.set(stage);
        leptos::task::spawn_local(async move {
            let fetched = fetch_lesson(&id).await;
            if self.id.get_untracked().as_deref() != Some(id.as_str()) {
                return; // another lesson was opened meanwhile
            }
            match fetched {
                Ok(lesson) => {
                    let lesson = Arc::new(lesson);
                    if player.scenario.get_untracked().as_deref() != Some(lesson.scenario.as_str())
                    {
                        player.load(&lesson.scenario);
                    }
                    match self.wanted.get_untracked() {
                        Some(stage) => go_to_stage(
                            player,
                            &lesson,
                            stage.min(lesson.stages.len().saturating_sub(1)),
                        ),
                        None => player.restart(), // the introduction
                    }
                    self.wanted.set(None);
                    self.lesson.set(Some(lesson));
                }
                Err(error) => {
                    self.close();
                    player
                        .error
                        .set(Some(format!("Could not open the lesson “{id}”: {error}")));
                }
            }
        });
    }

    /// Close the lesson (the player is left alone).
    pub fn close(self) {
        self.id.set(None);
        self.lesson.set(None);
        self.wanted.set(None);
    }

    /// The stage shown now (0-based), from the records received so far.
    pub fn active(self, player: Player, lesson: &Lesson) -> Option<usize> {
        let position = player.position.get();
        player
            .history
            .with(|h| active_stage(&bind_lesson(lesson, h.records()), position))
    }

    /// The URL route while a lesson is open: its id and the stage shown (or wanted).
    pub fn route(self, player: Player) -> Option<Route> {
        let id = self.id.get()?;
        let lesson = self.lesson.get();
        if lesson
            .as_ref()
            .is_some_and(|l| player.scenario.get().as_deref() != Some(l.scenario.as_str()))
        {
            return None; // another scenario was picked: the lesson is not on screen
        }
        // 1-based; 0 is the introduction (no stage reached, none wanted).
        let stage = match (lesson, self.wanted.get()) {
            (_, Some(wanted)) => wanted + 1,
            (Some(lesson), None) => self.active(player, &lesson).map_or(0, |s| s + 1),
            (None, None) => 0,
        };
        Some(Route::Lesson { id, stage })
    }
}

/// Send the player to where stage `stage` (0-based) shows: just after its
/// record, found in the history if it has arrived, else from the server's hint.
pub fn go_to_stage(player: Player, lesson: &Lesson, stage: usize) {
    let bound = player
        .history
        .with_untracked(|h| bind_lesson(lesson, h.records()));
    if let Some(position) = stage_target(lesson, &bound, stage) {
        player.pause();
        player.goto(position);
    }
}

/// Each stage's record index among `records`, for the stages received so far.
pub fn bind_lesson(lesson: &Lesson, records: &[Record]) -> Vec<usize> {
    bind(lesson.stages.iter().map(|stage| &stage.matcher), records)
}

/// The position at which stage `stage` shows, if known: after its bound record,
/// else after the record the server found for it.
pub fn stage_target(lesson: &Lesson, bound: &[usize], stage: usize) -> Option<usize> {
    match bound.get(stage) {
        Some(index) => Some(index + 1),
        None => lesson.stages.get(stage)?.seq.map(|seq| seq as usize + 1),
    }
}

/// A stage's question as the screen shows it (the view is `ui::question`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Asked {
    /// The stage that asks (0-based).
    pub stage: usize,
    /// The answer, once the record that gives it is on screen; `None`
    /// while the question is open.
    pub answer: Option<Reveal>,
}

/// The questions on screen at `position`: the active stage's, open until
/// the record that answers it is on screen, and before it the previous
/// stage's, answered (its answer comes at the latest with the active
/// stage's own record), so a learner who pressed Next stage still sees how
/// the prediction fared. Stepping back before a record hides its answer.
pub fn questions_at(
    lesson: &Lesson,
    bound: &[usize],
    records: &[Record],
    position: usize,
) -> Vec<Asked> {
    let Some(active) = active_stage(bound, position) else {
        return Vec::new();
    };
    let asked = |stage: usize| {
        let question = lesson.stages.get(stage)?.question.as_ref()?;
        let until = bound.get(stage + 1).copied();
        let answer = reveal(question, records, *bound.get(stage)?, until)
            .filter(|answer| answer.record < position);
        Some(Asked { stage, answer })
    };
    let previous = active
        .checked_sub(1)
        .and_then(asked)
        .filter(|asked| asked.answer.is_some());
    previous.into_iter().chain(asked(active)).collect()
}

/// "stage 3 of 6", or the introduction before the first stage's record.
pub fn progress_label(active: Option<usize>, stages: usize) -> String {
    match active {
        Some(stage) => format!("stage {} of {stages}", stage + 1),
        None => format!("introduction · {stages} stages"),
    }
}

/// A lesson keyboard shortcut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageKey {
    /// `N`: the next stage.
    Next,
    /// `B`: the previous stage.
    Previous,
}

/// The stage shortcut for `key` (a `KeyboardEvent.key`), unless a modifier is
/// held or the press belongs to a form field (`ignored`).
pub fn stage_key(key: &str, ignored: bool) -> Option<StageKey> {
    match key {
        _ if ignored => None,
        "n" | "N" => Some(StageKey::Next),
        "b" | "B" => Some(StageKey::Previous),
        _ => None,
    }
}

/// `GET /api/lessons`.
pub async fn fetch_lessons() -> Result<Vec<LessonSummary>, String> {
    let text = get_text(&api_url("/api/lessons")).await?;
    crate::decode_api::lessons(&text)
}

/// `GET /api/lessons/{id}`.
pub async fn fetch_lesson(id: &str) -> Result<Lesson, String> {
    let url = api_url(&format!("/api/lessons/{id}"));
    let text = get_text(&url).await?;
    crate::decode_api::lesson(&text, &url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactor_protocol::Kind;
    use reactor_protocol::lesson::{Matcher, Stage};

    fn lesson(seqs: &[Option<u64>]) -> Lesson {
        let stage = |seq: &Option<u64>| Stage {
            title: "t".into(),
            matcher: Matcher::kind(Kind::Poll),
            point_at: vec![],
            source: None,
            html: String::new(),
            seq: *seq,
            question: None,
        };
        Lesson {
            id: "l".into(),
            title: "L".into(),
            summary: String::new(),
            scenario: "s".into(),
            stages: seqs.iter().map(stage).collect(),
            glossary: vec![],
        }
    }

    #[test]
    fn a_stage_already_received_is_reached_from_the_history() {
        let lesson = lesson(&[Some(2), Some(9)]);
        assert_eq!(
            stage_target(&lesson, &[2, 7], 1),
            Some(8),
            "the history wins over the hint"
        );
        assert_eq!(
            stage_target(&lesson, &[2], 1),
            Some(10),
            "not received yet: the server's hint"
        );
        assert_eq!(stage_target(&lesson, &[2], 5), None);
    }

    #[test]
    fn n_and_b_walk_the_stages_unless_the_key_belongs_elsewhere() {
        assert_eq!(stage_key("n", false), Some(StageKey::Next));
        assert_eq!(stage_key("B", false), Some(StageKey::Previous));
        assert_eq!(stage_key("n", true), None);
        assert_eq!(
            stage_key("ArrowRight", false),
            None,
            "stepping stays the player's"
        );
    }

    /// `fixture::tcp_read` with stage 0 at the first poll (record 2), asking
    /// what wakes the task, and stage 1 at the second poll (record 12).
    fn asking() -> (Lesson, Vec<Record>, Vec<usize>) {
        use reactor_protocol::lesson::{Choice, Question};
        let mut lesson = lesson(&[Some(2), Some(12)]);
        let choice = |text: &str, kind| Choice {
            text: text.into(),
            matcher: Matcher::kind(kind),
        };
        lesson.stages[0].question = Some(Question {
            text: "What wakes it?".into(),
            choices: vec![
                choice("a timer", Kind::TimerFire),
                choice("the OS", Kind::OsEvent),
            ],
            why: String::new(),
        });
        let records = crate::fixture::tcp_read();
        let bound = bind_lesson(&lesson, &records);
        assert_eq!(bound, [2, 12]);
        (lesson, records, bound)
    }

    #[test]
    fn a_question_is_open_until_its_answer_is_on_screen() {
        let (lesson, records, bound) = asking();
        let at = |position| questions_at(&lesson, &bound, &records, position);
        assert_eq!(at(2), [], "the introduction asks nothing");
        let open = Asked {
            stage: 0,
            answer: None,
        };
        assert_eq!(at(3), [open], "asked with its stage's record");
        // Record 9 is the os_event: the second choice.
        assert_eq!(at(9), [open], "record 9 is not on screen yet");
        let answered = Asked {
            stage: 0,
            answer: Some(Reveal {
                record: 9,
                choice: 1,
            }),
        };
        assert_eq!(at(10), [answered]);
        assert_eq!(at(13), [answered], "still shown with the next stage");
        assert_eq!(at(9), [open], "stepping back hides the answer again");
        let received = &records[..9];
        assert_eq!(
            questions_at(&lesson, &bound[..1], received, 9),
            [open],
            "the answer has not arrived"
        );
    }

    #[test]
    fn the_previous_answer_is_shown_beside_the_next_question() {
        let (mut lesson, records, bound) = asking();
        lesson.stages[1].question = lesson.stages[0].question.clone();
        let at = questions_at(&lesson, &bound, &records, 13);
        assert_eq!(at.len(), 2);
        assert_eq!((at[0].stage, at[0].answer.map(|a| a.record)), (0, Some(9)));
        assert_eq!(
            at[1],
            Asked {
                stage: 1,
                answer: None
            },
            "nothing after record 12 answers it"
        );
    }

    #[test]
    fn progress_reads_like_a_book() {
        assert_eq!(progress_label(Some(2), 6), "stage 3 of 6");
        assert_eq!(progress_label(None, 6), "introduction · 6 stages");
    }
}
