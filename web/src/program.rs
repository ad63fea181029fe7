//! The scenario's program beside the picture: its answer from
//! `GET /api/scenarios/{id}/program`, read by hand like every answer
//! (`crate::decode`), and where each task stands in it.
//!
//! A task's `awaiting` (from the snapshot) is the `.await` it last returned
//! `Pending` at. So, per line of the program:
//!
//! ```text
//!   idle      + awaiting = line  ─▶ parked on this line's .await
//!   scheduled + awaiting = line  ─▶ woken, resumes from this .await
//!   running   + awaiting = line  ─▶ being polled, resumed from this .await
//! ```
//!
//! A task not polled yet, or complete, stands on no line.

use reactor_protocol::api::ScenarioProgram;
use reactor_protocol::{Snapshot, TaskId, TaskState};
use serde_json::Value;

use crate::decode::{Error, list, object, small, text};

/// `GET /api/scenarios/{id}/program`.
pub fn decode(text_: &str) -> Result<ScenarioProgram, Error> {
    let value: Value =
        serde_json::from_str(text_).map_err(|e| format!("the program is not JSON: {e}"))?;
    let o = object(&value, "program")?;
    Ok(ScenarioProgram {
        scenario: text(o, "scenario")?,
        file: text(o, "file")?,
        first_line: small(o, "first_line")?,
        lines: list(o, "lines", |line| {
            line.as_str()
                .map(str::to_string)
                .ok_or_else(|| "`lines` holds a non-text".into())
        })?,
    })
}

/// Where one task stands on a line of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskAt {
    /// The task's id.
    pub id: TaskId,
    /// Its name, as the tasks panel shows it.
    pub name: String,
    /// Idle (parked here), scheduled (resumes here) or running.
    pub state: TaskState,
}

impl TaskAt {
    /// The label of its marker, such as `handler (#1) parked`: the task
    /// named as the sentences and the tasks panel name it.
    pub fn label(&self) -> String {
        let what = match self.state {
            TaskState::Idle => "parked",
            TaskState::Scheduled => "woken",
            TaskState::Running => "running",
            TaskState::Complete => "done",
        };
        format!("{} (#{}) {what}", self.name, self.id)
    }
}

/// The file name a playground program's panel gives it: its tasks stand on
/// the program's own lines (`TaskView::at`), not on an engine file's.
pub const PLAYGROUND_FILE: &str = "";

/// The lines of `file` tasks stand on in `state`, in line order, each with
/// its tasks: running first, then scheduled, then parked, each by id. One
/// pass over the tasks, however many lines the program has. For
/// [`PLAYGROUND_FILE`], the lines of the learner's program.
pub fn positions(state: &Snapshot, file: &str) -> Vec<(u32, Vec<TaskAt>)> {
    let mut here: Vec<(u32, TaskAt)> = state
        .tasks
        .iter()
        .filter(|task| task.state != TaskState::Complete)
        .filter_map(|task| {
            let line = if file == PLAYGROUND_FILE {
                task.at?.line
            } else {
                task.awaiting.as_ref().filter(|at| at.file == file)?.line
            };
            let task = TaskAt {
                id: task.id,
                name: task.name.clone(),
                state: task.state,
            };
            Some((line, task))
        })
        .collect();
    here.sort_by_key(|(line, task)| (*line, rank(task.state), task.id));
    let mut lines: Vec<(u32, Vec<TaskAt>)> = Vec::new();
    for (line, task) in here {
        match lines.last_mut() {
            Some((last, tasks)) if *last == line => tasks.push(task),
            _ => lines.push((line, vec![task])),
        }
    }
    lines
}

/// The tasks on `line`, from [`positions`].
pub fn tasks_on(positions: &[(u32, Vec<TaskAt>)], line: u32) -> &[TaskAt] {
    positions
        .binary_search_by_key(&line, |(number, _)| *number)
        .map_or(&[], |index| &positions[index].1)
}

