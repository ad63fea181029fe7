//! A real headless Chromium, driven over WebDriver by `fantoccini`.
//!
//! [`with_browser`] owns the whole lifetime: it starts chromedriver on a free
//! port, opens a session with a fresh profile, runs the test body, and then —
//! whether the body passed or failed — closes the session, stops chromedriver
//! and deletes the profile.

use std::path::PathBuf;
use std::process::Stdio;

use anyhow::{Context, Result, anyhow};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::{TestServer, eventually};

/// Chromium flags for a quiet, headless run as root on a closed network.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1440,900",
];

/// The folder in a session's profile its downloads go to.
const DOWNLOADS: &str = "downloads";

/// One browser tab pointed at a test server.
pub struct Page {
    /// The WebDriver client, for anything the helpers below don't cover.
    pub client: Client,
    base: String,
    /// Where the browser saves downloads (inside its profile, deleted with it).
    pub downloads: PathBuf,
}

impl Page {
    /// Open `path` (such as `/` or `/scenario/tcp_read?step=3`) on the server.
    pub async fn open(&self, path: &str) -> Result<()> {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .with_context(|| format!("opening {path}"))
    }

    /// Wait until an element matching `css` exists, and return it.
    pub async fn wait_for(&self, css: &str) -> Result<fantoccini::elements::Element> {
        eventually(&format!("an element matching `{css}`"), || async {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => Ok(Some(element)),
                Err(error) if error.is_no_such_element() => Ok(None),
                Err(error) => Err(error.into()),
            }
        })
        .await
    }

    /// Wait until the text of the element matching `css` contains `needle`.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> Result<String> {
        eventually(&format!("`{css}` to contain {needle:?}"), || async {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => {
                    let text = element.text().await?;
                    Ok(text.contains(needle).then_some(text))
                }
                Err(error) if error.is_no_such_element() => Ok(None),
                Err(error) => Err(error.into()),
            }
        })
        .await
    }

    /// Wait for the element matching `css`, then click it.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.wait_for(css)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking {css}"))?;
        Ok(())
    }

    /// Wait until what `probe` (a script returning JSON) reads satisfies
    /// `check`; return that reading. On time-out the error shows the last one.
    pub async fn until(
        &self,
        probe: &str,
        what: &str,
        check: impl Fn(&serde_json::Value) -> bool,
    ) -> Result<serde_json::Value> {
        let last = std::cell::RefCell::new(serde_json::Value::Null);
        let found = eventually(what, || async {
            let state = self.eval(probe).await?;
            let done = check(&state);
            *last.borrow_mut() = state.clone();
            Ok(done.then_some(state))
        })
        .await;
        found.map_err(|error| error.context(format!("the page showed {}", last.borrow())))
    }

    /// Run JavaScript in the page and return its JSON result.
    pub async fn eval(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self.client.execute(script, Vec::new()).await?)
    }

    /// Resize the window so that the page's viewport (`innerWidth` ×
    /// `innerHeight`) is `width` × `height` CSS pixels, as on a projector or a
    /// phone; the window's own frame, if any, is measured and added.
    pub async fn set_viewport(&self, width: u32, height: u32) -> Result<()> {
        self.client.set_window_size(width, height).await?;
        let inner = self
            .eval("return [window.innerWidth, window.innerHeight];")
            .await?;
        let measured = |i: usize| inner[i].as_u64().unwrap_or(0) as u32;
        let (extra_width, extra_height) = (
            width.saturating_sub(measured(0)),
            height.saturating_sub(measured(1)),
        );
        if extra_width > 0 || extra_height > 0 {
            self.client
                .set_window_size(width + extra_width, height + extra_height)
                .await?;
        }
        eventually(&format!("a {width}×{height} viewport"), || async {
            let inner = self
                .eval("return [window.innerWidth, window.innerHeight];")
                .await?;
            Ok((inner[0] == width && inner[1] == height).then_some(()))
        })
        .await
    }

    /// Save a PNG of the viewport as `target/screenshots/<name>.png` and return its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }
}

/// Run `body` against a fresh headless Chromium looking at `server`, then clean up.
///
/// Needs `chromedriver` (and `chromium`) on PATH, or `$CHROMEDRIVER` / `$CHROMIUM`;
/// `cargo xtask test` installs and sets them.
pub async fn with_browser(
    server: &TestServer,
    body: impl AsyncFnOnce(&Page) -> Result<()>,
) -> Result<()> {
    with_browser_flags(server, &[], body).await
}

