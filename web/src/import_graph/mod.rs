//! The app's modules depend on each other one way only: this test reads
//! every source file of `web/src`, builds the graph of which module names
//! which (`use` trees, and `crate::`, `super::`, `self::` and child-module
//! paths anywhere in the code, view macros included), and fails on a
//! circle between the modules of any one parent (the crate's top-level
//! modules, the files of `player/`, of `room/`, ...).
//!
//! ```text
//!  ui ─▶ room ─▶ lesson ─▶ player ─▶ socket        (and below them all: the
//!   └──────────────────────────▶ decode, history, explain, format, ...)
//! ```
//!
//! `mod x;` declarations are the tree, not dependencies; a parent's
//! `pub use x::Item` is one. The scanner is deliberately small: the files
//! are tokenized by `proc-macro2` (comments dropped, doc comments and
//! strings single literal tokens, so no text inside them reads as a path),
//! and a path is resolved the way rustc resolves `crate::`, `super::`,
//! `self::` and a child module's name. It sees names, not method calls:
//! `impl Player` blocks in `player/`'s files calling each other's methods
//! are one type's parts, not imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::Delimiter;

mod tokens;

use tokens::{Tok, Token, tokens};

/// A module path below the crate root: `["player", "server"]`.
type Module = Vec<String>;

/// One file's module, the files it declares, and the paths it names.
#[derive(Default)]
struct Scan {
    /// Child modules kept in their own files: (module, file).
    files: Vec<(Module, PathBuf)>,
    /// Every module declared, inline ones included.
    modules: Vec<Module>,
    /// (the module naming it, the path named, resolved to the crate root; line).
    paths: Vec<(Module, Module, usize)>,
}

/// What one module's tokens declare and name, before the names resolve.
#[derive(Default)]
struct Found {
    /// The names of its child modules.
    children: BTreeSet<String>,
    /// The paths it names, as written, with their lines.
    paths: Vec<(Module, usize)>,
}

/// The word `token` is, if it is one.
fn ident(token: Option<&Tok>) -> Option<&str> {
    match token {
        Some((Token::Ident(name), _)) => Some(name),
        _ => None,
    }
}

/// Whether `token` is `expected`.
fn is(token: Option<&Tok>, expected: &Token) -> bool {
    token.is_some_and(|(t, _)| t == expected)
}

/// The file of child module `name`, declared in `file` (with its
/// `#[path]` attribute, if any).
fn child_file(file: &Path, name: &str, path_attr: Option<&str>) -> PathBuf {
    let dir = file.parent().expect("a source file has a directory");
    if let Some(path) = path_attr {
        return dir.join(path);
    }
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let base = if matches!(stem, "lib" | "mod" | "main") {
        dir.to_path_buf()
    } else {
        dir.join(stem)
    };
    let flat = base.join(format!("{name}.rs"));
    if flat.exists() {
        flat
    } else {
        base.join(name).join("mod.rs")
    }
}

/// The `x` of an attribute `#[path = "x"]`, given the bracket's tokens.
fn path_attr(attr: &[Tok]) -> Option<&str> {
    match attr {
        [
            (Token::Ident(path), _),
            (Token::Punct('='), _),
            (Token::Str(x), _),
        ] if path == "path" => Some(x),
        _ => None,
    }
}

/// Reads the file of `module`, inline child modules included.
fn scan(file: &Path, module: &Module) -> Scan {
    let text = std::fs::read_to_string(file).expect("a readable source file");
    let mut scan = Scan::default();
    scan.module(file, module, &tokens(&text, &file.display().to_string()));
    scan
}

impl Scan {
    /// Reads `module`'s tokens (a file's, or an inline `mod x { .. }`'s),
    /// then resolves the paths it names against its children.
    fn module(&mut self, file: &Path, module: &Module, tokens: &[Tok]) {
        self.modules.push(module.clone());
        let mut found = Found::default();
        self.walk(file, module, tokens, &mut found);
        for (path, line) in found.paths {
            if let Some(path) = resolve(module, &path, &found.children) {
                self.paths.push((module.clone(), path, line));
            }
        }
    }

    /// Walks `tokens` of `module` into `found`, its blocks included; an
    /// inline child module is read as a module of its own.
    fn walk(&mut self, file: &Path, module: &Module, tokens: &[Tok], found: &mut Found) {
        let mut pending_path = None;
        let mut i = 0;
        while let Some((token, line)) = tokens.get(i) {
            i += 1;
            match token {
                Token::Group(_, inner) => match path_attr(inner) {
                    Some(path) => pending_path = Some(path),
                    None => self.walk(file, module, inner, found),
                },
                Token::Ident(word) if word == "mod" => {
                    let Some(name) = ident(tokens.get(i)) else {
                        continue;
                    };
                    found.children.insert(name.to_string());
                    let mut child = module.clone();
                    child.push(name.to_string());
                    if let Some((Token::Group(Delimiter::Brace, body), _)) = tokens.get(i + 1) {
                        self.module(file, &child, body);
                        i += 2;
                    } else {
                        let path = child_file(file, name, pending_path.take());
                        self.files.push((child, path));
                        i += 1;
                    }
                }
                Token::Ident(word) if word == "use" => {
                    let end = tokens[i..]
                        .iter()
                        .position(|(t, _)| *t == Token::Punct(';'))
                        .map_or(tokens.len(), |n| i + n);
                    let mut trees = Vec::new();
                    use_tree(&tokens[i..end], Vec::new(), &mut trees);
                    found
                        .paths
                        .extend(trees.into_iter().map(|tree| (tree, *line)));
                    i = end;
                }
                Token::Ident(first)
                    if !is(tokens.get(i.wrapping_sub(2)), &Token::PathSep)
                        && is(tokens.get(i), &Token::PathSep) =>
                {
                    let mut path = vec![first.clone()];
                    while is(tokens.get(i), &Token::PathSep)
                        && let Some(next) = ident(tokens.get(i + 1))
                    {
                        path.push(next.to_string());
                        i += 2;
                    }
                    found.paths.push((path, *line));
                }
                _ => {}
            }
        }
    }
}

