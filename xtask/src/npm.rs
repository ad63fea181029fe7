//! The JavaScript the browser tests inject (axe-core), installed from the
//! pinned `tests/npm/package-lock.json` with `npm ci`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use crate::{StatusOk, apt, step};

/// Where the browser tests' npm package lives, under the workspace root.
const PACKAGE_DIR: &str = "tests/npm";

/// Install the browser tests' npm packages exactly as the lock file pins
/// them, installing Debian's `npm` first when it is missing and we are root.
/// Returns the package directory (its `node_modules` is git-ignored).
pub fn ensure(root: &Path) -> Result<PathBuf> {
    let npm = match apt::on_path("npm") {
        Some(npm) => npm,
        None => {
            apt::install(&["npm"], "the accessibility tests (axe-core)", "")?;
            apt::on_path("npm").unwrap_or_else(|| "npm".into())
        }
    };
    let dir = root.join(PACKAGE_DIR);
    step(&format!(
        "npm ci in {PACKAGE_DIR} (axe-core for the accessibility tests)"
    ));
    Command::new(npm)
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .status_ok()?;
    Ok(dir)
}
