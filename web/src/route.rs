//! The URL is the deep link: which scenario (or lesson) and which step.
//!
//! ```text
//!  /                               home: pick a scenario or a lesson
//!  /scenario/tcp_read?step=12      scenario tcp_read with 12 records shown
//!  /scenario/work_stealing?seed=7  a multi-thread scenario in seed 7's interleaving
//!  /lesson/tcp-read?stage=4        lesson tcp-read at stage 4
//!  /playground?example=timers      the playground, with an example's program
//!  /playground?code=<…>            the playground, with a shared program
//!  /replay                         a saved run, played from its trace file
//! ```
//!
//! `step=N` means "N records shown": step 0 is the start, and the current
//! record at step N is the one with `seq` N-1. `seed=N` picks the
//! interleaving of a multi-thread scenario's workers (0, the default and
//! left out of the URL, is round-robin; one thread ignores it).

use reactor_protocol::{DEFAULT_MAX_RECORDS, valid_id};

/// Highest step a URL may ask for: the engine's default record cap.
pub const MAX_STEP: usize = DEFAULT_MAX_RECORDS as usize;

/// Where the app is.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Route {
    /// The home page.
    #[default]
    Home,
    /// A scenario, at a step.
    Scenario {
        /// Scenario id, such as `tcp_read`.
        id: String,
        /// Records shown.
        step: usize,
        /// The interleaving of a multi-thread run's workers (0: round-robin).
        seed: u64,
    },
    /// A lesson, at a stage (1-based), or at its introduction (0).
    Lesson {
        /// Lesson id, such as `tcp-read`.
        id: String,
        /// The stage, from 1; 0 is the introduction, before the first record.
        stage: usize,
    },
    /// A saved run played from a trace file (chosen on the page, or dropped
    /// on the app): the file is not in the URL.
    Replay,
    /// The playground: a program of the learner's own.
    Playground {
        /// An example to open (`?example=<id>`).
        example: Option<String>,
        /// A share link's packed program (`?code=<…>`, see
        /// `crate::playground::share`).
        code: Option<String>,
    },
}

