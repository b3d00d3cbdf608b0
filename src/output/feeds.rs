//! Machine-readable companions of the site: Atom feeds, the sitemap and robots.txt.

use std::fmt::Write;

use crate::library::Library;

/// How many practices a feed carries.
pub const FEED_SIZE: usize = 30;

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    xml_escape_into(&mut out, text);
    out
}

/// [`xml_escape`], appending to `out`.
fn xml_escape_into(out: &mut String, text: &str) {
    // Most text needs no escaping at all.
    if !text
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'') || b < 0x20)
    {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

/// An Atom feed of the newest practices among `items` (indices, newest first).
pub fn atom(lib: &Library, title: &str, feed_path: &str, items: &[usize]) -> String {
    let abs = lib.config.base_url.absolute();
    let updated = items
        .iter()
        .take(FEED_SIZE)
        .map(|&i| entry_date(lib, i))
        .max()
        .unwrap_or_else(|| "1991-01-01T00:00:00Z".to_string());
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <updated>{}</updated>\n  <generator>Praktika</generator>\n",
        xml_escape(&lib.config.language),
        xml_escape(title),
        xml_escape(&format!("{abs}{feed_path}")),
        xml_escape(&format!("{abs}{feed_path}")),
        xml_escape(&abs),
        updated,
    );
    for &i in items.iter().take(FEED_SIZE) {
        let p = &lib.practices[i];
        let url = format!("{abs}{}", p.url);
        let sector = &lib.config.sectors[p.meta.sector].name;
        let region = &lib.regions.get(p.meta.region).name;
        let author = p.meta.organization.as_deref().unwrap_or(region);
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <updated>{}</updated>\n    <author><name>{}</name></author>\n    <category term=\"{}\"/>\n    <category term=\"{}\"/>\n",
            xml_escape(&p.meta.title),
            xml_escape(&url),
            xml_escape(&url),
            entry_date(lib, i),
            xml_escape(author),
            xml_escape(sector),
            xml_escape(region),
        );
        if let Some(summary) = &p.meta.summary {
            let _ = writeln!(xml, "    <summary>{}</summary>", xml_escape(summary));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

fn entry_date(lib: &Library, i: usize) -> String {
    let meta = &lib.practices[i].meta;
    match meta.date {
        Some(d) => d.rfc3339(),
        None => format!("{:04}-01-01T00:00:00Z", meta.year),
    }
}

/// The sitemap: every page a search engine should know, with absolute URLs when the site has
/// an origin (site-relative paths otherwise, which crawlers resolve against the sitemap's URL).
pub fn sitemap(lib: &Library, paths: &[String]) -> String {
    let abs = lib.config.base_url.absolute();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    xml.reserve(paths.iter().map(|p| p.len() + abs.len() + 25).sum());
    for path in paths {
        // Escaping works character by character, so the parts can be escaped one by one.
        xml.push_str("  <url><loc>");
        xml_escape_into(&mut xml, &abs);
        xml_escape_into(&mut xml, path);
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(lib: &Library) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        lib.config.base_url.absolute()
    )
}

#[cfg(test)]
mod tests {
    use super::xml_escape;

    #[test]
    fn xml_escape_covers_markup_and_control_characters() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(xml_escape("]]>"), "]]&gt;");
    }
}
