//! Find (or, as root, install) strace for the fidelity suite, which runs
//! real Tokio programs under it.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Result, bail};

use crate::{StatusOk, step};

/// Return the path to `strace`, installing Debian's `strace` when it is
/// missing and we are root.
pub fn ensure() -> Result<PathBuf> {
    if let Some(strace) = find() {
        return Ok(strace);
    }
    if !crate::browser::is_root() {
        bail!(
            "the fidelity tests (reactor-fidelity) need strace: run `sudo apt-get install strace`"
        );
    }
    step("apt-get install strace (needed by the fidelity tests)");
    Command::new("apt-get")
        .args(["update", "-qq"])
        .status_ok()?;
    Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends", "strace"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status_ok()?;
    match find() {
        Some(strace) => Ok(strace),
        None => bail!("strace was installed but is not on PATH"),
    }
}

fn find() -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| PathBuf::from(dir).join("strace"))
        .find(|candidate| candidate.is_file())
}
