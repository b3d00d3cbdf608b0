//! Real browser tests: the built demo site served over HTTP and driven in headless Chromium
//! (Debian's `chromium` with `playwright-core` from tests/browser). Skipped locally when either
//! is missing; `.ci/run` installs both and sets PRAKTIKA_REQUIRE_BROWSER so they are mandatory.

mod common;

use std::net::SocketAddr;
use std::path::Path;

/// Serves `dir` on a free loopback port in the background; returns its base URL.
fn serve(dir: &Path) -> String {
    let server =
        praktika::serve::StaticServer::bind(SocketAddr::from(([127, 0, 0, 1], 0)), dir).unwrap();
    let port = server.local_addr().unwrap().port();
    std::thread::spawn(move || server.run(4));
    format!("http://127.0.0.1:{port}/")
}

fn browser_ready() -> bool {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let modules = common::repo().join("tests/browser/node_modules/playwright-core");
    let ready = Path::new(&chromium).exists() && modules.exists() && common::node().is_some();
    if !ready {
        assert!(
            !common::required(),
            "CI requires Chromium and tests/browser/node_modules (run npm ci there)"
        );
        eprintln!("skipping browser tests: Chromium or playwright-core is not installed");
    }
    ready
}

/// Builds the demo library into a temporary folder and serves it; keep the folder alive.
fn serve_demo() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    // Served from the server's root; sub-paths are covered by tests/build.rs and tests/serve.rs.
    let mut options = praktika::BuildOptions::new(common::repo());
    options.output = Some(dir.path().join("public"));
    options.base_url = Some("/".into());
    praktika::build(&options).unwrap();
    let base = serve(&dir.path().join("public"));
    (dir, base)
}

fn run(script: &str, args: &[&str]) {
    let out = std::process::Command::new("node")
        .arg(common::repo().join("tests/browser").join(script))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    eprintln!("{stdout}");
}

#[test]
fn search_page_in_a_real_browser() {
    if !browser_ready() {
        return;
    }
    let (_dir, base) = serve_demo();
    run("search.mjs", &[&base]);
}

#[test]
fn live_reload_in_a_real_browser() {
    if !browser_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_dir(&common::fixture("minimal"), &site);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_praktika"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&site)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let url = loop {
        let line = lines.next().expect("serve printed its URL").unwrap();
        if let Some(rest) = line.strip_prefix("Serving at ") {
            break rest.split(' ').next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let page = format!("{url}practices/beta/");
    let file = site.join("content/practices/beta.md");
    let result = std::panic::catch_unwind(|| run("reload.mjs", &[&page, file.to_str().unwrap()]));
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn theme_pages_are_accessible_and_the_low_vision_mode_works() {
    if !browser_ready() {
        return;
    }
    let (_dir, base) = serve_demo();
    // Screenshots stay after the test for review (git-ignored).
    let shots = common::repo().join("target/screenshots");
    run("theme.mjs", &[&base, shots.to_str().unwrap()]);
}
