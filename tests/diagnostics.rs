//! Every validation rule, each shown by a fixture file with one mistake: the diagnostic must
//! name the file, line, column and give the hint an editor needs.

use std::path::Path;

use praktika::{BuildOptions, Error};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// (file, line, column, code, a phrase of the hint)
const EXPECTED: &[(&str, usize, usize, &str, &str)] = &[
    (
        "ambiguous-region.md",
        3,
        9,
        "ambiguous-region",
        "«Республика Алтай» or «Алтайский край»",
    ),
    ("bad-date.md", 6, 7, "bad-date", "YYYY-MM-DD"),
    ("bad-url.md", 8, 10, "bad-url", "https://"),
    (
        "broken-link.md",
        9,
        5,
        "broken-link",
        "did you mean `unknown-region.md`?",
    ),
    (
        "missing-fence.md",
        1,
        1,
        "front-matter-fence",
        "start the file with a line `---`",
    ),
    (
        "missing-image.md",
        9,
        1,
        "missing-image",
        "content/practices/missing.png",
    ),
    ("missing-key.md", 2, 1, "missing-key", "year: 2024"),
    (
        "sub/dup.md",
        0,
        0,
        "duplicate-slug",
        "rename one of the files",
    ),
    (
        "unclosed.md",
        1,
        1,
        "front-matter-fence",
        "add a line `---`",
    ),
    (
        "unknown-key.md",
        6,
        1,
        "unknown-key",
        "did you mean `organization`?",
    ),
    (
        "unknown-region.md",
        3,
        9,
        "unknown-region",
        "did you mean «Тамбовская область»?",
    ),
    (
        "unknown-sector.md",
        4,
        9,
        "unknown-sector",
        "did you mean «Здравоохранение»?",
    ),
    (
        "unknown-status.md",
        6,
        9,
        "unknown-status",
        "did you mean «внедрена»?",
    ),
    ("wrong-type.md", 6, 7, "wrong-type", "write a list"),
    ("yaml-syntax.md", 2, 13, "yaml-syntax", "must be quoted"),
    (
        "year-range.md",
        5,
        7,
        "year-out-of-range",
        "the year the practice started",
    ),
];

#[test]
fn every_mistake_is_reported_at_once_with_location_and_hint() {
    let err = praktika::check(&BuildOptions::new(fixture("broken"))).unwrap_err();
    expect_every_mistake(err);
}

/// `build` leaves practice bodies to be rendered while it writes; when front matter fails,
/// their mistakes must still come in the same report.
#[test]
fn a_build_reports_every_mistake_as_check_does() {
    let out = tempfile::tempdir().unwrap();
    let mut options = BuildOptions::new(fixture("broken"));
    options.output = Some(out.path().join("public"));
    expect_every_mistake(praktika::build(&options).unwrap_err());
    assert!(!out.path().join("public").exists());
}

/// A site whose front matter is valid but whose bodies are not: the build finds the body
/// mistakes while writing, reports all of them, and leaves nothing behind; `check` finds the
/// same.
#[test]
fn body_mistakes_fail_a_build_all_at_once_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let practices = dir.path().join("content/practices");
    std::fs::create_dir_all(&practices).unwrap();
    std::fs::write(dir.path().join("site.yaml"), "title: x\n").unwrap();
    let front =
        "---\ntitle: Практика\nregion: Тамбовская область\nsector: Спорт\nyear: 2024\n---\n";
    std::fs::write(
        practices.join("a.md"),
        format!("{front}Текст.\n\n[ссылка](nowhere.md)\n"),
    )
    .unwrap();
    std::fs::write(
        practices.join("b.md"),
        format!("{front}![схема](plan.png)\n"),
    )
    .unwrap();
    std::fs::write(practices.join("c.md"), format!("{front}Всё в порядке.\n")).unwrap();
    let out = dir.path().join("public");
    let mut options = BuildOptions::new(dir.path());
    options.output = Some(out.clone());
    let expected: Vec<(String, usize, usize, &str)> = vec![
        ("content/practices/a.md".into(), 9, 1, "broken-link"),
        ("content/practices/b.md".into(), 7, 1, "missing-image"),
    ];
    // `check` validates the bodies the same way, one at a time.
    for result in [praktika::build(&options), praktika::check(&options)] {
        let Err(Error::Content(errors)) = result else {
            panic!("the build and the check should fail")
        };
        let found: Vec<_> = errors
            .iter()
            .map(|d| {
                (
                    d.path.to_string_lossy().into_owned(),
                    d.line,
                    d.column,
                    d.code,
                )
            })
            .collect();
        assert_eq!(found, expected);
        assert!(errors
            .iter()
            .all(|d| d.source_line.is_some() && d.hint.is_some()));
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!out.exists() && left.len() == 2, "{left:?}");
}

