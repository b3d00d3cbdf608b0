//! Pictures drawn at build time as inline SVG, with no JavaScript: bar charts (practices by
//! year, sector, federal district) and a tile map of Russia's regions. Every label is
//! XML-escaped; every chart has a title and a description, and the map's tiles are links with
//! accessible names, so the pictures are as usable with a screen reader as the lists they sit
//! beside.

use std::fmt::Write;

use serde::Deserialize;

use crate::output::feeds::xml_escape;

/// One bar: label, value, link.
pub struct Bar<'a> {
    pub label: &'a str,
    pub value: usize,
    pub url: String,
}

/// A horizontal bar chart; `id` makes its title and description ids unique on the page.
pub fn bar_chart(id: &str, title: &str, bars: &[Bar<'_>]) -> String {
    let row = 26;
    let label_width = 230;
    let bar_width = 300;
    let height = row * bars.len().max(1) + 8;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let description: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.value))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {} {height}\" role=\"group\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        label_width + bar_width + 50,
        xml_escape(title),
        xml_escape(&description.join("; ")),
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = i * row + 4;
        let width = (bar.value * bar_width)
            .div_ceil(max)
            .max(if bar.value > 0 { 2 } else { 0 });
        let _ = write!(
            svg,
            "<a href=\"{}\" aria-label=\"{}: {}\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"chart-label\">{}</text><rect x=\"{}\" y=\"{}\" width=\"{width}\" height=\"{}\" rx=\"3\" class=\"chart-bar\"/><text x=\"{}\" y=\"{}\" class=\"chart-value\">{}</text></a>",
            xml_escape(&bar.url),
            xml_escape(bar.label),
            bar.value,
            label_width - 8,
            y + 15,
            xml_escape(&shorten(bar.label, 30)),
            label_width,
            y + 2,
            row - 8,
            label_width + width + 6,
            y + 15,
            bar.value,
        );
    }
    svg.push_str("</svg>");
    svg
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Where each region's tile sits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TileLayout {
    pub columns: usize,
    pub rows: usize,
    pub tiles: Vec<Tile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tile {
    pub slug: String,
    pub x: usize,
    pub y: usize,
}

/// The embedded layout of Russia's federal subjects.
pub const EMBEDDED_TILES: &str = include_str!("../../data/tilemap.yaml");

impl TileLayout {
    pub fn embedded() -> Option<Self> {
        serde_yaml::from_str(EMBEDDED_TILES).ok()
    }
}

/// A region on the map: name, slug, practice count, page URL.
pub struct RegionTile<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub count: usize,
    pub url: String,
}

/// Labels for regions whose first three letters would clash with a neighbour's.
const TILE_LABELS: &[(&str, &str)] = &[
    ("moskva", "МСК"),
    ("moskovskaya-oblast", "МОС"),
    ("sankt-peterburg", "СПБ"),
    ("leningradskaya-oblast", "ЛЕН"),
    ("respublika-altay", "АЛР"),
    ("altayskiy-kray", "АЛТ"),
    ("kaliningradskaya-oblast", "КЛД"),
    ("kaluzhskaya-oblast", "КЛЖ"),
    ("respublika-kalmykiya", "КЛМ"),
    ("respublika-sakha-yakutiya", "ЯКУ"),
    ("sakhalinskaya-oblast", "САХ"),
    ("respublika-severnaya-osetiya-alaniya", "РСО"),
    ("sevastopol", "СЕВ"),
    ("krasnodarskiy-kray", "КДР"),
    ("krasnoyarskiy-kray", "КЯР"),
    ("kurskaya-oblast", "КУР"),
    ("kurganskaya-oblast", "КГН"),
    ("vologodskaya-oblast", "ВЛГ"),
    ("volgogradskaya-oblast", "ВГГ"),
    ("novgorodskaya-oblast", "НВГ"),
    ("novosibirskaya-oblast", "НСК"),
];

