//! The HTTP side: the built app (types, compression, cache headers, deep-link
//! fallback), the JSON API's answers and 404s, and the engine-source endpoint.

mod ws_support;

use std::io::Read as _;
use std::path::PathBuf;

use anyhow::{Context, Result, ensure};
use reactor_e2e::{TestServer, eventually, server::site_dir};
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

#[tokio::test]
async fn the_wasm_is_typed_cached_forever_and_compressed_both_ways() -> Result<()> {
    let server = TestServer::start().await?;
    let (path, raw) = built_file(".wasm")?;

    let plain = get(server.addr(), &path, &[]).await?;
    ensure!(plain.status == 200);
    ensure!(
        plain.header("content-type") == "application/wasm",
        "{:?}",
        plain.headers
    );
    ensure!(plain.header("cache-control") == "public, max-age=31536000, immutable");
    ensure!(plain.header("content-encoding").is_empty() && plain.body == raw);
    ensure!(plain.header("vary").contains("accept-encoding"));

    let gzip = get(server.addr(), &path, &[("Accept-Encoding", "gzip")]).await?;
    ensure!(
        gzip.header("content-encoding") == "gzip",
        "{:?}",
        gzip.headers
    );
    ensure!(gzip.body.len() < raw.len() && gunzip(&gzip.body)? == raw);
    ensure!(
        gzip.header("etag") != plain.header("etag"),
        "one ETag for two representations"
    );

    // Brotli is made in the background after the first request for it; until
    // then the answer is gzip. Either way it decodes to the same bytes.
    let brotli = eventually("the wasm served as brotli", || async {
        let response = get(server.addr(), &path, &[("Accept-Encoding", "gzip, br")]).await?;
        match response.header("content-encoding") {
            "br" => Ok(Some(response)),
            "gzip" => Ok(None),
            other => anyhow::bail!("unexpected encoding {other:?}"),
        }
    })
    .await?;
    ensure!(
        brotli.body.len() < gzip.body.len(),
        "brotli is not smaller than gzip"
    );
    ensure!(unbrotli(&brotli.body)? == raw);

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
    ensure!(root.header("content-type") == "text/html; charset=utf-8");
    ensure!(root.header("cache-control") == "no-cache");
    let etag = root.header("etag").to_owned();
    ensure!(
        !etag.is_empty(),
        "index.html has no ETag to revalidate with"
    );
    let again = get(server.addr(), "/", &[("If-None-Match", &etag)]).await?;
    ensure!(
        again.status == 304 && again.body.is_empty(),
        "revalidation gave {}",
        again.status
    );

    for deep_link in [
        "/scenario/tcp_read",
        "/scenario/tcp_read?step=12",
        "/lesson/tcp-read",
    ] {
        let response = get(server.addr(), deep_link, &[]).await?;
        ensure!(response.status == 200, "{deep_link}: {}", response.status);
        ensure!(response.body == index, "{deep_link} is not the app");
        ensure!(response.header("cache-control") == "no-cache");
    }

    let (js, _) = built_file(".js")?;
    let js = get(server.addr(), &js, &[("Accept-Encoding", "gzip")]).await?;
    ensure!(js.header("content-type") == "text/javascript; charset=utf-8");
    ensure!(js.header("cache-control").contains("immutable"));
    let (css, _) = built_file(".css")?;
    let css = get(server.addr(), &css, &[]).await?;
    ensure!(css.header("content-type") == "text/css; charset=utf-8");
    Ok(())
}

#[tokio::test]
async fn missing_files_and_api_routes_are_real_404s() -> Result<()> {
    let server = TestServer::start().await?;
    for missing in [
        "/reactor_web-0000000000000000.js",
        "/favicon.ico",
        "/scenario/x/app.css",
    ] {
        let response = get(server.addr(), missing, &[]).await?;
        ensure!(response.status == 404, "{missing}: {}", response.status);
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
