//! What the browser downloads, as served: the first screen's transfer
//! against its budget, and what loads on demand.
//!
//! ```text
//! initial     index.html and every site file it names (stylesheet, JS glue,
//!             the wasm it preloads): what the first screen waits for
//! on demand   every other file in the site: fetched later, if at all
//! ```
//!
//! Sizes are the bytes the server sends a browser that accepts brotli: the
//! `.br` copy the build wrote, or the file itself when none was. A feature
//! that is not on the first screen stays out of the budget only if
//! `index.html` does not name it.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::precompress::{self, Sizes};
use crate::shrink::{Need, Tools};
use crate::{step, web};

/// Most bytes (brotli, as served) the first screen may download: the page,
/// its stylesheet, the JS glue and the wasm.
pub const INITIAL_BUDGET: u64 = 170_000;

/// The site's files, split by when the browser fetches them.
pub struct Transfer {
    /// `index.html` and the files it names.
    pub initial: Vec<Sizes>,
    /// Every other file.
    pub on_demand: Vec<Sizes>,
}

impl Transfer {
    /// Split the built site in `site`.
    pub fn of(site: &Path) -> Result<Transfer> {
        let index = fs::read_to_string(site.join("index.html"))
            .with_context(|| format!("reading {}/index.html", site.display()))?;
        let mut files: Vec<PathBuf> = fs::read_dir(site)?
            .map(|entry| entry.map(|entry| entry.path()))
            .collect::<std::io::Result<_>>()?;
        files.retain(|path| path.is_file() && !is_encoded_copy(path));
        files.sort();
        let (mut initial, mut on_demand) = (Vec::new(), Vec::new());
        for path in files {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let named = name == "index.html" || index.contains(&format!("/{name}\""));
            let sizes = precompress::written(&path)?;
            if named {
                initial.push(sizes);
            } else {
                on_demand.push(sizes);
            }
        }
        Ok(Transfer { initial, on_demand })
    }

    /// Bytes of the first screen's transfer, as served with brotli.
    pub fn initial_bytes(&self) -> u64 {
        self.initial.iter().map(|file| file.brotli).sum()
    }

    /// Bytes of everything fetched later, as served with brotli.
    pub fn on_demand_bytes(&self) -> u64 {
        self.on_demand.iter().map(|file| file.brotli).sum()
    }

    /// Fail when the first screen's transfer is over [`INITIAL_BUDGET`].
    pub fn check(&self) -> Result<()> {
        let initial = self.initial_bytes();
        if initial > INITIAL_BUDGET {
            bail!(
                "the first screen downloads {initial} B (brotli, as served), over its budget of \
                 {INITIAL_BUDGET} B: `cargo xtask size` lists the files; load what the first \
                 screen does not show on demand"
            );
        }
        Ok(())
    }

    /// Print both parts, file by file.
    pub fn print(&self) {
        let header = |title: &str| {
            println!(
                "{title:<40} {:>10} {:>10} {:>10}",
                "raw B", "brotli B", "gzip -9 B"
            );
        };
        let rows = |files: &[Sizes]| {
            for file in files {
                let name = file.path.file_name().unwrap_or_default().to_string_lossy();
                println!(
                    "  {name:<38} {:>10} {:>10} {:>10}",
                    file.raw, file.brotli, file.gzip
                );
            }
        };
        header("initial (index.html, what it names)");
        rows(&self.initial);
        let initial = self.initial_bytes();
        let verdict = match INITIAL_BUDGET.checked_sub(initial) {
            Some(left) => format!("{left} B left"),
            None => format!("over by {} B", initial - INITIAL_BUDGET),
        };
        println!(
            "  {:<38} {:>10} {:>10}   budget {INITIAL_BUDGET} B: {verdict}",
            "total", "", initial
        );
        header("on demand (not named by index.html)");
        rows(&self.on_demand);
        println!(
            "  {:<38} {:>10} {:>10}",
            "total",
            "",
            self.on_demand_bytes()
        );
    }
}

