//! The browser must turn every word form into the same search term as the index builder.
//! Checked on the Snowball vocabularies shipped with rust-stemmers (copied to tests/data):
//! 49 673 Russian and 29 417 English words, zero differences allowed.

mod common;

use praktika::search::text::{normalize, Analyzer};

fn parity(vocabulary: &str) {
    let Some(mut node) = common::node() else {
        return;
    };
    let path = common::repo().join("tests/data").join(vocabulary);
    let words = std::fs::read_to_string(&path).unwrap();
    let analyzer = Analyzer::default();
    let expected: Vec<String> = words
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(|w| analyzer.term(&normalize(w)).unwrap_or_default())
        .collect();
    let out = common::output_ok(
        node.arg(common::repo().join("tests/js/terms.mjs"))
            .arg(&path),
    );
    let actual: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(actual.len(), expected.len());
    let differences: Vec<String> = words
        .lines()
        .filter(|w| !w.trim().is_empty())
        .zip(expected.iter().zip(&actual))
        .filter(|(_, (e, a))| e.as_str() != **a)
        .map(|(w, (e, a))| format!("{w}: rust {e}, js {a}"))
        .collect();
    assert!(
        differences.is_empty(),
        "{} differences, first: {:#?}",
        differences.len(),
        &differences[..differences.len().min(20)]
    );
    assert!(expected.len() > 29_000);
}

#[test]
fn russian_vocabulary_gives_identical_terms() {
    parity("voc_ru.txt");
}

#[test]
fn english_vocabulary_gives_identical_terms() {
    parity("voc_en.txt");
}

#[test]
fn tricky_forms_give_identical_terms() {
    let Some(mut node) = common::node() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let words = "Ёлка\nЁЛКА\nребёнок\nребенка\n442-ФЗ\nсоциально-экономического\nCafé\nДОМ\nиюнь\nи\nthe\nCOVID-19\nпо-новому\nŁódź\n";
    let file = dir.path().join("words.txt");
    std::fs::write(&file, words).unwrap();
    let analyzer = Analyzer::default();
    let expected: Vec<String> = words
        .lines()
        .map(|w| analyzer.term(&normalize(w)).unwrap_or_default())
        .collect();
    let out = node
        .arg(common::repo().join("tests/js/terms.mjs"))
        .arg(&file)
        .output()
        .unwrap();
    let actual: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(actual, expected);
}
