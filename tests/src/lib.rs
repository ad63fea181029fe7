//! Harness for the end-to-end tests: the real server started in-process on an
//! ephemeral port, real WebSocket clients, and real headless Chromium driven
//! over WebDriver.
//!
//! ```text
//!  test ──fantoccini──▶ chromedriver ──▶ chromium ──HTTP/WS──▶ reactor-lab (in this process)
//! ```
//!
//! Every helper here cleans up after itself even when the test body fails:
//! [`with_browser`] closes the WebDriver session, stops chromedriver and the
//! server, and only then returns the body's result.

pub mod abuse;
pub mod browser;
pub mod nats;
pub mod rooms;
pub mod server;
pub mod static_host;

pub use browser::{
    Page, axe_source, axe_violations, with_browser, with_browser_at, with_browser_flags,
};
pub use server::TestServer;
pub use static_host::StaticSite;

use std::time::Duration;

/// How long any condition in these tests may take before it counts as failed.
/// Generous: CI machines are small and busy, and a passing test never waits it out.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Poll `check` until it returns `Some`, or fail after [`PATIENCE`] with `what`.
///
/// This is how the tests wait: for a condition, never for a fixed time.
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    eventually_within(PATIENCE, what, check).await
}

/// [`eventually`] with its own patience, for the few waits that are long
/// by nature (replaying a trace of thousands of records in the browser).
pub async fn eventually_within<T, F, Fut>(
    patience: Duration,
    what: &str,
    mut check: F,
) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    let deadline = tokio::time::Instant::now() + patience;
    let mut last_error = None;
    loop {
        match check().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(error) => last_error = Some(error),
        }
        if tokio::time::Instant::now() >= deadline {
            let detail = last_error
                .map(|e| format!(" (last error: {e:#})"))
                .unwrap_or_default();
            anyhow::bail!("timed out after {patience:?} waiting for {what}{detail}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
