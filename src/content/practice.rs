//! The practice front-matter schema (DESIGN §2): what each key must hold, checked strictly.

use serde::Serialize;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{nearest, Diagnostic};
use crate::regions::{Lookup, Regions};
use crate::schema::Reader;
use crate::yaml::{Node, Value};

pub const KEYS: &[&str] = &[
    "title",
    "region",
    "sector",
    "year",
    "summary",
    "tags",
    "organization",
    "status",
    "results",
    "links",
    "contacts",
    "date",
    "draft",
];

/// The earliest year a practice may carry: the Russian Federation's first.
pub const FIRST_YEAR: i64 = 1991;

/// How far a practice has spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Status {
    #[serde(rename = "пилот")]
    Pilot,
    #[serde(rename = "внедрена")]
    Implemented,
    #[serde(rename = "тиражируется")]
    Replicated,
}

impl Status {
    pub const ALL: [(&'static str, Status); 3] = [
        ("пилот", Status::Pilot),
        ("внедрена", Status::Implemented),
        ("тиражируется", Status::Replicated),
    ];

    pub fn name(self) -> &'static str {
        Status::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("", |(n, _)| n)
    }
}

/// One before → after figure of a results card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub label: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Contact {
    pub name: Option<String>,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub url: Option<String>,
}

/// A practice's validated front matter. Region and sector are indices into the site's lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeMeta {
    pub title: String,
    pub region: usize,
    pub sector: usize,
    pub year: i32,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub organization: Option<String>,
    pub status: Option<Status>,
    pub results: Vec<Outcome>,
    pub links: Vec<Link>,
    pub contacts: Vec<Contact>,
    pub date: Option<Date>,
    pub draft: bool,
}

/// Everything the schema needs to know about the site.
pub struct Schema<'a> {
    pub config: &'a Config,
    pub regions: &'a Regions,
    /// The latest year accepted (next year: practices announced ahead).
    pub last_year: i64,
}

/// Reads and validates a practice's front matter; `None` when it has errors (all reported).
pub fn read(reader: &mut Reader<'_, '_>, root: &Node, schema: &Schema<'_>) -> Option<PracticeMeta> {
    let before = reader.diagnostics.len();
    let mut title = None;
    let mut region = None;
    let mut sector = None;
    let mut year = None;
    let mut meta = PracticeMeta {
        title: String::new(),
        region: 0,
        sector: 0,
        year: 0,
        summary: None,
        tags: Vec::new(),
        organization: None,
        status: None,
        results: Vec::new(),
        links: Vec::new(),
        contacts: Vec::new(),
        date: None,
        draft: false,
    };
    for entry in reader.mapping(root, "practice front matter", KEYS) {
        let node = &entry.value;
        match entry.key.as_str() {
            "title" => title = reader.text(node, "title"),
            "region" => region = read_region(reader, node, schema.regions),
            "sector" => sector = read_sector(reader, node, schema.config),
            "year" => year = read_year(reader, node, schema.last_year),
            "summary" => meta.summary = reader.text(node, "summary"),
            "tags" => meta.tags = read_tags(reader, node),
            "organization" => meta.organization = reader.text(node, "organization"),
            "status" => meta.status = read_status(reader, node),
            "results" => meta.results = read_results(reader, node),
            "links" => meta.links = read_links(reader, node),
            "contacts" => meta.contacts = read_contacts(reader, node),
            "date" => meta.date = read_date(reader, node),
            "draft" => meta.draft = reader.bool(node, "draft").unwrap_or(false),
            _ => {}
        }
    }
    let has = |key: &str| matches!(&root.value, Value::Map(e) if e.iter().any(|e| e.key == key));
    if !has("title") {
        reader.missing(root, "title", "the practice", "Совет по качеству жизни");
    }
    if !has("region") {
        reader.missing(root, "region", "the practice", "Тамбовская область");
    }
    if !has("sector") {
        let example = schema
            .config
            .sectors
            .first()
            .map_or("Здравоохранение", |s| &s.name);
        reader.missing(root, "sector", "the practice", example);
    }
    if !has("year") {
        reader.missing(root, "year", "the practice", "2024");
    }
    if reader.diagnostics.len() > before {
        return None;
    }
    meta.title = title?;
    meta.region = region?;
    meta.sector = sector?;
    meta.year = year?;
    Some(meta)
}

