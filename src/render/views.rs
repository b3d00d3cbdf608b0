//! What templates see: borrowed, serialisable views of the library, with URLs already
//! prefixed by the base path so that templates cannot forget the sub-path.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::{Body, Contact, Link, Outcome, Page, TocEntry};
use crate::library::{Library, Term};

#[derive(Serialize)]
pub struct TermView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
    pub count: usize,
}

pub fn term<'a>(base: &str, facet: &str, term: &'a Term) -> TermView<'a> {
    TermView {
        name: &term.name,
        slug: &term.slug,
        url: format!("{base}{facet}/{}/", term.slug),
        count: term.practices.len(),
    }
}

#[derive(Serialize)]
pub struct PracticeView<'a> {
    pub slug: &'a str,
    pub url: String,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub region: TermView<'a>,
    pub district: Option<TermView<'a>>,
    pub sector: TermView<'a>,
    pub year: TermView<'a>,
    pub status: Option<&'static str>,
    pub organization: Option<&'a str>,
    pub tags: Vec<TermView<'a>>,
    pub date: Option<String>,
}

pub fn practice(lib: &Library, i: usize) -> PracticeView<'_> {
    let p = &lib.practices[i];
    let base = lib.config.base_url.path.as_str();
    let tax = &lib.taxonomies;
    let year = tax
        .years
        .iter()
        .find(|t| t.slug == p.meta.year.to_string())
        .expect("every year has a term");
    PracticeView {
        slug: &p.slug,
        url: format!("{base}{}", p.url),
        title: &p.meta.title,
        summary: p.meta.summary.as_deref(),
        region: term(base, "regions", &tax.regions[p.meta.region]),
        district: lib
            .district_of(i)
            .map(|d| term(base, "districts", &tax.districts[d])),
        sector: term(base, "sectors", &tax.sectors[p.meta.sector]),
        year: term(base, "years", year),
        status: p.meta.status.map(|s| s.name()),
        organization: p.meta.organization.as_deref(),
        tags: lib.practice_tags[i]
            .iter()
            .map(|&t| term(base, "tags", &tax.tags[t]))
            .collect(),
        date: p.meta.date.map(|d| d.to_string()),
    }
}

/// A practice page's own fields besides its card and its related practices (which
/// templates get as cards too): see [`super::cards::Cards::practice_page`].
#[derive(Serialize)]
pub struct PracticeExtras<'a> {
    pub permalink: String,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub results: &'a [Outcome],
    pub links: &'a [Link],
    pub contacts: &'a [Contact],
    pub edit_url: Option<String>,
    pub source_path: String,
    /// schema.org metadata, already escaped for a `<script>` element.
    pub json_ld: String,
}

/// Everything a practice page shows, as one view: what
/// [`super::cards::Cards::practice_page`] builds from shared parts (a test holds them equal).
#[cfg(test)]
#[derive(Serialize)]
pub struct PracticeFull<'a> {
    #[serde(flatten)]
    pub card: PracticeView<'a>,
    #[serde(flatten)]
    pub extras: PracticeExtras<'a>,
    pub related: Vec<PracticeView<'a>>,
}

/// The "edit this page" link and the source path it points to.
fn edit_link(lib: &Library, i: usize) -> (Option<String>, String) {
    let source_path = lib.practices[i]
        .source_path
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let edit_url = lib.config.repository.as_ref().map(|repo| {
        format!(
            "{}/edit/{}/{}",
            repo.trim_end_matches('/'),
            lib.config.repository_branch,
            source_path
        )
    });
    (edit_url, source_path)
}

pub fn practice_extras<'a>(lib: &'a Library, i: usize, body: &'a Body) -> PracticeExtras<'a> {
    let p = &lib.practices[i];
    let (edit_url, source_path) = edit_link(lib, i);
    PracticeExtras {
        permalink: format!("{}{}", lib.config.base_url.absolute(), p.url),
        content: &body.html,
        toc: &body.toc,
        results: &p.meta.results,
        links: &p.meta.links,
        contacts: &p.meta.contacts,
        json_ld: json_ld(lib, i),
        edit_url,
        source_path,
    }
}

#[cfg(test)]
pub fn practice_full<'a>(lib: &'a Library, i: usize, body: &'a Body) -> PracticeFull<'a> {
    PracticeFull {
        card: practice(lib, i),
        extras: practice_extras(lib, i, body),
        related: lib.related[i].iter().map(|&j| practice(lib, j)).collect(),
    }
}

