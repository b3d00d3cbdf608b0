//! YAML with source positions: the one module that touches `serde_yaml`.
//!
//! `serde_yaml` is no longer maintained upstream, so the rest of the program only sees the
//! [`Node`] tree defined here. Each node remembers where its key and value sit in the source, so
//! schema errors can point at `path:line:col` instead of «somewhere in the front matter».
//! Positions come from a small scanner over block-style YAML lines; for flow style
//! (`{ a: 1 }`) a node falls back to the position of its nearest located parent.
//!
//! Front matter of the plain kind editors write is parsed by `simple`, without libyaml, into
//! the value `serde_yaml` would give; `serde_yaml` parses everything else, errors included.

mod simple;

use crate::diagnostics::{Diagnostic, Location, SourceText};

/// A YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// Where the value is written (for map entries: after `key:`; for items: after `- `).
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry: the key with its own position, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_location: Location,
    pub value: Node,
}

impl Value {
    /// The YAML type name as an editor would say it.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "true/false",
            Value::Int(_) => "a whole number",
            Value::Float(_) => "a number",
            Value::String(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// Scalars as text, the way an editor sees them (`5 дней`, `30`, `true`).
    pub fn as_scalar_text(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Parses a YAML document. `line_offset` is the number of lines before the YAML in the file
/// (front matter starts after the `---` line), so locations are file locations.
pub fn parse(source: &SourceText<'_>, yaml: &str, line_offset: usize) -> Result<Node, Diagnostic> {
    let scanner = Scanner::new(yaml);
    let parsed = simple::parse(yaml).map_or_else(|| serde_yaml::from_str(yaml), Ok);
    let parsed: serde_yaml::Value = match parsed {
        Ok(value) => value,
        Err(err) => {
            let (line, column) = err.location().map_or((1, 0), |l| (l.line(), l.column()));
            let mut location = Location::new(line + line_offset, column, 1);
            let message = err.to_string();
            // serde_yaml appends " at line L column C"; the location is shown separately.
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            // serde_yaml points a duplicate key at its mapping; point at the repeated key.
            if let Some(key) = message
                .strip_prefix("duplicate entry with key \"")
                .and_then(|rest| rest.strip_suffix('"'))
            {
                let repeats: Vec<(usize, usize, usize)> = scanner
                    .lines
                    .iter()
                    .enumerate()
                    .filter_map(|(i, l)| match &l.key {
                        Some((k, col, len)) if k == key => Some((i, *col, *len)),
                        _ => None,
                    })
                    .collect();
                if let Some(&(i, col, len)) = repeats.get(1) {
                    location = Location::new(i + 1 + line_offset, col + 1, len);
                }
            }
            return Err(Diagnostic::at(
                "yaml-syntax",
                source,
                location,
                format!("invalid YAML: {message}"),
            )
            .with_hint_opt(syntax_hint(
                &message,
                source.line_text(location.line).unwrap_or(""),
            )));
        }
    };
    let mut path = Vec::new();
    convert(parsed, &scanner, &mut path, line_offset, source)
}

/// For the `front_matter` fuzz target and the tests: panics when the plain-YAML parser takes
/// `yaml` with a value other than the one `serde_yaml` gives, or takes what `serde_yaml`
/// rejects.
#[cfg(any(test, feature = "fuzzing"))]
pub fn assert_simple_agrees(yaml: &str) {
    if let Some(value) = simple::parse(yaml) {
        match serde_yaml::from_str::<serde_yaml::Value>(yaml) {
            Ok(reference) => assert_eq!(value, reference, "for {yaml:?}"),
            Err(err) => panic!("taken, but serde_yaml rejects it ({err}): {yaml:?}"),
        }
    }
}

/// A hint for a YAML syntax error, from libyaml's message and the line it points at.
fn syntax_hint(message: &str, line: &str) -> Option<String> {
    let indent = &line[..line.len() - line.trim_start().len()];
    // A tab that starts a line is reported as a character that "cannot start any token".
    if message.contains("tab") || indent.contains('\t') {
        Some("indent with spaces, not tabs".into())
    } else if message.contains("duplicate") {
        Some("each key may appear only once; remove or merge the repeated one".into())
    } else if message.contains("mapping values are not allowed") {
        Some("a value containing `: ` must be quoted, e.g. title: \"Итоги: 2024\"".into())
    } else if message.contains("did not find expected") {
        Some("check indentation and closing brackets or quotes on this line".into())
    } else if message.contains("cannot start any token") {
        Some("a value that starts with @ or ` must be in quotes, e.g. contact: \"@name\"".into())
    } else if message.contains("repetition limit") || message.contains("recursion limit") {
        Some("aliases (`*name`) expand too much; write the values out".into())
    } else {
        None
    }
}

#[derive(Debug, Clone)]
enum Segment {
    Key(String),
    Index(usize),
}

fn convert(
    value: serde_yaml::Value,
    scanner: &Scanner,
    path: &mut Vec<Segment>,
    line_offset: usize,
    source: &SourceText<'_>,
) -> Result<Node, Diagnostic> {
    let location = shift(scanner.value_location(path), line_offset);
    let value = match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => {
            let mut nodes = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                path.push(Segment::Index(i));
                nodes.push(convert(item, scanner, path, line_offset, source)?);
                path.pop();
            }
            Value::Seq(nodes)
        }
        serde_yaml::Value::Mapping(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (key, value) in map {
                let key = match key {
                    serde_yaml::Value::String(s) => s,
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    other => {
                        return Err(Diagnostic::at(
                            "yaml-key",
                            source,
                            location,
                            format!("a key must be plain text, found {}", kind_name(&other)),
                        ))
                    }
                };
                path.push(Segment::Key(key.clone()));
                let key_location = shift(scanner.key_location(path), line_offset);
                let value = convert(value, scanner, path, line_offset, source)?;
                path.pop();
                entries.push(Entry {
                    key,
                    key_location,
                    value,
                });
            }
            Value::Map(entries)
        }
        serde_yaml::Value::Tagged(tagged) => {
            return Err(Diagnostic::at(
                "yaml-tag",
                source,
                location,
                format!("YAML tags such as `!{}` are not supported", tagged.tag),
            )
            .with_hint("remove the `!tag` and write a plain value"));
        }
    };
    Ok(Node { value, location })
}

fn kind_name(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Null => "nothing",
        _ => "a tagged value",
    }
}

