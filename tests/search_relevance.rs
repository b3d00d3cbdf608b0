//! Search quality on the bundled demo library, with the real browser client run in Node: each
//! query must put the expected practice in the top three (or find nothing, where nothing is
//! right), across inflections, ё/е, typos, prefixes, English and facet filters.

mod common;

use serde_json::Value;

#[test]
fn queries_find_the_expected_practices() {
    let Some(mut node) = common::node() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let site = common::build(common::repo(), &dir.path().join("public"));
    let cases_file = common::repo().join("tests/search_relevance.json");
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&cases_file).unwrap()).unwrap();
    assert!(cases.len() >= 40);
    let results = common::run_queries(&mut node, &site, &cases_file);
    assert_eq!(results.len(), cases.len());

    let mut failures = Vec::new();
    for (case, result) in cases.iter().zip(&results) {
        let urls: Vec<&str> = result["urls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        let q = case["q"].as_str().unwrap();
        let slug_of = |url: &str| {
            url.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        };
        let top3: Vec<String> = urls.iter().take(3).map(|u| slug_of(u)).collect();
        if let Some(expected) = case["top3"].as_str() {
            if !top3.iter().any(|s| s == expected) {
                failures.push(format!("«{q}»: expected {expected} in top 3, got {top3:?}"));
            }
        }
        if case["none"].as_bool() == Some(true) && !urls.is_empty() {
            failures.push(format!("«{q}»: expected no results, got {top3:?}"));
        }
        if let Some(unwanted) = case["not"].as_str() {
            if urls.iter().any(|u| slug_of(u) == unwanted) {
                failures.push(format!("«{q}»: {unwanted} must not match"));
            }
        }
        let mode = result["mode"].as_str().unwrap();
        if mode
            != case["mode"]
                .as_str()
                .unwrap_or(if urls.is_empty() { mode } else { "and" })
        {
            failures.push(format!("«{q}»: matched in {mode} mode"));
        }
        let corrected = !result["corrected"].as_array().unwrap().is_empty();
        if case["corrected"].as_bool().unwrap_or(false) != corrected {
            failures.push(format!(
                "«{q}»: typo correction expected {}, got {corrected}",
                case["corrected"]
            ));
        }
        for (key, facet) in [("only_region", "region"), ("only_sector", "sector")] {
            if let Some(value) = case[key].as_str() {
                let lib = praktika::load(&praktika::BuildOptions::new(common::repo())).unwrap();
                for url in &urls {
                    let p = lib
                        .practices
                        .iter()
                        .find(|p| url.ends_with(&p.url))
                        .unwrap();
                    let actual = if facet == "region" {
                        lib.regions.get(p.meta.region).slug.clone()
                    } else {
                        lib.config.sectors[p.meta.sector].slug.clone()
                    };
                    if actual != value {
                        failures.push(format!("«{q}»: {url} is outside the {facet} filter"));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn a_quoted_phrase_ranks_documents_with_the_words_in_order() {
    let Some(mut node) = common::node() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let site = common::build(common::repo(), &dir.path().join("public"));
    let queries = dir.path().join("q.json");
    std::fs::write(&queries, r#"[{"q": "\"стратегическая сессия\""}, {"q": "\"сессия стратегическая\""}, {"q": "стратегическая сессия"}]"#).unwrap();
    let lines = common::run_queries(&mut node, &site, &queries);
    assert!(lines[0]["phrase"].as_u64().unwrap() >= 1, "{}", lines[0]);
    assert_eq!(
        lines[1]["phrase"], 0,
        "the words in the other order are no phrase"
    );
    assert_eq!(lines[2]["phrase"], 0, "without quotes no phrase check");
}

#[test]
fn facet_counts_follow_the_query_and_other_filters() {
    let Some(mut node) = common::node() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let site = common::build(common::repo(), &dir.path().join("public"));
    let queries = dir.path().join("q.json");
    std::fs::write(
        &queries,
        r#"[{"q": "казначейство", "filters": {"region": ["chelyabinskaya-oblast"]}}, {"q": ""}]"#,
    )
    .unwrap();
    let lines = common::run_queries(&mut node, &site, &queries);
    let filtered = &lines[0];
    // The region facet ignores its own filter (so other regions stay selectable)…
    assert!(
        filtered["counts"]["region"]["moskovskaya-oblast"]
            .as_u64()
            .unwrap()
            >= 1
    );
    // …while the other facets count only Chelyabinsk practices.
    let sectors: u64 = filtered["counts"]["sector"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(sectors, filtered["total"].as_u64().unwrap());
    // An empty query lists everything, newest first.
    let lib = praktika::load(&praktika::BuildOptions::new(common::repo())).unwrap();
    assert_eq!(
        lines[1]["total"].as_u64().unwrap() as usize,
        lib.practices.len()
    );
    assert!(lines[1]["urls"][0]
        .as_str()
        .unwrap()
        .ends_with(&lib.practices[0].url));
}
