//! Build the browser bundle: cargo for wasm32, the split, then wasm-bindgen
//! in-process.
//!
//! Output, in `target/site`:
//!
//! ```text
//! index.html                       (from web/index.html, names filled in)
//! reactor_web-<hash>.js            JS glue from wasm-bindgen, minified
//! reactor_web_bg-<hash>.wasm       the first screen's wasm, through wasm-opt
//! __wasm_split-<hash>.js           the loader of the modules below (see `split`)
//! split_<name>-<hash>.wasm         a view off the first screen, fetched on demand
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

use crate::shrink::{Need, Tools};
use crate::{StatusOk, cargo, step};
use crate::{precompress, split};

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
    let target = root.join("target");
    let linked = compile_relocatable(root)?;
    let split = split::split(&linked, &target.join("site-split"), GLUE_JS)?;
    let staging = target.join("site-bindgen");
    bind(&split.main, &staging, "reactor_web", Keep::LinkerExports)?;
    let mut on_demand = Vec::new();
    for module in &split.on_demand {
        let name = module
            .file_name()
            .context("a split module without a name")?;
        fs::copy(module, staging.join(name))?;
        on_demand.push(staging.join(name));
    }
    let loader = staging.join(split::LOADER);
    fs::copy(&split.loader, &loader)?;
    fs::copy(root.join("web/style.css"), staging.join("style.css"))?;
    let main_wasm = staging.join("reactor_web_bg.wasm");
    if let Some(tools) = &tools {
        for wasm in std::iter::once(&main_wasm).chain(&on_demand) {
            tools.wasm(wasm)?;
        }
        step("esbuild --minify (the JS glue, the loader and the stylesheet)");
        tools.minify(&staging.join(GLUE_JS))?;
        tools.minify(&loader)?;
        tools.minify(&staging.join("style.css"))?;
    }

    let site = target.join("site");
    let _ = fs::remove_dir_all(&site);
    fs::create_dir_all(&site)?;
    let mut loader_text = fs::read_to_string(&loader)?;
    for module in &on_demand {
        let stem = module.file_stem().unwrap_or_default().to_string_lossy();
        let published = publish(module, &site, &stem, "wasm")?;
        replace_once(
            &mut loader_text,
            &format!("\"./{stem}.wasm\""),
            &format!("\"./{published}\""),
        )
        .with_context(|| format!("the loader does not name {stem}.wasm"))?;
    }
    let (js, loader) = publish_linked(&staging.join(GLUE_JS), loader_text, &site)?;
    let wasm = publish(&main_wasm, &site, "reactor_web_bg", "wasm")?;
    let style = publish(&staging.join("style.css"), &site, "style", "css")?;
    let template = fs::read_to_string(root.join("web/index.html"))?;
    let index = template
        .replace("{{JS}}", &js)
        .replace("{{LOADER}}", &loader)
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
        "web app: {} ({} KiB main wasm, {} KiB as served with brotli)",
        site.display(),
        size.raw / 1024,
        size.brotli / 1024
    );
    Ok(site)
}

/// The JS glue's name as wasm-bindgen writes it.
const GLUE_JS: &str = "reactor_web.js";

/// The app linked with its relocations kept (`--emit-relocs`), which the
/// split needs to move code between modules; returns the `.wasm`.
fn compile_relocatable(root: &Path) -> Result<PathBuf> {
    cargo_web("rustc")
        .args(["--bin", "reactor-web", "--", "-Clink-args=--emit-relocs"])
        .status_ok()?;
    Ok(out_dir(root).join("reactor-web.wasm"))
}

