//! Typed reading of YAML nodes, with diagnostics for every mismatch.
//!
//! `site.yaml` and front matter are validated the same way: every key is checked against the
//! list of known keys, every value against its expected type, and each problem becomes a
//! [`Diagnostic`] at the exact key or value, with a hint. Reading continues after a problem so
//! that all of them are reported at once.

use crate::diagnostics::{nearest, Diagnostic, SourceText};
use crate::yaml::{Entry, Node, Value};

/// Collects diagnostics while reading one YAML document.
pub struct Reader<'s, 't> {
    pub source: &'s SourceText<'t>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'s, 't> Reader<'s, 't> {
    pub fn new(source: &'s SourceText<'t>) -> Self {
        Reader {
            source,
            diagnostics: Vec::new(),
        }
    }

    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The entries of a mapping, reporting keys outside `known` (with the nearest known key).
    pub fn mapping<'n>(&mut self, node: &'n Node, what: &str, known: &[&str]) -> &'n [Entry] {
        let Value::Map(entries) = &node.value else {
            self.type_error(node, what, "a mapping of `key: value` lines");
            return &[];
        };
        for entry in entries {
            if !known.contains(&entry.key.as_str()) {
                let hint = match nearest(&entry.key, known.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("known keys: {}", known.join(", ")),
                };
                self.error(
                    Diagnostic::at(
                        "unknown-key",
                        self.source,
                        entry.key_location,
                        format!("unknown key `{}` in {what}", entry.key),
                    )
                    .with_hint(hint),
                );
            }
        }
        entries
    }

    pub fn type_error(&mut self, node: &Node, what: &str, expected: &str) {
        let found = node.value.kind();
        let hint = match (&node.value, expected) {
            (Value::Seq(_), e) if e.starts_with("text") => {
                Some("write a single value, not a list".to_string())
            }
            (Value::String(_), e) if e.starts_with("a list") => {
                Some(format!("write a list, e.g. {what}: [первое, второе]"))
            }
            (Value::Null, _) => Some("fill in the value or remove the key".to_string()),
            _ => None,
        };
        self.error(
            Diagnostic::at(
                "wrong-type",
                self.source,
                node.location,
                format!("`{what}` must be {expected}, found {found}"),
            )
            .with_hint_opt(hint),
        );
    }

    /// A non-empty single line of text. Numbers are accepted as their text.
    pub fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::String(_) => {
                self.error(
                    Diagnostic::at(
                        "empty-value",
                        self.source,
                        node.location,
                        format!("`{what}` is empty"),
                    )
                    .with_hint("fill in the value or remove the key"),
                );
                None
            }
            Value::Int(_) | Value::Float(_) => node.value.as_scalar_text(),
            _ => {
                self.type_error(node, what, "text");
                None
            }
        }
    }

    pub fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.type_error(node, what, "true or false");
                None
            }
        }
    }

    pub fn integer(&mut self, node: &Node, what: &str) -> Option<i64> {
        match &node.value {
            Value::Int(i) => Some(*i),
            Value::String(s) if s.trim().parse::<i64>().is_ok() => s.trim().parse().ok(),
            _ => {
                self.type_error(node, what, "a whole number");
                None
            }
        }
    }

    /// A list; a single scalar is not silently promoted, editors get a hint instead.
    pub fn list<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            _ => {
                self.type_error(node, what, "a list");
                &[]
            }
        }
    }

    /// A list of texts (tags).
    pub fn text_list(&mut self, node: &Node, what: &str) -> Vec<String> {
        self.list(node, what)
            .iter()
            .filter_map(|item| self.text(item, what))
            .collect()
    }

    /// Reports a required key that is missing, at the start of the document.
    pub fn missing(&mut self, node: &Node, key: &str, what: &str, example: &str) {
        self.error(
            Diagnostic::at(
                "missing-key",
                self.source,
                node.location,
                format!("{what} has no `{key}`"),
            )
            .with_hint(format!("add a line such as `{key}: {example}`")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn unknown_keys_are_reported_with_the_nearest_known_one() {
        let text = "titel: x\n";
        let source = SourceText::new(Path::new("s.yaml"), text);
        let node = crate::yaml::parse(&source, text, 0).unwrap();
        let mut reader = Reader::new(&source);
        reader.mapping(&node, "site.yaml", &["title", "theme"]);
        let d = &reader.diagnostics[0];
        assert_eq!((d.line, d.column), (1, 1));
        assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn a_list_where_text_belongs_is_explained() {
        let text = "title: [a, b]\n";
        let source = SourceText::new(Path::new("s.yaml"), text);
        let node = crate::yaml::parse(&source, text, 0).unwrap();
        let Value::Map(entries) = &node.value else {
            panic!()
        };
        let mut reader = Reader::new(&source);
        assert_eq!(reader.text(&entries[0].value, "title"), None);
        assert!(reader.diagnostics[0]
            .message
            .contains("must be text, found a list"));
    }
}