fn expect_every_mistake(err: Error) {
    let Error::Content(diagnostics) = err else {
        panic!("expected content errors, got {err}")
    };
    let found: Vec<String> = diagnostics
        .iter()
        .map(|d| format!("{} {}", d.location_label(), d.code))
        .collect();
    assert_eq!(diagnostics.len(), EXPECTED.len(), "{found:#?}");
    for (d, &(file, line, column, code, hint)) in diagnostics.iter().zip(EXPECTED) {
        let expected_path = Path::new("content/practices").join(file);
        assert_eq!(d.path, expected_path, "{found:#?}");
        assert_eq!((d.line, d.column, d.code), (line, column, code), "{}", d);
        let shown_hint = d.hint.as_deref().unwrap_or("");
        assert!(shown_hint.contains(hint), "hint of {file}: {shown_hint:?}");
        if line > 0 {
            let text = std::fs::read_to_string(fixture("broken").join(&d.path)).unwrap();
            assert_eq!(
                d.source_line.as_deref(),
                text.lines().nth(line - 1),
                "{file}"
            );
            assert!(d.to_string().contains('^'), "{d}");
        }
    }
}

#[test]
fn config_mistakes_are_reported_like_content_mistakes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        "title: x\nthem: default\nsectors:\n  - name: Спорт\n    slag: sport\n",
    )
    .unwrap();
    let Error::Content(ds) = praktika::check(&BuildOptions::new(dir.path())).unwrap_err() else {
        panic!()
    };
    let got: Vec<_> = ds
        .iter()
        .map(|d| (d.line, d.column, d.code, d.hint.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, 1, "unknown-key", "did you mean `theme`?".to_string()),
            (5, 5, "unknown-key", "did you mean `slug`?".to_string()),
        ]
    );
}

#[test]
fn encodings_editors_run_into_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let practices = dir.path().join("content/practices");
    std::fs::create_dir_all(&practices).unwrap();
    std::fs::write(dir.path().join("site.yaml"), "title: x\n").unwrap();
    let good = "---\ntitle: Практика\nregion: Тамбовская область\nsector: Спорт\nyear: 2024\n---\nТекст.\n";
    // A BOM and CRLF line endings are fine.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(good.replace('\n', "\r\n").bytes());
    std::fs::write(practices.join("bom.md"), bom).unwrap();
    // Windows-1251 bytes and UTF-16 are not.
    let mut cp1251 = b"---\ntitle: ".to_vec();
    cp1251.extend([0xCF, 0xF0, 0xE0]);
    std::fs::write(practices.join("cp1251.md"), cp1251).unwrap();
    std::fs::write(practices.join("utf16.md"), [0xFF, 0xFE, b'-', 0]).unwrap();
    std::fs::write(practices.join("nul.md"), "---\ntitle: a\0b\n---\n").unwrap();
    let Error::Content(ds) = praktika::check(&BuildOptions::new(dir.path())).unwrap_err() else {
        panic!()
    };
    let got: Vec<_> = ds
        .iter()
        .map(|d| {
            (
                d.path.file_name().unwrap().to_string_lossy().into_owned(),
                d.line,
                d.code,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("cp1251.md".to_string(), 2, "encoding"),
            ("nul.md".to_string(), 2, "nul-byte"),
            ("utf16.md".to_string(), 0, "encoding"),
        ]
    );
}

#[test]
fn completeness_warnings_are_listed_but_do_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let practices = dir.path().join("content/practices");
    std::fs::create_dir_all(&practices).unwrap();
    std::fs::write(dir.path().join("site.yaml"), "title: x\n").unwrap();
    let long = "Очень длинное описание. ".repeat(20);
    std::fs::write(
        practices.join("thin.md"),
        format!("---\ntitle: Практика\nregion: Тамбовская область\nsector: Спорт\nyear: 2024\nsummary: {long}\n---\n## Проблема\n\nТекст.\n"),
    )
    .unwrap();
    let summary = praktika::check(&BuildOptions::new(dir.path())).unwrap();
    let got: Vec<_> = summary.warnings.iter().map(|d| (d.code, d.line)).collect();
    // A build renders the bodies later, and gives the same warnings.
    let mut options = BuildOptions::new(dir.path());
    options.output = Some(dir.path().join("public"));
    let built = praktika::build(&options).unwrap();
    let built: Vec<_> = built.warnings.iter().map(|d| (d.code, d.line)).collect();
    assert_eq!(built, got);
    assert_eq!(
        got,
        vec![
            ("missing-section", 1),
            ("no-contacts", 1),
            ("no-results", 1),
            ("long-summary", 6)
        ]
    );
    assert!(
        summary.warnings[0]
            .message
            .contains("«Решение», «Результаты»"),
        "{}",
        summary.warnings[0]
    );
    // Configurable: switched off in site.yaml.
    std::fs::write(dir.path().join("site.yaml"), "title: x\ncompleteness:\n  sections: [Проблема]\n  results: false\n  contacts: false\n  summary_max: 0\n").unwrap();
    assert!(praktika::check(&BuildOptions::new(dir.path()))
        .unwrap()
        .warnings
        .is_empty());
    std::fs::write(
        dir.path().join("site.yaml"),
        "title: x\ncompleteness: false\n",
    )
    .unwrap();
    assert!(praktika::check(&BuildOptions::new(dir.path()))
        .unwrap()
        .warnings
        .is_empty());
}
