//! Problems found in a site's sources, and how they are shown to people.
//!
//! Every stage collects [`Diagnostic`]s instead of stopping at the first one, so an editor sees
//! all mistakes of a merge request at once. A diagnostic carries its own copy of the offending
//! line: reports are rendered long after the source text has been dropped.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors fail the build, warnings are only reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem at one place in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable machine-readable code such as `unknown-key`.
    pub code: &'static str,
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters (not bytes); 0 when unknown.
    pub column: usize,
    pub message: String,
    /// The text of `line`, without its line break.
    pub source_line: Option<String>,
    /// How many characters the caret underline spans (at least 1).
    pub span: usize,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error about a whole file (no line is known).
    pub fn file_error(code: &'static str, path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
            span: 1,
            hint: None,
        }
    }

    /// An error at a place in a source text.
    pub fn at(
        code: &'static str,
        source: &SourceText<'_>,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            path: source.path.to_path_buf(),
            line: location.line,
            column: location.column,
            message: message.into(),
            source_line: source.line_text(location.line).map(str::to_owned),
            span: location.span.max(1),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col`, or as much of it as is known.
    pub fn location_label(&self) -> String {
        let path = self.path.display();
        match (self.line, self.column) {
            (0, _) => format!("{path}"),
            (line, 0) => format!("{path}:{line}"),
            (line, col) => format!("{path}:{line}:{col}"),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// The human report: location, message, the source line with a caret, and the hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(
            f,
            "{level}[{}]: {}: {}",
            self.code,
            self.location_label(),
            self.message
        )?;
        if let Some(text) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let shown = text.replace('\t', " ");
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {shown}")?;
            if self.column > 0 {
                let spaces = " ".repeat(self.column - 1);
                let carets = "^".repeat(self.span.max(1));
                writeln!(f, "{pad} | {spaces}{carets}")?;
            }
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// A 1-based position in a source text, with the width of the offending token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub span: usize,
}

impl Location {
    pub fn new(line: usize, column: usize, span: usize) -> Self {
        Location { line, column, span }
    }
}

/// A whole source file's text with its path, able to turn byte offsets into locations.
pub struct SourceText<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> SourceText<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceText {
            path,
            text,
            line_starts,
        }
    }

    /// The text of a 1-based line, without `\r\n`.
    pub fn line_text(&self, line: usize) -> Option<&'a str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        let raw = self.text.get(start..end)?;
        Some(raw.strip_suffix('\r').unwrap_or(raw))
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The location of a byte offset; `len` bytes of text are underlined.
    pub fn location(&self, offset: usize, len: usize) -> Location {
        let offset = offset.min(self.text.len());
        let index = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[index];
        let column = char_count(&self.text[start..floor_char(self.text, offset)]) + 1;
        let end = floor_char(self.text, (offset + len).min(self.text.len()));
        let underlined = &self.text[floor_char(self.text, offset)..end];
        let span = char_count(underlined.split('\n').next().unwrap_or("")).max(1);
        Location::new(index + 1, column, span)
    }
}

fn char_count(s: &str) -> usize {
    s.chars().count()
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Renders diagnostics in a stable order: by path, then line, then column.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.path, b.line, b.column, b.code, &b.message))
    });
}

/// The nearest candidate to `input` by edit distance, if it is near enough to be a likely typo.
pub fn nearest<'c>(input: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let needle = input.to_lowercase();
    let limit = (needle.chars().count() / 3).clamp(1, 4);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&needle, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Edit distance over characters (so a Cyrillic letter counts once), where swapping two
/// neighbouring letters — the most common typo — counts as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_characters_not_bytes() {
        let text = "title: x\nregion: Тамбовская облсть\n";
        let src = SourceText::new(Path::new("a.md"), text);
        let offset = text.find("Тамбовская").unwrap();
        let loc = src.location(offset, "Тамбовская облсть".len());
        assert_eq!(loc, Location::new(2, 9, 17));
        assert_eq!(src.line_text(2), Some("region: Тамбовская облсть"));
    }

    #[test]
    fn crlf_is_stripped_from_lines() {
        let src = SourceText::new(Path::new("a.md"), "a\r\nb\r\n");
        assert_eq!(src.line_text(1), Some("a"));
        assert_eq!(src.line_text(2), Some("b"));
    }

    #[test]
    fn report_has_caret_under_the_token() {
        let text = "sektor: Спорт\n";
        let src = SourceText::new(Path::new("p.md"), text);
        let d = Diagnostic::at(
            "unknown-key",
            &src,
            src.location(0, 6),
            "unknown key `sektor`",
        )
        .with_hint("did you mean `sector`?");
        let shown = d.to_string();
        assert!(shown.contains("p.md:1:1: unknown key `sektor`"), "{shown}");
        assert!(shown.contains("1 | sektor: Спорт\n  | ^^^^^^\n"), "{shown}");
        assert!(shown.contains("hint: did you mean `sector`?"), "{shown}");
    }

    #[test]
    fn nearest_finds_typos_but_not_strangers() {
        let keys = ["title", "region", "sector", "year"];
        assert_eq!(nearest("sektor", keys), Some("sector"));
        assert_eq!(nearest("regoin", keys), Some("region"));
        assert_eq!(nearest("colour", keys), None);
        assert_eq!(nearest("titel", keys), Some("title"));
        assert_eq!(edit_distance("облсть", "область"), 1);
    }
}

/// Machine-readable output of diagnostics, for CI.
pub mod formats {
    use serde::Serialize;

    use super::{Diagnostic, Severity};

    /// One diagnostic as JSON (the schema is in `docs/diagnostics.schema.json`).
    #[derive(Serialize)]
    struct JsonDiagnostic<'a> {
        path: String,
        line: usize,
        column: usize,
        severity: &'static str,
        code: &'a str,
        message: &'a str,
        hint: Option<&'a str>,
    }

    fn severity(d: &Diagnostic) -> &'static str {
        match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    /// A JSON array with one object per diagnostic.
    pub fn json(diagnostics: &[Diagnostic]) -> String {
        let items: Vec<JsonDiagnostic<'_>> = diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                path: d.path.to_string_lossy().replace('\\', "/"),
                line: d.line,
                column: d.column,
                severity: severity(d),
                code: d.code,
                message: &d.message,
                hint: d.hint.as_deref(),
            })
            .collect();
        serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
    }

    /// GitHub Actions workflow commands: an annotation on the exact line of a pull request.
    pub fn github(d: &Diagnostic) -> String {
        let mut properties = format!(
            "file={}",
            escape_property(&d.path.to_string_lossy().replace('\\', "/"))
        );
        if d.line > 0 {
            properties.push_str(&format!(",line={}", d.line));
        }
        if d.column > 0 {
            properties.push_str(&format!(",col={}", d.column));
        }
        properties.push_str(&format!(",title={}", escape_property(d.code)));
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str(&format!(" (hint: {hint})"));
        }
        format!("::{} {properties}::{}", severity(d), escape_data(&message))
    }

    fn escape_data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }

    fn escape_property(s: &str) -> String {
        escape_data(s).replace(':', "%3A").replace(',', "%2C")
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::path::Path;

        #[test]
        fn github_annotations_escape_their_fields() {
            let d = Diagnostic::file_error(
                "unknown-region",
                Path::new("content/a,b.md"),
                "bad: value\nnext",
            )
            .with_hint("did you mean «Тамбовская область»?");
            let mut d = d;
            d.line = 3;
            d.column = 9;
            assert_eq!(
                github(&d),
                "::error file=content/a%2Cb.md,line=3,col=9,title=unknown-region::bad: value%0Anext (hint: did you mean «Тамбовская область»?)"
            );
        }
    }
}
