//! A static file server for the built bundle, on a free port of 127.0.0.1.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use tiny_http::{Header, Response, Server};

/// Serves one folder until dropped.
pub struct StaticServer {
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Starts serving `root`.
    pub fn start(root: &Path) -> Self {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("a free loopback port"));
        let root = root.to_path_buf();
        let serving = Arc::clone(&server);
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let response = respond(&root, request.url());
                let _ = request.respond(response);
            }
        });
        Self { server, thread: Some(thread) }
    }

    /// The base URL, with a trailing slash.
    pub fn url(&self) -> String {
        let addr = self.server.server_addr().to_ip().expect("an IP listener");
        format!("http://{addr}/")
    }
}

impl std::fmt::Debug for StaticServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticServer").field("url", &self.url()).finish_non_exhaustive()
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn respond(root: &Path, url: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let relative = path.trim_start_matches('/');
    let relative = if relative.is_empty() { "index.html" } else { relative };
    // Refuse anything that could climb out of the folder.
    if relative.split('/').any(|part| part == ".." || part.is_empty()) {
        return Response::from_string("bad path").with_status_code(400);
    }
    let file: PathBuf = root.join(relative);
    match std::fs::read(&file) {
        Ok(bytes) => {
            let header = Header::from_bytes("Content-Type", content_type(&file)).expect("a valid header");
            Response::from_data(bytes).with_header(header)
        }
        Err(_) => Response::from_string("not found").with_status_code(404),
    }
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
