//! `praktika serve`: build, serve on loopback, watch the sources, rebuild what changed and
//! reload open pages.
//!
//! Threads: a small pool answers HTTP requests; each live-reload stream gets its own thread
//! (it stays open); one thread waits for source changes and rebuilds. A failed rebuild keeps
//! the last good site on disk and shows the diagnostics in every open page.

pub mod http;
pub mod reload;
pub mod watch;

use std::fs;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::config::Config;
use crate::error::Error;
use crate::session::{Change, Session};
use crate::BuildOptions;
use http::Resolved;
use reload::{Event, Hub};

/// Request-handling threads (live-reload streams do not count).
pub const WORKERS: usize = 8;

/// The HTTP side: serves `root` under `base`, with live reload when `hub` is set.
pub struct StaticServer {
    server: Arc<Server>,
    root: PathBuf,
    base: String,
    hub: Option<Arc<Hub>>,
}

impl StaticServer {
    /// Binds to `addr` (port 0 picks a free port) and serves `root` at `/`.
    pub fn bind(addr: SocketAddr, root: &Path) -> io::Result<Self> {
        let server = Server::http(addr)
            .map_err(|e| io::Error::new(io::ErrorKind::AddrInUse, e.to_string()))?;
        let root = fs::canonicalize(root)?;
        Ok(StaticServer {
            server: Arc::new(server),
            root,
            base: "/".into(),
            hub: None,
        })
    }

    /// Serves the site under a sub-path such as `/library/`.
    pub fn under(mut self, base: &str) -> Self {
        self.base = base.to_string();
        self
    }

    /// Injects the live-reload client into pages and answers its event stream.
    pub fn with_reload(mut self, hub: Arc<Hub>) -> Self {
        self.hub = Some(hub);
        self
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.server.server_addr().to_ip()
    }

    /// Serves requests on `threads` worker threads until the process ends.
    pub fn run(self, threads: usize) {
        let shared = Arc::new(self);
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                let this = Arc::clone(&shared);
                std::thread::spawn(move || {
                    for request in this.server.incoming_requests() {
                        let _ = this.respond(request);
                    }
                })
            })
            .collect();
        for worker in workers {
            let _ = worker.join();
        }
    }

    fn respond(&self, request: Request) -> io::Result<()> {
        let head = *request.method() == Method::Head;
        if !matches!(request.method(), Method::Get | Method::Head) {
            let response = Response::from_string("method not allowed\n")
                .with_status_code(405)
                .with_header(header("Allow", "GET, HEAD"));
            return request.respond(response);
        }
        if let Some(hub) = &self.hub {
            let path = request.url().split('?').next().unwrap_or("");
            if path == reload::EVENTS_PATH {
                let events = hub.subscribe();
                let writer = request.into_writer();
                std::thread::spawn(move || reload::stream(writer, events));
                return Ok(());
            }
            if path == reload::SCRIPT_PATH {
                return self.send(
                    request,
                    200,
                    "text/javascript; charset=utf-8",
                    reload::CLIENT_SCRIPT.as_bytes().to_vec(),
                    head,
                );
            }
        }
        match http::resolve(&self.root, &self.base, request.url()) {
            Resolved::File(path) => {
                let bytes = fs::read(&path)?;
                let mime = http::mime_type(&path);
                self.send(request, 200, mime, bytes, head)
            }
            Resolved::Redirect(location) => request.respond(
                Response::empty(StatusCode(301)).with_header(header("Location", &location)),
            ),
            Resolved::NotFound => {
                let page = fs::read(self.root.join("404.html"))
                    .unwrap_or_else(|_| b"404 Not Found\n".to_vec());
                self.send(request, 404, "text/html; charset=utf-8", page, head)
            }
            Resolved::BadRequest => self.send(
                request,
                400,
                "text/plain; charset=utf-8",
                b"bad request\n".to_vec(),
                head,
            ),
        }
    }

    fn send(
        &self,
        request: Request,
        status: u16,
        mime: &str,
        body: Vec<u8>,
        head: bool,
    ) -> io::Result<()> {
        let body = match &self.hub {
            Some(_) if mime.starts_with("text/html") => http::inject_script(
                &body,
                &format!("<script src=\"{}\"></script>", reload::SCRIPT_PATH),
            ),
            _ => body,
        };
        let etag = http::etag(&body);
        let fresh = status == 200
            && request.headers().iter().any(|h| {
                h.field.equiv("If-None-Match") && http::etag_matches(h.value.as_str(), &etag)
            });
        let (status, body) = if fresh {
            (304, Vec::new())
        } else {
            (status, body)
        };
        let length = body.len();
        let reader = io::Cursor::new(if head { Vec::new() } else { body });
        let mut response =
            Response::new(StatusCode(status), Vec::new(), reader, Some(length), None)
                .with_header(header("Content-Type", mime))
                .with_header(header("Cache-Control", "no-cache"))
                .with_header(header("X-Content-Type-Options", "nosniff"));
        if status == 200 || status == 304 {
            response = response.with_header(header("ETag", &etag));
        }
        request.respond(response)
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

/// What `praktika serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub addr: SocketAddr,
    pub drafts: bool,
    pub open: bool,
}

