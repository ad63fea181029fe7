//! Embeds the engine's own source files into the server binary.
//!
//! The web app shows the engine lines that produced each record, fetched from
//! `GET /api/source/engine/src/...`. Embedding them at compile time means a
//! deployed binary needs no checkout, and that the server can only ever hand
//! out these files: the lookup is an exact match against the list written here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest
        .parent()
        .expect("server/ sits inside the workspace")
        .to_path_buf();
    let engine_src = workspace.join("engine").join("src");
    println!("cargo::rerun-if-changed={}", engine_src.display());

    let mut files = Vec::new();
    collect_rust_files(&engine_src, &mut files);
    // Keyed by the `/`-separated path the records use, sorted as strings so the
    // server can binary-search the table.
    let mut keyed: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|file| {
            let relative = file
                .strip_prefix(&workspace)
                .expect("found under the workspace");
            let parts: Vec<_> = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect();
            (parts.join("/"), file)
        })
        .collect();
    keyed.sort();

    let mut table = String::from("&[\n");
    for (key, file) in &keyed {
        writeln!(
            table,
            "    ({key:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .expect("writing to a String");
    }
    table.push(']');

    let out =
        PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo")).join("engine_sources.rs");
    fs::write(out, table).expect("OUT_DIR is writable");
}

/// Every `.rs` file under `dir`, recursively. Unreadable folders are skipped.
fn collect_rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rust_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}
