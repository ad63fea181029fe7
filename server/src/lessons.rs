//! The lessons served under `/api/lessons`: lesson files checked against the
//! engine's real traces, rendered once, served as JSON.
//!
//! ```text
//!  lessons/*.toml ──parse──▶ stages ──render Markdown──▶ HTML
//!  lessons/glossary.toml        │
//!                               └──bind each matcher──▶ the scenario's real trace (run once per scenario)
//!                                   stage k = first record after stage k-1's that matches
//! ```
//!
//! A lesson that does not fit its trace — a stage whose matcher finds no
//! record after the previous stage's, an unknown scenario, a field a record
//! kind does not have, a link to a missing glossary term — stops start-up with
//! a message naming the file and the stage, and so does a stage's question
//! whose answer marked right is not what the engine does next
//! ([`question`]). Nothing is skipped silently. The
//! file format is described for teachers in `lessons/README.md`; binding and
//! matching live in [`reactor_protocol::lesson`], shared with the browser.

mod glossary;
mod markdown;
mod question;

use std::collections::{BTreeMap, HashMap};

use glossary::{GlossaryEntry, glossary_closure, load_glossary, render_linked};
use question::QuestionFile;
use std::path::{Path, PathBuf};

use reactor_protocol::lesson::{
    Lesson, LessonSummary, Matcher, POINT_AT_TARGETS, Stage, Unmatched, bind_all,
};
use reactor_protocol::{MAX_ID_LEN, Record, valid_id};
use serde::Deserialize;

/// The glossary's file name inside the lessons folder; every other `*.toml` is a lesson.
pub const GLOSSARY_FILE: &str = "glossary.toml";

/// Largest lesson or glossary file read. A lesson is a few KiB of prose; a
/// file this big is a mistake, and refusing it keeps start-up memory bounded.
pub const MAX_LESSON_FILE_BYTES: u64 = 256 * 1024;

/// One lesson file as a teacher writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFile {
    title: String,
    summary: String,
    scenario: String,
    /// Position in the lesson list; lessons without one come last, by id.
    order: Option<u32>,
    #[serde(rename = "stage")]
    stages: Vec<StageFile>,
}

/// One `[[stage]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StageFile {
    title: String,
    #[serde(rename = "match")]
    matcher: Matcher,
    #[serde(default)]
    point_at: Vec<String>,
    source: Option<String>,
    /// Markdown.
    text: String,
    /// What the learner predicts while this stage is shown.
    question: Option<QuestionFile>,
}

/// Every lesson, checked and ready to serve.
#[derive(Debug, Default)]
pub struct Lessons {
    /// `GET /api/lessons`: one summary per lesson, in display order.
    index: Vec<LessonSummary>,
    /// `GET /api/lessons/{id}`: each whole lesson by id.
    by_id: HashMap<String, Lesson>,
}

impl Lessons {
    /// Load and check the lessons in `dir` against the engine's real traces.
    /// A missing folder is no lessons, not an error.
    ///
    /// # Errors
    /// One line per broken file, naming the file and (for a stage) the stage.
    pub fn load(dir: &Path) -> Result<Lessons, String> {
        Lessons::load_with(dir, engine_trace)
    }

