//! The HTTP side: the built app (types, the brotli and gzip copies the build
//! wrote, cache headers, deep-link fallback), the JSON API's answers and 404s,
//! and the engine-source endpoint.

mod ws_support;

use std::io::Read as _;
use std::path::PathBuf;

use anyhow::{Context, Result, ensure};
use reactor_e2e::{TestServer, server::site_dir};
use reactor_protocol::{ApiError, Trace};
use ws_support::{Response, get, request};

/// The built file whose name ends with `suffix`, as `(url path, bytes)`.
fn built_file(suffix: &str) -> Result<(String, Vec<u8>)> {
    let dir = site_dir()?;
    let path: PathBuf = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .find(|path| path.to_string_lossy().ends_with(suffix))
        .with_context(|| format!("no *{suffix} in {}", dir.display()))?;
    let name = path
        .file_name()
        .context("file name")?
        .to_string_lossy()
        .into_owned();
    Ok((format!("/{name}"), std::fs::read(&path)?))
}

/// The copy the build wrote beside `url_path` in the site (`.br`, `.gz`).
fn built_copy(url_path: &str, suffix: &str) -> Result<Vec<u8>> {
    let copy = site_dir()?.join(format!("{}.{suffix}", url_path.trim_start_matches('/')));
    std::fs::read(&copy).with_context(|| {
        format!(
            "no {} beside the built file: the site predates precompression, \
             rebuild it with `cargo xtask build-web`",
            copy.display()
        )
    })
}

fn gunzip(body: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body).read_to_end(&mut out)?;
    Ok(out)
}

fn unbrotli(body: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    brotli::Decompressor::new(body, 4096).read_to_end(&mut out)?;
    Ok(out)
}

fn api_error(response: &Response, status: u16) -> Result<String> {
    ensure!(
        response.status == status,
        "status {} (wanted {status})",
        response.status
    );
    ensure!(response.header("content-type") == "application/json");
    Ok(response.json::<ApiError>()?.error)
}

/// A folder under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("reactor-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn the_wasm_is_the_built_bytes_in_every_encoding_from_the_first_request() -> Result<()> {
    let server = TestServer::start().await?;
    let (path, raw) = built_file(".wasm")?;
    let brotli_on_disk = built_copy(&path, "br")?;

    // The very first request this server answers.
    let brotli = get(server.addr(), &path, &[("Accept-Encoding", "br")]).await?;
    ensure!(brotli.status == 200, "status {}", brotli.status);
    ensure!(
        brotli.header("content-encoding") == "br",
        "first request: {:?}",
        brotli.headers
    );
    ensure!(brotli.header("content-type") == "application/wasm");
    ensure!(brotli.header("cache-control") == "public, max-age=31536000, immutable");
    ensure!(
        brotli
            .header("vary")
            .eq_ignore_ascii_case("accept-encoding")
    );
    ensure!(brotli.body == brotli_on_disk, "not the .br the build wrote");
    ensure!(
        unbrotli(&brotli.body)? == raw,
        "brotli does not decode to the .wasm"
    );

    // What Chromium sends: brotli wins.
    let chromium = get(
        server.addr(),
        &path,
        &[("Accept-Encoding", "gzip, deflate, br, zstd")],
    )
    .await?;
    ensure!(chromium.header("content-encoding") == "br");

    let gzip = get(server.addr(), &path, &[("Accept-Encoding", "gzip")]).await?;
    ensure!(
        gzip.header("content-encoding") == "gzip",
        "{:?}",
        gzip.headers
    );
    ensure!(gzip.body == built_copy(&path, "gz")?);
    ensure!(
        gunzip(&gzip.body)? == raw,
        "gzip does not decode to the .wasm"
    );
    ensure!(gzip.header("vary").eq_ignore_ascii_case("accept-encoding"));

    for accept in [None, Some("identity"), Some("br;q=0, gzip;q=0")] {
        let headers: Vec<_> = accept.map(|a| ("Accept-Encoding", a)).into_iter().collect();
        let plain = get(server.addr(), &path, &headers).await?;
        ensure!(plain.status == 200, "{accept:?}: {}", plain.status);
        ensure!(plain.header("content-encoding").is_empty() && plain.body == raw);
        ensure!(plain.header("content-type") == "application/wasm");
        ensure!(plain.header("vary").eq_ignore_ascii_case("accept-encoding"));
        ensure!(
            plain.header("etag") != brotli.header("etag")
                && plain.header("etag") != gzip.header("etag"),
            "one ETag for two representations"
        );
    }

    let head = request(server.addr(), "HEAD", &path, &[]).await?;
    ensure!(head.status == 200 && head.body.is_empty());
    ensure!(head.header("content-length") == raw.len().to_string());
    Ok(())
}

