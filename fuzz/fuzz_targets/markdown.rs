//! The Markdown pipeline: body → HTML, table of contents, links, images, plain text; and the
//! search tokenizer, whose fast word segmentation must give exactly what
//! `unicode-segmentation` gives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use praktika::content::markdown::{render, Context};
use unicode_segmentation::UnicodeSegmentation;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let pages: rustc_hash::FxHashMap<String, String> =
        [("practices/a.md".to_string(), "practices/a/".to_string())]
            .into_iter()
            .collect();
    let exists = |p: &str| p == "practices/x/img.png";
    for unsafe_html in [false, true] {
        let cx = Context {
            dir: "practices/x",
            pages: &pages,
            file_exists: &exists,
            base_path: "/lib/",
            unsafe_html,
            html: true,
        };
        let rendered = render(body, &cx);
        for problem in &rendered.problems {
            assert!(problem.range.end <= body.len() && problem.range.start <= problem.range.end);
        }
        if !unsafe_html {
            assert!(
                !rendered.html.contains("<script"),
                "raw HTML must be sanitised"
            );
        }
    }
    let analyzer = praktika::search::text::Analyzer::default();
    let _ = analyzer.tokens(body);
    let mut words = Vec::new();
    praktika::search::segment::for_each_word(body, |offset, word| words.push((offset, word)));
    assert_eq!(words, body.unicode_word_indices().collect::<Vec<_>>());
});
