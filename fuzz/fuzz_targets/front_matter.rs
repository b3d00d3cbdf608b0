//! The front-matter splitter, the YAML reader with positions (and its plain-YAML parser
//! against `serde_yaml`), and the practice schema.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use praktika::config::Config;
use praktika::content::frontmatter;
use praktika::content::practice::{self, Schema};
use praktika::diagnostics::SourceText;
use praktika::regions::Regions;
use praktika::schema::Reader;

fn site() -> &'static (Config, Regions) {
    static SITE: OnceLock<(Config, Regions)> = OnceLock::new();
    SITE.get_or_init(|| (Config::default(), Regions::embedded()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new("content/practices/fuzz.md");
    let source = SourceText::new(path, text);
    let Ok(split) = frontmatter::split(text) else { return };
    praktika::yaml::assert_simple_agrees(split.yaml);
    let Ok(root) = praktika::yaml::parse(&source, split.yaml, split.yaml_line_offset) else { return };
    let (config, regions) = site();
    let schema = Schema { config, regions, last_year: 2030 };
    let mut reader = Reader::new(&source);
    let _ = practice::read(&mut reader, &root, &schema);
    for d in &reader.diagnostics {
        let _ = d.to_string();
    }
});
