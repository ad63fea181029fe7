//! Build the browser bundle: cargo for wasm32, then wasm-bindgen in-process.
//!
//! Output, in `target/site`:
//!
//! ```text
//! index.html                       (from web/index.html, names filled in)
//! reactor_web-<hash>.js            JS glue from wasm-bindgen, minified
//! reactor_web-<hash>_bg.wasm       the app, through wasm-opt
//! style-<hash>.css                 from web/style.css, minified
//! <each of the above>.br, .gz       brotli 11 and gzip 9 copies (see `precompress`)
//! ```
//!
//! wasm-opt and the minifier come from npm (see `shrink`); without node the
//! same files are written unshrunk.
//!
//! Asset names carry a hash of their contents, so the server can tell
//! browsers to cache them for a year; only `index.html` is revalidated.
//! The compressed copies are made here, once, so the server only picks one.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::precompress;
use crate::shrink::{Need, Tools};
use crate::{StatusOk, cargo, step};

/// The browser's target triple.
pub const TARGET: &str = "wasm32-unknown-unknown";
/// The size-optimised profile from the workspace `Cargo.toml`.
const PROFILE: &str = "wasm-release";

/// Build the app and return the folder it was written to; `shrink` says
/// whether it may be built unshrunk when node and npm are missing.
pub fn build(root: &Path, shrink: Need) -> Result<PathBuf> {
    ensure_wasm_target()?;
    check_bindgen_pin(root)?;
    let tools = Tools::ensure(root, shrink)?;
    step("building the web app for wasm32 (profile wasm-release)");
    let wasm = compile(root, &[])?.join("reactor-web.wasm");
    let site = root.join("target").join("site");
    let staging = root.join("target").join("site-bindgen");
    bind(&wasm, &staging, "reactor_web")?;
    fs::copy(root.join("web/style.css"), staging.join("style.css"))?;
    if let Some(tools) = &tools {
        tools.wasm(&staging.join("reactor_web_bg.wasm"))?;
        step("esbuild --minify (the JS glue and the stylesheet)");
        tools.minify(&staging.join("reactor_web.js"))?;
        tools.minify(&staging.join("style.css"))?;
    }

    let _ = fs::remove_dir_all(&site);
    fs::create_dir_all(&site)?;
    let js = publish(&staging.join("reactor_web.js"), &site, "reactor_web", "js")?;
    let wasm = publish(
        &staging.join("reactor_web_bg.wasm"),
        &site,
        "reactor_web_bg",
        "wasm",
    )?;
    let style = publish(&staging.join("style.css"), &site, "style", "css")?;
    let template = fs::read_to_string(root.join("web/index.html"))?;
    let index = template
        .replace("{{JS}}", &js)
        .replace("{{WASM}}", &wasm)
        .replace("{{STYLE}}", &style);
    fs::write(site.join("index.html"), index)?;
    step("precompressing (brotli 11, gzip 9)");
    for file in precompress::dir(&site)? {
        let name = file.path.file_name().unwrap_or_default().to_string_lossy();
        eprintln!(
            "  {name:<40} {:>9} B raw {:>9} B br {:>9} B gz",
            file.raw, file.brotli, file.gzip
        );
    }
    let size = precompress::written(&site.join(&wasm))?;
    eprintln!(
        "web app: {} ({} KiB wasm, {} KiB as served with brotli)",
        site.display(),
        size.raw / 1024,
        size.brotli / 1024
    );
    Ok(site)
}

/// `cargo build` the web crate (or one of its `extra` targets) for the
/// browser; returns the folder the `.wasm` files are in.
pub fn compile(root: &Path, extra: &[&str]) -> Result<PathBuf> {
    cargo(&[
        "build",
        "--package",
        "reactor-web",
        "--target",
        TARGET,
        "--profile",
        PROFILE,
    ])
    .args(extra)
    .status_ok()?;
    Ok(root.join("target").join(TARGET).join(PROFILE))
}

/// wasm-bindgen, in-process: `<out>/<name>.js` and `<out>/<name>_bg.wasm`.
pub fn bind(wasm: &Path, out: &Path, name: &str) -> Result<()> {
    step("wasm-bindgen (in-process)");
    let _ = fs::remove_dir_all(out);
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(wasm)
        .web(true)?
        .typescript(false)
        .out_name(name)
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(out)
        .context("wasm-bindgen failed")
}

/// The `.wasm` file in the site folder (its name carries a hash).
pub fn find_wasm(site: &Path) -> Result<PathBuf> {
    fs::read_dir(site)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| path.extension().is_some_and(|ext| ext == "wasm"))
        .with_context(|| format!("no .wasm in {}", site.display()))
}

/// Copy `file` into `site` as `stem-<hash>.ext` and return the new name.
fn publish(file: &Path, site: &Path, stem: &str, ext: &str) -> Result<String> {
    let bytes = fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    let name = format!("{stem}-{:016x}.{ext}", hasher.finish());
    fs::write(site.join(&name), bytes)?;
    Ok(name)
}

/// `rustup target add` the wasm target when it is missing (machines here set
/// `RUSTUP_AUTO_INSTALL=0`, so nothing adds it for us).
pub fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    let Ok(output) = installed else {
        bail!("rustup not found: install the `{TARGET}` target for your toolchain by hand");
    };
    if String::from_utf8_lossy(&output.stdout)
        .lines()
        .any(|line| line.trim() == TARGET)
    {
        return Ok(());
    }
    step(&format!("rustup target add {TARGET}"));
    Command::new("rustup").args(["target", "add", TARGET]).status_ok().with_context(|| {
        format!("the `{TARGET}` target is missing and could not be added: run `rustup target add {TARGET}`")
    })
}

/// The in-process bindgen must be exactly the `wasm-bindgen` in Cargo.lock,
/// or the generated glue does not match the wasm.
fn check_bindgen_pin(root: &Path) -> Result<()> {
    let lock = fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let locked = lock
        .split("[[package]]")
        .find(|package| package.contains("name = \"wasm-bindgen\"\n"))
        .and_then(|package| {
            package
                .lines()
                .find_map(|line| line.strip_prefix("version = "))
        })
        .map(|version| version.trim_matches('"').to_string());
    match locked {
        Some(version) if version != BINDGEN_VERSION => bail!(
            "Cargo.lock has wasm-bindgen {version} but xtask uses wasm-bindgen-cli-support \
             {BINDGEN_VERSION}: pin both to the same version in Cargo.toml"
        ),
        _ => Ok(()),
    }
}

/// The `wasm-bindgen-cli-support` version this xtask is built with (the `=` pin
/// in the workspace `Cargo.toml`).
const BINDGEN_VERSION: &str = "0.2.130";