/// JSON-LD (`Article`) for a practice. Serialised by serde_json, then made safe inside
/// `<script>`: `<`, `>` and `&` become `\u003c`-style escapes, so `</script>` in a title
/// cannot end the element, and U+2028/2029 cannot break old JavaScript parsers.
pub fn json_ld(lib: &Library, i: usize) -> String {
    let p = &lib.practices[i];
    let region = lib.regions.get(p.meta.region);
    let mut value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": p.meta.title,
        "url": format!("{}{}", lib.config.base_url.absolute(), p.url),
        "inLanguage": lib.config.language,
        "about": lib.config.sectors[p.meta.sector].name,
        "spatialCoverage": { "@type": "Place", "name": region.name },
        "keywords": p.meta.tags.join(", "),
    });
    if let Some(summary) = &p.meta.summary {
        value["description"] = summary.as_str().into();
    }
    if let Some(org) = &p.meta.organization {
        value["author"] = serde_json::json!({ "@type": "Organization", "name": org });
    }
    if let Some(date) = p.meta.date {
        value["datePublished"] = date.to_string().into();
    }
    script_safe_json(&value.to_string())
}

/// Escapes JSON for inclusion in an HTML `<script>` element.
pub fn script_safe_json(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The home page's pictures, as inline SVG (escaped when drawn).
#[derive(Serialize)]
pub struct Charts {
    pub years: String,
    pub sectors: String,
    pub districts: String,
    pub map: String,
}

pub fn charts(lib: &Library) -> Charts {
    use super::charts::{bar_chart, tile_map, Bar, RegionTile, TileLayout};
    let base = lib.config.base_url.path.as_str();
    let tax = &lib.taxonomies;
    let draw = |id: &str, title: &str, facet: &str, terms: &[Term], skip_empty: bool| {
        let items: Vec<(&str, usize, String)> = terms
            .iter()
            .enumerate()
            .filter(|(_, t)| !skip_empty || !t.practices.is_empty())
            .map(|(i, t)| {
                // Districts by their common abbreviation (ЦФО): the full names do not fit.
                let label = if facet == "districts" {
                    lib.regions.districts[i].short.as_str()
                } else {
                    t.name.as_str()
                };
                (
                    label,
                    t.practices.len(),
                    format!("{base}{facet}/{}/", t.slug),
                )
            })
            .collect();
        let bars: Vec<Bar<'_>> = items
            .iter()
            .map(|(label, value, url)| Bar {
                label,
                value: *value,
                url: url.clone(),
            })
            .collect();
        bar_chart(id, title, &bars)
    };
    let mut years: Vec<Term> = tax.years.clone();
    years.reverse();
    let map = TileLayout::embedded().map_or_else(String::new, |layout| {
        let regions: Vec<RegionTile<'_>> = lib
            .regions
            .regions
            .iter()
            .zip(&tax.regions)
            .map(|(r, t)| RegionTile {
                name: &r.name,
                slug: &r.slug,
                count: t.practices.len(),
                url: format!("{base}regions/{}/", r.slug),
            })
            .collect();
        tile_map(&layout, &regions)
    });
    Charts {
        years: draw("chart-years", "Практики по годам", "years", &years, true),
        sectors: draw(
            "chart-sectors",
            "Практики по сферам",
            "sectors",
            &tax.sectors,
            false,
        ),
        districts: draw(
            "chart-districts",
            "Практики по федеральным округам",
            "districts",
            &tax.districts,
            false,
        ),
        map,
    }
}

/// A practice page's context without its related cards (hashed separately by the caller),
/// and with the body replaced by its hash: cheap to serialise for every practice on every
/// rebuild.
#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
}

pub fn page(page: &Page) -> PageView<'_> {
    PageView {
        title: &page.title,
        description: page.description.as_deref(),
        content: &page.body.html,
        toc: &page.body.toc,
    }
}

#[derive(Serialize)]
pub struct RegionGroup<'a> {
    pub district: TermView<'a>,
    pub regions: Vec<TermView<'a>>,
}

/// Regions grouped by federal district, each group alphabetical; the federal level first.
pub fn region_groups(lib: &Library) -> Vec<RegionGroup<'_>> {
    let base = lib.config.base_url.path.as_str();
    let tax = &lib.taxonomies;
    let mut groups: Vec<RegionGroup<'_>> = tax
        .districts
        .iter()
        .map(|d| RegionGroup {
            district: term(base, "districts", d),
            regions: Vec::new(),
        })
        .collect();
    let mut federal = Vec::new();
    for (id, region) in lib.regions.regions.iter().enumerate() {
        let view = term(base, "regions", &tax.regions[id]);
        match region.district {
            Some(d) => groups[d].regions.push(view),
            None => federal.push(view),
        }
    }
    for group in &mut groups {
        group.regions.sort_by(|a, b| {
            a.name
                .trim_start_matches("г. ")
                .cmp(b.name.trim_start_matches("г. "))
        });
    }
    groups
        .into_iter()
        .chain(federal.into_iter().map(|view| RegionGroup {
            district: TermView {
                name: "Федеральный уровень",
                slug: "",
                url: view.url.clone(),
                count: view.count,
            },
            regions: vec![view],
        }))
        .collect()
}

