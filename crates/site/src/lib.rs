//! The built lesson as a site. [`precompress`] writes a brotli and a gzip copy beside every file of the
//! bundle, as a static host would serve them; [`Server`] serves the folder on 127.0.0.1 and answers a
//! browser that accepts brotli or gzip with the precompressed copy and the matching `Content-Encoding`.
//! `cargo xtask serve` and the end-to-end tests both serve the page through it.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;

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

/// Serves one folder on a port of 127.0.0.1 until dropped: tower-http's `ServeDir` behind hyper, on a
/// runtime of its own in a thread of its own. Every connection is its own task, so a browser's idle
/// keep-alive connections never hold up a new one.
pub struct Server {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    requested: Arc<Mutex<Vec<String>>>,
}

/// The folder's files, with the path of every request noted.
#[derive(Clone)]
struct Noted {
    files: TowerToHyperService<ServeDir>,
    requested: Arc<Mutex<Vec<String>>>,
}

impl hyper::service::Service<hyper::Request<hyper::body::Incoming>> for Noted {
    type Response =
        <TowerToHyperService<ServeDir> as hyper::service::Service<hyper::Request<hyper::body::Incoming>>>::Response;
    type Error =
        <TowerToHyperService<ServeDir> as hyper::service::Service<hyper::Request<hyper::body::Incoming>>>::Error;
    type Future =
        <TowerToHyperService<ServeDir> as hyper::service::Service<hyper::Request<hyper::body::Incoming>>>::Future;

    fn call(&self, request: hyper::Request<hyper::body::Incoming>) -> Self::Future {
        if let Ok(mut requested) = self.requested.lock() {
            requested.push(request.uri().path().to_string());
        }
        self.files.call(request)
    }
}

impl Server {
    /// Serves `root` on `port` (0: any free port).
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub fn start(root: &Path, port: u16) -> Result<Self, String> {
        let cannot = |e: std::io::Error| format!("cannot listen on port {port}: {e}");
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(cannot)?;
        listener.set_nonblocking(true).map_err(cannot)?;
        let address = listener.local_addr().map_err(cannot)?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build().map_err(cannot)?;
        let listener = {
            let _context = runtime.enter();
            TcpListener::from_std(listener).map_err(cannot)?
        };
        let requested = Arc::new(Mutex::new(Vec::new()));
        let files = Noted {
            files: TowerToHyperService::new(ServeDir::new(root).precompressed_br().precompressed_gzip()),
            requested: Arc::clone(&requested),
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let accepting = async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), files.clone()));
            }
        };
        let thread = std::thread::spawn(move || {
            runtime.block_on(async {
                tokio::select! {
                    () = accepting => {}
                    _ = stopped => {}
                }
            });
            // Dropping the runtime here closes the listener and every open connection.
        });
        Ok(Self { address, stop: Some(stop), thread: Some(thread), requested })
    }

    /// The paths asked for so far, in order.
    pub fn requested(&self) -> Vec<String> {
        self.requested.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// The base URL, with a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
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
    /// Stops serving: once this returns, the port refuses connections and open ones are closed.
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpStream;

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
        let server = Server::start(&dir, 0).unwrap();
        let page = std::fs::read(dir.join("index.html")).unwrap();
        let wasm = std::fs::read(dir.join("a.wasm")).unwrap();
        let (status, encoding, body) = get(&server, "/", "gzip, br");
        assert_eq!((status, encoding.as_deref()), (200, Some("br")));
        assert_eq!(decompress(&body, "br").unwrap(), page);
        let (status, encoding, body) = get(&server, "/a.wasm", "gzip");
        assert_eq!((status, encoding.as_deref()), (200, Some("gzip")));
        assert_eq!(decompress(&body, "gz").unwrap(), wasm);
        assert_eq!(get(&server, "/?q=1", ""), (200, None, page));
        assert_eq!(get(&server, "/../etc/passwd", "").0, 404);
        assert_eq!(get(&server, "/missing.js", "br").0, 404);

        // A browser keeps idle connections open; a new one is still answered at once.
        let idle: Vec<TcpStream> = (0..12).map(|_| TcpStream::connect(server.address).unwrap()).collect();
        assert_eq!(get(&server, "/a.wasm", "").2, wasm);
        drop(idle);

        // Once dropped, the port refuses connections.
        let address = server.address;
        drop(server);
        assert!(TcpStream::connect(address).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A GET of `path` asking for `accept` (empty: no encoding); the status, the `Content-Encoding` and
    /// the body. Fails the test after ten seconds without an answer.
    fn get(server: &Server, path: &str, accept: &str) -> (u16, Option<String>, Vec<u8>) {
        let mut stream = TcpStream::connect(server.address).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let accept = if accept.is_empty() { String::new() } else { format!("Accept-Encoding: {accept}\r\n") };
        write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n{accept}Connection: close\r\n\r\n").unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("an answer within ten seconds");
        let split = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete head");
        let head = String::from_utf8_lossy(&answer[..split]).to_string();
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let encoding = head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-encoding").then(|| value.trim().to_string())
        });
        (status, encoding, answer[split + 4..].to_vec())
    }
}
