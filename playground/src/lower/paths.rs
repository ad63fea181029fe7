//! Names: what `use` lines import, and which library call a path names.
//!
//! A path is resolved to its full name through the imports (`sleep` after
//! `use tokio::time::sleep;` is `tokio::time::sleep`), then looked up in
//! [`BUILTINS`]. `Duration`, `String`, `Ok` and `Err` need no import, as in
//! Rust's prelude (the article's spawn example uses `Duration` without one).

use syn::{ItemUse, UseTree};

use super::refuse;
use crate::ProgramError;
use crate::ast::{Builtin, Method};

/// Every library function the playground runs, by its full path (as
/// [`canonical`] spells it: Tokio's re-exported `Duration` is std's).
const BUILTINS: [(&str, Builtin); 17] = [
    ("tokio::spawn", Builtin::Spawn),
    ("tokio::task::spawn", Builtin::Spawn),
    ("tokio::time::sleep", Builtin::Sleep),
    ("tokio::task::yield_now", Builtin::YieldNow),
    (
        "std::time::Duration::from_secs",
        Builtin::DurationFrom {
            millis_per_unit: 1_000,
        },
    ),
    (
        "std::time::Duration::from_millis",
        Builtin::DurationFrom { millis_per_unit: 1 },
    ),
    ("tokio::net::TcpListener::bind", Builtin::Bind),
    ("tokio::net::TcpStream::connect", Builtin::Connect),
    (
        "std::string::String::from_utf8_lossy",
        Builtin::FromUtf8Lossy,
    ),
    ("std::string::String::from", Builtin::StringFrom),
    ("std::string::String::new", Builtin::StringFrom),
    ("std::thread::sleep", Builtin::BlockingSleep),
    ("std::vec::Vec::new", Builtin::VecNew),
    ("std::vec::Vec::with_capacity", Builtin::VecNew),
    ("std::future::pending", Builtin::Pending),
    ("std::result::Result::Ok", Builtin::Ok),
    ("std::result::Result::Err", Builtin::Err),
];

/// What a name means before any `use`.
const PRELUDE: [(&str, &str); 6] = [
    ("Duration", "std::time::Duration"),
    ("String", "std::string::String"),
    ("Vec", "std::vec::Vec"),
    ("Ok", "std::result::Result::Ok"),
    ("Err", "std::result::Result::Err"),
    ("tokio", "tokio"),
];

/// Every method the playground runs, by name.
pub(super) const METHODS: [(&str, Method); 16] = [
    ("unwrap", Method::Unwrap),
    ("push", Method::Push),
    ("expect", Method::Expect),
    ("is_ok", Method::IsOk),
    ("is_err", Method::IsErr),
    ("read", Method::Read),
    ("read_exact", Method::ReadExact),
    ("write_all", Method::WriteAll),
    ("accept", Method::Accept),
    ("len", Method::Len),
    ("is_empty", Method::IsEmpty),
    ("to_string", Method::ToString),
    ("clone", Method::Clone),
    ("as_bytes", Method::AsBytes),
    ("as_millis", Method::AsMillis),
    ("as_secs", Method::AsSecs),
];

/// A short list of what can be called, for refusals.
pub(super) const KNOWN_CALLS: &str = "tokio::spawn, tokio::time::sleep, tokio::task::yield_now, \
    Duration::from_secs/from_millis, TcpListener::bind, TcpStream::connect, \
    String::from_utf8_lossy, String::from, Vec::new, std::thread::sleep, std::future::pending, Ok, Err \
    and the program's own functions";

/// The program's `use` lines: short name → full path.
#[derive(Default)]
pub(crate) struct Imports {
    names: Vec<(String, String)>,
}

impl Imports {
    /// Take in one `use` line. Only `std`, `core` and `tokio` can be imported.
    pub(super) fn add(&mut self, item: &ItemUse) -> Result<(), ProgramError> {
        self.add_tree(&item.tree, String::new())
    }

