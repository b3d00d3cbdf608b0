//! Completeness warnings: a practice other regions can copy has the standard sections,
//! figures, someone to ask, and a short summary. Warnings never fail a build.

use std::path::Path;

use super::{Body, PracticeMeta};
use crate::config::Completeness;
use crate::diagnostics::{Diagnostic, Location, SourceText};

/// The warnings for one practice, pointing at its front matter.
pub(super) fn check(
    source_path: &Path,
    text: &str,
    meta: &PracticeMeta,
    body: &Body,
    rules: &Completeness,
) -> Vec<Diagnostic> {
    // Line positions are only worked out when there is something to report: this runs for
    // every practice on every rebuild.
    let source = std::cell::OnceCell::new();
    let at = |code: &'static str, key: &str, message: String, hint: String| {
        let source = source.get_or_init(|| SourceText::new(source_path, text));
        Diagnostic::at(code, source, key_location(source, key), message)
            .with_hint(hint)
            .warning()
    };
    let mut warnings = Vec::new();
    let headings: Vec<String> = body
        .toc
        .iter()
        .filter(|h| h.level == 2)
        .map(|h| fold(&h.title))
        .collect();
    let missing: Vec<&str> = rules
        .sections
        .iter()
        .filter(|s| {
            // Folded once per section, not once per section and heading.
            let wanted = fold(s);
            !headings.iter().any(|h| h.starts_with(&wanted))
        })
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|s| format!("«{s}»"))
            .collect::<Vec<_>>()
            .join(", ");
        warnings.push(at(
            "missing-section",
            "",
            format!("no section {list}"),
            format!("add `## {}` with what happened there", missing[0]),
        ));
    }
    if rules.results && meta.results.is_empty() {
        warnings.push(at(
            "no-results",
            "",
            "no `results` figures".into(),
            "add results: with label, before and after, e.g. «Срок назначения: 30 дней → 5 дней»"
                .into(),
        ));
    }
    if rules.contacts && meta.contacts.is_empty() && meta.links.is_empty() {
        warnings.push(at(
            "no-contacts",
            "",
            "neither `contacts` nor `links`: readers cannot ask or check".into(),
            "add contacts: (who to ask) or links: (the source)".into(),
        ));
    }
    if let Some(summary) = &meta.summary {
        let length = summary.chars().count();
        if rules.summary_max > 0 && length > rules.summary_max {
            warnings.push(at(
                "long-summary",
                "summary",
                format!(
                    "summary has {length} characters, more than {}",
                    rules.summary_max
                ),
                "keep it to one or two sentences; details go in the body".into(),
            ));
        }
    }
    warnings
}

/// The line of a top-level key, or the opening fence when there is none.
fn key_location(source: &SourceText<'_>, key: &str) -> Location {
    if !key.is_empty() {
        for line in 2..=source.line_count() {
            let text = source.line_text(line).unwrap_or("");
            if text == "---" {
                break;
            }
            if text
                .strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
            {
                return Location::new(line, 1, key.chars().count());
            }
        }
    }
    Location::new(1, 1, 3)
}

fn fold(text: &str) -> String {
    text.trim().to_lowercase().replace('ё', "е")
}
