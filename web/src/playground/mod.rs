//! The playground's pure parts, host-tested: the editor's colouring
//! (`highlight`), share links (`share`) and the examples' answer from
//! `GET /api/playground/examples`, read by hand like every answer
//! (`crate::decode`).
//!
//! The page itself is `crate::ui::playground`; only its split module
//! reaches `highlight` and `share`.

pub mod highlight;
pub mod share;

use serde_json::Value;

use crate::decode::{Error, maybe, object, text};

/// The endpoint listing the examples.
pub const EXAMPLES_URL: &str = "/api/playground/examples";

/// One example program, as the examples endpoint lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// Its id, as `?example=<id>` names it (`article-spawn`).
    pub id: String,
    /// Its title, for the picker.
    pub title: String,
    /// The built-in scenario it makes the records of, if any.
    pub scenario: Option<String>,
    /// The program's text.
    pub program: String,
    /// Its peer description (empty: no peer).
    pub peer: String,
}

/// `GET /api/playground/examples`.
pub fn decode_examples(text_: &str) -> Result<Vec<Example>, Error> {
    let value: Value =
        serde_json::from_str(text_).map_err(|e| format!("the examples are not JSON: {e}"))?;
    let items = value.as_array().ok_or("the examples are not a list")?;
    items
        .iter()
        .map(|item| {
            let o = object(item, "example")?;
            Ok(Example {
                id: text(o, "id")?,
                title: text(o, "title")?,
                scenario: maybe(o, "scenario", text)?,
                program: text(o, "program")?,
                peer: maybe(o, "peer", text)?.unwrap_or_default(),
            })
        })
        .collect()
}

/// Why a scenario with no example cannot open in the playground, or
/// `None` when its example is worth looking for.
pub fn not_expressible(scenario: &str) -> Option<&'static str> {
    match scenario {
        "crowd" => Some("it names each of its 240 tasks, which tokio::spawn cannot"),
        "self_wake" => Some("it needs a hand-written Future, which the playground leaves out"),
        "deadlock" => Some(
            "it shares a JoinHandle between tasks (Rc<RefCell<…>>), which the playground leaves out",
        ),
        "cross_runtime" => Some("it needs two runtimes, and a program has one"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_examples_answer_is_read_with_or_without_a_scenario() {
        let json = r#"[{"id":"article-spawn","title":"Spawn","scenario":"spawn_lifecycle","program":"fn main() {}","peer":""},
                       {"id":"free","title":"Free","scenario":null,"program":"x","peer":"at 0 ms connect"}]"#;
        let examples = decode_examples(json).expect("reads");
        assert_eq!(examples.len(), 2);
        assert_eq!(examples[0].scenario.as_deref(), Some("spawn_lifecycle"));
        assert_eq!(examples[1].scenario, None);
        assert_eq!(examples[1].peer, "at 0 ms connect");
        assert!(decode_examples("{}").is_err());
        assert!(decode_examples("[{\"id\":1}]").is_err());
    }

    #[test]
    fn scenarios_the_language_cannot_write_say_why() {
        for id in ["crowd", "self_wake", "deadlock", "cross_runtime"] {
            assert!(not_expressible(id).is_some(), "{id}");
        }
        assert_eq!(not_expressible("tcp_read"), None);
    }
}