impl Route {
    /// Read a route from `location.pathname` and `location.search`.
    /// Anything unrecognised is the home page.
    pub fn parse(path: &str, search: &str) -> Route {
        if path.trim_matches('/') == "replay" {
            return Route::Replay;
        }
        if path.trim_matches('/') == "playground" {
            let example = value(search, "example").filter(|id| valid_id(id));
            let code = value(search, "code").filter(|code| {
                code.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
            return Route::Playground {
                example: example.map(str::to_string),
                code: code.map(str::to_string),
            };
        }
        let mut parts = path.trim_matches('/').split('/');
        let (kind, id) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        // The protocol's rule for ids, as the server applies it.
        if parts.next().is_some() || !valid_id(id) {
            return Route::Home;
        }
        match kind {
            "scenario" => Route::Scenario {
                id: id.to_string(),
                step: number(search, "step").unwrap_or(0),
                seed: seed_in(search).unwrap_or(0),
            },
            "lesson" => Route::Lesson {
                id: id.to_string(),
                stage: number(search, "stage").unwrap_or(1),
            },
            _ => Route::Home,
        }
    }

    /// The URL for this route (path and query).
    pub fn url(&self) -> String {
        match self {
            Route::Home => "/".into(),
            Route::Scenario { id, step, seed } => match (seed, step) {
                (0, 0) => format!("/scenario/{id}"),
                (0, step) => format!("/scenario/{id}?step={step}"),
                (seed, 0) => format!("/scenario/{id}?seed={seed}"),
                (seed, step) => format!("/scenario/{id}?seed={seed}&step={step}"),
            },
            Route::Lesson { id, stage } => format!("/lesson/{id}?stage={stage}"),
            Route::Replay => "/replay".into(),
            Route::Playground {
                code: Some(code), ..
            } => format!("/playground?code={code}"),
            Route::Playground {
                example: Some(id), ..
            } => format!("/playground?example={id}"),
            Route::Playground { .. } => "/playground".into(),
        }
    }
}

/// The value of `name=` in a query string, as a number no larger than [`MAX_STEP`].
fn number(search: &str, name: &str) -> Option<usize> {
    value(search, name)
        .and_then(|value| value.parse::<usize>().ok())
        .map(|n| n.min(MAX_STEP))
}

/// The raw value of `name=` in a query string.
fn value<'a>(search: &'a str, name: &str) -> Option<&'a str> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The seed a query string asks for: 0 when it names none; a sentence
/// saying what is wrong when its `seed=` is not a seed.
pub fn seed_in(search: &str) -> Result<u64, String> {
    let Some(given) = value(search, "seed") else {
        return Ok(0);
    };
    parse_seed(given).map_err(|_| {
        format!(
            "The link's seed “{given}” is not a whole number from 0 to {}, so the round-robin interleaving (seed 0) is shown.",
            u64::MAX
        )
    })
}

/// A seed as typed: digits only, from 0 to `u64::MAX`; else what a seed is.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match digits.then(|| text.parse::<u64>().ok()).flatten() {
        Some(seed) => Ok(seed),
        None => Err(format!(
            "A seed is a whole number from 0 (round-robin) to {}.",
            u64::MAX
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_deep_links_round_trip() {
        let route = Route::parse("/scenario/tcp_read", "?step=12");
        assert_eq!(
            route,
            Route::Scenario {
                id: "tcp_read".into(),
                step: 12,
                seed: 0
            }
        );
        assert_eq!(route.url(), "/scenario/tcp_read?step=12");
        assert_eq!(
            Route::parse("/scenario/timers/", ""),
            Route::Scenario {
                id: "timers".into(),
                step: 0,
                seed: 0
            }
        );
    }

    #[test]
    fn a_seed_rides_in_the_link_unless_it_is_round_robin() {
        let route = Route::parse("/scenario/work_stealing", "?step=75&seed=7");
        assert_eq!(
            route,
            Route::Scenario {
                id: "work_stealing".into(),
                step: 75,
                seed: 7
            }
        );
        assert_eq!(route.url(), "/scenario/work_stealing?seed=7&step=75");
        assert_eq!(
            Route::parse("/scenario/work_stealing", "?seed=7").url(),
            "/scenario/work_stealing?seed=7"
        );
        assert_eq!(
            Route::parse("/scenario/work_stealing", "?seed=0&step=3").url(),
            "/scenario/work_stealing?step=3"
        );
        let largest = format!("?seed={}", u64::MAX);
        assert_eq!(seed_in(&largest), Ok(u64::MAX));
    }

    #[test]
    fn a_bad_seed_is_a_sentence_and_round_robin() {
        for bad in ["abc", "-1", "1.5", "", "+7", "18446744073709551616", "1e3"] {
            let search = format!("?seed={bad}");
            let said = seed_in(&search).expect_err(bad);
            assert!(said.contains(&format!("“{bad}”")), "{said}");
            assert!(said.contains("round-robin"), "{said}");
            let route = Route::parse("/scenario/work_stealing", &search);
            assert_eq!(route.url(), "/scenario/work_stealing", "{bad}");
        }
        assert_eq!(seed_in(""), Ok(0), "no seed: round-robin");
        assert_eq!(parse_seed(" 42 "), Ok(42));
        assert!(parse_seed("4 2").is_err());
    }

    #[test]
    fn playground_links_carry_an_example_or_a_program() {
        assert_eq!(
            Route::parse("/playground", ""),
            Route::Playground {
                example: None,
                code: None
            }
        );
        let example = Route::parse("/playground/", "?example=article-spawn");
        assert_eq!(example.url(), "/playground?example=article-spawn");
        let shared = Route::parse("/playground", "?code=eJzL-_0");
        assert_eq!(shared.url(), "/playground?code=eJzL-_0");
        // Neither may smuggle anything else into the page.
        assert_eq!(
            Route::parse("/playground", "?example=<b>&code=a%20b").url(),
            "/playground"
        );
    }

    #[test]
    fn lesson_links_start_at_stage_one() {
        assert_eq!(
            Route::parse("/lesson/tcp-read", ""),
            Route::Lesson {
                id: "tcp-read".into(),
                stage: 1
            }
        );
        assert_eq!(
            Route::parse("/lesson/tcp-read", "?x=1&stage=4").url(),
            "/lesson/tcp-read?stage=4"
        );
        // The introduction, before stage 1, has an address of its own.
        assert_eq!(
            Route::parse("/lesson/tcp-read", "?stage=0").url(),
            "/lesson/tcp-read?stage=0"
        );
    }

    #[test]
    fn bad_input_is_the_home_page_or_ignored() {
        assert_eq!(Route::parse("/", ""), Route::Home);
        assert_eq!(Route::parse("/scenario/", ""), Route::Home);
        assert_eq!(Route::parse("/scenario/../../etc", ""), Route::Home);
        assert_eq!(Route::parse("/scenario/TCP<script>", ""), Route::Home);
        assert_eq!(
            Route::parse(&format!("/scenario/{}", "a".repeat(65)), ""),
            Route::Home
        );
        assert_eq!(
            Route::parse("/scenario/tcp_read", "?step=-3"),
            Route::Scenario {
                id: "tcp_read".into(),
                step: 0,
                seed: 0
            }
        );
        assert_eq!(
            Route::parse("/scenario/tcp_read", "?step=99999999999"),
            Route::Scenario {
                id: "tcp_read".into(),
                step: MAX_STEP,
                seed: 0
            }
        );
    }
}