fn read_region(reader: &mut Reader<'_, '_>, node: &Node, regions: &Regions) -> Option<usize> {
    let text = reader.text(node, "region")?;
    match regions.lookup(&text) {
        Lookup::Found(id) => Some(id),
        Lookup::Ambiguous(ids) => {
            let names: Vec<String> = ids
                .iter()
                .map(|&id| format!("«{}»", regions.get(id).name))
                .collect();
            reader.error(
                Diagnostic::at(
                    "ambiguous-region",
                    reader.source,
                    node.location,
                    format!("region «{text}» may mean several regions"),
                )
                .with_hint(format!("write one of {}", names.join(" or "))),
            );
            None
        }
        Lookup::Unknown { suggestion } => {
            let hint = match suggestion {
                Some(id) => format!("did you mean «{}»?", regions.get(id).name),
                None => format!(
                    "write the region's official name, e.g. «Тамбовская область», or «{}» for a federal practice",
                    regions.regions.last().map_or("Российская Федерация", |r| r.name.as_str())
                ),
            };
            reader.error(
                Diagnostic::at(
                    "unknown-region",
                    reader.source,
                    node.location,
                    format!("unknown region «{text}»"),
                )
                .with_hint(hint),
            );
            None
        }
    }
}

/// Sector names compare without case, ё and extra spaces; a sector's slug is accepted too.
fn read_sector(reader: &mut Reader<'_, '_>, node: &Node, config: &Config) -> Option<usize> {
    let text = reader.text(node, "sector")?;
    let fold = |s: &str| {
        s.to_lowercase()
            .replace('ё', "е")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Most editors write the name as site.yaml does: no folding needed.
    let exact = config
        .sectors
        .iter()
        .position(|s| s.name == text || s.slug == text);
    let folded = || {
        let wanted = fold(&text);
        config.sectors.iter().position(|s| fold(&s.name) == wanted)
    };
    if let Some(i) = exact.or_else(folded) {
        return Some(i);
    }
    let names = config.sectors.iter().map(|s| s.name.as_str());
    let hint = match nearest(&text, names.clone()) {
        Some(near) => format!("did you mean «{near}»?"),
        None => format!(
            "sectors are listed in site.yaml: {}",
            names
                .map(|n| format!("«{n}»"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    reader.error(
        Diagnostic::at(
            "unknown-sector",
            reader.source,
            node.location,
            format!("unknown sector «{text}»"),
        )
        .with_hint(hint),
    );
    None
}

fn read_year(reader: &mut Reader<'_, '_>, node: &Node, last_year: i64) -> Option<i32> {
    let year = reader.integer(node, "year")?;
    if (FIRST_YEAR..=last_year).contains(&year) {
        return Some(year as i32);
    }
    reader.error(
        Diagnostic::at(
            "year-out-of-range",
            reader.source,
            node.location,
            format!("year {year} is out of range {FIRST_YEAR}–{last_year}"),
        )
        .with_hint("the year the practice started or was recognised, e.g. 2024"),
    );
    None
}

fn read_tags(reader: &mut Reader<'_, '_>, node: &Node) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in reader.text_list(node, "tags") {
        // Compared without allocating: most pairs differ at their first letters.
        let same = |t: &String| {
            *t == tag
                || t.chars()
                    .flat_map(char::to_lowercase)
                    .eq(tag.chars().flat_map(char::to_lowercase))
        };
        if !tags.iter().any(same) {
            tags.push(tag);
        }
    }
    tags
}

fn read_status(reader: &mut Reader<'_, '_>, node: &Node) -> Option<Status> {
    let text = reader.text(node, "status")?;
    let lower = text.to_lowercase();
    if let Some((_, status)) = Status::ALL.iter().find(|(name, _)| *name == lower) {
        return Some(*status);
    }
    let names = Status::ALL.iter().map(|(n, _)| *n);
    let hint = match nearest(&lower, names) {
        Some(near) => format!("did you mean «{near}»?"),
        None => "one of «пилот», «внедрена», «тиражируется»".to_string(),
    };
    reader.error(
        Diagnostic::at(
            "unknown-status",
            reader.source,
            node.location,
            format!("unknown status «{text}»"),
        )
        .with_hint(hint),
    );
    None
}

fn read_results(reader: &mut Reader<'_, '_>, node: &Node) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for item in reader.list(node, "results") {
        let mut outcome = Outcome {
            label: String::new(),
            before: None,
            after: None,
        };
        for entry in reader.mapping(item, "a result", &["label", "before", "after"]) {
            let value = reader.text(&entry.value, &format!("results.{}", entry.key));
            match entry.key.as_str() {
                "label" => outcome.label = value.unwrap_or_default(),
                "before" => outcome.before = value,
                "after" => outcome.after = value,
                _ => {}
            }
        }
        if !matches!(item.value, Value::Map(_)) {
            continue;
        }
        if outcome.label.is_empty() {
            reader.missing(item, "label", "a result", "Срок назначения выплаты");
        } else if outcome.before.is_none() && outcome.after.is_none() {
            reader.missing(item, "after", "a result", "5 дней");
        } else {
            outcomes.push(outcome);
        }
    }
    outcomes
}

fn read_links(reader: &mut Reader<'_, '_>, node: &Node) -> Vec<Link> {
    let mut links = Vec::new();
    for item in reader.list(node, "links") {
        let mut title = None;
        let mut url = None;
        let entries = reader.mapping(item, "a link", &["title", "url"]);
        for entry in entries {
            match entry.key.as_str() {
                "title" => title = reader.text(&entry.value, "links.title"),
                "url" => url = read_url(reader, &entry.value, "links.url"),
                _ => {}
            }
        }
        if !matches!(item.value, Value::Map(_)) {
            continue;
        }
        // A key that is present but invalid has been reported already.
        let present = |key: &str| entries.iter().any(|e| e.key == key);
        match (title, url) {
            (Some(title), Some(url)) => links.push(Link { title, url }),
            _ if !present("title") => {
                reader.missing(item, "title", "a link", "Сообщение администрации области")
            }
            _ if !present("url") => {
                reader.missing(item, "url", "a link", "https://example.ru/news/1")
            }
            _ => {}
        }
    }
    links
}

fn read_url(reader: &mut Reader<'_, '_>, node: &Node, what: &str) -> Option<String> {
    let url = reader.text(node, what)?;
    let lower = url.to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() > 8
        && !url.contains(char::is_whitespace)
    {
        return Some(url);
    }
    reader.error(
        Diagnostic::at(
            "bad-url",
            reader.source,
            node.location,
            format!("`{what}` is not a web address: `{url}`"),
        )
        .with_hint("write the full address starting with https://"),
    );
    None
}

fn read_contacts(reader: &mut Reader<'_, '_>, node: &Node) -> Vec<Contact> {
    let mut contacts = Vec::new();
    for item in reader.list(node, "contacts") {
        let mut contact = Contact::default();
        for entry in reader.mapping(
            item,
            "a contact",
            &["name", "role", "email", "phone", "url"],
        ) {
            let value = &entry.value;
            match entry.key.as_str() {
                "name" => contact.name = reader.text(value, "contacts.name"),
                "role" => contact.role = reader.text(value, "contacts.role"),
                "phone" => contact.phone = reader.text(value, "contacts.phone"),
                "url" => contact.url = read_url(reader, value, "contacts.url"),
                "email" => {
                    contact.email = reader.text(value, "contacts.email").filter(|email| {
                        let valid = email.split_once('@').is_some_and(|(user, host)| {
                            !user.is_empty()
                                && host.contains('.')
                                && !email.contains(char::is_whitespace)
                        });
                        if !valid {
                            reader.error(
                                Diagnostic::at(
                                    "bad-email",
                                    reader.source,
                                    value.location,
                                    format!("`{email}` is not an e-mail address"),
                                )
                                .with_hint("e.g. email: info@example.ru"),
                            );
                        }
                        valid
                    })
                }
                _ => {}
            }
        }
        if contact != Contact::default() {
            contacts.push(contact);
        }
    }
    contacts
}

fn read_date(reader: &mut Reader<'_, '_>, node: &Node) -> Option<Date> {
    let text = reader.text(node, "date")?;
    let date = Date::parse(&text);
    if date.is_none() {
        reader.error(
            Diagnostic::at(
                "bad-date",
                reader.source,
                node.location,
                format!("`{text}` is not a date"),
            )
            .with_hint("write the date as YYYY-MM-DD, e.g. 2024-12-20"),
        );
    }
    date
}
