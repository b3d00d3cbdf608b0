//! Markdown to HTML, with what a library of write-ups needs on top of CommonMark: stable
//! transliterated heading ids and a table of contents, `.md` links between files turned into
//! site URLs, images next to the file collected for copying, and raw HTML sanitised.
//!
//! The function here is pure: the caller passes what it knows about other files, and gets back
//! the HTML with a list of problems located by byte range in the body.

use std::collections::HashSet;

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::slug::slugify;

/// What the renderer needs to know about the rest of the site.
pub struct Context<'a> {
    /// Content-relative directory of the file being rendered, `practices` or `practices/foo`.
    pub dir: &'a str,
    /// Content-relative `.md` path → site-relative URL (`practices/foo.md` → `practices/foo/`).
    pub pages: &'a HashMap<String, String>,
    /// Whether a content-relative non-Markdown file exists.
    pub file_exists: &'a (dyn Fn(&str) -> bool + Sync),
    /// The base URL's path, `/` or `/library/`.
    pub base_path: &'a str,
    pub unsafe_html: bool,
    /// Whether to write HTML at all: `check` needs only the problems, headings and assets.
    pub html: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A problem in the body, located by byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub range: Range<usize>,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Content-relative paths of files the body refers to; they are copied to the output.
    pub assets: Vec<String>,
    pub problems: Vec<Problem>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

pub fn render(body: &str, cx: &Context<'_>) -> Rendered {
    let mut out = Rendered::default();
    // About one event per 16 bytes of practice Markdown; growing the vector was a tenth of
    // parsing.
    let mut events: Vec<(Event<'_>, Range<usize>)> = Vec::with_capacity(body.len() / 16);
    events.extend(Parser::new_ext(body, options()).into_offset_iter());
    let mut has_raw_html = false;
    let mut used_ids: HashSet<String> = HashSet::new();

    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let level = *level;
                let explicit = id.as_ref().map(|s| s.to_string());
                let end = (i..events.len())
                    .find(|&j| matches!(events[j].0, Event::End(TagEnd::Heading(_))))
                    .unwrap_or(events.len());
                let title = plain_text(&events[i + 1..end]);
                let base = explicit.unwrap_or_else(|| {
                    let slug = slugify(&title);
                    if slug.is_empty() {
                        "section".to_string()
                    } else {
                        slug
                    }
                });
                let id = unique_id(base, &mut used_ids);
                if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                    out.toc.push(TocEntry {
                        level: level as u8,
                        id: id.clone(),
                        title,
                    });
                }
                if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i].0 {
                    *slot = Some(CowStr::from(id));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let range = events[i].1.clone();
                if let Some(url) = resolve(dest_url, false, cx, &mut out, range) {
                    if let Event::Start(Tag::Link { dest_url, .. }) = &mut events[i].0 {
                        *dest_url = CowStr::from(url);
                    }
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let range = events[i].1.clone();
                let alt_end = (i..events.len())
                    .find(|&j| matches!(events[j].0, Event::End(TagEnd::Image)))
                    .unwrap_or(i);
                if plain_text(&events[i + 1..alt_end]).trim().is_empty() {
                    out.problems.push(Problem {
                        range: range.clone(),
                        code: "image-without-alt",
                        message: "image has no alternative text".into(),
                        hint: Some("describe the picture for readers who cannot see it: ![Схема процесса](scheme.svg)".into()),
                    });
                }
                if let Some(url) = resolve(dest_url, true, cx, &mut out, range) {
                    if let Event::Start(Tag::Image { dest_url, .. }) = &mut events[i].0 {
                        *dest_url = CowStr::from(url);
                    }
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => has_raw_html = true,
            _ => {}
        }
        i += 1;
    }

    if !cx.html {
        return out;
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
    out.html = if has_raw_html && !cx.unsafe_html {
        sanitize(&html)
    } else {
        html
    };
    out
}

fn plain_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut text = String::new();
    for (event, _) in events {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(t);
        }
    }
    text
}

