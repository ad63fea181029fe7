//! Find (or, as root, install) strace for the fidelity suite, which runs
//! real Tokio programs under it.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::apt;

/// Return the path to `strace`, installing Debian's `strace` when it is
/// missing and we are root.
pub fn ensure() -> Result<PathBuf> {
    if let Some(strace) = apt::on_path("strace") {
        return Ok(strace);
    }
    apt::install(&["strace"], "the fidelity tests (reactor-fidelity)", "")?;
    match apt::on_path("strace") {
        Some(strace) => Ok(strace),
        None => bail!("strace was installed but is not on PATH"),
    }
}