/// Publish the glue and the loader, which import each other: both are named
/// after one hash of the two, and each names the other by that name (the
/// glue imports the loader once per split point).
fn publish_linked(glue: &Path, mut loader: String, site: &Path) -> Result<(String, String)> {
    let mut glue = fs::read_to_string(glue)?;
    let hash = content_hash(&(&glue, &loader));
    let glue_name = hashed_name("reactor_web", hash, "js");
    let loader_name = hashed_name("__wasm_split", hash, "js");
    // One import of the loader per split point (workbench, playground); the
    // wasm's own import name (a key of the imports object) stays as it is.
    let mut imports = 0;
    for spaced in [" ", ""] {
        let from = format!("from{spaced}\"./{}\"", split::LOADER);
        imports += glue.matches(&from).count();
        glue = glue.replace(&from, &format!("from{spaced}\"./{loader_name}\""));
    }
    if imports == 0 {
        bail!("the glue does not import the loader");
    }
    replace_once(
        &mut loader,
        &format!("\"./{GLUE_JS}\""),
        &format!("\"./{glue_name}\""),
    )
    .context("the loader does not import the glue")?;
    fs::write(site.join(&glue_name), glue)?;
    fs::write(site.join(&loader_name), loader)?;
    Ok((glue_name, loader_name))
}

/// Replace the one occurrence of `from` in `text`; fail if there is none.
fn replace_once(text: &mut String, from: &str, to: &str) -> Result<()> {
    let at = text
        .find(from)
        .with_context(|| format!("{from} not found"))?;
    text.replace_range(at..at + from.len(), to);
    Ok(())
}

/// `cargo build` the web crate (or one of its `extra` targets) for the
/// browser; returns the folder the `.wasm` files are in.
pub fn compile(root: &Path, extra: &[&str]) -> Result<PathBuf> {
    cargo_web("build").args(extra).status_ok()?;
    Ok(out_dir(root))
}

/// `cargo <subcommand>` for the web crate, the browser's target and profile.
fn cargo_web(subcommand: &str) -> Command {
    cargo(&[
        subcommand,
        "--package",
        "reactor-web",
        "--target",
        TARGET,
        "--profile",
        PROFILE,
    ])
}

/// Where cargo writes the web crate's `.wasm` files.
fn out_dir(root: &Path) -> PathBuf {
    root.join("target").join(TARGET).join(PROFILE)
}

/// Which of the linker's exports wasm-bindgen keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Only the app's own (a module that was not split).
    AppExports,
    /// The linker's too: the split modules import them from the main one.
    LinkerExports,
}

/// wasm-bindgen, in-process: `<out>/<name>.js` and `<out>/<name>_bg.wasm`.
pub fn bind(wasm: &Path, out: &Path, name: &str, keep: Keep) -> Result<()> {
    step("wasm-bindgen (in-process)");
    let _ = fs::remove_dir_all(out);
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(wasm)
        .web(true)?
        .typescript(false)
        .keep_lld_exports(keep == Keep::LinkerExports)
        .demangle(keep == Keep::AppExports)
        .out_name(name)
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(out)
        .context("wasm-bindgen failed")
}

/// The app's main `.wasm` file in the site folder, the one index.html names
/// (its name carries a hash; the split modules sit beside it).
pub fn find_wasm(site: &Path) -> Result<PathBuf> {
    let is_main = |path: &Path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name.starts_with("reactor_web_bg-") && name.ends_with(".wasm")
    };
    fs::read_dir(site)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| is_main(path))
        .with_context(|| format!("no reactor_web_bg-*.wasm in {}", site.display()))
}

/// Copy `file` into `site` as `stem-<hash>.ext` and return the new name.
fn publish(file: &Path, site: &Path, stem: &str, ext: &str) -> Result<String> {
    let bytes = fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = hashed_name(stem, content_hash(&bytes), ext);
    fs::write(site.join(&name), bytes)?;
    Ok(name)
}

/// A hash of `contents`, for the names of the files it is published in.
fn content_hash(contents: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    contents.hash(&mut hasher);
    hasher.finish()
}

/// `stem-<16 hex digits>.ext`: the shape the server caches for a year.
fn hashed_name(stem: &str, hash: u64, ext: &str) -> String {
    format!("{stem}-{hash:016x}.{ext}")
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
