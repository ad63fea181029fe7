//! `reactor-lab export-static OUT`: the app, its lessons and its built-in
//! scenarios as a folder that any static host (a CDN) serves, with no
//! `reactor-lab` running.
//!
//! ```text
//!  OUT/
//!    index.html                  the built site's, marked static (see below)
//!    reactor_web-<hash>.js, …    the built site's other files, with their .br and .gz
//!    scenario/<id>/index.html    a copy of index.html at every client route,
//!    lesson/<id>/index.html      so a plain static server opens deep links
//!    playground/index.html       (the app says the playground needs a server)
//!    replay/index.html
//!    api/…                       every API answer the app reads (`api::files`)
//! ```
//!
//! The mark, `<meta name="reactor-lab-site" content="static">`
//! ([`reactor_protocol::static_site`]), tells the app to read each answer
//! from its file, to play each scenario from its trace file, and to hide
//! what needs a server. Pages name their assets from `/`, so the folder is
//! served at its host's root. Nothing is compressed here: `cargo xtask
//! export-static` adds `.br` and `.gz` beside the files this writes.

use std::fs;
use std::path::Path;

use reactor_protocol::static_site::meta_tag;

use crate::DEFAULT_MAX_RECORDS;
use crate::lessons::Lessons;

/// The built site's first page, and its compressed copies, which the
/// export replaces with the marked page.
const INDEX: [&str; 3] = ["index.html", "index.html.br", "index.html.gz"];

/// What an export wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exported {
    /// Files written.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
}

/// Write the app built in `site` (by `cargo xtask build-web`), with the
/// lessons in `lessons`, into `out` as a static site. `out` is created if
/// missing, and an earlier export there is replaced; a folder holding
/// anything else is refused. Scenario runs stop at
/// [`DEFAULT_MAX_RECORDS`], as a server's with default limits do.
///
/// # Errors
/// A message for a person: no built app at `site`, a broken lesson, an
/// `out` that is not empty or cannot be written.
pub fn export_static(site: &Path, lessons: &Path, out: &Path) -> Result<Exported, String> {
    let index = fs::read_to_string(site.join("index.html")).map_err(|error| {
        format!(
            "no web app at {} ({error}): build it with `cargo xtask build-web`, or pass --site",
            site.display()
        )
    })?;
    let index = mark(&index)?;
    let lessons = Lessons::load(lessons)?;
    prepare(out)?;
    let mut writer = Writer {
        out,
        written: Exported { files: 0, bytes: 0 },
    };
    for entry in read_dir(site)? {
        let from = entry.path();
        let name = entry.file_name();
        // The site is flat (see `site`): its files only.
        if from.is_file() && !INDEX.iter().any(|index| name == *index) {
            let to = out.join(&name);
            let bytes = fs::copy(&from, &to).map_err(|error| {
                format!(
                    "cannot copy {} to {}: {error}",
                    from.display(),
                    to.display()
                )
            })?;
            writer.count(bytes);
        }
    }
    writer.write("index.html", index.as_bytes())?;
    for route in client_routes(&lessons) {
        writer.write(&format!("{route}/index.html"), index.as_bytes())?;
    }
    crate::api::files::write_answers(&lessons, DEFAULT_MAX_RECORDS, |path, body| {
        writer.write(path, body)
    })?;
    Ok(writer.written)
}

/// `index` with the static mark as the first thing in its `<head>`.
fn mark(index: &str) -> Result<String, String> {
    const HEAD: &str = "<head>";
    let at = index
        .find(HEAD)
        .ok_or("the site's index.html has no <head>: rebuild it with `cargo xtask build-web`")?
        + HEAD.len();
    Ok(format!(
        "{}\n  {}{}",
        &index[..at],
        meta_tag(),
        &index[at..]
    ))
}

