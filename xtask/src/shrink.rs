//! Shrink the browser bundle with tools from the npm registry, run under node.
//!
//! ```text
//! xtask/npm/package.json, package-lock.json    the pinned tools
//!   binaryen   wasm-opt, compiled to JS and wasm (no native binary to download)
//!   esbuild    minifies the JS glue and the stylesheet
//! xtask/npm/node_modules/                      `npm ci` writes it when missing or stale
//! ```
//!
//! Whether the tools are needed depends on the command: `cargo xtask test`
//! and `cargo xtask size` enforce the bundle budget, so they fail without
//! them ([`Need::Required`]); `build-web` and `serve` warn and ship the
//! bundle unshrunk ([`Need::Optional`]), so a machine without node still
//! runs the app.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::{StatusOk, step};

/// Binaryen's optimisation level. Measured on this app (brotli 11 of the
/// wasm after wasm-bindgen, see `docs/benchmarks.md`): `-O2` leaves the
/// smallest file *as served*; `-Oz` makes the raw file smaller but its
/// brotli larger, and the network carries the brotli.
const WASM_OPT_LEVEL: &str = "-O2";

/// The wasm features rustc's `wasm32-unknown-unknown` target emits and every
/// browser the app supports runs. Binaryen also reads them from the module's
/// `target_features` section; naming them keeps it working if that goes.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Whether a command can go on without the tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Warn and build the bundle unshrunk (`build-web`, `serve`).
    Optional,
    /// Fail: the command checks the budget (`test`, `size`).
    Required,
}

/// The installed tools.
pub struct Tools {
    wasm_opt: PathBuf,
    esbuild: PathBuf,
}

impl Tools {
    /// Install the pinned tools if needed; `None` when they cannot be and
    /// `need` allows going on without them.
    pub fn ensure(root: &Path, need: Need) -> Result<Option<Tools>> {
        match install(&root.join("xtask").join("npm")) {
            Ok(tools) => Ok(Some(tools)),
            Err(error) if need == Need::Optional => {
                eprintln!(
                    "xtask: warning: the bundle is not shrunk ({error:#}); \
                     install node and npm to ship the smaller bundle"
                );
                Ok(None)
            }
            Err(error) => Err(error.context(
                "the bundle's size budget needs node and npm (they install wasm-opt and esbuild)",
            )),
        }
    }

    /// `wasm-opt` the file in place.
    pub fn wasm(&self, wasm: &Path) -> Result<()> {
        step(&format!("wasm-opt {WASM_OPT_LEVEL} (binaryen, under node)"));
        node(&self.wasm_opt)
            .arg(wasm)
            .arg(WASM_OPT_LEVEL)
            .args(WASM_FEATURES)
            .arg("-o")
            .arg(wasm)
            .status_ok()
    }

    /// Minify a `.js` or `.css` file in place with esbuild.
    pub fn minify(&self, file: &Path) -> Result<()> {
        let mut command = node(&self.esbuild);
        command.arg(file).arg("--minify").arg("--log-level=warning");
        if file.extension().is_some_and(|ext| ext == "js") {
            // The glue is an ES module: its exports keep their names.
            command.arg("--format=esm");
        }
        command
            .arg(format!("--outfile={}", file.display()))
            .arg("--allow-overwrite")
            .status_ok()
            .with_context(|| format!("minifying {}", file.display()))
    }
}

/// `node <script>`: the tools are scripts, so they need no executable bit.
fn node(script: &Path) -> Command {
    let mut command = Command::new("node");
    command.arg(script);
    command
}

/// `npm ci` in `dir` unless its `node_modules` was installed from the same
/// lock file; return where the tools' scripts are.
fn install(dir: &Path) -> Result<Tools> {
    Command::new("node")
        .arg("--version")
        .output()
        .context("cannot start node")?;
    let tools = Tools {
        wasm_opt: dir.join("node_modules/binaryen/bin/wasm-opt"),
        esbuild: dir.join("node_modules/esbuild/bin/esbuild"),
    };
    let lock = fs::read(dir.join("package-lock.json"))
        .with_context(|| format!("reading {}/package-lock.json", dir.display()))?;
    // A copy of the lock the last install was made from.
    let stamp = dir.join("node_modules").join(".xtask-installed-from.json");
    let current = tools.wasm_opt.is_file()
        && tools.esbuild.is_file()
        && fs::read(&stamp).is_ok_and(|installed| installed == lock);
    if !current {
        step("npm ci (xtask/npm: wasm-opt and esbuild, pinned)");
        Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .status_ok()
            .context("npm ci in xtask/npm")?;
        fs::write(&stamp, &lock)?;
    }
    Ok(tools)
}
