//! Find (or, as root, install) Chromium and ChromeDriver for the browser tests.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::apt;

/// Paths to the browser and its WebDriver server.
pub struct Browser {
    /// The `chromium` binary.
    pub chromium: PathBuf,
    /// The `chromedriver` binary.
    pub chromedriver: PathBuf,
}

/// Return the browser, installing Debian's `chromium` and `chromium-driver` when
/// they are missing and we are root.
pub fn ensure() -> Result<Browser> {
    if let Some(browser) = find() {
        return Ok(browser);
    }
    apt::install(
        &["chromium", "chromium-driver"],
        "the browser tests",
        " (or set CHROMIUM and CHROMEDRIVER)",
    )?;
    match find() {
        Some(browser) => Ok(browser),
        None => bail!("chromium and chromedriver were installed but are not on PATH"),
    }
}

fn find() -> Option<Browser> {
    Some(Browser {
        chromium: locate("CHROMIUM", "chromium")?,
        chromedriver: locate("CHROMEDRIVER", "chromedriver")?,
    })
}

/// An explicit path from `env`, else `name` on PATH.
fn locate(env: &str, name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env) {
        return Some(PathBuf::from(path));
    }
    apt::on_path(name)
}
