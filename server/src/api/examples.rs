//! `GET /api/playground/examples`: the programs the playground starts from,
//! the article's first, each with the scenario whose work it does.

use axum::Json;
use axum::http::header;
use axum::response::IntoResponse;
use reactor_playground::examples::EXAMPLES;
use reactor_protocol::api::PlaygroundExample;

/// Every example, in the playground's order.
pub(crate) fn all() -> Vec<PlaygroundExample> {
    EXAMPLES
        .iter()
        .map(|example| PlaygroundExample {
            id: example.id.to_owned(),
            title: example.title.to_owned(),
            scenario: example.scenario.map(str::to_owned),
            program: example.program.to_owned(),
            peer: example.peer.to_owned(),
        })
        .collect()
}

/// `GET /api/playground/examples`.
pub(crate) async fn get() -> impl IntoResponse {
    ([(header::CACHE_CONTROL, "no-cache")], Json(all()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_compiles_and_names_a_real_scenario() {
        let scenarios = reactor_engine::scenarios();
        for example in all() {
            let compiled = reactor_playground::compile(
                &example.program,
                &example.peer,
                &reactor_playground::Limits::default(),
            );
            assert!(compiled.is_ok(), "{}: {compiled:?}", example.id);
            if let Some(id) = &example.scenario {
                assert!(scenarios.iter().any(|info| info.id == id), "{id}");
            }
        }
        assert_eq!(all()[0].id, "article-spawn");
    }
}