/// A `.br` or `.gz` copy the server sends in place of its file.
fn is_encoded_copy(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "br" || ext == "gz")
}

/// `cargo xtask size`: build the site, print its transfer and the wasm
/// beside the smallest Leptos app, and fail when the first screen is over
/// its budget.
pub fn report(root: &Path) -> Result<()> {
    let site = web::build(root, Need::Required)?;
    let transfer = Transfer::of(&site)?;
    report_floor(root, &site)?;
    transfer.print();
    transfer.check()
}

/// The app's wasm beside the smallest Leptos app
/// (`web/examples/leptos_floor.rs`), built and shrunk the same way.
fn report_floor(root: &Path, site: &Path) -> Result<()> {
    step("building the Leptos floor (web/examples/leptos_floor.rs)");
    let floor = web::compile(root, &["--example", "leptos_floor"])?
        .join("examples")
        .join("leptos_floor.wasm");
    let staging = root.join("target").join("floor-bindgen");
    web::bind(&floor, &staging, "leptos_floor", web::Keep::AppExports)?;
    let floor = staging.join("leptos_floor_bg.wasm");
    if let Some(tools) = Tools::ensure(root, Need::Required)? {
        tools.wasm(&floor)?;
    }
    let app = precompress::written(&web::find_wasm(site)?)?;
    let floor = precompress::file(&floor)?;
    let row = |name: &str, raw: u64, brotli: u64, gzip: u64| {
        println!("{name:<40} {raw:>10} {brotli:>10} {gzip:>10}");
    };
    println!(
        "{:<40} {:>10} {:>10} {:>10}",
        "wasm (as served)", "raw B", "brotli B", "gzip -9 B"
    );
    row("  the app", app.raw, app.brotli, app.gzip);
    row(
        "  Leptos floor (one button)",
        floor.raw,
        floor.brotli,
        floor.gzip,
    );
    let minus = |pick: fn(&Sizes) -> u64| pick(&app).saturating_sub(pick(&floor));
    row(
        "  the app minus the floor",
        minus(|s| s.raw),
        minus(|s| s.brotli),
        minus(|s| s.gzip),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(name: &str, files: &[(&str, usize)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-size-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for (file, bytes) in files {
            fs::write(dir.join(file), vec![b'x'; *bytes]).unwrap();
        }
        dir
    }

    #[test]
    fn the_first_screen_is_the_page_and_what_it_names() {
        let dir = site(
            "split",
            &[
                ("app-1.js", 100),
                ("app-1.js.br", 10),
                ("app_bg-1.wasm", 1_000),
                ("app_bg-1.wasm.br", 300),
                ("editor-1.wasm", 5_000),
                ("editor-1.wasm.br", 2_000),
            ],
        );
        fs::write(
            dir.join("index.html"),
            r#"<script type="module">import init from "/app-1.js"; init({ module_or_path: "/app_bg-1.wasm" });</script>"#,
        )
        .unwrap();
        let transfer = Transfer::of(&dir).unwrap();
        let names = |files: &[Sizes]| -> Vec<String> {
            files
                .iter()
                .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            names(&transfer.initial),
            ["app-1.js", "app_bg-1.wasm", "index.html"]
        );
        assert_eq!(names(&transfer.on_demand), ["editor-1.wasm"]);
        // The page has no .br here, so it counts whole.
        let page = fs::metadata(dir.join("index.html")).unwrap().len();
        assert_eq!(transfer.initial_bytes(), 10 + 300 + page);
        assert_eq!(transfer.on_demand_bytes(), 2_000);
        transfer.check().unwrap();
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_first_screen_over_budget_fails() {
        let over = (INITIAL_BUDGET + 1) as usize;
        let dir = site("over", &[("app_bg-1.wasm", over)]);
        fs::write(dir.join("index.html"), r#"<link href="/app_bg-1.wasm">"#).unwrap();
        let error = Transfer::of(&dir).unwrap().check().unwrap_err();
        assert!(error.to_string().contains("over its budget"), "{error}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
