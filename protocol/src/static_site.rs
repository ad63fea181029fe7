//! A static export of the app (`cargo xtask export-static`): where each
//! answer of the HTTP API is written as a file, so a plain static host
//! serves what the `reactor-lab` server would.
//!
//! ```text
//!  GET /api/scenarios                         api/scenarios.json
//!  GET /api/lessons/tcp-read                  api/lessons/tcp-read.json
//!  GET /api/scenarios/tcp_read/program        api/scenarios/tcp_read/program.json
//!  GET /api/source/engine/src/lib.rs          api/source/engine/src/lib.rs.txt
//!  GET /api/trace/tcp_read?format=jsonl       api/trace/tcp_read.jsonl
//! ```
//!
//! Each file's extension gives a static host the type the server sends:
//! JSON, plain text, JSON Lines. The server writes the files, the browser
//! reads them; both take the names from here.

/// The `<meta>` name a static export sets in its `index.html`.
pub const META_NAME: &str = "reactor-lab-site";
/// Its value on a static export.
pub const STATIC: &str = "static";

/// The `<meta>` element that marks a static export's `index.html`.
pub fn meta_tag() -> String {
    format!("<meta name=\"{META_NAME}\" content=\"{STATIC}\">")
}

/// The path of the file that stands for the answer to `GET route` (a path
/// under `/api/`, without a query): the route with `.txt` for an engine
/// source file, `.json` for everything else.
pub fn answer_file(route: &str) -> String {
    let extension = if route.starts_with("/api/source/") {
        "txt"
    } else {
        "json"
    };
    format!("{route}.{extension}")
}

/// The path of scenario `id`'s trace file (the round-robin run), what
/// `GET /api/trace/{id}?format=jsonl` answers.
pub fn trace_file(id: &str) -> String {
    format!("/api/trace/{id}.jsonl")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_answer_has_a_file_whose_extension_says_its_type() {
        assert_eq!(answer_file("/api/scenarios"), "/api/scenarios.json");
        assert_eq!(
            answer_file("/api/lessons/tcp-read"),
            "/api/lessons/tcp-read.json"
        );
        assert_eq!(
            answer_file("/api/scenarios/tcp_read/program"),
            "/api/scenarios/tcp_read/program.json"
        );
        assert_eq!(
            answer_file("/api/source/engine/src/lib.rs"),
            "/api/source/engine/src/lib.rs.txt"
        );
        assert_eq!(trace_file("tcp_read"), "/api/trace/tcp_read.jsonl");
        assert_eq!(
            meta_tag(),
            r#"<meta name="reactor-lab-site" content="static">"#
        );
    }
}