fn unique_id(base: String, used: &mut HashSet<String>) -> String {
    let mut id = base.clone();
    let mut n = 1;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Rewrites a relative link or image source to a site URL; external links pass unchanged.
fn resolve(
    dest: &str,
    is_image: bool,
    cx: &Context<'_>,
    out: &mut Rendered,
    range: Range<usize>,
) -> Option<String> {
    let dest = dest.trim();
    let is_external = dest.is_empty()
        || dest.starts_with('#')
        || dest.starts_with('/')
        || dest.starts_with("//")
        || dest.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
    if is_external {
        return None;
    }
    let (path, fragment) = match dest.find(['#', '?']) {
        Some(cut) => dest.split_at(cut),
        None => (dest, ""),
    };
    let path = percent_decode(path);
    let Some(target) = join(cx.dir, &path) else {
        out.problems.push(Problem {
            range,
            code: "broken-link",
            message: format!("link `{dest}` points outside content/"),
            hint: Some("link to files inside content/ only".into()),
        });
        return None;
    };
    if !is_image && target.ends_with(".md") {
        if let Some(url) = cx.pages.get(&target) {
            return Some(format!("{}{url}{fragment}", cx.base_path));
        }
        let known = cx.pages.keys().map(String::as_str);
        let hint = crate::diagnostics::nearest(&target, known)
            .map(|near| format!("did you mean `{}`?", relative_to(cx.dir, near)))
            .unwrap_or_else(|| "check the file name; links are relative to this file".into());
        out.problems.push(Problem {
            range,
            code: "broken-link",
            message: format!("link to `{dest}`: no such page"),
            hint: Some(hint),
        });
        return None;
    }
    if (cx.file_exists)(&target) {
        out.assets.push(target.clone());
        return Some(format!(
            "{}{}{fragment}",
            cx.base_path,
            encode_path(&target)
        ));
    }
    out.problems.push(Problem {
        range,
        code: if is_image {
            "missing-image"
        } else {
            "broken-link"
        },
        message: format!(
            "{} `{dest}`: no such file",
            if is_image { "image" } else { "link to" }
        ),
        hint: Some(format!(
            "put the file next to this one, at content/{target}"
        )),
    });
    None
}

/// Joins a relative path to a content directory, resolving `.` and `..` lexically.
fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn relative_to(dir: &str, target: &str) -> String {
    match target
        .strip_prefix(dir)
        .and_then(|rest| rest.strip_prefix('/'))
    {
        Some(rest) => rest.to_string(),
        None => format!("/{target}"),
    }
}

fn percent_decode(input: &str) -> String {
    String::from_utf8_lossy(&crate::percent::decode(input).0).into_owned()
}

/// Percent-encodes what a URL path cannot hold literally (spaces, quotes); keeps Cyrillic.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for ch in path.chars() {
        match ch {
            ' ' | '"' | '\'' | '<' | '>' | '#' | '?' | '%' | '`' => {
                let mut buf = [0; 4];
                for byte in ch.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
            _ => out.push(ch),
        }
    }
    out
}

/// Keeps what Markdown itself produces and drops scripts, handlers and unknown tags.
fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("div", ["class"])
        .add_tag_attributes("sup", ["class"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_with(body: &str, pages: &[(&str, &str)]) -> Rendered {
        let pages: HashMap<String, String> = pages
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let exists = |p: &str| p == "practices/foo/scheme.svg";
        let cx = Context {
            dir: "practices/foo",
            pages: &pages,
            file_exists: &exists,
            base_path: "/lib/",
            unsafe_html: false,
            html: true,
        };
        render(body, &cx)
    }

    #[test]
    fn headings_get_stable_unique_transliterated_ids_and_a_toc() {
        let r = render_with(
            "## Проблема\n\n## Проблема\n\n### Как повторить {#povtor}\n",
            &[],
        );
        assert!(r.html.contains(r#"<h2 id="problema">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="problema-1">"#));
        assert!(r.html.contains(r#"<h3 id="povtor">"#));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[2].title, "Как повторить");
    }

    #[test]
    fn md_links_become_site_urls_and_broken_ones_are_problems() {
        let body = "[a](../bar.md#itogi) and [b](../baz.md)";
        let r = render_with(body, &[("practices/bar.md", "practices/bar/")]);
        assert!(
            r.html.contains(r#"href="/lib/practices/bar/#itogi""#),
            "{}",
            r.html
        );
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].code, "broken-link");
        assert_eq!(&body[r.problems[0].range.clone()], "[b](../baz.md)");
    }

    #[test]
    fn images_next_to_the_file_are_collected() {
        let r = render_with("![Схема](scheme.svg)\n\n![](missing.png)", &[]);
        assert_eq!(r.assets, vec!["practices/foo/scheme.svg"]);
        assert!(r.html.contains(r#"src="/lib/practices/foo/scheme.svg""#));
        let codes: Vec<_> = r.problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, vec!["image-without-alt", "missing-image"]);
    }

    #[test]
    fn raw_html_is_sanitised_by_default() {
        let r = render_with("<script>alert(1)</script>\n\nok <img src=x onerror=alert(1)> <b>bold</b>\n\n- [x] done\n", &[]);
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onerror"), "{}", r.html);
        assert!(r.html.contains("<b>bold</b>"));
        assert!(r.html.contains("checked"));
    }

    #[test]
    fn gfm_extensions_are_on() {
        let r = render_with(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1]\n\n[^1]: note\n",
            &[],
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn percent_signs_before_multibyte_letters_do_not_panic() {
        // Found by the markdown fuzz target: `%` followed by a Cyrillic letter.
        let r = render_with("[x](%1в.md) [w](%Ав.md) ![y](%F0%9F.png) [z](%)", &[]);
        assert_eq!(r.problems.len(), 4, "{:?}", r.problems);
        assert_eq!(percent_decode("%D0%B0%20b"), "а b");
    }

    #[test]
    fn external_links_are_untouched() {
        let r = render_with(
            "[x](https://example.org/a.md) [m](mailto:a@b.ru) [t](#top)",
            &[],
        );
        assert!(r.problems.is_empty());
        assert!(r.html.contains(r#"href="https://example.org/a.md""#));
    }
}
