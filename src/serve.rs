//! `praktika serve`: a small static file server for previewing the built site.
//!
//! It binds to loopback by default and never serves a byte from outside the output
//! directory: URL paths are decoded once, checked segment by segment, and the final file is
//! canonicalised to catch symlinks that point out.

use std::fs;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

/// Longest URL accepted, in bytes.
pub const MAX_URL: usize = 2048;

/// What a request path maps to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// A directory requested without its trailing slash.
    Redirect(String),
    NotFound,
    BadRequest,
}

/// Maps a request URL to a file under `root` (which must be canonical).
pub fn resolve(root: &Path, url: &str) -> Resolved {
    if url.len() > MAX_URL || !url.starts_with('/') {
        return Resolved::BadRequest;
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(decoded) = percent_decode(path) else {
        return Resolved::BadRequest;
    };
    if decoded.contains(['\0', '\\']) {
        return Resolved::BadRequest;
    }
    let mut target = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains(':') {
            return Resolved::BadRequest;
        }
        target.push(segment);
    }
    if target.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Redirect(format!("{path}/"));
        }
        target.push("index.html");
    }
    match fs::canonicalize(&target) {
        Ok(real) if real.starts_with(root) && real.is_file() => Resolved::File(real),
        _ => Resolved::NotFound,
    }
}

fn percent_decode(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = input.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The MIME type for a file name, with UTF-8 for text.
pub fn mime_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        Some("gz") => "application/gzip",
        _ => "application/octet-stream",
    }
}

/// A running server.
pub struct StaticServer {
    server: Arc<Server>,
    root: PathBuf,
}

impl StaticServer {
    /// Binds to `addr` (port 0 picks a free port).
    pub fn bind(addr: SocketAddr, root: &Path) -> io::Result<Self> {
        let server = Server::http(addr)
            .map_err(|e| io::Error::new(io::ErrorKind::AddrInUse, e.to_string()))?;
        let root = fs::canonicalize(root)?;
        Ok(StaticServer {
            server: Arc::new(server),
            root,
        })
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.server.server_addr().to_ip()
    }

    /// Serves requests on `threads` worker threads until the process ends.
    pub fn run(self, threads: usize) {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                let server = Arc::clone(&self.server);
                let root = self.root.clone();
                std::thread::spawn(move || {
                    for request in server.incoming_requests() {
                        let _ = respond(&root, request);
                    }
                })
            })
            .collect();
        for worker in workers {
            let _ = worker.join();
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("static header names and values are valid")
}

fn respond(root: &Path, request: Request) -> io::Result<()> {
    let head = *request.method() == Method::Head;
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = Response::from_string("method not allowed\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"));
        return request.respond(response);
    }
    match resolve(root, request.url()) {
        Resolved::File(path) => {
            let bytes = fs::read(&path)?;
            let etag = format!("\"{:016x}\"", etag_hash(&bytes));
            let not_modified = request.headers().iter().any(|h| {
                h.field.equiv("If-None-Match")
                    && h.value.as_str().split(',').any(|v| v.trim() == etag)
            });
            let status = if not_modified { 304 } else { 200 };
            send(
                request,
                status,
                mime_type(&path),
                if not_modified { Vec::new() } else { bytes },
                head,
                Some(&etag),
            )
        }
        Resolved::Redirect(location) => {
            let response =
                Response::empty(StatusCode(301)).with_header(header("Location", &location));
            request.respond(response)
        }
        Resolved::NotFound => {
            let page =
                fs::read(root.join("404.html")).unwrap_or_else(|_| b"404 Not Found\n".to_vec());
            send(request, 404, "text/html; charset=utf-8", page, head, None)
        }
        Resolved::BadRequest => send(
            request,
            400,
            "text/plain; charset=utf-8",
            b"bad request\n".to_vec(),
            head,
            None,
        ),
    }
}

fn send(
    request: Request,
    status: u16,
    mime: &str,
    body: Vec<u8>,
    head: bool,
    etag: Option<&str>,
) -> io::Result<()> {
    let length = body.len();
    let mut response = Response::new(
        StatusCode(status),
        Vec::new(),
        io::Cursor::new(if head { Vec::new() } else { body }),
        Some(length),
        None,
    )
    .with_header(header("Content-Type", mime))
    .with_header(header("Cache-Control", "no-cache"))
    .with_header(header("X-Content-Type-Options", "nosniff"));
    if let Some(etag) = etag {
        response = response.with_header(header("ETag", etag));
    }
    request.respond(response)
}

fn etag_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_attempts_never_leave_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join("site/a")).unwrap();
        fs::write(root.join("site/a/index.html"), "a").unwrap();
        fs::write(root.join("secret.txt"), "s").unwrap();
        let site = root.join("site");
        for url in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/a/%2E%2E/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/a\\..\\..\\secret.txt",
            "/%00",
            "relative",
            "/C:/x",
        ] {
            let r = resolve(&site, url);
            assert!(
                matches!(r, Resolved::BadRequest | Resolved::NotFound),
                "{url}: {r:?}"
            );
        }
        assert_eq!(
            resolve(&site, &format!("/{}", "a".repeat(MAX_URL))),
            Resolved::BadRequest
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("secret.txt"), site.join("link.txt")).unwrap();
            assert_eq!(resolve(&site, "/link.txt"), Resolved::NotFound);
        }
        assert_eq!(resolve(&site, "/a"), Resolved::Redirect("/a/".into()));
        assert_eq!(
            resolve(&site, "/a/?q=1"),
            Resolved::File(site.join("a/index.html"))
        );
    }
}