fn shift(mut location: Location, line_offset: usize) -> Location {
    if location.line > 0 {
        location.line += line_offset;
    }
    location
}

/// One line of block YAML, as far as positions go.
#[derive(Debug)]
struct Line {
    /// Character column (0-based) of each `- ` item marker on this line.
    dashes: Vec<usize>,
    /// The key on this line: text, 0-based char column, char length.
    key: Option<(String, usize, usize)>,
    /// 0-based char column where the value (or the content after the dashes) starts.
    value_column: usize,
    value_len: usize,
    /// Indentation of the first meaningful character.
    indent: usize,
    blank: bool,
}

/// Finds positions of keys and items in block-style YAML by indentation.
struct Scanner {
    lines: Vec<Line>,
}

impl Scanner {
    fn new(yaml: &str) -> Self {
        Scanner {
            lines: yaml.lines().map(scan_line).collect(),
        }
    }

    fn key_location(&self, path: &[Segment]) -> Location {
        match self.find(path) {
            Some((line, true)) => {
                let l = &self.lines[line];
                let (_, col, len) = l
                    .key
                    .as_ref()
                    .map_or((String::new(), l.indent, 1), |k| k.clone());
                Location::new(line + 1, col + 1, len)
            }
            _ => self.value_location(path),
        }
    }

