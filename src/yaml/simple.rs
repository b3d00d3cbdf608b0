//! The plain block YAML that front matter is written in, parsed without libyaml.
//!
//! Front matter was a fifteenth of a whole build's CPU time, four-fifths of it in libyaml and
//! `serde_yaml`'s event handling, for a few lines of `key: value` each. This parser takes
//! only the shapes editors write: block mappings and sequences by indentation, plain scalars,
//! quoted scalars without escapes, one-line flow sequences of plain scalars, and whole-line
//! comments. For anything else (a comment after a value, escapes, multi-line scalars,
//! anchors, tags, flow mappings, odd characters, duplicate keys, very long keys, numbers in
//! any form but plain digits) it gives up, and `serde_yaml` parses the document as before:
//! it stays the definition. What this parser returns must be exactly the value `serde_yaml`
//! gives for the same text; the tests and the `front_matter` fuzz target compare the two.

use serde_yaml::{Mapping, Value};

/// Deeper nesting than this is left to `serde_yaml` (and its own recursion limit).
const MAX_DEPTH: usize = 16;

/// libyaml forgets a possible key once its `:` is more than 1024 characters away, and then
/// rejects the line; longer keys are left to `serde_yaml` to report.
const MAX_KEY_LEN: usize = 1024;

/// `serde_yaml`'s value of `yaml`, or `None` when the text is not of the simple kind.
pub fn parse(yaml: &str) -> Option<Value> {
    if !printable(yaml) {
        return None;
    }
    let mut lines = Vec::new();
    for line in yaml.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let text = line.trim_start_matches(' ');
        // Blank lines and whole-line comments.
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        lines.push(Line {
            indent: line.len() - text.len(),
            text,
        });
    }
    if lines.first()?.indent != 0 {
        return None;
    }
    let mut parser = Parser { lines, at: 0 };
    let root = parser.mapping(0, 0)?;
    (parser.at == parser.lines.len()).then_some(Value::Mapping(root))
}

/// Whether every character is one libyaml reads as itself: printable, and not one of the
/// characters it takes as a line break (NEL, U+2028, U+2029) or a byte-order mark. A carriage
/// return only ends a line. Tabs are left to `serde_yaml` too.
fn printable(yaml: &str) -> bool {
    let bytes = yaml.as_bytes();
    yaml.char_indices().all(|(i, c)| match c {
        '\n' => true,
        '\r' => bytes.get(i + 1) == Some(&b'\n'),
        ' '..='~' => true,
        '\u{A0}'..='\u{D7FF}' => !matches!(c, '\u{2028}' | '\u{2029}'),
        '\u{E000}'..='\u{FFFD}' => c != '\u{FEFF}',
        '\u{10000}'.. => true,
        _ => false,
    })
}

/// A line with content, without its indentation.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    at: usize,
}