fn rank(state: TaskState) -> u8 {
    match state {
        TaskState::Running => 0,
        TaskState::Scheduled => 1,
        TaskState::Idle => 2,
        TaskState::Complete => 3,
    }
}

/// `line` cut around its first `.await`: before, the `.await`, after.
/// `None` when the line has no `.await`.
pub fn split_await(line: &str) -> Option<(&str, &str, &str)> {
    const AWAIT: &str = ".await";
    let at = line.find(AWAIT)?;
    Some((&line[..at], AWAIT, &line[at + AWAIT.len()..]))
}

/// The markers a line shows, at most `most` of them, and how many more
/// tasks stand there: `crowd`'s hundreds of workers share one line.
pub fn markers(tasks: &[TaskAt], most: usize) -> (Vec<String>, usize) {
    let shown = tasks.iter().take(most).map(TaskAt::label).collect();
    (shown, tasks.len().saturating_sub(most))
}

#[cfg(test)]
mod tests {
    use reactor_protocol::{Source, TaskView};

    use super::*;

    fn program() -> ScenarioProgram {
        ScenarioProgram {
            scenario: "tcp_read".into(),
            file: "engine/src/scenario/tcp_read.rs".into(),
            first_line: 24,
            lines: vec!["const A: u8 = 1;".into(), "    x.await;".into()],
        }
    }

    fn task(id: TaskId, state: TaskState, line: Option<u32>) -> TaskView {
        TaskView {
            id,
            name: format!("t{id}"),
            state,
            waiting_on: None,
            awaiting: line.map(|line| Source {
                file: "engine/src/scenario/tcp_read.rs".into(),
                line,
            }),
            waits: None,
            at: None,
        }
    }

    #[test]
    fn the_answer_reads_back_equal_to_what_serde_writes() {
        let json = serde_json::to_string(&program()).expect("serialises");
        assert_eq!(decode(&json), Ok(program()));
        assert!(decode("{\"scenario\":1}").is_err());
    }

    #[test]
    fn tasks_stand_on_their_await_running_first_complete_nowhere() {
        let state = Snapshot {
            tasks: vec![
                task(0, TaskState::Idle, Some(25)),
                task(1, TaskState::Running, Some(25)),
                task(2, TaskState::Complete, Some(25)),
                task(3, TaskState::Scheduled, None),
                task(4, TaskState::Idle, Some(30)),
            ],
            ..Snapshot::default()
        };
        let file = "engine/src/scenario/tcp_read.rs";
        let positions = positions(&state, file);
        let lines: Vec<u32> = positions.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [25, 30]);
        let here = tasks_on(&positions, 25);
        let ids: Vec<TaskId> = here.iter().map(|t| t.id).collect();
        assert_eq!(ids, [1, 0]);
        assert_eq!(here[0].label(), "t1 (#1) running");
        assert_eq!(here[1].label(), "t0 (#0) parked");
        assert!(tasks_on(&positions, 26).is_empty());
        let elsewhere = super::positions(&state, "engine/src/scenario/crowd.rs");
        assert!(elsewhere.is_empty());
        // A playground program's tasks stand on its own lines.
        let mut state = state;
        state.tasks[0].at = Some(reactor_protocol::Span { line: 3, column: 9 });
        let mine = super::positions(&state, PLAYGROUND_FILE);
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].0, 3);
    }

    #[test]
    fn a_line_is_cut_around_its_await() {
        assert_eq!(
            split_await("let n = s.read(&mut b).await.unwrap();"),
            Some(("let n = s.read(&mut b)", ".await", ".unwrap();"))
        );
        assert_eq!(split_await("let x = 1;"), None);
    }

    #[test]
    fn a_crowded_line_shows_a_few_markers_and_a_count() {
        let tasks: Vec<TaskAt> = (0..5)
            .map(|id| TaskAt {
                id,
                name: "worker".into(),
                state: TaskState::Idle,
            })
            .collect();
        let (shown, more) = markers(&tasks, 3);
        assert_eq!(shown.len(), 3);
        assert_eq!(more, 2);
    }
}
