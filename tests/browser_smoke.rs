//! The walking skeleton, end to end: the real server serves the built app,
//! headless Chromium renders it, and the app's WebSocket connects.

use anyhow::Result;
use reactor_e2e::{TestServer, with_browser};

#[tokio::test]
async fn app_renders_and_its_websocket_connects() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        page.open("/").await?;
        page.wait_for("#connection[data-state='connected']").await?;
        let title = page.client.title().await?;
        anyhow::ensure!(title.contains("Reactor Lab"), "page title is {title:?}");
        page.screenshot("smoke-home").await?;
        Ok(())
    })
    .await
}