#[tokio::test]
async fn index_is_revalidated_and_client_routes_fall_back_to_it() -> Result<()> {
    let server = TestServer::start().await?;
    let index = std::fs::read(site_dir()?.join("index.html"))?;

    let root = get(server.addr(), "/", &[]).await?;
    ensure!(root.status == 200 && root.body == index);
    ensure!(root.header("content-type").starts_with("text/html"));
    ensure!(root.header("cache-control") == "no-cache");
    ensure!(root.header("x-content-type-options") == "nosniff");
    let etag = root.header("etag").to_owned();
    let modified = root.header("last-modified").to_owned();
    ensure!(
        !etag.is_empty() && !modified.is_empty(),
        "{:?}",
        root.headers
    );
    for validator in [("If-None-Match", &*etag), ("If-Modified-Since", &*modified)] {
        let again = get(server.addr(), "/", &[validator]).await?;
        ensure!(
            again.status == 304 && again.body.is_empty(),
            "{validator:?} gave {}",
            again.status
        );
        ensure!(again.header("cache-control") == "no-cache");
    }
    let named = get(server.addr(), "/index.html", &[]).await?;
    ensure!(named.body == index && named.header("cache-control") == "no-cache");

    for deep_link in [
        "/scenario/tcp_read",
        "/scenario/tcp_read?step=12",
        "/lesson/tcp-read",
        "/join/K7QX2MPD",
    ] {
        let response = get(server.addr(), deep_link, &[]).await?;
        ensure!(response.status == 200, "{deep_link}: {}", response.status);
        ensure!(response.body == index, "{deep_link} is not the app");
        ensure!(response.header("content-type").starts_with("text/html"));
        ensure!(response.header("cache-control") == "no-cache");
        let brotli = get(server.addr(), deep_link, &[("Accept-Encoding", "br")]).await?;
        ensure!(brotli.header("content-encoding") == "br", "{deep_link}");
        ensure!(unbrotli(&brotli.body)? == index, "{deep_link}: brotli");
    }

    let (js, _) = built_file(".js")?;
    let js = get(server.addr(), &js, &[("Accept-Encoding", "gzip")]).await?;
    ensure!(js.header("content-type") == "text/javascript");
    ensure!(js.header("content-encoding") == "gzip");
    ensure!(js.header("cache-control") == "public, max-age=31536000, immutable");
    let (css, _) = built_file(".css")?;
    let css = get(server.addr(), &css, &[]).await?;
    ensure!(css.header("content-type") == "text/css");
    ensure!(css.header("cache-control") == "public, max-age=31536000, immutable");
    Ok(())
}

#[tokio::test]
async fn a_site_without_compressed_copies_is_served_as_built() -> Result<()> {
    // A site from a build that wrote no `.br`/`.gz`: the built files only.
    let old = Scratch::new("site-uncompressed")?;
    for entry in std::fs::read_dir(site_dir()?)? {
        let path = entry?.path();
        let copy = path.file_name().context("file name")?;
        if path.is_file() && !matches!(path.extension(), Some(e) if e == "br" || e == "gz") {
            std::fs::copy(&path, old.0.join(copy))?;
        }
    }
    let server = TestServer::start_with(|config| config.site = old.0.clone()).await?;
    let (path, raw) = built_file(".wasm")?;
    let response = get(server.addr(), &path, &[("Accept-Encoding", "br, gzip")]).await?;
    ensure!(response.status == 200, "status {}", response.status);
    ensure!(response.header("content-encoding").is_empty() && response.body == raw);
    ensure!(response.header("content-type") == "application/wasm");
    let index = std::fs::read(old.0.join("index.html"))?;
    let deep = get(
        server.addr(),
        "/scenario/timers",
        &[("Accept-Encoding", "br")],
    )
    .await?;
    ensure!(deep.status == 200 && deep.body == index);
    ensure!(deep.header("content-encoding").is_empty());
    Ok(())
}

