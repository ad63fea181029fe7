//! `docs/architecture.md` lists every module of every crate, one line each.
//! This test keeps it so: a module added, moved or removed without the page
//! following fails here, naming the paths.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The source folders the page covers.
const SOURCE_DIRS: [&str; 8] = [
    "protocol/src",
    "engine/src",
    "playground/src",
    "server/src",
    "web/src",
    "fidelity/src",
    "tests/src",
    "xtask/src",
];

/// Test-only files: unit tests kept beside the code they test (`path` is
/// relative to its crate's source folder).
fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "tests.rs"
        || name.ends_with("_tests.rs")
        || path
            .components()
            .any(|c| c.as_os_str().to_str().is_some_and(|c| c.ends_with("tests")))
}

/// Every module file under `dir`, as paths relative to `root`.
fn modules(root: &Path, source: &Path, dir: &Path, found: &mut BTreeSet<String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            modules(root, source, &path, found);
        } else if path.extension().is_some_and(|e| e == "rs")
            && !is_test_file(path.strip_prefix(source).expect("under its source folder"))
        {
            let relative = path.strip_prefix(root).expect("under the root");
            found.insert(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn the_architecture_page_lists_every_module() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let page = std::fs::read_to_string(root.join("docs/architecture.md")).expect("the page");
    let mut found = BTreeSet::new();
    for dir in SOURCE_DIRS {
        let source = root.join(dir);
        modules(&root, &source, &source, &mut found);
    }
    let listed: BTreeSet<String> = page
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .filter(|path| path.ends_with(".rs"))
        .map(str::to_string)
        .collect();
    let missing: Vec<_> = found.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&found).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "docs/architecture.md is out of date.\nmodules it does not list: {missing:?}\nrows for files that do not exist: {gone:?}"
    );
}