/// The paths of the use tree `tokens` (no `;`) under `prefix`, into `out`.
fn use_tree(tokens: &[Tok], mut prefix: Module, out: &mut Vec<Module>) {
    for (token, _) in tokens {
        match token {
            Token::Ident(word) if word == "as" => break,
            Token::Ident(word) => prefix.push(word.clone()),
            Token::Group(Delimiter::Brace, inner) => {
                let trees = inner.split(|(t, _)| *t == Token::Punct(','));
                for tree in trees.filter(|tree| !tree.is_empty()) {
                    use_tree(tree, prefix.clone(), out);
                }
                return;
            }
            _ => {}
        }
    }
    if !prefix.is_empty() {
        out.push(prefix);
    }
}

/// `path`, named in `module`, from the crate root; `None` when it names
/// another crate or an item in scope.
fn resolve(module: &Module, path: &[String], children: &BTreeSet<String>) -> Option<Module> {
    let (first, rest) = path.split_first()?;
    let mut base = match first.as_str() {
        "crate" => return Some(rest.to_vec()),
        "self" => module.clone(),
        "super" => module[..module.len().checked_sub(1)?].to_vec(),
        name if children.contains(name) => {
            let mut base = module.clone();
            base.push(name.to_string());
            base
        }
        _ => return None,
    };
    let mut rest = rest;
    while let Some((_, tail)) = rest.split_first().filter(|(n, _)| n.as_str() == "super") {
        base.pop()?;
        rest = tail;
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// Every module of the crate, and every (from, to, file:line) dependency.
fn graph() -> (BTreeSet<Module>, Vec<(Module, Module, String)>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut pending = vec![(Vec::new(), src.join("lib.rs"))];
    let (mut modules, mut found) = (BTreeSet::new(), Vec::new());
    while let Some((module, file)) = pending.pop() {
        let scan = scan(&file, &module);
        modules.extend(scan.modules);
        pending.extend(scan.files);
        let name = file
            .strip_prefix(&src)
            .unwrap_or(&file)
            .display()
            .to_string();
        found.extend(
            scan.paths
                .into_iter()
                .map(|(from, to, line)| (from, to, format!("{name}:{line}"))),
        );
    }
    let edges = found
        .into_iter()
        .filter_map(|(from, to, site)| {
            // The module a path lands in: its longest prefix that is one.
            let target = (0..=to.len())
                .rev()
                .map(|n| to[..n].to_vec())
                .find(|m| modules.contains(m))?;
            (target != from).then_some((from, target, site))
        })
        .collect();
    (modules, edges)
}

/// Circles among the children of `parent` (and `parent` itself), each as
/// its modules and the sites of the dependencies between them.
fn circles(parent: &Module, edges: &[(Module, Module, String)]) -> Vec<String> {
    let level = |m: &Module| -> Option<String> {
        if !m.starts_with(parent) {
            return None;
        }
        Some(
            m.get(parent.len())
                .cloned()
                .unwrap_or_else(|| "(mod)".into()),
        )
    };
    let mut next: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (from, to, site) in edges {
        if let (Some(a), Some(b)) = (level(from), level(to))
            && a != b
        {
            next.entry(a)
                .or_default()
                .entry(b)
                .or_insert_with(|| site.clone());
        }
    }
    let reaches = |from: &str, to: &str| {
        let (mut seen, mut todo) = (BTreeSet::new(), vec![from.to_string()]);
        while let Some(node) = todo.pop() {
            for n in next.get(&node).into_iter().flat_map(BTreeMap::keys) {
                if n == to {
                    return true;
                }
                if seen.insert(n.clone()) {
                    todo.push(n.clone());
                }
            }
        }
        false
    };
    let name = if parent.is_empty() {
        "crate".to_string()
    } else {
        parent.join("::")
    };
    let mut found = Vec::new();
    for (a, targets) in &next {
        for (b, site) in targets {
            if reaches(b, a) {
                found.push(format!("{name}: {a} → {b} ({site}) and back"));
            }
        }
    }
    found
}

#[test]
fn no_module_depends_on_a_module_that_depends_back_on_it() {
    let (modules, edges) = graph();
    let mut found = Vec::new();
    for parent in &modules {
        found.extend(circles(parent, &edges));
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

#[test]
fn the_socket_is_a_bare_transport_under_the_player() {
    let (modules, edges) = graph();
    let names = |m: &str| vec![m.to_string()];
    for top in ["player", "room", "lesson", "socket", "ui", "decode"] {
        assert!(modules.contains(&names(top)), "the scanner found {top}");
    }
    let uses = |from: &str, to: &str| {
        edges.iter().any(|(a, b, _)| {
            a.first().map(String::as_str) == Some(from) && b.first().map(String::as_str) == Some(to)
        })
    };
    assert!(
        uses("player", "socket") && uses("ui", "player"),
        "the scanner sees imports"
    );
    let socket_uses: Vec<_> = edges
        .iter()
        .filter(|(from, to, _)| {
            from.first().map(String::as_str) == Some("socket") && to.first() != from.first()
        })
        .collect();
    assert!(
        socket_uses.is_empty(),
        "socket.rs names the app: {socket_uses:?}"
    );
}