impl<'a> Parser<'a> {
    fn current(&self) -> Option<Line<'a>> {
        self.lines.get(self.at).copied()
    }

    /// The block mapping whose keys are at `indent`, from the current line on.
    fn mapping(&mut self, indent: usize, depth: usize) -> Option<Mapping> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut mapping = Mapping::new();
        while let Some(line) = self.current() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is_item(line.text) {
                return None;
            }
            let (key, inline) = key_value(line.text)?;
            self.at += 1;
            let value = match inline {
                Some(inline) => {
                    let value = inline_value(inline)?;
                    // A more indented line would continue the scalar: not simple.
                    if self.current().is_some_and(|next| next.indent > indent) {
                        return None;
                    }
                    value
                }
                None => self.block_value(indent, depth)?,
            };
            if mapping
                .insert(Value::String(key.to_owned()), value)
                .is_some()
            {
                // A duplicate key: `serde_yaml` reports it.
                return None;
            }
        }
        Some(mapping)
    }

    /// The value of a key at `indent` written as `key:` with nothing after it: a block
    /// below it, or nothing.
    fn block_value(&mut self, indent: usize, depth: usize) -> Option<Value> {
        let Some(next) = self.current() else {
            return Some(Value::Null);
        };
        let (next_indent, item) = (next.indent, is_item(next.text));
        if item && next_indent >= indent {
            // A sequence may sit at its key's own indentation.
            return self.sequence(next_indent, depth + 1).map(Value::Sequence);
        }
        if next_indent > indent {
            return self.mapping(next_indent, depth + 1).map(Value::Mapping);
        }
        Some(Value::Null)
    }

    /// The block sequence whose `- ` markers are at `indent`.
    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Vec<Value>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut items = Vec::new();
        while let Some(Line { indent: at, text }) = self.current() {
            if at < indent || (at == indent && !is_item(text)) {
                break;
            }
            if at > indent {
                return None;
            }
            let rest = text[1..].trim_start_matches(' ');
            let column = indent + (text.len() - rest.len());
            if rest.is_empty() || is_item(rest) {
                // `-` alone (a block below it) or `- - x`: not simple.
                return None;
            }
            if key_value(rest).is_some() {
                // `- key: value`: a mapping whose keys are at the column after the marker.
                // The line is rewritten as that mapping's first line (on purpose: the
                // mapping starts here), and parsed again as such.
                self.lines[self.at] = Line {
                    indent: column,
                    text: rest,
                };
                items.push(Value::Mapping(self.mapping(column, depth + 1)?));
            } else {
                self.at += 1;
                items.push(inline_value(rest.trim_end_matches(' '))?);
                if self.current().is_some_and(|next| next.indent > indent) {
                    return None;
                }
            }
        }
        Some(items)
    }
}

/// Whether a line (without indentation) starts a sequence item.
fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// A simple key (lower-case ASCII letters, digits and `_`, starting with a letter or `_`, and
/// not a word YAML reads as null or true/false) and what follows `: ` on its line, if
/// anything.
fn key_value(text: &str) -> Option<(&str, Option<&str>)> {
    let end = text.find(':')?;
    if end > MAX_KEY_LEN {
        return None;
    }
    let key = &text[..end];
    let simple = key
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !matches!(key, "null" | "true" | "false");
    if !simple {
        return None;
    }
    let rest = &text[end + 1..];
    if rest.is_empty() {
        return Some((key, None));
    }
    let value = rest.strip_prefix(' ')?.trim_matches(' ');
    Some((key, (!value.is_empty()).then_some(value)))
}

/// A value written on the key's line: a quoted scalar, a flow sequence or a plain scalar.
fn inline_value(text: &str) -> Option<Value> {
    if text.contains('#') {
        // A comment, or a `#` that might start one.
        return None;
    }
    match text.as_bytes()[0] {
        b'"' => quoted(text, '"').map(Value::String),
        b'\'' => quoted(text, '\'').map(Value::String),
        b'[' => flow_sequence(text),
        _ => plain(text, false),
    }
}

/// The content of a one-line quoted scalar without escapes, with nothing after it.
fn quoted(text: &str, quote: char) -> Option<String> {
    let inner = text[1..].strip_suffix(quote)?;
    // An inner quote ends the scalar early (or, doubled in single quotes, escapes one);
    // a backslash escapes in double quotes.
    let escapes = inner.contains(quote) || (quote == '"' && inner.contains('\\'));
    (!escapes).then(|| inner.to_owned())
}

/// `[a, b, c]` of plain scalars, on one line.
fn flow_sequence(text: &str) -> Option<Value> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?.trim_matches(' ');
    if inner.is_empty() {
        return Some(Value::Sequence(Vec::new()));
    }
    inner
        .split(',')
        .map(|item| plain(item.trim_matches(' '), true))
        .collect::<Option<Vec<Value>>>()
        .map(Value::Sequence)
}

/// A plain scalar as `serde_yaml` types it; `None` when it is not simple: it starts with an
/// indicator, holds `: ` or (in a flow) flow characters, or may be a number in a form other
/// than plain digits.
fn plain(text: &str, in_flow: bool) -> Option<Value> {
    let first = text.bytes().next()?;
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first)
        || text.contains(": ")
        || text.ends_with(':')
        || (in_flow && text.contains([',', '[', ']', '{', '}', ':', '"', '\'']))
    {
        return None;
    }
    match text {
        "null" | "Null" | "NULL" | "~" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    if first.is_ascii_digit() || matches!(first, b'+' | b'.') {
        return number_or_date(text);
    }
    Some(Value::String(text.to_owned()))
}

