//! Splitting a content file into its YAML front matter and Markdown body.

/// The two parts of a content file, borrowed from its text.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Lines before the YAML (the opening fence), to turn YAML lines into file lines.
    pub yaml_line_offset: usize,
    pub body: &'a str,
    /// Byte offset of the body in the file text.
    pub body_offset: usize,
}

/// Why a file could not be split.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with `---`.
    NoOpeningFence,
    /// `---` opens the front matter but nothing closes it.
    Unclosed,
}

/// Splits `---\nyaml\n---\nbody`. Accepts CRLF line endings and a closing `...`.
/// The text must already be without a BOM.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(SplitError::NoOpeningFence);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut line_start = yaml_start;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = text[line_start..line_end].trim_end();
        if line == "---" || line == "..." {
            let body_offset = (line_end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..line_start],
                yaml_line_offset: 1,
                body: &text[body_offset..],
                body_offset,
            });
        }
        line_start = line_end + 1;
    }
    Err(SplitError::Unclosed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_and_body() {
        let s = split("---\ntitle: a\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn accepts_crlf_and_empty_front_matter() {
        let s = split("---\r\ntitle: a\r\n---\r\nText").unwrap();
        assert_eq!(s.yaml, "title: a\r\n");
        assert_eq!(s.body, "Text");
        assert_eq!(split("---\n---\n").unwrap().yaml, "");
    }

    #[test]
    fn reports_missing_fences() {
        assert_eq!(split("title: a\n"), Err(SplitError::NoOpeningFence));
        assert_eq!(split(""), Err(SplitError::NoOpeningFence));
        assert_eq!(split("---\ntitle: a\n"), Err(SplitError::Unclosed));
        assert_eq!(split("---"), Err(SplitError::Unclosed));
    }

    #[test]
    fn a_horizontal_rule_in_the_body_is_not_a_fence() {
        let s = split("---\na: 1\n---\ntext\n\n---\nmore\n").unwrap();
        assert_eq!(s.body, "text\n\n---\nmore\n");
    }
}
