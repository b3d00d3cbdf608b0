//! The `praktika` binary as editors and CI run it: exit codes, messages, real files, real HTTP.

use std::path::{Path, PathBuf};
use std::process::Command;

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
