//! The URL is the deep link: which scenario (or lesson) and which step.
//!
//! ```text
//!  /                               home: pick a scenario or a lesson
//!  /scenario/tcp_read?step=12      scenario tcp_read with 12 records shown
//!  /lesson/tcp-read?stage=4        lesson tcp-read at stage 4
//! ```
//!
//! `step=N` means "N records shown": step 0 is the start, and the current
//! record at step N is the one with `seq` N-1.

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
    },
    /// A lesson, at a stage (1-based), or at its introduction (0).
    Lesson {
        /// Lesson id, such as `tcp-read`.
        id: String,
        /// The stage, from 1; 0 is the introduction, before the first record.
        stage: usize,
    },
}

impl Route {
    /// Read a route from `location.pathname` and `location.search`.
    /// Anything unrecognised is the home page.
    pub fn parse(path: &str, search: &str) -> Route {
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
            Route::Scenario { id, step: 0 } => format!("/scenario/{id}"),
            Route::Scenario { id, step } => format!("/scenario/{id}?step={step}"),
            Route::Lesson { id, stage } => format!("/lesson/{id}?stage={stage}"),
        }
    }
}

/// The value of `name=` in a query string, as a number no larger than [`MAX_STEP`].
fn number(search: &str, name: &str) -> Option<usize> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .map(|n| n.min(MAX_STEP))
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
                step: 12
            }
        );
        assert_eq!(route.url(), "/scenario/tcp_read?step=12");
        assert_eq!(
            Route::parse("/scenario/timers/", ""),
            Route::Scenario {
                id: "timers".into(),
                step: 0
            }
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
                step: 0
            }
        );
        assert_eq!(
            Route::parse("/scenario/tcp_read", "?step=99999999999"),
            Route::Scenario {
                id: "tcp_read".into(),
                step: MAX_STEP
            }
        );
    }
}