    fn add_tree(&mut self, tree: &UseTree, prefix: String) -> Result<(), ProgramError> {
        let joined = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}::{name}")
            }
        };
        match tree {
            UseTree::Path(path) => {
                let full = joined(&path.ident.to_string());
                if prefix.is_empty() && !["std", "core", "tokio"].contains(&full.as_str()) {
                    return refuse(
                        &path.ident,
                        format!(
                            "`{full}` is not available: the playground has `tokio` and `std` only"
                        ),
                    );
                }
                self.add_tree(&path.tree, full)
            }
            UseTree::Name(name) => {
                let full = joined(&name.ident.to_string());
                self.names.push((name.ident.to_string(), canonical(&full)));
                Ok(())
            }
            UseTree::Rename(rename) => {
                let full = joined(&rename.ident.to_string());
                self.names
                    .push((rename.rename.to_string(), canonical(&full)));
                Ok(())
            }
            UseTree::Glob(glob) => refuse(
                glob,
                "glob imports (`::*`) are not supported: import each name",
            ),
            UseTree::Group(group) => group
                .items
                .iter()
                .try_for_each(|tree| self.add_tree(tree, prefix.clone())),
        }
    }

    /// The full path `segments` name.
    pub(super) fn resolve(&self, segments: &[String]) -> String {
        let Some((first, rest)) = segments.split_first() else {
            return String::new();
        };
        let imported = self
            .names
            .iter()
            .rev()
            .find(|(short, _)| short == first)
            .map(|(_, full)| full.clone());
        let prelude = PRELUDE
            .iter()
            .find(|(short, _)| short == first)
            .map(|(_, full)| (*full).to_string());
        let head = imported.or(prelude).unwrap_or_else(|| canonical(first));
        let mut full = head;
        for segment in rest {
            full.push_str("::");
            full.push_str(segment);
        }
        canonical(&full)
    }
}

/// One spelling per item: `core::` is `std::`, Tokio's re-exported `Duration` is std's.
fn canonical(path: &str) -> String {
    let path = path
        .strip_prefix("core::")
        .map_or_else(|| path.to_string(), |rest| format!("std::{rest}"));
    path.replacen("tokio::time::Duration", "std::time::Duration", 1)
}

/// The library function `full` names.
pub(super) fn builtin(full: &str) -> Option<Builtin> {
    BUILTINS
        .iter()
        .find(|(path, _)| *path == full)
        .map(|(_, builtin)| *builtin)
}

/// The method called `name`.
pub(super) fn method(name: &str) -> Option<Method> {
    METHODS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, method)| *method)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imports(text: &str) -> Imports {
        let file = syn::parse_file(text).unwrap();
        let mut imports = Imports::default();
        for item in &file.items {
            if let syn::Item::Use(item) = item {
                imports.add(item).unwrap();
            }
        }
        imports
    }

    fn resolve(imports: &Imports, path: &str) -> String {
        let segments: Vec<String> = path.split("::").map(str::to_string).collect();
        imports.resolve(&segments)
    }

    #[test]
    fn imports_and_the_prelude_give_full_paths() {
        let imports =
            imports("use tokio::time::{sleep, Duration as D};\nuse tokio::net::TcpStream;");
        assert_eq!(resolve(&imports, "sleep"), "tokio::time::sleep");
        assert_eq!(
            resolve(&imports, "D::from_secs"),
            "std::time::Duration::from_secs"
        );
        assert_eq!(
            resolve(&imports, "Duration::from_millis"),
            "std::time::Duration::from_millis"
        );
        assert_eq!(
            resolve(&imports, "TcpStream::connect"),
            "tokio::net::TcpStream::connect"
        );
        assert_eq!(
            resolve(&imports, "core::time::Duration::from_secs"),
            "std::time::Duration::from_secs"
        );
        assert_eq!(
            builtin(&resolve(&imports, "tokio::spawn")),
            Some(Builtin::Spawn)
        );
        assert_eq!(
            builtin(&resolve(&imports, "tokio::time::Duration::from_millis")),
            Some(Builtin::DurationFrom { millis_per_unit: 1 })
        );
    }
}