/// A plain scalar that starts like a number. Plain digits are an integer (or text, with a
/// leading zero, as YAML 1.2 has it); a `YYYY-MM-DD` date, or anything with a character no
/// number can hold (`30 дней`), is text. Any other form (`1.5`, `0x1F`, `1e3`) is not simple.
fn number_or_date(text: &str) -> Option<Value> {
    let bytes = text.as_bytes();
    if bytes.iter().all(u8::is_ascii_digit) {
        if bytes.len() > 1 && bytes[0] == b'0' {
            return Some(Value::String(text.to_owned()));
        }
        return text.parse::<u64>().ok().map(|n| Value::Number(n.into()));
    }
    let date = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    // Integers in any base and Rust's floats are written with ASCII letters, digits, signs
    // and points only.
    let not_a_number = bytes
        .iter()
        .any(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')));
    (date || not_a_number).then(|| Value::String(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_serde_yaml(text: &str) -> Option<Value> {
        crate::yaml::assert_simple_agrees(text);
        parse(text)
    }

    #[test]
    fn front_matter_as_editors_write_it_is_taken_and_equals_serde_yaml() {
        let text = "title: \"Итоги: 2024\"\nregion: Тамбовская область\nyear: 2024\n\
            summary: 'Кратко'\ntags: [детский отдых, кешбэк, English]\ndraft: false\n\
            results:\n  - label: Срок\n    before: 30 дней\n    after: 5\n  - label: Охват\n\
            contacts:\n- name: Иван\n  email: a@b.ru\nlinks: []\ndate: 2025-03-11\n\
            code: 007\nnothing:\nempty: ~\r\nnested:\n  a: 1\n  b:\n    - x\n    - y\n";
        assert!(same_as_serde_yaml(text).is_some());
    }

    #[test]
    fn the_demo_librarys_front_matter_is_all_taken() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/practices");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            let split = crate::content::frontmatter::split(&text).unwrap();
            assert!(same_as_serde_yaml(split.yaml).is_some(), "{}", split.yaml);
            files += 1;
        }
        assert!(files >= 10, "{files} demo practices");
    }

    #[test]
    fn anything_unusual_is_left_to_serde_yaml() {
        for text in [
            "title: a # comment\n",
            "title: a\n  # comment\n  continued\n",
            "title: \"a\\nb\"\n",
            "title: a\n  continued\n",
            "title: &x a\nother: *x\n",
            "title: !tag a\n",
            "title: |\n  block\n",
            "title: {a: 1}\n",
            "title: 1.5\n",
            "title: 0x1F\n",
            "title: -3\n",
            "title: a\ntitle: b\n",
            "Title: a\n",
            "title:\ta\n",
            "title: a\u{85}b\n",
            "  title: a\n",
            "title: a: b\n",
            "tags: [a, [b]]\n",
            "tags: [\"a\", b]\n",
            "list:\n  - - a\n",
            "list:\n  -\n    a: 1\n",
            "title: 'it''s'\n",
            &format!("{}: b\n", "a".repeat(MAX_KEY_LEN + 1)),
            &format!("x: 1\n{}: b\n", "a".repeat(MAX_KEY_LEN + 1)),
            &format!("x:\n  - {}: b\n", "a".repeat(MAX_KEY_LEN + 1)),
            "",
        ] {
            assert_eq!(same_as_serde_yaml(text), None, "{text:?}");
        }
    }

    /// A small deterministic generator (xorshift), so the test needs no dependency and
    /// every run checks the same documents.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
            choices[(self.next() % choices.len() as u64) as usize]
        }
    }

    #[test]
    fn random_documents_are_taken_only_as_serde_yaml_reads_them() {
        // The first keys and scalars are the ordinary kind, picked three times in four.
        let keys = [
            "title", "region", "year", "tags", "a", "x_1", "null", "Key", "1a", "b-c",
        ];
        let scalars = [
            "Совет",
            "Тамбовская область",
            "2024",
            "007",
            "0",
            "2025-03-11",
            "30 дней",
            "5%",
            "1,5 млн",
            "true",
            "yes",
            "~",
            "a:b",
            "inf",
            "\"q: r\"",
            "'s'",
            "[a, b]",
            "[]",
            "[a,b]",
            "http://x.ru/a",
            "É",
            "a  ",
            "\"\"",
            "''",
            "1-2",
            "12:30",
            "False",
            // Then anything.
            "1.5",
            "-1",
            "+1",
            ".5",
            "1e3",
            "2025-3-11",
            "null",
            ".inf",
            "nan",
            "a: b",
            "a #b",
            "a#b",
            "\"q\"",
            "'it''s'",
            "\"a\\\"b\"",
            "[a, 1]",
            "[a, [b]]",
            "[a, b",
            "[a, ]",
            "{a: 1}",
            "&x a",
            "*x",
            "!t a",
            "|",
            ">",
            "- a",
            "-a",
            "?",
            "@a",
            "`a`",
            "%a",
            "",
            " ",
            "a\tb",
            "18446744073709551616",
            "0o17",
            "0b1",
            "1_000",
            "a\rb",
        ];
        let mut random = Random(0x9E37_79B9_7F4A_7C15);
        let pick_key = |random: &mut Random| {
            let ordinary = if random.next().is_multiple_of(4) {
                keys.len()
            } else {
                6
            };
            keys[(random.next() % ordinary as u64) as usize]
        };
        let pick_scalar = |random: &mut Random| {
            let ordinary = if random.next().is_multiple_of(4) {
                scalars.len()
            } else {
                27
            };
            scalars[(random.next() % ordinary as u64) as usize]
        };
        let indents = ["", "  ", "    ", " ", "   "];
        let mut taken = 0;
        let documents = 20_000;
        for _ in 0..documents {
            let mut text = String::new();
            for _ in 0..1 + random.next() % 5 {
                let key = pick_key(&mut random);
                let items = 1 + random.next() % 3;
                match random.next() % 6 {
                    0 => {
                        text.push_str(&format!("{key}:\n"));
                        let indent = random.pick(&["", "  ", "    "]);
                        for _ in 0..items {
                            text.push_str(&format!("{indent}- {}\n", pick_scalar(&mut random)));
                        }
                    }
                    1 => {
                        text.push_str(&format!("{key}:\n"));
                        for _ in 0..items {
                            let (k1, s1) = (pick_key(&mut random), pick_scalar(&mut random));
                            let (k2, s2) = (pick_key(&mut random), pick_scalar(&mut random));
                            text.push_str(&format!("  - {k1}: {s1}\n    {k2}: {s2}\n"));
                        }
                    }
                    2 => {
                        text.push_str(&format!("{key}:\n"));
                        for _ in 0..items {
                            let (k, s) = (pick_key(&mut random), pick_scalar(&mut random));
                            text.push_str(&format!("  {k}: {s}\n"));
                        }
                    }
                    3 => {
                        // Anything, anywhere.
                        let indent = random.pick(&indents);
                        let (k, s) = (pick_key(&mut random), pick_scalar(&mut random));
                        text.push_str(&match random.next() % 4 {
                            0 => format!("{indent}- {s}\n"),
                            1 => format!("{indent}- {k}: {s}\n"),
                            2 => format!("{indent}{k}:\n"),
                            _ => format!("{indent}# {k}: {s}\n"),
                        });
                    }
                    _ => text.push_str(&format!("{key}: {}\n", pick_scalar(&mut random))),
                }
            }
            if same_as_serde_yaml(&text).is_some() {
                taken += 1;
            }
        }
        // The generator must exercise the fast path, not only the fallback.
        assert!(taken > documents / 10, "only {taken} of {documents} taken");
    }
}