    fn value_location(&self, path: &[Segment]) -> Location {
        for depth in (0..=path.len()).rev() {
            if let Some((line, exact)) = self.find(&path[..depth]) {
                let l = &self.lines[line];
                if exact && depth == path.len() && l.value_len == 0 {
                    // A block value starts on the next meaningful line.
                    if let Some(next) = (line + 1..self.lines.len()).find(|&i| !self.lines[i].blank)
                    {
                        let n = &self.lines[next];
                        return Location::new(next + 1, n.indent + 1, 1);
                    }
                }
                return Location::new(line + 1, l.value_column + 1, l.value_len.max(1));
            }
        }
        Location::new(1, 1, 1)
    }

    /// The line holding the last segment of `path`; `true` when it was found exactly.
    fn find(&self, path: &[Segment]) -> Option<(usize, bool)> {
        let mut start = 0;
        let mut end = self.lines.len();
        // Column the children of the current node start at.
        let mut min_column = 0;
        let mut found = None;
        for segment in path {
            match segment {
                Segment::Key(key) => {
                    let column = (start..end)
                        .filter_map(|i| self.lines[i].key.as_ref().map(|k| k.1))
                        .filter(|&c| c >= min_column)
                        .min()?;
                    let line = (start..end).find(|&i| {
                        matches!(&self.lines[i].key, Some((k, c, _)) if k == key && *c == column)
                    })?;
                    found = Some(line);
                    start = line + 1;
                    end = self.block_end(start, end, column);
                    // A key whose value is on the same line has no children below.
                    min_column = column + 1;
                }
                Segment::Index(index) => {
                    let column = (start..end)
                        .filter_map(|i| {
                            self.lines[i]
                                .dashes
                                .iter()
                                .copied()
                                .find(|&c| c >= min_column)
                        })
                        .min()?;
                    let items: Vec<usize> = (start..end)
                        .filter(|&i| self.lines[i].dashes.contains(&column))
                        .collect();
                    let line = *items.get(*index)?;
                    found = Some(line);
                    let next_item = items.get(index + 1).copied().unwrap_or(end);
                    start = line;
                    end = self.block_end(line + 1, next_item, column).max(line + 1);
                    min_column = column + 1;
                }
            }
        }
        found.map(|line| (line, true))
    }

    /// The first line at or after `from` (before `limit`) indented at or left of `column`.
    fn block_end(&self, from: usize, limit: usize, column: usize) -> usize {
        (from..limit)
            .find(|&i| {
                let l = &self.lines[i];
                !l.blank && l.indent <= column && (l.key.is_some() || !l.dashes.is_empty())
            })
            .unwrap_or(limit)
    }
}

