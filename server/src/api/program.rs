//! `GET /api/scenarios/{id}/program`: the async program a scenario runs, for
//! the browser's program panel, which loads it only when a scenario is shown.
//!
//! The program is the scenario's own source file (embedded with the engine's
//! sources, see [`super::source`]), from its first line of code: the module's
//! docs and its `use` lines are left out, the line numbers stay the file's.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use reactor_protocol::api::ScenarioProgram;

/// The program of scenario `id`, or `None` for an unknown scenario.
pub(crate) fn program(id: &str) -> Option<ScenarioProgram> {
    let info = reactor_engine::scenarios()
        .iter()
        .find(|info| info.id == id)?;
    let text = super::source::lookup(info.program)?;
    let (first_line, lines) = program_lines(text);
    Some(ScenarioProgram {
        scenario: info.id.to_owned(),
        file: info.program.to_owned(),
        first_line,
        lines,
    })
}

/// The lines of `text` from its first line of code, and that line's number:
/// leading `//!` docs, blank lines and `use` statements are skipped.
fn program_lines(text: &str) -> (u32, Vec<String>) {
    let all: Vec<&str> = text.lines().collect();
    let mut first = 0;
    let mut in_use = false;
    for (index, line) in all.iter().enumerate() {
        let trimmed = line.trim();
        let starts_use = trimmed.starts_with("use ") || trimmed.starts_with("pub(crate) use ");
        let header = in_use || starts_use || trimmed.is_empty() || trimmed.starts_with("//!");
        if !header {
            first = index;
            break;
        }
        in_use = (in_use || starts_use) && !trimmed.ends_with(';');
        first = index + 1;
    }
    let lines = all[first..].iter().map(|line| (*line).to_owned()).collect();
    (u32::try_from(first + 1).unwrap_or(u32::MAX), lines)
}

/// `GET /api/scenarios/{id}/program`.
pub(crate) async fn get(Path(id): Path<String>) -> Response {
    match program(&id) {
        Some(program) => {
            ([(header::CACHE_CONTROL, "no-cache")], axum::Json(program)).into_response()
        }
        None => super::error(StatusCode::NOT_FOUND, format!("unknown scenario `{id}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_and_imports_are_left_out_and_line_numbers_kept() {
        let text = "//! docs, of use to all\n//! more\n\nuse std::rc::Rc;\nuse a::{\n    b,\n};\n\nconst X: u8 = 1;\nfn main() {}\n";
        let (first_line, lines) = program_lines(text);
        assert_eq!(first_line, 9);
        assert_eq!(lines, ["const X: u8 = 1;", "fn main() {}"]);
    }

    #[test]
    fn tcp_reads_program_is_the_articles_handler_with_its_awaits() {
        let program = program("tcp_read").expect("a scenario");
        assert_eq!(program.file, "engine/src/scenario/tcp_read.rs");
        let whole = super::super::source::lookup(&program.file).expect("embedded");
        let file_lines: Vec<&str> = whole.lines().collect();
        for (offset, line) in program.lines.iter().enumerate() {
            let number = program.first_line as usize + offset;
            assert_eq!(file_lines[number - 1], line, "line {number}");
        }
        let text = program.lines.join("\n");
        assert!(text.contains("async fn handle_connection(mut stream: TcpStream)"));
        assert!(text.contains("stream.read(&mut buf).await"));
        assert!(text.contains("listener.accept().await"));
        assert!(!text.contains("//!"));
        assert!(!program.lines[0].trim().is_empty() && !program.lines[0].starts_with("use "));
    }

    #[test]
    fn every_scenario_has_a_program_and_an_unknown_one_none() {
        for info in reactor_engine::scenarios() {
            let program = program(info.id).expect("a program");
            assert!(program.lines.iter().any(|line| line.contains(".await")));
        }
        assert_eq!(program("no_such_scenario"), None);
    }
}