    /// [`Lessons::load`], taking each scenario's records from `trace`.
    ///
    /// # Errors
    /// As [`Lessons::load`]; an error from `trace` is reported against the lesson that needed it.
    pub fn load_with(
        dir: &Path,
        mut trace: impl FnMut(&str) -> Result<Vec<Record>, String>,
    ) -> Result<Lessons, String> {
        if !dir.is_dir() {
            tracing::warn!("no lessons folder at {}: serving no lessons", dir.display());
            return Ok(Lessons::default());
        }
        let glossary = load_glossary(&dir.join(GLOSSARY_FILE))?;
        let mut traces: HashMap<String, Result<Vec<Record>, String>> = HashMap::new();
        let mut loaded = Vec::new();
        let mut errors = Vec::new();
        for file in lesson_files(dir)? {
            let result = load_lesson(&file, &glossary, &mut |scenario: &str| {
                traces
                    .entry(scenario.to_string())
                    .or_insert_with(|| trace(scenario))
                    .clone()
            });
            match result {
                Ok(lesson) => loaded.push(lesson),
                Err(error) => errors.push(format!("{}: {error}", file.display())),
            }
        }
        if !errors.is_empty() {
            return Err(format!(
                "broken lessons in {}:\n  {}",
                dir.display(),
                errors.join("\n  ")
            ));
        }
        loaded.sort_by(|(a, lesson_a), (b, lesson_b)| (a, &lesson_a.id).cmp(&(b, &lesson_b.id)));
        let mut lessons = Lessons::default();
        for (_, lesson) in loaded {
            lessons.index.push(LessonSummary {
                id: lesson.id.clone(),
                title: lesson.title.clone(),
                summary: lesson.summary.clone(),
                scenario: lesson.scenario.clone(),
                stages: lesson.stages.len(),
            });
            lessons.by_id.insert(lesson.id.clone(), lesson);
        }
        tracing::info!(
            "{} lessons loaded from {}",
            lessons.index.len(),
            dir.display()
        );
        Ok(lessons)
    }

    /// The summaries, for `GET /api/lessons`.
    pub fn index(&self) -> &[LessonSummary] {
        &self.index
    }

    /// One lesson, for `GET /api/lessons/{id}`.
    pub fn get(&self, id: &str) -> Option<&Lesson> {
        self.by_id.get(id)
    }
}

/// Run `scenario` to completion in the real engine and return its records.
fn engine_trace(scenario: &str) -> Result<Vec<Record>, String> {
    let mut engine =
        reactor_engine::LabRun::load(scenario, reactor_engine::LabRunOptions::default()).map_err(
            |error| {
                let known: Vec<_> = reactor_engine::scenarios().iter().map(|s| s.id).collect();
                format!("{error} (known scenarios: {})", known.join(", "))
            },
        )?;
    let records = engine.run();
    if !engine.is_done() {
        return Err(format!("scenario `{scenario}` did not run to completion"));
    }
    Ok(records)
}

/// The `*.toml` files in `dir` except the glossary, sorted by name.
fn lesson_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .filter(|path| path.file_name().is_some_and(|name| name != GLOSSARY_FILE))
        .collect();
    files.sort();
    Ok(files)
}

/// Read a file no larger than [`MAX_LESSON_FILE_BYTES`].
fn read_small(file: &Path) -> Result<String, String> {
    let size = std::fs::metadata(file).map_err(|e| e.to_string())?.len();
    if size > MAX_LESSON_FILE_BYTES {
        return Err(format!(
            "{size} bytes is over the {MAX_LESSON_FILE_BYTES}-byte limit for a lesson file"
        ));
    }
    std::fs::read_to_string(file).map_err(|e| e.to_string())
}

