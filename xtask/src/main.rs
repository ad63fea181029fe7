//! `cargo xtask`: the project's commands and the steps they share.
//!
//! ```text
//! cargo xtask serve   build the web app, then run the server on http://127.0.0.1:3000
//! cargo xtask test    format, lints, every test (real browser and axe-core included)
//! cargo xtask build-web   only the browser bundle, into target/site
//! cargo xtask size        what the first screen downloads (against its budget) and what loads on demand
//! cargo xtask export-static DIR   the app, its lessons and scenarios as a static site in DIR
//! ```
//!
//! Nothing here downloads a binary from a release page: the wasm is built by
//! cargo and bound to JavaScript by `wasm-bindgen-cli-support` inside this
//! process; wasm-opt and esbuild come pinned from the npm registry
//! (`xtask/npm`, see `shrink`).

mod apt;
#[cfg(test)]
mod architecture_doc;
mod browser;
mod nats;
mod npm;
mod precompress;
mod shrink;
mod size;
mod split;
mod strace;
mod summary;
mod web;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use crate::shrink::Need;

#[derive(Parser)]
#[command(about = "Reactor Lab's build helper")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Build everything and serve the app.
    Serve {
        /// Port to listen on (0 = any free port).
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
    },
    /// Run formatting and lint checks and the whole test suite.
    Test,
    /// Build only the browser bundle into target/site.
    BuildWeb,
    /// Report what the first screen downloads and what loads on demand;
    /// fail when the first screen is over its budget.
    Size,
    /// Build the browser bundle, then write the app, its lessons and its
    /// built-in scenarios into DIR as a static site (`reactor-lab
    /// export-static`), with brotli and gzip copies of every file.
    ExportStatic {
        /// The folder to write (an earlier export there is replaced).
        dir: PathBuf,
    },
}

fn main() {
    if let Err(error) = run(Cli::parse()) {
        eprintln!("xtask: {error:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    let root = workspace_root();
    // Paths given on the command line are the caller's, not the workspace's.
    let here = std::env::current_dir()?;
    std::env::set_current_dir(&root)?;
    match cli.command {
        Task::BuildWeb => web::build(&root, Need::Optional).map(drop),
        Task::Size => size::report(&root),
        Task::Serve { port, bind } => {
            let site = web::build(&root, Need::Optional)?;
            step("building and starting the server (release)");
            let status = cargo(&[
                "run",
                "--release",
                "--quiet",
                "--package",
                "reactor-server",
                "--",
            ])
            .args(["--port", &port.to_string(), "--bind", &bind])
            .arg("--site")
            .arg(&site)
            .status()?;
            // The server has already said what went wrong (a busy port, say), in one line.
            std::process::exit(status.code().unwrap_or(1));
        }
        Task::Test => test(&root),
        Task::ExportStatic { dir } => export_static(&root, &here.join(dir)),
    }
}

/// Build the app, export it into `dir` with the server's own answers, and
/// compress what the export wrote (the site's files come with their copies).
fn export_static(root: &Path, dir: &Path) -> Result<()> {
    let site = web::build(root, Need::Optional)?;
    step("exporting the static site (reactor-lab export-static, release)");
    cargo(&[
        "run",
        "--release",
        "--quiet",
        "--package",
        "reactor-server",
        "--",
    ])
    .arg("--site")
    .arg(&site)
    .arg("export-static")
    .arg(dir)
    .status_ok()?;
    step("precompressing the exported files (brotli 11, gzip 9)");
    let sizes = precompress::bare_files(dir)?;
    let (raw, brotli) = sizes
        .iter()
        .fold((0, 0), |(raw, br), s| (raw + s.raw, br + s.brotli));
    eprintln!(
        "static site: {} ({} files compressed: {raw} B raw, {brotli} B with brotli)",
        dir.display(),
        sizes.len()
    );
    Ok(())
}

fn test(root: &Path) -> Result<()> {
    let browser = browser::ensure()?;
    npm::ensure(root)?;
    strace::ensure()?;
    let nats = nats::ensure()?;
    step("cargo fmt --check");
    cargo(&["fmt", "--all", "--check"]).status_ok()?;
    step("cargo clippy (native crates)");
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])
    .status_ok()?;
    step("cargo clippy (web, for wasm32)");
    web::ensure_wasm_target()?;
    cargo(&[
        "clippy",
        "--package",
        "reactor-web",
        "--target",
        web::TARGET,
    ])
    .args(["--", "-D", "warnings"])
    .status_ok()?;
    // Shrunk as it ships: `tests/browser_budgets.rs` holds the first
    // screen's transfer to its budget.
    let site = web::build(root, Need::Required)?;
    step("cargo test --workspace");
    let mut tests = cargo(&["test", "--workspace"]);
    tests
        .env("REACTOR_LAB_SITE", &site)
        .env("CHROMEDRIVER", &browser.chromedriver)
        .env("CHROMIUM", &browser.chromium)
        .env("NATS_SERVER", &nats);
    summary::run_and_total(tests)
}

/// Print what the helper is about to do, so a long build never looks stuck.
pub fn step(what: &str) {
    eprintln!("\n==> {what}");
}

/// A `cargo` command using the same cargo that runs us.
pub fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.args(args);
    command
}

/// Run a command and turn a non-zero exit into an error naming it.
pub trait StatusOk {
    /// Run to completion; fail unless it exits 0.
    fn status_ok(&mut self) -> Result<()>;
}

impl StatusOk for Command {
    fn status_ok(&mut self) -> Result<()> {
        let status = self
            .status()
            .with_context(|| format!("cannot start {:?}", self.get_program()))?;
        if !status.success() {
            bail!("{:?} failed ({status})", self.get_program());
        }
        Ok(())
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}
