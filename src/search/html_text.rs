//! The plain text of a rendered body, for the index and result snippets.
//!
//! The library keeps each body once, as HTML; a second plain-text copy of every practice
//! would add a fifth to a build's memory. The index reads the text back out of the HTML it
//! indexes anyway: tags become spaces (as element boundaries separated words before), the
//! contents of `<script>` and `<style>` are skipped, and character references are decoded.

/// The text of `html`, with every tag replaced by a space and character references decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('<') {
            rest = skip_tag(rest);
            out.push(' ');
        } else {
            let (decoded, used) = reference(rest);
            match decoded {
                Some(c) => out.push(c),
                None => out.push('&'),
            }
            rest = &rest[used..];
        }
    }
    out.push_str(rest);
    out
}

/// Skips the tag at the start of `html` (and the whole element for `script` and `style`).
fn skip_tag(html: &str) -> &str {
    let Some(end) = memchr::memchr(b'>', html.as_bytes()) else {
        return "";
    };
    // The tag's name, as written (a body has hundreds of tags: no allocation for each).
    let name_len = html.as_bytes()[1..end]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = &html[1..1 + name_len];
    let after = &html[end + 1..];
    if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style") {
        let close = format!("</{}", name.to_ascii_lowercase());
        let lower = after.to_ascii_lowercase();
        return match lower.find(&close) {
            Some(at) => skip_tag(&after[at..]),
            None => "",
        };
    }
    after
}

/// Decodes the character reference at the start of `text` (which starts with `&`): the
/// character, if it is one, and how many bytes it took.
fn reference(text: &str) -> (Option<char>, usize) {
    let Some(end) = text[1..].find(';').map(|n| n + 1).filter(|&n| n <= 10) else {
        return (None, 1);
    };
    let name = &text[1..end];
    let c = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => name.strip_prefix('#').and_then(|number| {
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => number.parse().ok(),
            };
            code.and_then(char::from_u32)
        }),
    };
    match c {
        Some(c) => (Some(c), end + 1),
        None => (None, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_separate_words_and_references_decode() {
        assert_eq!(
            html_text("<h2 id=\"a\">Проблема</h2><p>Семьи &amp; дети &lt;3&gt; &#171;да&#x BB; &quot;x&quot;</p>"),
            " Проблема  Семьи & дети <3> «да&#x BB; \"x\" "
        );
    }

    #[test]
    fn scripts_and_styles_are_not_text() {
        assert_eq!(
            html_text("a<script>var x = '<p>';</script>b<STYLE>p{}</style>c"),
            "a b c"
        );
    }

    #[test]
    fn broken_markup_ends_cleanly() {
        assert_eq!(html_text("a <b"), "a  ");
        assert_eq!(
            html_text("a & b &unknown; &#xFFFFFFFF; &"),
            "a & b &unknown; &#xFFFFFFFF; &"
        );
        assert_eq!(html_text("<script>never closed"), " ");
    }
}
