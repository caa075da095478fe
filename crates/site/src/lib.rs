//! The built lesson as a site. [`precompress`] writes a brotli and a gzip copy beside every file of the
//! bundle, as a static host would serve them; [`Server`] serves the folder on 127.0.0.1 and answers a
//! browser that accepts brotli or gzip with the precompressed copy and the matching `Content-Encoding`.
//! `cargo xtask serve` and the end-to-end tests both serve the page through it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use tiny_http::{Header, Response, Server as Http};

/// The encodings written beside each file, in the order a server prefers them: (`Content-Encoding`,
/// file suffix).
pub const ENCODINGS: [(&str, &str); 2] = [("br", "br"), ("gzip", "gz")];

/// Whether `path` is a precompressed copy rather than a file of the bundle.
pub fn is_copy(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| ENCODINGS.iter().any(|(_, s)| *s == e))
}

/// One file's sizes: raw, brotli (quality 11), gzip (level 9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sizes {
    /// The original file (its copies sit beside it with `.br` and `.gz` added).
    pub path: PathBuf,
    /// The original's size, in bytes.
    pub raw: usize,
    /// Its brotli copy's size.
    pub brotli: usize,
    /// Its gzip copy's size.
    pub gzip: usize,
}

/// The files of `dir` (not of subfolders), by name, without the precompressed copies.
fn originals(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir)?.flatten().map(|e| e.path()).filter(|p| p.is_file() && !is_copy(p)).collect();
    files.sort();
    Ok(files)
}

/// Writes `FILE.br` and `FILE.gz` beside every file of `dir` (not into subfolders), replacing older
/// copies; returns each file's sizes, by name.
pub fn precompress(dir: &Path) -> std::io::Result<Vec<Sizes>> {
    for path in originals(dir)? {
        let raw = std::fs::read(&path)?;
        std::fs::write(with_suffix(&path, "br"), brotli(&raw)?)?;
        std::fs::write(with_suffix(&path, "gz"), gzip(&raw)?)?;
    }
    sizes(dir)
}

/// Each file of `dir` and the sizes of its precompressed copies as they are on disk (0 for a missing
/// copy), by name: what a browser's first load fetches.
pub fn sizes(dir: &Path) -> std::io::Result<Vec<Sizes>> {
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len() as usize);
    let files = originals(dir)?;
    Ok(files
        .into_iter()
        .map(|path| {
            let (raw, brotli, gzip) = (size(&path), size(&with_suffix(&path, "br")), size(&with_suffix(&path, "gz")));
            Sizes { path, raw, brotli, gzip }
        })
        .collect())
}

/// `path` with `.suffix` appended.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Brotli at its best quality.
pub fn brotli(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(out)
}

/// Gzip at level 9.
pub fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// The bytes a brotli or gzip copy decompresses to.
pub fn decompress(bytes: &[u8], suffix: &str) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match suffix {
        "br" => brotli::Decompressor::new(bytes, 64 * 1024).read_to_end(&mut out)?,
        "gz" => flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?,
        other => return Err(std::io::Error::other(format!("no encoding has the suffix {other}"))),
    };
    Ok(out)
}

/// Serves one folder on a port of 127.0.0.1 until dropped.
pub struct Server {
    http: Arc<Http>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `root` on `port` (0: any free port).
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub fn start(root: &Path, port: u16) -> Result<Self, String> {
        let http = Arc::new(Http::http(("127.0.0.1", port)).map_err(|e| format!("cannot listen on port {port}: {e}"))?);
        let root = root.to_path_buf();
        let serving = Arc::clone(&http);
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let accepts: Vec<String> = request
                    .headers()
                    .iter()
                    .filter(|h| h.field.equiv("Accept-Encoding"))
                    .flat_map(|h| {
                        h.value.as_str().split(',').map(|e| e.split(';').next().unwrap_or("").trim().to_string())
                    })
                    .collect();
                let response = respond(&root, request.url(), &accepts);
                let _ = request.respond(response);
            }
        });
        Ok(Self { http, thread: Some(thread) })
    }

    /// The base URL, with a trailing slash.
    pub fn url(&self) -> String {
        self.http.server_addr().to_ip().map_or_else(String::new, |addr| format!("http://{addr}/"))
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("url", &self.url()).finish_non_exhaustive()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.http.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The response to a request for `url`: the file, its best precompressed copy that the browser accepts,
/// or an error status.
fn respond(root: &Path, url: &str, accepts: &[String]) -> Response<std::io::Cursor<Vec<u8>>> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let relative = path.trim_start_matches('/');
    let relative = if relative.is_empty() { "index.html" } else { relative };
    // Refuse anything that could climb out of the folder.
    if relative.split('/').any(|part| part == ".." || part.is_empty()) {
        return Response::from_string("bad path").with_status_code(400);
    }
    let file = root.join(relative);
    if !file.is_file() {
        return Response::from_string("not found").with_status_code(404);
    }
    let header = |name: &str, value: &str| Header::from_bytes(name, value).ok();
    let copy = ENCODINGS
        .iter()
        .filter(|(encoding, _)| accepts.iter().any(|a| a == encoding))
        .find_map(|(encoding, suffix)| Some((*encoding, std::fs::read(with_suffix(&file, suffix)).ok()?)));
    let (bytes, encoding) = match copy {
        Some((encoding, bytes)) => (bytes, Some(encoding)),
        None => match std::fs::read(&file) {
            Ok(bytes) => (bytes, None),
            Err(_) => return Response::from_string("not found").with_status_code(404),
        },
    };
    let mut response = Response::from_data(bytes);
    for h in [header("Content-Type", content_type(&file)), header("Vary", "Accept-Encoding")].into_iter().flatten() {
        response.add_header(h);
    }
    if let Some(h) = encoding.and_then(|e| header("Content-Encoding", e)) {
        response.add_header(h);
    }
    response
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_copy_decompresses_to_its_file_and_the_server_sends_the_one_asked_for() {
        let dir = std::env::temp_dir().join(format!("site-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let page = "<p>words</p>".repeat(500);
        std::fs::write(dir.join("index.html"), &page).unwrap();
        std::fs::write(dir.join("a.wasm"), (0..=255u8).cycle().take(10_000).collect::<Vec<u8>>()).unwrap();
        let sizes = precompress(&dir).unwrap();
        assert_eq!(sizes.len(), 2, "the copies are not compressed again");
        for s in &sizes {
            let raw = std::fs::read(&s.path).unwrap();
            for (_, suffix) in ENCODINGS {
                let copy = std::fs::read(with_suffix(&s.path, suffix)).unwrap();
                assert_eq!(decompress(&copy, suffix).unwrap(), raw);
            }
            assert!(s.brotli < s.raw && s.gzip < s.raw);
        }
        let accept = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let encoding = |r: &Response<std::io::Cursor<Vec<u8>>>| {
            r.headers().iter().find(|h| h.field.equiv("Content-Encoding")).map(|h| h.value.to_string())
        };
        assert_eq!(encoding(&respond(&dir, "/", &accept(&["gzip", "br"]))), Some("br".into()));
        assert_eq!(encoding(&respond(&dir, "/a.wasm", &accept(&["gzip"]))), Some("gzip".into()));
        assert_eq!(encoding(&respond(&dir, "/?q=1", &accept(&[]))), None);
        assert_eq!(respond(&dir, "/../etc/passwd", &accept(&[])).status_code().0, 400);
        assert_eq!(respond(&dir, "/missing.js", &accept(&["br"])).status_code().0, 404);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