/// [`with_browser`] with extra Chromium command-line flags, such as
/// `--force-dark-mode` (the system prefers a dark palette).
pub async fn with_browser_flags(
    server: &TestServer,
    flags: &[&str],
    body: impl AsyncFnOnce(&Page) -> Result<()>,
) -> Result<()> {
    with_browser_at(server.http_url(), flags, body).await
}

/// [`with_browser_flags`] looking at whatever serves `base` (such as
/// `http://127.0.0.1:PORT`, a static site's file server).
pub async fn with_browser_at(
    base: String,
    flags: &[&str],
    body: impl AsyncFnOnce(&Page) -> Result<()>,
) -> Result<()> {
    let driver = Driver::start().await?;
    let profile = std::env::temp_dir().join(format!(
        "reactor-lab-chromium-{}-{}",
        std::process::id(),
        driver.port
    ));
    let client = match connect(&driver, &profile, flags).await {
        Ok(client) => client,
        Err(error) => {
            let _ = std::fs::remove_dir_all(&profile);
            return Err(error);
        }
    };
    let downloads = profile.join(DOWNLOADS);
    let page = Page {
        client,
        base,
        downloads,
    };
    let outcome = body(&page).await;
    let closed = page.client.close().await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&profile);
    outcome?;
    closed.context("closing the WebDriver session")
}

async fn connect(driver: &Driver, profile: &std::path::Path, flags: &[&str]) -> Result<Client> {
    let mut args: Vec<String> = CHROMIUM_FLAGS
        .iter()
        .chain(flags)
        .map(|flag| flag.to_string())
        .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let downloads = profile.join(DOWNLOADS);
    let prefs = json!({
        "download.default_directory": downloads.to_string_lossy(),
        "download.prompt_for_download": false,
    });
    let mut options = json!({ "args": args, "prefs": prefs });
    if let Some(binary) = std::env::var_os("CHROMIUM") {
        options["binary"] = json!(binary.to_string_lossy());
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .map_err(|e| anyhow!("cannot open a Chromium session through chromedriver: {e}"))
}

/// A chromedriver child process, killed on drop.
struct Driver {
    port: u16,
    _child: tokio::process::Child,
}

impl Driver {
    async fn start() -> Result<Driver> {
        let binary = std::env::var_os("CHROMEDRIVER").unwrap_or_else(|| "chromedriver".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = tokio::process::Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| {
                format!(
                    "cannot start {}: install Debian's `chromium` and `chromium-driver` \
                     (`cargo xtask test` does it as root) or set $CHROMEDRIVER",
                    binary.to_string_lossy()
                )
            })?;
        let driver = Driver {
            port,
            _child: child,
        };
        eventually("chromedriver to accept connections", || async {
            Ok(tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .ok()
                .map(drop))
        })
        .await?;
        Ok(driver)
    }
}

/// axe-core's browser bundle, as `npm ci` put it under `tests/npm`
/// (`cargo xtask test` runs it).
pub fn axe_source() -> Result<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/npm/node_modules/axe-core/axe.min.js"
    );
    std::fs::read_to_string(path).with_context(|| {
        format!("reading {path}: run `npm ci` in tests/npm (`cargo xtask test` does)")
    })
}

/// Run axe's WCAG 2.0/2.1 A and AA rules on what `within` selects (a CSS
/// selector, or `document` for the whole page); the violations, one line
/// each (rule, impact, the elements, axe's summary).
pub async fn axe_violations(page: &Page, axe: &str, within: &str) -> Result<Vec<String>> {
    page.eval(&format!("{axe}\nreturn true;")).await?;
    let script = r#"
        const [within, done] = arguments;
        axe.run(within === 'document' ? document : within, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
          resultTypes: ['violations'],
        }).then(
          (r) => done(r.violations.map((v) => `${v.id} (${v.impact}): ` +
            v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary}`).join(' | '))),
          (e) => done([`axe failed: ${e}`]));
    "#;
    let found = page
        .client
        .execute_async(script, vec![json!(within)])
        .await?;
    Ok(serde_json::from_value(found)?)
}
