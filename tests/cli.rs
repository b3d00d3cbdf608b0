//! The `praktika` binary as editors and CI run it: exit codes, messages, real files, real HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn praktika() -> Command {
    Command::new(env!("CARGO_BIN_EXE_praktika"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn check_prints_every_diagnostic_and_exits_1() {
    let out = praktika()
        .args(["check", "--root"])
        .arg(fixture("broken"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("error[").count(), 16, "{stderr}");
    assert!(stderr
        .contains("content/practices/unknown-region.md:3:9: unknown region «Тамбовская облсть»"));
    assert!(stderr.contains("hint: did you mean «Тамбовская область»?"));
    assert!(stderr.contains("16 problem(s) found; nothing was written"));
}

#[test]
fn build_prints_a_summary_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = praktika()
        .args(["build", "--root"])
        .arg(fixture("minimal"))
        .arg("--output")
        .arg(dir.path().join("site"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.starts_with("Built 4 practices, ") && stderr.contains(" pages in "),
        "{stderr}"
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = praktika()
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let out = praktika()
        .args(["build", "--root"])
        .arg(fixture("minimal"))
        .arg("--output")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not create"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn init_then_new_then_build() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    assert!(praktika()
        .arg("init")
        .arg(&site)
        .output()
        .unwrap()
        .status
        .success());
    let out = praktika()
        .args([
            "new",
            "Кешбэк за путёвку в лагерь",
            "--region",
            "Челябинская обл.",
            "--sector",
            "семья и дети",
            "--year",
            "2021",
            "--root",
        ])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created =
        std::fs::read_to_string(site.join("content/practices/keshbek-za-putevku-v-lager.md"))
            .unwrap();
    assert!(
        created.contains("region: \"Челябинская область\""),
        "canonical name written: {created}"
    );
    assert!(created.contains("## Как повторить"));

    let out = praktika()
        .args([
            "new",
            "Ещё",
            "--region",
            "Тамбовская облсть",
            "--sector",
            "Спорт",
            "--year",
            "2021",
            "--root",
        ])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean «Тамбовская область»?"));

    let out = praktika()
        .args(["build", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(site
        .join("public/practices/keshbek-za-putevku-v-lager/index.html")
        .is_file());
    assert!(site
        .join("public/practices/primer-praktiki/index.html")
        .is_file());
    assert!(
        !praktika()
            .arg("init")
            .arg(&site)
            .output()
            .unwrap()
            .status
            .success(),
        "init refuses a non-empty folder"
    );
}

/// Sends a raw HTTP/1.0 request (so that paths reach the server unnormalised).
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

#[test]
fn serve_answers_over_real_http_and_stays_inside_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&fixture("minimal"), &site);
    std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
    let mut child = praktika()
        .args(["serve", "--port", "0", "--root"])
        .arg(&site)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("serve printed its URL").unwrap();
        if let Some(rest) = line.strip_prefix("Serving at ") {
            break rest.split(' ').next().unwrap().to_string();
        }
    };
    let port: u16 = url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    let (status, head, body) = http(port, "GET /practices/alpha/ HTTP/1.0\r\n\r\n");
    assert_eq!(status, 200);
    assert!(head.contains("text/html; charset=utf-8"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("Первая практика"));
    let etag = head
        .lines()
        .find_map(|l| l.strip_prefix("ETag: "))
        .unwrap()
        .to_string();
    let (status, _, _) = http(
        port,
        &format!("GET /practices/alpha/ HTTP/1.0\r\nIf-None-Match: {etag}\r\n\r\n"),
    );
    assert_eq!(status, 304);
    let (status, head, body) = http(port, "HEAD /feed.xml HTTP/1.0\r\n\r\n");
    assert_eq!(status, 200);
    assert!(head.contains("application/xml"), "{head}");
    assert!(body.is_empty());
    let (status, head, _) = http(port, "GET /practices HTTP/1.0\r\n\r\n");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /practices/"), "{head}");
    let (status, _, body) = http(port, "GET /no/such/page/ HTTP/1.0\r\n\r\n");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("Своя страница 404"));
    for attack in [
        "/../secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/..%2f..%2fsecret.txt",
        "/%2e%2e%5csecret.txt",
        "/a%00b",
    ] {
        let (status, _, body) = http(port, &format!("GET {attack} HTTP/1.0\r\n\r\n"));
        assert!(status == 400 || status == 404, "{attack}: {status}");
        assert!(
            !String::from_utf8_lossy(&body).contains("secret"),
            "{attack} leaked"
        );
    }
    let (status, _, _) = http(port, "POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(status, 405);
    child.kill().unwrap();
    let _ = child.wait();
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
