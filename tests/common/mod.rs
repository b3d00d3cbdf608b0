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
