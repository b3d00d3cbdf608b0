//! `praktika serve` over real HTTP on an ephemeral port: live reload by Server-Sent Events,
//! the error overlay, the last good site kept, the sub-path, traversal attempts, HEAD,
//! ETags, MIME types, 404, and a bounded load test.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `praktika serve`, killed when dropped (also when a test fails).
struct Served {
    child: Child,
    port: u16,
    base: String,
    _dir: tempfile::TempDir,
    site: std::path::PathBuf,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_fixture() -> Served {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_dir(&common::fixture("minimal"), &site);
    std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_praktika"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&site)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let url = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("serve printed its URL");
        if let Some(rest) = line.strip_prefix("Serving at ") {
            break rest.split(' ').next().unwrap().to_string();
        }
    };
    let authority = url.trim_start_matches("http://").split('/').next().unwrap();
    let port = authority.rsplit(':').next().unwrap().parse().unwrap();
    let base = format!(
        "/{}",
        url.trim_start_matches("http://").split_once('/').unwrap().1
    );
    Served {
        child,
        port,
        base,
        _dir: dir,
        site,
    }
}

/// One raw HTTP/1.0 request (paths reach the server unnormalised).
fn http(port: u16, request: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

fn get(port: u16, path: &str) -> (u16, String, String) {
    let (status, head, body) = http(port, &format!("GET {path} HTTP/1.0\r\n\r\n"));
    (status, head, String::from_utf8_lossy(&body).into_owned())
}

/// Events (`event` name, `data`) from the live-reload stream.
fn subscribe(port: u16) -> mpsc::Receiver<(String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .write_all(
            b"GET /__praktika/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n",
        )
        .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut name = String::new();
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                if tx.send((name.clone(), data.to_string())).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

fn next_event(events: &mpsc::Receiver<(String, String)>) -> (String, String) {
    events
        .recv_timeout(Duration::from_secs(20))
        .expect("an event within 20 s")
}

#[test]
fn edits_reload_pages_errors_show_an_overlay_and_the_last_good_site_stays() {
    let served = serve_fixture();
    let (port, base) = (served.port, served.base.clone());
    assert_eq!(base, "/library/", "served under the site's sub-path");
    let (status, _, page) = get(port, &format!("{base}practices/beta/"));
    assert_eq!(status, 200);
    assert!(
        page.contains("/__praktika/reload.js"),
        "reload client injected in serve"
    );
    assert!(
        !std::fs::read_to_string(served.site.join("public/practices/beta/index.html"))
            .unwrap()
            .contains("__praktika"),
        "never in the files on disk"
    );

    let events = subscribe(port);
    std::thread::sleep(Duration::from_millis(300));
    let beta = served.site.join("content/practices/beta.md");
    let good = std::fs::read_to_string(&beta).unwrap();

    // An edit reaches the page as a reload, and the page shows the new text.
    std::fs::write(&beta, good.replace("Текст.", "Свежий текст про лагеря.")).unwrap();
    assert_eq!(next_event(&events).0, "reload");
    assert!(get(port, &format!("{base}practices/beta/"))
        .2
        .contains("Свежий текст про лагеря."));

    // A broken edit: the overlay payload with the diagnostic; the old page is still served.
    std::fs::write(
        &beta,
        good.replace("region: Подмосковье", "region: Подмосковя"),
    )
    .unwrap();
    let (name, data) = next_event(&events);
    assert_eq!(name, "build-error");
    let problems: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(problems[0]["location"], "content/practices/beta.md:3:9");
    assert!(
        problems[0]["text"]
            .as_str()
            .unwrap()
            .contains("did you mean «Московская область»?"),
        "{data}"
    );
    assert!(get(port, &format!("{base}practices/beta/"))
        .2
        .contains("Свежий текст про лагеря."));
    // A page opened now learns about the failure at once.
    let late = subscribe(port);
    assert_eq!(next_event(&late).0, "build-error");

    // The fix clears it.
    std::fs::write(&beta, good.replace("Текст.", "Исправленный текст.")).unwrap();
    assert_eq!(next_event(&events).0, "reload");
    assert!(get(port, &format!("{base}practices/beta/"))
        .2
        .contains("Исправленный текст."));
}

#[test]
fn http_is_done_right_and_stays_inside_the_output() {
    let served = serve_fixture();
    let (port, base) = (served.port, served.base.clone());
    let (status, head, body) = http(
        port,
        &format!("GET {base}practices/alpha/ HTTP/1.0\r\n\r\n"),
    );
    assert_eq!(status, 200);
    assert!(
        head.contains("Content-Type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(String::from_utf8_lossy(&body).contains("Первая практика"));
    let etag = head
        .lines()
        .find_map(|l| l.strip_prefix("ETag: "))
        .unwrap()
        .to_string();
    let (status, _, body) = http(
        port,
        &format!("GET {base}practices/alpha/ HTTP/1.0\r\nIf-None-Match: {etag}\r\n\r\n"),
    );
    assert_eq!((status, body.len()), (304, 0));
    let (status, head, body) = http(port, &format!("HEAD {base}feed.xml HTTP/1.0\r\n\r\n"));
    assert_eq!(status, 200);
    assert!(head.contains("application/xml; charset=utf-8"), "{head}");
    assert!(body.is_empty());
    for (path, mime) in [
        ("practices/bundle/scheme.svg", "image/svg+xml"),
        ("data/practices.json", "application/json"),
        ("data/practices.csv", "text/csv; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
    ] {
        let (status, head, _) = get(port, &format!("{base}{path}"));
        assert_eq!(status, 200, "{path}");
        assert!(
            head.contains(&format!("Content-Type: {mime}")),
            "{path}: {head}"
        );
    }
    let (status, head, _) = get(port, &format!("{base}practices"));
    assert_eq!(status, 301);
    assert!(
        head.contains(&format!("Location: {base}practices/")),
        "{head}"
    );
    let (status, head, _) = get(port, "/library");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /library/"), "{head}");
    let (status, _, page) = get(port, &format!("{base}no/such/page/"));
    assert_eq!(status, 404);
    assert!(page.contains("Своя страница 404"), "the theme's 404 page");
    assert_eq!(
        get(port, "/practices/alpha/").0,
        404,
        "outside the sub-path"
    );
    let long = format!("{base}{}", "a".repeat(5000));
    for attack in [
        format!("{base}../secret.txt"),
        format!("{base}%2e%2e/%2e%2e/secret.txt"),
        format!("{base}%2E%2E/%2E%2E/secret.txt"),
        format!("{base}..%2f..%2fsecret.txt"),
        format!("{base}..%5c..%5csecret.txt"),
        format!("{base}a%00b"),
        "/../../secret.txt".to_string(),
        "//etc/passwd".to_string(),
        format!("{base}/etc/passwd"),
        long,
    ] {
        let (status, _, body) = get(port, &attack);
        assert!(status == 400 || status == 404, "{attack}: {status}");
        assert!(
            !body.contains("secret") && !body.contains("root:"),
            "{attack} leaked"
        );
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            served.site.join("../secret.txt"),
            served.site.join("public/leak.txt"),
        )
        .unwrap();
        assert_eq!(
            get(port, &format!("{base}leak.txt")).0,
            404,
            "symlink out of the output"
        );
    }
    let (status, _, _) = http(
        port,
        &format!("POST {base} HTTP/1.0\r\nContent-Length: 0\r\n\r\n"),
    );
    assert_eq!(status, 405);
}

#[test]
fn twenty_thousand_requests_from_sixteen_clients() {
    let served = serve_fixture();
    let (port, base) = (served.port, served.base.clone());
    let paths = [
        "",
        "practices/",
        "practices/alpha/",
        "regions/",
        "feed.xml",
        "search/manifest.json",
        "no/such/",
    ];
    let workers: Vec<_> = (0..16)
        .map(|w| {
            let base = base.clone();
            std::thread::spawn(move || {
                let mut errors = 0;
                for i in 0..1250 {
                    let path = paths[(w + i) % paths.len()];
                    let (status, _, body) = http(
                        port,
                        &format!(
                            "GET {base}{path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        ),
                    );
                    let expected = if path == "no/such/" { 404 } else { 200 };
                    if status != expected || body.is_empty() {
                        errors += 1;
                    }
                }
                errors
            })
        })
        .collect();
    let errors: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(errors, 0);
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let out = Command::new(env!("CARGO_BIN_EXE_praktika"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(common::fixture("minimal"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("try --port 0"));
}
