//! Split the app's wasm so views off the first screen load on demand.
//!
//! The web crate marks each on-demand view with `#[wasm_split(name)]` (from
//! `wasm_split_helpers`, what Leptos' `#[lazy]` expands to): each becomes a
//! call through an import the linker leaves open. Here, before
//! wasm-bindgen, `wasm_split_cli_support` follows the call graph from those
//! split points and moves what only they reach into modules of their own:
//!
//! ```text
//! reactor-web.wasm (linked with --emit-relocs, so code can be moved)
//!   └─ split ─┬─ main.wasm            everything the first screen runs → wasm-bindgen
//!             ├─ split_<name>.wasm    what only `<name>` reaches, fetched on its first call
//!             ├─ chunk_<n>.wasm       code two split modules share
//!             └─ __wasm_split.js      the loader: fetches a module, links it to the
//!                                     main module's memory, table and functions
//! ```
//!
//! The loader imports the JS glue (for the main module's exports) and the
//! glue imports the loader (the split points' imports), so the build names
//! both after one hash of the two (see `web::publish_linked`).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use crate::step;

/// The loader's file name, as the main module's imports name it.
pub const LOADER: &str = "__wasm_split.js";

/// What the split wrote.
pub struct Split {
    /// The main module, for wasm-bindgen.
    pub main: PathBuf,
    /// The modules fetched on demand (`split_*.wasm`, `chunk_*.wasm`).
    pub on_demand: Vec<PathBuf>,
    /// The loader (`__wasm_split.js`).
    pub loader: PathBuf,
}

/// Split `wasm` into `out`; the loader will import the glue as `./<glue>`.
pub fn split(wasm: &Path, out: &Path, glue: &str) -> Result<Split> {
    step("wasm-split (the #[wasm_split] views into modules of their own)");
    let _ = fs::remove_dir_all(out);
    fs::create_dir_all(out)?;
    let input = fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let main = out.join("main.wasm");
    let main_module = format!("./{glue}");
    let link_name = format!("./{LOADER}");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = out;
    options.main_out_path = &main;
    options.main_module = &main_module;
    options.link_name = &link_name;
    let written = wasm_split_cli_support::transform(options)
        .map_err(|error| anyhow!("wasm-split failed: {error:#}"))?;
    let mut on_demand = written.split_modules;
    on_demand.sort();
    Ok(Split {
        main,
        on_demand,
        loader: out.join(LOADER),
    })
}
