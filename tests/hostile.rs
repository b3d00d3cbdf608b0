//! Hostile and accidental input, one case per test: each gives a clear diagnostic (with
//! path:line:col where a line exists) and a hint, makes the build fail without a panic, and
//! leaves the previous output untouched. Inputs that are merely unusual must build.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use praktika::diagnostics::Diagnostic;
use praktika::{BuildOptions, Error};

const GOOD: &str = "---\ntitle: Хорошая практика\nregion: Тамбовская область\nsector: Спорт\nyear: 2024\n---\nТекст.\n";

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    output: PathBuf,
    before: BTreeMap<String, Vec<u8>>,
}

/// A valid site with one good practice, built once, so that later failures can be compared.
fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    fs::create_dir_all(root.join("content/practices")).unwrap();
    fs::write(root.join("site.yaml"), "title: Тест\n").unwrap();
    fs::write(root.join("content/practices/good.md"), GOOD).unwrap();
    let output = dir.path().join("public");
    let mut options = BuildOptions::new(&root);
    options.output = Some(output.clone());
    praktika::build(&options).unwrap();
    let before = common::snapshot(&output);
    Site {
        _dir: dir,
        root,
        output,
        before,
    }
}

impl Site {
    fn practice(&self, name: &str) -> PathBuf {
        self.root.join("content/practices").join(name)
    }

    fn options(&self) -> BuildOptions {
        let mut options = BuildOptions::new(&self.root);
        options.output = Some(self.output.clone());
        options
    }

    /// Builds; expects content errors; checks the output is untouched; returns them.
    fn fails(&self) -> Vec<Diagnostic> {
        let result = praktika::build(&self.options());
        assert!(
            common::snapshot(&self.output) == self.before,
            "the previous output changed"
        );
        match result {
            Err(Error::Content(diagnostics)) => diagnostics,
            other => panic!("expected content errors, got {other:?}"),
        }
    }

    fn builds(&self) -> praktika::Summary {
        praktika::build(&self.options()).unwrap()
    }
}

/// The single diagnostic about `file`, as (line, column, code); it must carry a hint.
fn only(diagnostics: &[Diagnostic], file: &str) -> (usize, usize, &'static str) {
    let mine: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.path.ends_with(file))
        .collect();
    assert_eq!(mine.len(), 1, "{file}: {mine:#?}");
    let d = mine[0];
    assert!(d.hint.is_some(), "{file}: no hint in {d}");
    (d.line, d.column, d.code)
}

#[test]
fn empty_file() {
    let s = site();
    fs::write(s.practice("empty.md"), "").unwrap();
    assert_eq!(only(&s.fails(), "empty.md"), (1, 1, "front-matter-fence"));
}

#[test]
fn only_a_fence() {
    let s = site();
    fs::write(s.practice("fence.md"), "---\n").unwrap();
    assert_eq!(only(&s.fails(), "fence.md"), (1, 1, "front-matter-fence"));
}

#[test]
fn empty_front_matter_names_every_missing_key() {
    let s = site();
    fs::write(s.practice("bare.md"), "---\n---\nТекст\n").unwrap();
    let ds = s.fails();
    let codes: Vec<_> = ds
        .iter()
        .filter(|d| d.path.ends_with("bare.md"))
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, vec!["missing-key"; 4]);
}

#[test]
fn unclosed_fence() {
    let s = site();
    fs::write(s.practice("open.md"), "---\ntitle: a\n\nТекст без конца\n").unwrap();
    assert_eq!(only(&s.fails(), "open.md"), (1, 1, "front-matter-fence"));
}

#[test]
fn tabs_in_yaml() {
    let s = site();
    fs::write(s.practice("tabs.md"), "---\ntitle: a\n\tregion: b\n---\n").unwrap();
    let (line, _, code) = only(&s.fails(), "tabs.md");
    assert_eq!((line, code), (3, "yaml-syntax"));
}

#[test]
fn an_alias_bomb_is_refused_in_bounded_time() {
    let s = site();
    let mut yaml = String::from("---\na: &a [\"xxxxxxxxxx\", \"xxxxxxxxxx\", \"xxxxxxxxxx\", \"xxxxxxxxxx\", \"xxxxxxxxxx\", \"xxxxxxxxxx\", \"xxxxxxxxxx\", \"xxxxxxxxxx\", \"xxxxxxxxxx\"]\n");
    for pair in ["a", "b", "c", "d", "e", "f", "g", "h", "i"].windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(", ");
        yaml.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    yaml.push_str("title: x\n---\n");
    fs::write(s.practice("bomb.md"), yaml).unwrap();
    let started = Instant::now();
    let ds = s.fails();
    assert!(ds.iter().any(|d| d.path.ends_with("bomb.md")));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "alias expansion must be bounded"
    );
}