/// Builds, serves and rebuilds until the process is stopped.
pub fn run(options: ServeOptions) -> Result<(), Error> {
    if !options.addr.ip().is_loopback() {
        eprintln!(
            "warning: serving on {} makes the preview reachable from other machines",
            options.addr.ip()
        );
    }
    let server =
        StaticServer::bind(options.addr, &prepare_output(&options.root)?).map_err(|e| {
            Error::io(
                PathBuf::from(options.addr.to_string()),
                io::Error::new(
                    e.kind(),
                    format!(
                        "cannot listen on {}: {e} (is another server running? try --port 0)",
                        options.addr
                    ),
                ),
            )
        })?;
    let actual = server.local_addr().unwrap_or(options.addr);
    let host = if actual.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        actual.ip().to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let base_path = site_base_path(&options.root);
    let url = format!("http://{host}:{}{base_path}", actual.port());

    let build = BuildOptions {
        root: options.root.clone(),
        output: Some(options.root.join("public")),
        base_url: Some(url.clone()),
        drafts: options.drafts,
        force: false,
    };
    let hub = Arc::new(Hub::default());
    let mut session = Session::new(build);
    report(&hub, session.rebuild(&Change::Everything), true);

    let watcher =
        watch::SourceWatcher::start(&options.root, &session.output_dir()).map_err(|e| {
            Error::io(
                &options.root,
                io::Error::other(format!("cannot watch the sources: {e}")),
            )
        })?;
    let rebuild_hub = Arc::clone(&hub);
    std::thread::spawn(move || {
        while let Some(change) = watcher.next_change() {
            report(
                &rebuild_hub,
                session.rebuild(&change),
                change == Change::Everything,
            );
        }
    });

    eprintln!("Serving at {url} (live reload on; Ctrl+C to stop)");
    if options.open {
        let _ = std::process::Command::new(if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        })
        .arg(&url)
        .spawn();
    }
    server.under(&base_path).with_reload(hub).run(WORKERS);
    Ok(())
}

/// Tells the terminal and the open pages how a (re)build went.
fn report(hub: &Hub, result: Result<crate::session::Rebuilt, Error>, full: bool) {
    match result {
        Ok(rebuilt) => {
            let ms = rebuilt.elapsed.as_secs_f64() * 1000.0;
            let what = if rebuilt.full || full {
                "Built"
            } else {
                "Rebuilt"
            };
            eprintln!(
                "{what} {} practices in {ms:.0} ms ({} files written)",
                rebuilt.practices,
                rebuilt.written.len() + rebuilt.removed.len()
            );
            if rebuilt.written.is_empty() && rebuilt.removed.is_empty() {
                hub.broadcast(Event::BuildOk);
            } else {
                hub.broadcast(Event::Reload);
            }
        }
        Err(error) => {
            if let Error::Content(diagnostics) = &error {
                for d in diagnostics {
                    eprintln!("{d}");
                }
            }
            eprintln!("error: {error}; still serving the last good build");
            hub.broadcast(Event::BuildError(reload::overlay_payload(&error)));
        }
    }
}

/// The sub-path the site lives under, from `site.yaml` (`/` when it cannot be read yet).
fn site_base_path(root: &Path) -> String {
    fs::read_to_string(root.join("site.yaml"))
        .ok()
        .and_then(|text| Config::parse(Path::new("site.yaml"), &text).ok())
        .map_or_else(|| "/".to_string(), |c| c.base_url.path)
}

/// The output folder must exist before serving starts (the first build may fail).
fn prepare_output(root: &Path) -> Result<PathBuf, Error> {
    let output = root.join("public");
    if !output.exists() {
        fs::create_dir_all(&output).map_err(|e| Error::io(&output, e))?;
        fs::write(output.join(crate::output::MARKER), "").map_err(|e| Error::io(&output, e))?;
    }
    Ok(output)
}