/// Parse, render and bind one lesson file. Returns its list order and the lesson.
fn load_lesson(
    file: &Path,
    glossary: &BTreeMap<String, GlossaryEntry>,
    trace: &mut dyn FnMut(&str) -> Result<Vec<Record>, String>,
) -> Result<(u32, Lesson), String> {
    let id = file
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or_default()
        .to_string();
    if !valid_id(&id) {
        return Err(format!(
            "the file name is the lesson id: use up to {MAX_ID_LEN} lowercase letters, digits, `-` and `_`"
        ));
    }
    let parsed: LessonFile = toml::from_str(&read_small(file)?).map_err(|e| e.to_string())?;
    if parsed.stages.is_empty() {
        return Err("a lesson needs at least one [[stage]]".to_string());
    }
    let count = parsed.stages.len();
    let mut stages = Vec::with_capacity(count);
    let mut questions = Vec::with_capacity(count);
    let mut terms: Vec<String> = Vec::new();
    for (index, stage) in parsed.stages.into_iter().enumerate() {
        let name = format!("stage {} of {count} {:?}", index + 1, stage.title);
        let (stage, asked, links) =
            build_stage(stage, glossary).map_err(|e| format!("{name}: {e}"))?;
        for link in links {
            if !terms.contains(&link) {
                terms.push(link);
            }
        }
        stages.push(stage);
        questions.push(asked);
    }
    let records =
        trace(&parsed.scenario).map_err(|e| format!("scenario `{}`: {e}", parsed.scenario))?;
    let matchers: Vec<Matcher> = stages.iter().map(|stage| stage.matcher.clone()).collect();
    let bound = bind_all(&matchers, &records)
        .map_err(|miss| unmatched(&miss, &stages, &records, &parsed.scenario))?;
    for (stage, index) in stages.iter_mut().zip(&bound) {
        stage.seq = Some(records[*index].seq);
    }
    for (index, asked) in questions.into_iter().enumerate() {
        if let Some(built) = asked {
            question::check_answer(
                &built,
                &records,
                bound[index],
                bound.get(index + 1).copied(),
            )
            .map_err(|e| {
                format!(
                    "stage {} of {count} {:?}: {e}",
                    index + 1,
                    stages[index].title
                )
            })?;
            stages[index].question = Some(built.question);
        }
    }
    let lesson = Lesson {
        id,
        title: parsed.title,
        summary: parsed.summary,
        scenario: parsed.scenario,
        stages,
        glossary: glossary_closure(&terms, glossary),
    };
    Ok((parsed.order.unwrap_or(u32::MAX), lesson))
}

/// Check one stage's fields and render its text; also returns its question,
/// kept aside until the trace can prove its answer, and the terms the stage
/// and the question link to.
fn build_stage(
    stage: StageFile,
    glossary: &BTreeMap<String, GlossaryEntry>,
) -> Result<(Stage, Option<question::Built>, Vec<String>), String> {
    stage
        .matcher
        .check()
        .map_err(|e| format!("match {}: {e}", stage.matcher))?;
    if let Some(target) = stage
        .point_at
        .iter()
        .find(|t| !POINT_AT_TARGETS.contains(&t.as_str()))
    {
        return Err(format!(
            "point_at {target:?} is not one of: {}",
            POINT_AT_TARGETS.join(", ")
        ));
    }
    if let Some(source) = &stage.source
        && crate::api::source::lookup(source).is_none()
    {
        return Err(format!(
            "source {source:?} is not an engine source file (engine/src/...)"
        ));
    }
    let rendered = render_linked(&stage.text, glossary)?;
    let mut terms = rendered.terms;
    let asked = match stage.question {
        Some(file) => Some(question::build(file, glossary)?),
        None => None,
    };
    for link in asked.iter().flat_map(|built| &built.terms) {
        if !terms.contains(link) {
            terms.push(link.clone());
        }
    }
    let built = Stage {
        title: stage.title,
        matcher: stage.matcher,
        point_at: stage.point_at,
        source: stage.source,
        html: rendered.html,
        seq: None,
        question: None,
    };
    Ok((built, asked, terms))
}

/// Explain a stage that did not bind, in terms a lesson author can act on.
fn unmatched(miss: &Unmatched, stages: &[Stage], records: &[Record], scenario: &str) -> String {
    let stage = &stages[miss.stage];
    let mut message = format!(
        "stage {} of {} {:?}: no record matches {}",
        miss.stage + 1,
        stages.len(),
        stage.title,
        stage.matcher
    );
    if let Some(after) = miss.after {
        let previous = records[after].event.kind_name();
        message += &format!(
            " after record {after} (`{previous}`, bound to stage {})",
            miss.stage
        );
    }
    message += &format!(" in the {} records of scenario `{scenario}`", records.len());
    if miss.earlier.is_empty() {
        message += "; it matches no record at all";
    } else {
        let earlier: Vec<String> = miss.earlier.iter().map(usize::to_string).collect();
        message += &format!(
            "; it does match record {} earlier: stages must follow the order of the trace",
            earlier.join(", ")
        );
    }
    message
}

#[cfg(test)]
mod tests;
