//! Find (or, as root, install) Chromium and ChromeDriver for the browser tests.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Result, bail};

use crate::{StatusOk, step};

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
    if !is_root() {
        bail!(
            "the browser tests need Chromium and ChromeDriver: \
             run `sudo apt-get install chromium chromium-driver` (or set CHROMIUM and CHROMEDRIVER)"
        );
    }
    step("apt-get install chromium chromium-driver (needed by the browser tests)");
    Command::new("apt-get")
        .args(["update", "-qq"])
        .status_ok()?;
    Command::new("apt-get")
        .args([
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status_ok()?;
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
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| PathBuf::from(dir).join(name))
        .find(|candidate| candidate.is_file())
}

/// Whether we run as root (and so may install packages).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}
