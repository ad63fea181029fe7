//! The server's REST API: `GET /api/scenarios` and `GET /api/source/{path}`.

use reactor_protocol::ScenarioSummary;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

fn describe(error: JsValue) -> String {
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// `GET url` as text; an HTTP error status is an error naming it.
pub async fn get_text(url: &str) -> Result<String, String> {
    let window = leptos::prelude::window();
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(describe)?;
    let response: Response = response.dyn_into().map_err(describe)?;
    if !response.ok() {
        return Err(format!(
            "{url} answered {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    text.as_string()
        .ok_or_else(|| format!("{url} sent no text"))
}

/// The built-in scenarios.
pub async fn scenarios() -> Result<Vec<ScenarioSummary>, String> {
    let text = get_text("/api/scenarios").await?;
    crate::decode_api::scenarios(&text)
}

/// The text of one engine source file, such as `engine/src/io/driver.rs`.
pub async fn source(file: &str) -> Result<String, String> {
    get_text(&format!("/api/source/{file}")).await
}
