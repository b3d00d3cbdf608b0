//! `site.yaml`: the site's settings, read strictly and with defaults.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, SourceText};
use crate::schema::Reader;
use crate::slug::slugify;
use crate::yaml::{self, Node};

/// The sectors a site starts with when `site.yaml` names none.
pub const DEFAULT_SECTORS: &[&str] = &[
    "Социальная защита",
    "Семья и дети",
    "Здравоохранение",
    "Образование",
    "Занятость",
    "Государственное управление",
    "Культура",
    "Спорт",
];

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "sectors",
    "practices_per_page",
    "repository",
    "repository_branch",
    "markdown",
    "regions",
    "completeness",
];

/// The standard sections of a practice write-up, checked by the completeness warnings.
pub const STANDARD_SECTIONS: &[&str] = &["Проблема", "Решение", "Результаты"];

/// A sector (отрасль) with its URL slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sector {
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// Pass raw HTML in Markdown through unsanitised. Off by default.
    pub unsafe_html: bool,
}

/// Where the site lives: `https://example.org/library/` → origin + `/library/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://example.org`, or empty when the site only knows its path.
    pub origin: String,
    /// Always starts and ends with `/`.
    pub path: String,
}

impl BaseUrl {
    pub fn parse(input: &str) -> Result<Self, String> {
        let input = input.trim();
        let (origin, path) = if let Some(rest) = input
            .strip_prefix("https://")
            .map(|r| ("https://", r))
            .or_else(|| input.strip_prefix("http://").map(|r| ("http://", r)))
        {
            let (scheme, rest) = rest;
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '?' || c == '#')
            {
                return Err(format!("`{input}` has no valid host"));
            }
            (format!("{scheme}{host}"), path.to_string())
        } else if input.starts_with('/') {
            (String::new(), input.to_string())
        } else {
            return Err(format!(
                "`{input}` is neither an absolute URL (https://…) nor a path starting with `/`"
            ));
        };
        if path.contains(['?', '#', ' ', '"', '<', '>', '\\']) {
            return Err(format!(
                "the path of `{input}` has characters a URL path cannot have"
            ));
        }
        let mut path = if path.is_empty() {
            "/".to_string()
        } else {
            path
        };
        if !path.ends_with('/') {
            path.push('/');
        }
        Ok(BaseUrl { origin, path })
    }

    /// The absolute form, `https://example.org/library/` (or the path alone).
    pub fn absolute(&self) -> String {
        format!("{}{}", self.origin, self.path)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub title: String,
    pub description: String,
    pub base_url: BaseUrl,
    pub language: String,
    pub theme: String,
    pub sectors: Vec<Sector>,
    pub practices_per_page: usize,
    /// Web address of the content repository, for "edit this page" links.
    pub repository: Option<String>,
    pub repository_branch: String,
    pub markdown: MarkdownOptions,
    /// A site's own regions list, relative to the site root.
    pub regions: Option<PathBuf>,
    pub completeness: Completeness,
}

/// Which completeness warnings `check` gives (DESIGN §1): they never fail a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completeness {
    /// Sections (`## …` headings) every practice should have; empty to skip.
    pub sections: Vec<String>,
    /// Warn about a practice without `results`.
    pub results: bool,
    /// Warn about a practice without `contacts` and without `links`.
    pub contacts: bool,
    /// Warn about a summary longer than this many characters; 0 to skip.
    pub summary_max: usize,
}

impl Default for Completeness {
    fn default() -> Self {
        Completeness {
            sections: STANDARD_SECTIONS.iter().map(|s| s.to_string()).collect(),
            results: true,
            contacts: true,
            summary_max: 300,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Библиотека практик".into(),
            description: String::new(),
            base_url: BaseUrl {
                origin: String::new(),
                path: "/".into(),
            },
            language: "ru".into(),
            theme: "default".into(),
            sectors: DEFAULT_SECTORS
                .iter()
                .map(|name| Sector {
                    name: (*name).into(),
                    slug: slugify(name),
                })
                .collect(),
            practices_per_page: 20,
            repository: None,
            repository_branch: "main".into(),
            markdown: MarkdownOptions { unsafe_html: false },
            regions: None,
            completeness: Completeness::default(),
        }
    }
}

impl Config {
    /// Reads `site.yaml` text; all problems are returned together.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Vec<Diagnostic>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let source = SourceText::new(path, text);
        let root = yaml::parse(&source, text, 0).map_err(|d| vec![d])?;
        let mut reader = Reader::new(&source);
        let mut config = Config::default();
        if root.value == yaml::Value::Null {
            return Ok(config);
        }
        for entry in reader.mapping(&root, "site.yaml", KEYS) {
            let node = &entry.value;
            match entry.key.as_str() {
                "title" => set(&mut config.title, reader.text(node, "title")),
                "description" => set(&mut config.description, reader.text(node, "description")),
                "base_url" => {
                    if let Some(url) = reader.text(node, "base_url") {
                        match BaseUrl::parse(&url) {
                            Ok(base) => config.base_url = base,
                            Err(message) => reader.error(
                                Diagnostic::at("bad-base-url", &source, node.location, message)
                                    .with_hint("e.g. base_url: https://example.org/library/"),
                            ),
                        }
                    }
                }
                "language" => set(&mut config.language, reader.text(node, "language")),
                "theme" => set(&mut config.theme, reader.text(node, "theme")),
                "sectors" => config.sectors = read_sectors(&mut reader, node),
                "practices_per_page" => {
                    if let Some(n) = reader.integer(node, "practices_per_page") {
                        if (1..=1000).contains(&n) {
                            config.practices_per_page = n as usize;
                        } else {
                            reader.error(
                                Diagnostic::at(
                                    "out-of-range",
                                    &source,
                                    node.location,
                                    format!(
                                        "practices_per_page must be between 1 and 1000, found {n}"
                                    ),
                                )
                                .with_hint("20 suits most sites"),
                            );
                        }
                    }
                }
                "repository" => config.repository = reader.text(node, "repository"),
                "repository_branch" => set(
                    &mut config.repository_branch,
                    reader.text(node, "repository_branch"),
                ),
                "markdown" => {
                    for option in reader.mapping(node, "markdown", &["unsafe_html"]) {
                        if let Some(b) = reader.bool(&option.value, "markdown.unsafe_html") {
                            config.markdown.unsafe_html = b;
                        }
                    }
                }
                "regions" => config.regions = reader.text(node, "regions").map(PathBuf::from),
                "completeness" => read_completeness(&mut reader, node, &mut config.completeness),
                _ => {}
            }
        }
        if reader.diagnostics.is_empty() {
            Ok(config)
        } else {
            Err(reader.diagnostics)
        }
    }
}