#[test]
fn anchors_and_aliases_in_moderation_are_fine() {
    let s = site();
    let text = "---\ntitle: &t Практика с якорем\nregion: Тамбовская область\nsector: Спорт\nyear: 2024\nsummary: *t\n---\n";
    fs::write(s.practice("alias.md"), text).unwrap();
    assert_eq!(s.builds().practices, 2);
}

#[test]
fn duplicate_keys() {
    let s = site();
    fs::write(s.practice("dup-keys.md"), "---\ntitle: a\ntitle: b\n---\n").unwrap();
    let (line, _, code) = only(&s.fails(), "dup-keys.md");
    assert_eq!((line, code), (3, "yaml-syntax"));
}

#[test]
fn a_twenty_megabyte_file_builds() {
    let s = site();
    let mut text = String::from("---\ntitle: Большая практика\nregion: Тамбовская область\nsector: Спорт\nyear: 2024\n---\n");
    let paragraph = "Очень длинный текст о практике, который повторяется много раз подряд. "
        .repeat(20)
        + "\n\n";
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&paragraph);
    }
    fs::write(s.practice("big.md"), text).unwrap();
    assert_eq!(s.builds().practices, 2);
}

#[test]
fn a_ten_thousand_line_front_matter_is_reported_at_its_line() {
    let s = site();
    let mut text = String::from(
        "---\ntitle: a\nregion: Тамбовская область\nsector: Спорт\nyear: 2024\ntags:\n",
    );
    for i in 0..10_000 {
        text.push_str(&format!("  - тег {i}\n"));
    }
    text.push_str("sektor: x\n---\n");
    fs::write(s.practice("long.md"), text).unwrap();
    assert_eq!(only(&s.fails(), "long.md"), (10_007, 1, "unknown-key"));
}

#[test]
fn invalid_utf8_a_nul_byte_and_utf16() {
    let s = site();
    fs::write(s.practice("cp1251.md"), b"---\ntitle: \xcf\xf0\xe0\n---\n").unwrap();
    fs::write(s.practice("nul.md"), "---\ntitle: a\0\n---\n").unwrap();
    fs::write(s.practice("utf16.md"), [0xFF, 0xFE, b'-', 0, b'-', 0]).unwrap();
    let ds = s.fails();
    assert_eq!(only(&ds, "cp1251.md"), (2, 8, "encoding"));
    assert_eq!(only(&ds, "nul.md"), (2, 9, "nul-byte"));
    assert_eq!(only(&ds, "utf16.md"), (0, 0, "encoding"));
}

#[test]
fn windows_line_endings_and_a_bom_are_fine() {
    let s = site();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(
        GOOD.replace("Хорошая", "Виндовс")
            .replace('\n', "\r\n")
            .bytes(),
    );
    fs::write(s.practice("windows.md"), bytes).unwrap();
    assert_eq!(s.builds().practices, 2);
}

#[test]
fn cyrillic_and_spaces_in_file_names() {
    let s = site();
    fs::write(
        s.practice("Совет по качеству жизни.md"),
        GOOD.replace("Хорошая", "Кириллица"),
    )
    .unwrap();
    s.builds();
    assert!(s
        .output
        .join("practices/sovet-po-kachestvu-zhizni/index.html")
        .is_file());
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_content() {
    let s = site();
    std::os::unix::fs::symlink(s.root.join("content"), s.practice("loop")).unwrap();
    let ds = s.fails();
    assert!(
        ds.iter()
            .any(|d| d.code == "unreadable" && d.message.contains("loop") && d.hint.is_some()),
        "{ds:#?}"
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let s = site();
    let path = s.practice("secret.md");
    fs::write(&path, GOOD).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&path).is_ok() {
        eprintln!("skipping: running as root, where permissions do not stop reading");
        return;
    }
    assert_eq!(only(&s.fails(), "secret.md"), (0, 0, "unreadable"));
}

#[test]
fn a_slug_collision_between_two_files() {
    let s = site();
    fs::create_dir_all(s.practice("sub")).unwrap();
    fs::write(s.practice("sub/good.md"), GOOD).unwrap();
    assert_eq!(only(&s.fails(), "sub/good.md"), (0, 0, "duplicate-slug"));
}

#[test]
fn a_practice_linking_to_itself_is_fine() {
    let s = site();
    let text = GOOD.replace("Текст.", "См. [эту же практику](self.md#reshenie).");
    fs::write(s.practice("self.md"), text).unwrap();
    s.builds();
    let html = fs::read_to_string(s.output.join("practices/self/index.html")).unwrap();
    assert!(html.contains("href=\"/practices/self/#reshenie\""));
}

#[test]
fn a_broken_site_yaml_is_reported_like_content() {
    let s = site();
    fs::write(s.root.join("site.yaml"), "title: [не закрыто\n").unwrap();
    let ds = s.fails();
    assert_eq!(ds.len(), 1);
    assert_eq!(
        (ds[0].path.to_str().unwrap(), ds[0].code),
        ("site.yaml", "yaml-syntax")
    );
}
