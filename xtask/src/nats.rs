//! Find (or, as root, install) `nats-server` for the tests of rooms shared
//! across servers (`tests/rooms_nats.rs`), which start a real one with
//! JetStream. Debian's package (2.9) is enough: the server speaks only the
//! JetStream API that version has.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::apt;

/// Return the path to `nats-server`, installing Debian's `nats-server` when
/// it is missing and we are root.
pub fn ensure() -> Result<PathBuf> {
    if let Some(nats) = apt::on_path("nats-server") {
        return Ok(nats);
    }
    apt::install(
        &["nats-server"],
        "the tests of rooms across servers (tests/rooms_nats.rs)",
        "",
    )?;
    match apt::on_path("nats-server") {
        Some(nats) => Ok(nats),
        None => bail!("nats-server was installed but is not on PATH"),
    }
}
