//! Compress the site once, at build time, so the server never has to.
//!
//! For every file a browser downloads as text or code (`.wasm`, `.js`,
//! `.css`, `.html`, `.svg`, `.json`, ...), this writes two siblings:
//!
//! ```text
//! reactor_web-<hash>_bg.wasm        the file itself, served to clients that accept neither
//! reactor_web-<hash>_bg.wasm.br     brotli, quality 11 (its strongest)
//! reactor_web-<hash>_bg.wasm.gz     gzip, level 9 (its strongest)
//! ```
//!
//! The server (tower-http's `ServeDir` with `precompressed_br()` and
//! `precompressed_gzip()`) answers a request for the file with the `.br` or
//! `.gz` sibling when the client's `Accept-Encoding` allows it, and with the
//! file itself otherwise — including when the siblings are missing. The
//! strongest settings cost seconds on the wasm, which is why they are paid here,
//! once per build, and never per request.
//!
//! Already-compressed formats (PNG, JPEG, WOFF2, ...) are left alone: another
//! pass gains nothing. A sibling that would not be smaller than the file is not
//! written, so the server sends the file as is instead.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Extensions worth compressing: text, code and the wasm.
const COMPRESSIBLE: &[&str] = &[
    "wasm",
    "js",
    "mjs",
    "css",
    "html",
    "svg",
    "json",
    "jsonl",
    "map",
    "txt",
    "md",
    "xml",
    "webmanifest",
];

/// Brotli's strongest quality; fine for files compressed once per build.
const BROTLI_QUALITY: i32 = 11;
/// Brotli window: 2^22 bytes (4 MiB), enough to see a whole wasm file.
const BROTLI_WINDOW_BITS: i32 = 22;

/// What one file weighs in each form the server can send.
#[derive(Clone, Debug)]
pub struct Sizes {
    /// The file itself.
    pub path: PathBuf,
    /// Bytes of the file as built.
    pub raw: u64,
    /// Bytes of `<file>.br` as written (the raw size when none was).
    pub brotli: u64,
    /// Bytes of `<file>.gz` as written (the raw size when none was).
    pub gzip: u64,
}

/// Whether `path` names a file worth compressing.
pub fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| COMPRESSIBLE.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Write `<file>.br` and `<file>.gz` beside every compressible file in `dir`
/// (not below it: the site is flat). Returns the sizes, in name order.
pub fn dir(dir: &Path) -> Result<Vec<Sizes>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<std::io::Result<_>>()?;
    files.sort();
    files
        .iter()
        .filter(|path| path.is_file() && is_compressible(path))
        .map(|path| file(path))
        .collect()
}

/// Write `<file>.br` and `<file>.gz` beside every compressible file under
/// `dir`, at any depth, that has neither beside it yet: a static export's
/// own files, not the built site's, which it copied with theirs.
/// Returns the sizes of those it compressed, in path order.
pub fn bare_files(dir: &Path) -> Result<Vec<Sizes>> {
    let mut sizes = Vec::new();
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<std::io::Result<_>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sizes.extend(bare_files(&path)?);
        } else if is_compressible(&path)
            && !sibling(&path, "br").exists()
            && !sibling(&path, "gz").exists()
        {
            sizes.push(file(&path)?);
        }
    }
    Ok(sizes)
}

/// Write `<file>.br` and `<file>.gz` beside `file`, each only if smaller than
/// it (a stale sibling from an earlier build is removed).
pub fn file(file: &Path) -> Result<Sizes> {
    let raw = fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    write_if_smaller(&sibling(file, "br"), &raw, brotli(&raw)?)?;
    write_if_smaller(&sibling(file, "gz"), &raw, gzip(&raw)?)?;
    written(file)
}