#[derive(Serialize)]
pub struct Paginator {
    pub current: usize,
    pub total: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageLink>,
}

/// A numbered link of a paginator, or a gap (`gap: true`) where numbers are skipped.
#[derive(Serialize, Debug, PartialEq)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    pub gap: bool,
}

/// Pages shown either side of the current one.
const PAGINATION_WINDOW: usize = 2;

/// Links to the first and last pages and to the pages around the current one. Listing every
/// page gave each page of a long list thousands of links: output quadratic in its length.
pub fn paginator(base: &str, url: &str, current: usize, total: usize) -> Paginator {
    let link = |n: usize| format!("{base}{}", super::page_url(url, n));
    let near =
        current.saturating_sub(PAGINATION_WINDOW).max(1)..=(current + PAGINATION_WINDOW).min(total);
    let mut pages = Vec::new();
    let mut previous = 0;
    for n in std::iter::once(1).chain(near).chain(std::iter::once(total)) {
        if n <= previous || n > total {
            continue;
        }
        if n > previous + 1 {
            pages.push(PageLink {
                number: 0,
                url: String::new(),
                current: false,
                gap: true,
            });
        }
        pages.push(PageLink {
            number: n,
            url: link(n),
            current: n == current,
            gap: false,
        });
        previous = n;
    }
    Paginator {
        current,
        total,
        prev_url: (current > 1).then(|| link(current - 1)),
        next_url: (current < total).then(|| link(current + 1)),
        pages,
    }
}

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    /// The base path, `/` or `/library/`.
    pub base_url: &'a str,
    /// The absolute base URL (equal to the path when the site has no origin).
    pub permalink: String,
    pub repository: Option<&'a str>,
    pub sectors: Vec<TermView<'a>>,
    pub districts: Vec<TermView<'a>>,
    pub years: Vec<TermView<'a>>,
    pub pages: Vec<PageNav<'a>>,
    pub stats: Stats,
    pub assets: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
pub struct PageNav<'a> {
    pub title: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct Stats {
    pub practices: usize,
    pub regions: usize,
    pub sectors: usize,
}

pub fn site<'a>(lib: &'a Library, assets: &'a BTreeMap<String, String>) -> SiteView<'a> {
    let base = lib.config.base_url.path.as_str();
    let tax = &lib.taxonomies;
    SiteView {
        title: &lib.config.title,
        description: &lib.config.description,
        language: &lib.config.language,
        base_url: base,
        permalink: lib.config.base_url.absolute(),
        repository: lib.config.repository.as_deref(),
        sectors: tax
            .sectors
            .iter()
            .map(|t| term(base, "sectors", t))
            .collect(),
        districts: tax
            .districts
            .iter()
            .map(|t| term(base, "districts", t))
            .collect(),
        years: tax.years.iter().map(|t| term(base, "years", t)).collect(),
        pages: lib
            .pages
            .iter()
            .map(|p| PageNav {
                title: &p.title,
                url: format!("{base}{}", p.url),
            })
            .collect(),
        stats: Stats {
            practices: lib.practices.len(),
            regions: tax
                .regions
                .iter()
                .filter(|t| !t.practices.is_empty())
                .count(),
            sectors: tax
                .sectors
                .iter()
                .filter(|t| !t.practices.is_empty())
                .count(),
        },
        assets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Page numbers as shown, 0 for a gap.
    fn shown(current: usize, total: usize) -> Vec<usize> {
        paginator("/", "practices/", current, total)
            .pages
            .iter()
            .map(|p| p.number)
            .collect()
    }

    #[test]
    fn a_long_list_shows_the_ends_and_the_pages_around_the_current_one() {
        assert_eq!(shown(250, 5000), [1, 0, 248, 249, 250, 251, 252, 0, 5000]);
        assert_eq!(shown(1, 5000), [1, 2, 3, 0, 5000]);
        assert_eq!(shown(5000, 5000), [1, 0, 4998, 4999, 5000]);
        assert_eq!(shown(4, 9), [1, 2, 3, 4, 5, 6, 0, 9]);
    }

    #[test]
    fn a_short_list_shows_every_page() {
        assert_eq!(shown(1, 1), [1]);
        assert_eq!(shown(2, 3), [1, 2, 3]);
        assert_eq!(shown(3, 5), [1, 2, 3, 4, 5]);
        let p = paginator("/lib/", "regions/x/", 2, 3);
        assert_eq!(p.prev_url.as_deref(), Some("/lib/regions/x/"));
        assert_eq!(p.next_url.as_deref(), Some("/lib/regions/x/page/3/"));
        assert!(p.pages[1].current && p.pages[1].url == "/lib/regions/x/page/2/");
    }
}