#[tokio::test]
async fn missing_files_and_api_routes_are_real_404s() -> Result<()> {
    let server = TestServer::start().await?;
    for missing in [
        "/reactor_web-0000000000000000.js",
        "/favicon.ico",
        "/scenario/x/app.css",
        "/reactor_web_bg-0000000000000000.wasm",
    ] {
        let response = get(server.addr(), missing, &[("Accept-Encoding", "br")]).await?;
        ensure!(response.status == 404, "{missing}: {}", response.status);
        ensure!(
            response.header("cache-control").is_empty(),
            "{missing}: a 404 must not be cached as an asset"
        );
    }
    for missing in [
        "/api/nothing",
        "/api/trace",
        "/api/trace/nope",
        "/api/lessons/nope",
        "/api",
    ] {
        let error = api_error(&get(server.addr(), missing, &[]).await?, 404)?;
        ensure!(!error.is_empty(), "{missing}: empty error");
    }
    let error = api_error(&get(server.addr(), "/api/trace/nope", &[]).await?, 404)?;
    ensure!(error.contains("nope"), "{error}");
    Ok(())
}

#[tokio::test]
async fn every_api_failure_is_json_with_a_message() -> Result<()> {
    let server = TestServer::start().await?;
    // A method the route does not take: 405, with its Allow header kept.
    let response = request(server.addr(), "POST", "/api/scenarios", &[]).await?;
    let error = api_error(&response, 405)?;
    ensure!(error.contains("POST") && error.contains("GET"), "{error}");
    ensure!(response.header("allow").contains("GET"), "{response:?}");
    let error = api_error(&get(server.addr(), "/api/rooms", &[]).await?, 405)?;
    ensure!(error.contains("POST"), "{error}");
    // A path that does not decode: 400.
    let error = api_error(&get(server.addr(), "/api/trace/%FF", &[]).await?, 400)?;
    ensure!(!error.is_empty());
    let error = api_error(&get(server.addr(), "/api/lessons/%FF%FE", &[]).await?, 400)?;
    ensure!(!error.is_empty());
    // Outside /api, failures stay as they were.
    let page = request(server.addr(), "POST", "/healthz", &[]).await?;
    ensure!(page.status == 405, "{page:?}");
    Ok(())
}

#[tokio::test]
async fn api_lists_scenarios_lessons_and_health() -> Result<()> {
    let server = TestServer::start().await?;
    let health = get(server.addr(), "/healthz", &[]).await?;
    ensure!(health.status == 200 && health.body == b"ok");
    let scenarios: serde_json::Value = get(server.addr(), "/api/scenarios", &[]).await?.json()?;
    let first = &scenarios[0];
    for field in ["id", "title", "summary"] {
        ensure!(first[field].is_string(), "scenario lacks {field}: {first}");
    }
    let lessons: serde_json::Value = get(server.addr(), "/api/lessons", &[]).await?.json()?;
    ensure!(lessons.is_array(), "/api/lessons is not a list: {lessons}");
    Ok(())
}

#[tokio::test]
async fn engine_source_is_served_for_every_record_and_nothing_else() -> Result<()> {
    let server = TestServer::start().await?;
    let trace: Trace = get(server.addr(), "/api/trace/tcp_read", &[])
        .await?
        .json()?;
    let mut files: Vec<&str> = trace.records.iter().map(|r| &*r.source.file).collect();
    files.sort_unstable();
    files.dedup();
    for file in files {
        let response = get(server.addr(), &format!("/api/source/{file}"), &[]).await?;
        ensure!(response.status == 200, "{file}: {}", response.status);
        ensure!(response.header("content-type") == "text/plain; charset=utf-8");
        let on_disk = std::fs::read(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(file),
        )?;
        ensure!(response.body == on_disk, "{file} differs from the checkout");
        let lines = response.body.split(|&b| b == b'\n').count();
        for record in trace.records.iter().filter(|r| r.source.file == file) {
            ensure!(
                (record.source.line as usize) <= lines,
                "{file}:{} is past the end",
                record.source.line
            );
        }
    }
    for outside in [
        "/api/source/../Cargo.toml",
        "/api/source/engine/src/../../Cargo.toml",
        "/api/source/engine/src/%2e%2e/%2e%2e/Cargo.toml",
        "/api/source/%2Fetc%2Fpasswd",
        "/api/source//etc/passwd",
        "/api/source/engine/Cargo.toml",
        "/api/source/server/src/lib.rs",
    ] {
        let response = get(server.addr(), outside, &[]).await?;
        ensure!(response.status == 404, "{outside}: {}", response.status);
        ensure!(
            !String::from_utf8_lossy(&response.body).contains("[package]"),
            "{outside} leaked"
        );
    }
    Ok(())
}