/// The sizes of `file` and of the siblings on disk beside it, as the server
/// will send them (a missing sibling means the file goes out as is).
pub fn written(file: &Path) -> Result<Sizes> {
    let size = |path: &Path| fs::metadata(path).map(|meta| meta.len());
    let raw = size(file).with_context(|| format!("reading {}", file.display()))?;
    Ok(Sizes {
        path: file.to_path_buf(),
        raw,
        brotli: size(&sibling(file, "br")).unwrap_or(raw),
        gzip: size(&sibling(file, "gz")).unwrap_or(raw),
    })
}

/// `bytes` compressed with brotli at quality 11.
pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW_BITS,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

/// `bytes` compressed with gzip at level 9.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let out = Vec::with_capacity(bytes.len() / 3);
    let mut writer = flate2::write::GzEncoder::new(out, flate2::Compression::best());
    writer.write_all(bytes)?;
    Ok(writer.finish()?)
}

/// `<file>.<suffix>`, where the server looks for an encoded copy of `file`.
fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Write `compressed` to `sibling` if it beats `raw`, else make sure no
/// `sibling` is left from an earlier build.
fn write_if_smaller(sibling: &Path, raw: &[u8], compressed: Vec<u8>) -> Result<()> {
    if compressed.len() < raw.len() {
        fs::write(sibling, &compressed).with_context(|| format!("writing {}", sibling.display()))
    } else {
        match fs::remove_file(sibling) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                Err(error).with_context(|| format!("removing {}", sibling.display()))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("xtask-precompress-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn siblings_decode_to_the_file_and_only_where_it_pays() {
        let dir = scratch("siblings");
        let text = "the reactor waits, the executor polls. ".repeat(200);
        fs::write(dir.join("app.js"), &text).unwrap();
        fs::write(dir.join("tiny.css"), "a{}").unwrap();
        fs::write(dir.join("logo.png"), &text).unwrap();
        // A stale sibling from an earlier build of a file that no longer pays.
        fs::write(dir.join("tiny.css.br"), "stale").unwrap();

        let sizes = super::dir(&dir).unwrap();
        let names: Vec<_> = sizes.iter().map(|s| s.path.file_name().unwrap()).collect();
        assert_eq!(names, ["app.js", "tiny.css"]);

        let mut back = Vec::new();
        brotli::Decompressor::new(&fs::read(dir.join("app.js.br")).unwrap()[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, text.as_bytes());
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&fs::read(dir.join("app.js.gz")).unwrap()[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, text.as_bytes());
        assert_eq!(
            sizes[0].brotli,
            fs::metadata(dir.join("app.js.br")).unwrap().len()
        );
        assert!(sizes[0].brotli < sizes[0].gzip && sizes[0].gzip < sizes[0].raw);

        assert!(!dir.join("tiny.css.br").exists() && !dir.join("tiny.css.gz").exists());
        assert_eq!((sizes[1].brotli, sizes[1].gzip), (3, 3));
        assert!(!dir.join("logo.png.br").exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_files_without_copies_are_compressed_at_any_depth() {
        let dir = scratch("bare");
        let text = "{\"records\": [1, 2, 3]} ".repeat(200);
        fs::write(dir.join("app.js"), &text).unwrap();
        fs::write(dir.join("app.js.br"), "copied with the site").unwrap();
        fs::create_dir_all(dir.join("api/trace")).unwrap();
        fs::write(dir.join("api/trace/run.jsonl"), &text).unwrap();
        fs::write(dir.join("index.html"), &text).unwrap();

        let sizes = bare_files(&dir).unwrap();
        let paths: Vec<_> = sizes
            .iter()
            .map(|s| s.path.strip_prefix(&dir).unwrap())
            .collect();
        assert_eq!(
            paths,
            [Path::new("api/trace/run.jsonl"), Path::new("index.html")]
        );
        assert!(dir.join("api/trace/run.jsonl.gz").exists());
        assert_eq!(
            fs::read(dir.join("app.js.br")).unwrap(),
            b"copied with the site"
        );
        assert!(!dir.join("app.js.gz").exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
