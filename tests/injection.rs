//! Everything from content is escaped for its context. Hostile strings go into every
//! front-matter field, the page fields, `site.yaml` and the body; the built HTML, XML, JSON,
//! JSON-LD, CSV and search files are then *parsed*, and each must hold the strings as text
//! (exactly, where the field is shown verbatim) and never as markup, script or template code.

use std::fs;
use std::io::Read;
use std::path::Path;

use scraper::{Html, Selector};

const PAYLOAD: &str = r#"<script>alert(1)</script> "><img src=x onerror=alert(2)> </script><script>alert(3)</script> ]]> {{ 7*7 }} {% if true %}TPL{% endif %} &amp; 'q'"#;

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn write_site(root: &Path) {
    let p = yaml_string(PAYLOAD);
    fs::create_dir_all(root.join("content/practices")).unwrap();
    fs::create_dir_all(root.join("content/pages")).unwrap();
    fs::write(
        root.join("site.yaml"),
        format!("title: {p}\ndescription: {p}\nbase_url: https://example.org/lib/\nrepository: https://example.org/repo\nsectors:\n  - name: {p}\n    slug: evil\n"),
    )
    .unwrap();
    fs::write(
        root.join("content/_index.md"),
        format!("---\ntitle: {p}\ndescription: {p}\n---\n{PAYLOAD}\n"),
    )
    .unwrap();
    fs::write(
        root.join("content/pages/about.md"),
        format!("---\ntitle: {p}\ndescription: {p}\n---\n## {PAYLOAD}\n\n{PAYLOAD}\n"),
    )
    .unwrap();
    let url = yaml_string("https://example.org/?q=\"><script>alert(4)</script>");
    fs::write(
        root.join("content/practices/evil.md"),
        format!(
            "---\ntitle: {p}\nregion: Тамбовская область\nsector: evil\nyear: 2024\nsummary: {p}\ntags: [{p}, ordinary]\norganization: {p}\nstatus: пилот\nresults:\n  - label: {p}\n    before: {p}\n    after: {p}\nlinks:\n  - title: {p}\n    url: {url}\ncontacts:\n  - name: {p}\n    role: {p}\n    phone: {p}\n    url: {url}\ndate: 2024-01-02\n---\n{PAYLOAD}\n\n## {PAYLOAD}\n\n[{PAYLOAD}](https://example.org/a) `{PAYLOAD}`\n\n<iframe src=\"https://evil.example\"></iframe><a href=\"javascript:alert(5)\">x</a>\n"
        ),
    )
    .unwrap();
    fs::write(
        root.join("content/practices/plain.md"),
        "---\ntitle: Обычная практика\nregion: Тамбовская область\nsector: evil\nyear: 2023\ntags: [ordinary]\n---\nТекст.\n",
    )
    .unwrap();
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn hostile_strings_stay_text_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write_site(&root);
    let out = dir.path().join("public");
    let mut options = praktika::BuildOptions::new(&root);
    options.output = Some(out.clone());
    praktika::build(&options).unwrap();

    let mut html_files = 0;
    let mut payload_seen_as_text = 0;
    let script = Selector::parse("script").unwrap();
    let everything = Selector::parse("*").unwrap();
    let unsafe_frames = Selector::parse("iframe, object, embed").unwrap();
    for entry in walkdir::WalkDir::new(&out).into_iter().map(Result::unwrap) {
        let path = entry.path();
        let name = path.to_string_lossy().into_owned();
        if name.ends_with(".html") {
            html_files += 1;
            let text = fs::read_to_string(path).unwrap();
            let doc = Html::parse_document(&text);
            for s in doc.select(&script) {
                match (s.value().attr("src"), s.value().attr("type")) {
                    (Some(src), None) => {
                        assert!(src.starts_with("/lib/static/"), "{name}: script src {src}")
                    }
                    (None, Some("application/ld+json")) => {
                        let json: serde_json::Value = serde_json::from_str(&s.inner_html())
                            .unwrap_or_else(|e| panic!("{name}: JSON-LD: {e}"));
                        if name.contains("/practices/evil/") {
                            assert_eq!(
                                json["headline"], PAYLOAD,
                                "{name}: JSON-LD keeps the title exactly"
                            );
                            assert_eq!(json["description"], PAYLOAD);
                            assert!(
                                !s.inner_html().contains("</"),
                                "{name}: `</` inside the script"
                            );
                        }
                    }
                    other => panic!("{name}: unexpected script {other:?}: {}", s.html()),
                }
            }
            for element in doc.select(&everything) {
                for (attr, value) in element.value().attrs() {
                    assert!(
                        !attr.starts_with("on"),
                        "{name}: event handler {attr} on <{}>",
                        element.value().name()
                    );
                    if attr == "href" || attr == "src" {
                        assert!(
                            !value.trim_start().to_lowercase().starts_with("javascript:"),
                            "{name}: {attr}={value}"
                        );
                    }
                }
            }
            assert_eq!(
                doc.select(&unsafe_frames).count(),
                0,
                "{name}: embedded frame survived"
            );
            let text_content: String = doc.root_element().text().collect();
            assert!(
                !text_content.contains("TPL")
                    || text_content.contains("{% if true %}TPL{% endif %}"),
                "{name}: template code was executed"
            );
            assert!(
                !text_content.contains(" 49 "),
                "{name}: {{{{ 7*7 }}}} was evaluated"
            );
            if text_content.contains(PAYLOAD) {
                payload_seen_as_text += 1;
            }
        } else if name.ends_with(".xml") {
            let text = fs::read_to_string(path).unwrap();
            let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            if name.ends_with("feed.xml") {
                let titles: Vec<&str> = doc
                    .descendants()
                    .filter(|n| n.has_tag_name("title"))
                    .filter_map(|n| n.text())
                    .collect();
                assert!(titles.contains(&PAYLOAD), "{name}: {titles:?}");
            }
        } else if name.ends_with(".json") {
            let value: serde_json::Value = serde_json::from_slice(&fs::read(path).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            if name.ends_with("practices.json") {
                let evil = value
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p["slug"] == "evil")
                    .unwrap();
                assert_eq!(evil["title"], PAYLOAD);
                assert_eq!(evil["organization"], PAYLOAD);
                assert_eq!(evil["sector"], PAYLOAD);
            }
        } else if name.contains("/search/r/") {
            let rows: serde_json::Value =
                serde_json::from_slice(&gunzip(&fs::read(path).unwrap())).unwrap();
            for row in rows.as_array().unwrap() {
                assert!(
                    row[0] == PAYLOAD || row[0] == "Обычная практика",
                    "{name}: {row}"
                );
            }
        }
    }
    assert!(html_files > 10);
    assert!(
        payload_seen_as_text > 5,
        "the payload must show as text on the pages ({payload_seen_as_text})"
    );

    // The CSV keeps the text, quoted; a spreadsheet formula would be defused.
    let csv = fs::read_to_string(out.join("data/practices.csv")).unwrap();
    assert!(
        csv.contains(&format!("\"{}\"", PAYLOAD.replace('"', "\"\""))),
        "{csv}"
    );
}
