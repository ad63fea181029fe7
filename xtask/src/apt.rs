//! Tools the tests need, found on PATH or, as root, installed from Debian's
//! packages: the one place `cargo xtask test` calls `apt-get`.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Result, bail};

use crate::{StatusOk, step};

/// Set once `apt-get update` has run: one refresh serves every install.
static UPDATED: AtomicBool = AtomicBool::new(false);

/// `name` on PATH, if it is there.
pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| PathBuf::from(dir).join(name))
        .find(|candidate| candidate.is_file())
}

/// Install Debian's `packages`, which `needed_by` needs. Not root: an error
/// saying what to install (`or_else` adds another way, such as an env var).
pub fn install(packages: &[&str], needed_by: &str, or_else: &str) -> Result<()> {
    let list = packages.join(" ");
    if !is_root() {
        bail!("{needed_by} need {list}: run `sudo apt-get install {list}`{or_else}");
    }
    step(&format!("apt-get install {list} (needed by {needed_by})"));
    if !UPDATED.swap(true, Ordering::SeqCst) {
        Command::new("apt-get")
            .args(["update", "-qq"])
            .status_ok()?;
    }
    Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status_ok()
}

/// Whether we run as root (and so may install packages).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}
