//! Helpers shared by integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether CI requires the JavaScript and browser tests (set by `.ci/run`).
pub fn required() -> bool {
    std::env::var_os("PRAKTIKA_REQUIRE_BROWSER").is_some()
}

/// `node`, if it can run here. Without it the JavaScript tests are skipped locally and fail
/// in CI, where `.ci/run` installs it.
pub fn node() -> Option<Command> {
    let works = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        Some(Command::new("node"))
    } else {
        assert!(!required(), "node is required in CI but is not installed");
        eprintln!("skipping: node is not installed");
        None
    }
}

/// Builds a site into `out` and returns the output directory.
pub fn build(site: &Path, out: &Path) -> PathBuf {
    let mut options = praktika::BuildOptions::new(site);
    options.output = Some(out.to_path_buf());
    praktika::build(&options).unwrap();
    out.to_path_buf()
}

/// Every file under `dir`: relative path → bytes.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (path, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Copies a fixture site so that a test can edit it.
pub fn copy_dir(from: &Path, to: &Path) {
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

/// Runs search queries through the browser client in Node; one JSON value per query.
/// Runs a command that must succeed (its stderr is shown if it does not) and returns its output.
pub fn output_ok(command: &mut Command) -> std::process::Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn run_queries(node: &mut Command, site: &Path, queries: &Path) -> Vec<serde_json::Value> {
    let out = output_ok(
        node.arg(repo().join("tests/js/query.mjs"))
            .arg(site)
            .arg(queries),
    );
    std::str::from_utf8(&out.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}