fn set(target: &mut String, value: Option<String>) {
    if let Some(value) = value {
        *target = value;
    }
}

fn read_completeness(reader: &mut Reader<'_, '_>, node: &Node, target: &mut Completeness) {
    if let yaml::Value::Bool(false) = node.value {
        *target = Completeness {
            sections: Vec::new(),
            results: false,
            contacts: false,
            summary_max: 0,
        };
        return;
    }
    let keys = ["sections", "results", "contacts", "summary_max"];
    for entry in reader.mapping(node, "completeness", &keys) {
        let value = &entry.value;
        match entry.key.as_str() {
            "sections" => {
                target.sections = match value.value {
                    yaml::Value::Bool(false) => Vec::new(),
                    _ => reader.text_list(value, "completeness.sections"),
                }
            }
            "results" => {
                target.results = reader.bool(value, "completeness.results").unwrap_or(true)
            }
            "contacts" => {
                target.contacts = reader.bool(value, "completeness.contacts").unwrap_or(true)
            }
            "summary_max" => {
                target.summary_max = reader
                    .integer(value, "completeness.summary_max")
                    .map_or(300, |n| n.max(0) as usize)
            }
            _ => {}
        }
    }
}

fn read_sectors(reader: &mut Reader<'_, '_>, node: &Node) -> Vec<Sector> {
    let mut sectors: Vec<Sector> = Vec::new();
    for item in reader.list(node, "sectors") {
        let (name, slug) = match &item.value {
            yaml::Value::String(_) => (reader.text(item, "sectors"), None),
            _ => {
                let mut name = None;
                let mut slug = None;
                for entry in reader.mapping(item, "a sector", &["name", "slug"]) {
                    match entry.key.as_str() {
                        "name" => name = reader.text(&entry.value, "name"),
                        "slug" => slug = reader.text(&entry.value, "slug"),
                        _ => {}
                    }
                }
                if name.is_none() {
                    reader.missing(item, "name", "a sector", "Здравоохранение");
                }
                (name, slug)
            }
        };
        let Some(name) = name else { continue };
        let slug = slug.unwrap_or_else(|| slugify(&name));
        if slug.is_empty() || slug != slugify(&slug) {
            reader.error(
                Diagnostic::at(
                    "bad-slug",
                    reader.source,
                    item.location,
                    format!("sector slug `{slug}` is not a URL slug"),
                )
                .with_hint(format!(
                    "use lowercase Latin letters, digits and hyphens, e.g. `{}`",
                    slugify(&name)
                )),
            );
            continue;
        }
        if sectors.iter().any(|s| s.slug == slug || s.name == name) {
            reader.error(
                Diagnostic::at(
                    "duplicate-sector",
                    reader.source,
                    item.location,
                    format!("sector «{name}» is listed twice"),
                )
                .with_hint("remove the repeated entry"),
            );
            continue;
        }
        sectors.push(Sector { name, slug });
    }
    if sectors.is_empty() {
        reader.error(
            Diagnostic::at(
                "no-sectors",
                reader.source,
                node.location,
                "`sectors` lists no sector",
            )
            .with_hint("list at least one, e.g. sectors: [Здравоохранение, Образование]"),
        );
    }
    sectors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_origin_and_sub_path() {
        let b = BaseUrl::parse("https://example.org/library").unwrap();
        assert_eq!(b.origin, "https://example.org");
        assert_eq!(b.path, "/library/");
        assert_eq!(BaseUrl::parse("/").unwrap().path, "/");
        assert!(BaseUrl::parse("example.org").is_err());
    }

    #[test]
    fn sectors_get_transliterated_slugs() {
        let c = Config::parse(
            Path::new("site.yaml"),
            "sectors:\n  - Социальная защита\n  - name: Спорт\n    slug: sport\n",
        )
        .unwrap();
        assert_eq!(c.sectors[0].slug, "sotsialnaya-zashchita");
        assert_eq!(c.sectors[1].slug, "sport");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = "titel: x\npractices_per_page: 0\nbase_url: example.org\nmarkdown:\n  unsafe_htm: true\n";
        let errors = Config::parse(Path::new("site.yaml"), text).unwrap_err();
        let lines: Vec<_> = errors.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(
            lines,
            vec![
                (1, "unknown-key"),
                (2, "out-of-range"),
                (3, "bad-base-url"),
                (5, "unknown-key")
            ]
        );
    }
}
