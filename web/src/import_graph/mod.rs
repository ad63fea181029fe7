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
//! `pub use x::Item` is one. The scanner is deliberately small: comments
//! and string literals are skipped, and a path is resolved the way rustc
//! resolves `crate::`, `super::`, `self::` and a child module's name. It
//! sees names, not method calls: `impl Player` blocks in `player/`'s files
//! calling each other's methods are one type's parts, not imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod tokens;

use tokens::{Token, tokens};

/// A module path below the crate root: `["player", "server"]`.
type Module = Vec<String>;

/// One file's module, the files it declares, and the paths it names.
struct Scan {
    /// Child modules kept in their own files: (module, file).
    files: Vec<(Module, PathBuf)>,
    /// Every module declared, inline ones included.
    modules: Vec<Module>,
    /// (the module naming it, the path named, resolved to the crate root; line).
    paths: Vec<(Module, Module, usize)>,
}

fn ident(token: Option<&(Token, usize)>) -> Option<&str> {
    match token {
        Some((Token::Ident(name), _)) => Some(name),
        _ => None,
    }
}

fn punct(token: Option<&(Token, usize)>, c: char) -> bool {
    matches!(token, Some((Token::Punct(p), _)) if *p == c)
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

fn scan(file: &Path, module: &Module) -> Scan {
    let text = std::fs::read_to_string(file).expect("a readable source file");
    let tokens = tokens(&text);
    let mut scan = Scan {
        files: Vec::new(),
        modules: vec![module.clone()],
        paths: Vec::new(),
    };
    // Children are declared anywhere in a module; collect them first.
    let mut children: BTreeMap<Module, BTreeSet<String>> = BTreeMap::new();
    let mut stack: Vec<(Module, usize)> = vec![(module.clone(), 0)];
    let mut depth = 0;
    let mut path_attr = None;
    let mut inline: Vec<(usize, Module)> = Vec::new();
    for (i, (token, _)) in tokens.iter().enumerate() {
        match token {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth -= 1;
                while stack.len() > 1 && stack.last().is_some_and(|(_, d)| *d > depth) {
                    stack.pop();
                }
            }
            Token::Ident(word)
                if word == "path"
                    && punct(tokens.get(i.wrapping_sub(1)), '[')
                    && punct(tokens.get(i + 1), '=') =>
            {
                if let Some((Token::Str(path), _)) = tokens.get(i + 2) {
                    path_attr = Some(path.clone());
                }
            }
            Token::Ident(word) if word == "mod" => {
                let Some(name) = ident(tokens.get(i + 1)) else {
                    continue;
                };
                let current = stack.last().expect("the file's module").0.clone();
                let mut child = current.clone();
                child.push(name.to_string());
                children
                    .entry(current)
                    .or_default()
                    .insert(name.to_string());
                scan.modules.push(child.clone());
                if punct(tokens.get(i + 2), '{') {
                    stack.push((child.clone(), depth + 1));
                    inline.push((i + 2, child));
                } else {
                    let path = child_file(file, name, path_attr.take().as_deref());
                    scan.files.push((child, path));
                }
            }
            _ => {}
        }
    }
    // Now every path, in the module (file or inline) it appears in.
    let mut stack: Vec<(Module, usize)> = vec![(module.clone(), 0)];
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        let (token, line) = &tokens[i];
        match token {
            Token::Punct('{') => {
                depth += 1;
                if let Some((_, child)) = inline.iter().find(|(at, _)| *at == i) {
                    stack.push((child.clone(), depth));
                }
            }
            Token::Punct('}') => {
                depth -= 1;
                while stack.len() > 1 && stack.last().is_some_and(|(_, d)| *d > depth) {
                    stack.pop();
                }
            }
            Token::Ident(word) if word == "use" => {
                let current = stack.last().expect("a module").0.clone();
                let (trees, end) = use_tree(&tokens, i + 1, Vec::new());
                for tree in trees {
                    if let Some(path) = resolve(&current, &tree, children.get(&current)) {
                        scan.paths.push((current.clone(), path, *line));
                    }
                }
                i = end;
                continue;
            }
            Token::Ident(first)
                if !matches!(tokens.get(i.wrapping_sub(1)), Some((Token::PathSep, _)))
                    && matches!(tokens.get(i + 1), Some((Token::PathSep, _))) =>
            {
                let current = stack.last().expect("a module").0.clone();
                let mut path = vec![first.clone()];
                let mut j = i + 1;
                while matches!(tokens.get(j), Some((Token::PathSep, _)))
                    && let Some(next) = ident(tokens.get(j + 1))
                {
                    path.push(next.to_string());
                    j += 2;
                }
                if let Some(path) = resolve(&current, &path, children.get(&current)) {
                    scan.paths.push((current, path, *line));
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    scan
}

/// The paths of the use tree starting at `i` under `prefix`, and the index
/// just past it (its `;`, `,` or `}` is left to the caller, except `;`).
fn use_tree(tokens: &[(Token, usize)], mut i: usize, mut prefix: Module) -> (Vec<Module>, usize) {
    let mut paths = Vec::new();
    loop {
        match tokens.get(i).map(|(t, _)| t) {
            Some(Token::Ident(word)) if word == "as" => i += 2,
            Some(Token::Ident(word)) => {
                prefix.push(word.clone());
                i += 1;
            }
            Some(Token::PathSep) => i += 1,
            Some(Token::Punct('*')) => i += 1,
            Some(Token::Punct('{')) => {
                i += 1;
                while !punct(tokens.get(i), '}') && i < tokens.len() {
                    let (inner, end) = use_tree(tokens, i, prefix.clone());
                    paths.extend(inner);
                    i = end + usize::from(punct(tokens.get(end), ','));
                }
                i += 1;
            }
            Some(Token::Punct(';')) => {
                if paths.is_empty() && !prefix.is_empty() {
                    paths.push(prefix);
                }
                return (paths, i + 1);
            }
            _ => {
                if paths.is_empty() && !prefix.is_empty() {
                    paths.push(prefix);
                }
                return (paths, i);
            }
        }
    }
}

/// `path`, named in `module`, from the crate root; `None` when it names
/// another crate or an item in scope.
fn resolve(
    module: &Module,
    path: &[String],
    children: Option<&BTreeSet<String>>,
) -> Option<Module> {
    let (first, rest) = path.split_first()?;
    let mut base = match first.as_str() {
        "crate" => return Some(rest.to_vec()),
        "self" => module.clone(),
        "super" => module[..module.len().checked_sub(1)?].to_vec(),
        name if children.is_some_and(|c| c.contains(name)) => {
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