/// Three letters that name a region on its tile: «Тамбовская область» → «ТАМ».
pub fn tile_label(slug: &str, name: &str) -> String {
    if let Some((_, label)) = TILE_LABELS.iter().find(|(s, _)| *s == slug) {
        return (*label).to_string();
    }
    let special = [
        ("Чувашская", "ЧУВ"),
        ("Кабардино-Балкарская", "КБР"),
        ("Карачаево-Черкесская", "КЧР"),
        ("Удмуртская", "УДМ"),
        ("Чеченская", "ЧЕЧ"),
        ("Донецкая", "ДНР"),
        ("Луганская", "ЛНР"),
    ];
    if let Some((_, label)) = special.iter().find(|(w, _)| name.contains(w)) {
        return (*label).to_string();
    }
    let word = name
        .split([' ', '—', '(', ')'])
        .find(|w| !w.is_empty() && *w != "г." && *w != "Республика")
        .unwrap_or(name);
    word.chars()
        .filter(|c| c.is_alphabetic())
        .take(3)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The tile map: one square per region, coloured by its number of practices.
pub fn tile_map(layout: &TileLayout, regions: &[RegionTile<'_>]) -> String {
    let size = 34;
    let gap = 3;
    let width = layout.columns * (size + gap);
    let height = layout.rows * (size + gap);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"tile-map\" viewBox=\"0 0 {width} {height}\" role=\"group\" aria-labelledby=\"tile-map-title\"><title id=\"tile-map-title\">Карта регионов: число практик в каждом регионе</title>"
    );
    for tile in &layout.tiles {
        let Some(region) = regions.iter().find(|r| r.slug == tile.slug) else {
            continue;
        };
        let level = match region.count {
            0 => 0,
            1 => 1,
            2..=3 => 2,
            4..=9 => 3,
            _ => 4,
        };
        let (x, y) = (tile.x * (size + gap), tile.y * (size + gap));
        let noun = crate::render::russian::plural_form(
            region.count as i64,
            "практика",
            "практики",
            "практик",
        );
        let label = format!("{}: {} {noun}", region.name, region.count);
        let _ = write!(
            svg,
            "<a href=\"{}\" aria-label=\"{}\"><rect x=\"{x}\" y=\"{y}\" width=\"{size}\" height=\"{size}\" rx=\"4\" class=\"tile tile-{level}\"><title>{}</title></rect><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"tile-label tile-label-{level}\" aria-hidden=\"true\">{}</text></a>",
            xml_escape(&region.url),
            xml_escape(&label),
            xml_escape(&label),
            x + size / 2,
            y + size / 2 + 4,
            xml_escape(&tile_label(region.slug, region.name)),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_escape_labels_and_scale() {
        let bars = [
            Bar {
                label: "<script>",
                value: 4,
                url: "/a?b=1&c=2".into(),
            },
            Bar {
                label: "Спорт",
                value: 2,
                url: "/s/".into(),
            },
        ];
        let svg = bar_chart("c", "Практики по сферам", &bars);
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains("href=\"/a?b=1&amp;c=2\""));
        assert!(
            svg.contains("width=\"300\"") && svg.contains("width=\"150\""),
            "{svg}"
        );
        roxmltree::Document::parse(&svg).unwrap();
    }

    #[test]
    fn the_embedded_layout_places_every_region_once() {
        let layout = TileLayout::embedded().expect("valid data/tilemap.yaml");
        let regions = crate::regions::Regions::embedded();
        assert_eq!(layout.tiles.len(), regions.subjects().count());
        let mut cells = std::collections::HashSet::new();
        for tile in &layout.tiles {
            assert!(
                tile.x < layout.columns && tile.y < layout.rows,
                "{}",
                tile.slug
            );
            assert!(
                cells.insert((tile.x, tile.y)),
                "two tiles at {},{}",
                tile.x,
                tile.y
            );
            assert!(
                regions.subjects().any(|(_, r)| r.slug == tile.slug),
                "{}",
                tile.slug
            );
        }
    }

    #[test]
    fn tile_labels_are_short_and_unique_among_neighbours() {
        assert_eq!(
            tile_label("tambovskaya-oblast", "Тамбовская область"),
            "ТАМ"
        );
        assert_eq!(tile_label("moskva", "г. Москва"), "МСК");
        assert_eq!(
            tile_label("respublika-tatarstan", "Республика Татарстан"),
            "ТАТ"
        );
        assert_eq!(
            tile_label(
                "chuvashskaya-respublika-chuvashiya",
                "Чувашская Республика — Чувашия"
            ),
            "ЧУВ"
        );
        let regions = crate::regions::Regions::embedded();
        let mut labels: Vec<String> = regions
            .subjects()
            .map(|(_, r)| tile_label(&r.slug, &r.name))
            .collect();
        labels.sort();
        let repeated: Vec<_> = labels
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0].clone())
            .collect();
        assert!(repeated.is_empty(), "labels used twice: {repeated:?}");
    }
}