/// The folder of every client route (`web/src/route.rs`) but the home page.
fn client_routes(lessons: &Lessons) -> Vec<String> {
    let scenarios = reactor_engine::scenarios()
        .iter()
        .map(|info| format!("scenario/{}", info.id));
    let lessons = lessons
        .index()
        .iter()
        .map(|lesson| format!("lesson/{}", lesson.id));
    let pages = ["playground", "replay"].map(String::from);
    scenarios.chain(lessons).chain(pages).collect()
}

/// Make `out` an empty folder: create it, or empty it if it holds an
/// earlier export; refuse one that holds anything else.
fn prepare(out: &Path) -> Result<(), String> {
    if out.exists() {
        let entries = read_dir(out)?;
        let earlier = fs::read_to_string(out.join("index.html"))
            .is_ok_and(|index| index.contains(&meta_tag()));
        if !entries.is_empty() && !earlier {
            return Err(format!(
                "{} is not empty and holds no earlier export: choose a new or empty folder",
                out.display()
            ));
        }
        for entry in entries {
            let path = entry.path();
            let removed = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
            removed.map_err(|error| format!("cannot remove {}: {error}", path.display()))?;
        }
    }
    fs::create_dir_all(out).map_err(|error| format!("cannot create {}: {error}", out.display()))
}

/// The entries of folder `dir`.
fn read_dir(dir: &Path) -> Result<Vec<fs::DirEntry>, String> {
    fs::read_dir(dir)
        .and_then(Iterator::collect)
        .map_err(|error| format!("cannot read the folder {}: {error}", dir.display()))
}

/// Files written under `out`, counted.
struct Writer<'a> {
    out: &'a Path,
    written: Exported,
}

impl Writer<'_> {
    /// Write `body` at `path` under `out` (a leading `/` is the root of `out`).
    fn write(&mut self, path: &str, body: &[u8]) -> Result<(), String> {
        let file = self.out.join(path.trim_start_matches('/'));
        file.parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::write(&file, body))
            .map_err(|error| format!("cannot write {}: {error}", file.display()))?;
        self.count(body.len() as u64);
        Ok(())
    }

    /// Count one more file of `bytes`.
    fn count(&mut self, bytes: u64) {
        self.written.files += 1;
        self.written.bytes += bytes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_opens_the_head() {
        let marked = mark("<html>\n<head>\n  <title>x</title>\n</head></html>").unwrap();
        assert_eq!(
            marked,
            "<html>\n<head>\n  <meta name=\"reactor-lab-site\" content=\"static\">\n  <title>x</title>\n</head></html>"
        );
        assert!(mark("<html></html>").unwrap_err().contains("no <head>"));
    }

    #[test]
    fn a_folder_with_other_files_is_refused_and_an_earlier_export_replaced() {
        let dir = std::env::temp_dir().join(format!("reactor-export-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        prepare(&dir).unwrap();
        assert!(dir.is_dir(), "a missing folder is created");
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        let refused = prepare(&dir).unwrap_err();
        assert!(refused.contains("not empty"), "{refused}");
        assert!(dir.join("notes.txt").exists(), "nothing was removed");
        fs::write(dir.join("index.html"), format!("<head>{}", meta_tag())).unwrap();
        fs::create_dir_all(dir.join("api/trace")).unwrap();
        prepare(&dir).unwrap();
        assert_eq!(
            read_dir(&dir).unwrap().len(),
            0,
            "an earlier export is emptied"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_output_that_cannot_be_made_is_named() {
        let dir = std::env::temp_dir().join(format!("reactor-export-to-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("index.html"), "<head></head>").unwrap();
        let out = dir.join("index.html").join("out");
        let error = export_static(&dir, &dir.join("no-lessons"), &out).unwrap_err();
        assert!(error.contains(&out.display().to_string()), "{error}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_site_is_named() {
        let missing = Path::new("/nonexistent/site");
        let error = export_static(missing, Path::new("lessons"), Path::new("/nonexistent/out"))
            .unwrap_err();
        assert!(error.contains("no web app at /nonexistent/site"), "{error}");
        assert!(error.contains("cargo xtask build-web"), "{error}");
    }
}
