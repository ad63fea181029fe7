//! The server's REST API: `GET /api/scenarios`, `GET /api/source/{path}`
//! and `POST /api/rooms` (the lessons are fetched by `crate::lesson`). A
//! `GET` goes to [`crate::site::api_url`], the route's file on a static site.

use reactor_protocol::ScenarioSummary;
use reactor_protocol::frame::RoomCreated;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use crate::site::api_url;

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
    body(url, &response).await
}

/// `POST url` with a JSON body, as text; an HTTP error status is an error
/// in the server's own words.
pub async fn post_text(url: &str, json: &str) -> Result<String, String> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(json));
    let headers = web_sys::Headers::new().map_err(describe)?;
    headers
        .set("content-type", "application/json")
        .map_err(describe)?;
    init.set_headers(&headers);
    let window = leptos::prelude::window();
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(describe)?;
    let response: Response = response.dyn_into().map_err(describe)?;
    let text = body(url, &response).await?;
    if response.ok() {
        Ok(text)
    } else {
        Err(crate::decode_api::api_error(&text)
            .map_or_else(|_| "the server refused".to_string(), |e| e.error))
    }
}

/// The text of `response`, from `url`.
async fn body(url: &str, response: &Response) -> Result<String, String> {
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    text.as_string()
        .ok_or_else(|| format!("{url} sent no text"))
}

/// `POST /api/rooms`: a new room's code and presenter key, or why not.
/// (Not [`post_text`]: the first screen has this, and not its body and
/// headers.)
pub async fn create_room() -> Result<RoomCreated, String> {
    const URL: &str = "/api/rooms";
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let window = leptos::prelude::window();
    let response = JsFuture::from(window.fetch_with_str_and_init(URL, &init))
        .await
        .map_err(describe)?;
    let response: Response = response.dyn_into().map_err(describe)?;
    let text = body(URL, &response).await?;
    if response.ok() {
        crate::decode_api::room_created(&text)
    } else {
        let error = crate::decode_api::api_error(&text)
            .map_or_else(|_| "the server refused".to_string(), |e| e.error);
        Err(error)
    }
}

/// The built-in scenarios.
pub async fn scenarios() -> Result<Vec<ScenarioSummary>, String> {
    let text = get_text(&api_url("/api/scenarios")).await?;
    crate::decode_api::scenarios(&text)
}

/// The text of one engine source file, such as `engine/src/io/driver.rs`.
pub async fn source(file: &str) -> Result<String, String> {
    get_text(&api_url(&format!("/api/source/{file}"))).await
}