/// Scans one line. Works on bytes (every character it looks for is ASCII, and ASCII bytes
/// never occur inside a multi-byte character) and counts characters only for the columns it
/// reports: this runs on every front-matter line of every file.
fn scan_line(raw: &str) -> Line {
    let line = raw.trim_end_matches('\r');
    let bytes = line.as_bytes();
    let columns = |byte: usize| line[..byte].chars().count();
    let mut i = bytes.iter().take_while(|&&b| b == b' ').count();
    let indent = i;
    if bytes.get(i).is_none_or(|&b| b == b'#') {
        return Line {
            dashes: Vec::new(),
            key: None,
            value_column: i,
            value_len: 0,
            indent,
            blank: true,
        };
    }
    // Up to here the line is spaces and dashes: byte offsets are columns.
    let mut dashes = Vec::new();
    while bytes.get(i) == Some(&b'-') && matches!(bytes.get(i + 1), Some(b' ') | None) {
        dashes.push(i);
        i += 1;
        while bytes.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    let mut key = None;
    let mut value_start = i;
    if !matches!(
        bytes.get(i),
        Some(b'"' | b'\'' | b'[' | b'{' | b'|' | b'>') | None
    ) {
        // `key: value` — the key ends at the first `:` followed by a space or the line's end.
        let mut j = i;
        while j < bytes.len() {
            if bytes[j] == b':' && matches!(bytes.get(j + 1), Some(b' ') | None) {
                let text = line[i..j].trim_end().to_string();
                let len = text.chars().count();
                key = Some((text, i, len));
                value_start = j + 1;
                while bytes.get(value_start) == Some(&b' ') {
                    value_start += 1;
                }
                break;
            }
            if bytes[j] == b'#' && j > 0 && bytes[j - 1] == b' ' {
                break;
            }
            j += 1;
        }
    }
    let value = &line[value_start.min(line.len())..];
    let value = match value.find(" #") {
        Some(cut) if !value.starts_with(['"', '\'']) => &value[..cut],
        _ => value,
    };
    Line {
        dashes,
        key,
        value_column: columns(value_start.min(line.len())),
        value_len: value.trim_end().chars().count(),
        indent,
        blank: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse_str(text: &str) -> Node {
        let source = SourceText::new(Path::new("t.yaml"), text);
        parse(&source, text, 0).unwrap()
    }

    fn entry<'a>(node: &'a Node, key: &str) -> &'a Entry {
        let Value::Map(entries) = &node.value else {
            panic!("not a map")
        };
        entries.iter().find(|e| e.key == key).unwrap()
    }

    #[test]
    fn top_level_keys_and_values_are_located() {
        let doc = parse_str("title: Совет\nregion: Тамбовская облсть  # comment\nyear: 2024\n");
        let region = entry(&doc, "region");
        assert_eq!(region.key_location, Location::new(2, 1, 6));
        assert_eq!(region.value.location, Location::new(2, 9, 17));
        assert_eq!(entry(&doc, "year").value.value, Value::Int(2024));
    }

    #[test]
    fn nested_list_items_are_located() {
        let text = "results:\n  - label: Срок\n    before: 30 дней\n  - label: Охват\n    aftr: 5\nlinks: []\n";
        let doc = parse_str(text);
        let results = &entry(&doc, "results").value;
        let Value::Seq(items) = &results.value else {
            panic!()
        };
        let second = entry(&items[1], "aftr");
        assert_eq!(second.key_location, Location::new(5, 5, 4));
        let first = entry(&items[0], "before");
        assert_eq!(first.value.location, Location::new(3, 13, 7));
    }

    #[test]
    fn flow_style_falls_back_to_the_parent() {
        let doc = parse_str("contacts: [{ name: Иван, mail: x }]\n");
        let Value::Seq(items) = &entry(&doc, "contacts").value.value else {
            panic!()
        };
        assert_eq!(entry(&items[0], "mail").key_location.line, 1);
    }

    #[test]
    fn syntax_errors_carry_a_location() {
        let text = "title: a\n\tregion: b\n";
        let source = SourceText::new(Path::new("t.yaml"), text);
        let err = parse(&source, text, 1).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
    }

    #[test]
    fn a_tab_that_starts_a_line_gets_the_tab_hint() {
        // After a quoted value libyaml's message does not mention tabs; the line does.
        let text = "title: \"a\"\n\tyear: 2024\n";
        let source = SourceText::new(Path::new("t.yaml"), text);
        let err = parse(&source, text, 0).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("indent with spaces, not tabs"));
        let text = "title: a\ncontact: @ivanov\n";
        let source = SourceText::new(Path::new("t.yaml"), text);
        let err = parse(&source, text, 0).unwrap_err();
        assert!(
            err.hint.as_deref().is_some_and(|h| h.contains("quotes")),
            "{err:?}"
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let text = "title: a\ntitle: b\n";
        let source = SourceText::new(Path::new("t.yaml"), text);
        let err = parse(&source, text, 0).unwrap_err();
        assert!(err.message.contains("duplicate"), "{}", err.message);
    }

    #[test]
    fn alias_bombs_are_refused_quickly() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = (b'a' + i - 1) as char;
            let name = (b'a' + i) as char;
            text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let source = SourceText::new(Path::new("t.yaml"), &text);
        assert!(parse(&source, &text, 0).is_err());
    }
}
