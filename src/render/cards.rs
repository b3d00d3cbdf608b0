//! Practice cards as template values, each built once per render and shared by every list
//! and related-practices block that shows it.
//!
//! A card is a practice's own fields plus its terms (region, district, sector, year, tags).
//! Serialising each card whole gave every card its own copy of five to ten term maps, about
//! 5 KB per card and half a gigabyte at 100 000 practices. Here each term's value is built
//! once and shared (a template value clones by reference count), so a card costs only its
//! own fields. The result equals serialising [`views::practice`], which a test checks.
//!
//! A card also carries its own HTML, `card_html`, rendered once from the theme's
//! [`CARD_TEMPLATE`] with the card as `p`. A list template that shows `p.card_html` instead of
//! including the template again renders each card once rather than on every list and
//! related block that shows it: the card template was an eighth of a whole build.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use tera::{Tera, Value};

use super::views;
use crate::content::Body;
use crate::error::Error;
use crate::library::{Library, Term};
use tera::value::Key;

/// The theme's template for one practice card, rendered into each card's `card_html`.
pub const CARD_TEMPLATE: &str = "partials/card.html";

/// Every practice's card, built on first use.
pub struct Cards<'a> {
    library: &'a Library,
    /// The templates, when the theme has a [`CARD_TEMPLATE`] to render `card_html` with.
    templates: Option<Arc<Tera>>,
    terms: OnceLock<TermValues>,
    cards: Vec<OnceLock<Value>>,
}

/// Each term's value as a card shows it, by facet.
struct TermValues {
    regions: Vec<Value>,
    districts: Vec<Value>,
    sectors: Vec<Value>,
    years: FxHashMap<i32, Value>,
    tags: Vec<Value>,
}

impl TermValues {
    fn new(lib: &Library) -> Self {
        let base = lib.config.base_url.path.as_str();
        let values = |facet: &str, terms: &[Term]| -> Vec<Value> {
            terms
                .iter()
                .map(|t| Value::from_serializable(&views::term(base, facet, t)))
                .collect()
        };
        let tax = &lib.taxonomies;
        TermValues {
            regions: values("regions", &tax.regions),
            districts: values("districts", &tax.districts),
            sectors: values("sectors", &tax.sectors),
            years: tax
                .years
                .iter()
                .filter_map(|t| {
                    let year = t.slug.parse().ok()?;
                    Some((
                        year,
                        Value::from_serializable(&views::term(base, "years", t)),
                    ))
                })
                .collect(),
            tags: values("tags", &tax.tags),
        }
    }
}

impl<'a> Cards<'a> {
    /// Cards of `library`; with `templates` that have a [`CARD_TEMPLATE`], each card also
    /// carries its `card_html`.
    pub fn new(library: &'a Library, templates: Option<Arc<Tera>>) -> Self {
        Cards {
            library,
            templates: templates.filter(|tera| tera.contains_template(CARD_TEMPLATE)),
            terms: OnceLock::new(),
            cards: (0..library.practices.len())
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    /// Practice `i`'s card. An error is the card template's, and is not kept: a later call
    /// renders again.
    pub fn get(&self, i: usize) -> Result<Value, Error> {
        if let Some(card) = self.cards[i].get() {
            return Ok(card.clone());
        }
        let card = self.build(i)?;
        Ok(self.cards[i].get_or_init(|| card).clone())
    }

    /// Practice `i`'s page value: its card's fields, its own fields ([`views::PracticeExtras`])
    /// and its related practices' cards.
    pub fn practice_page(&self, i: usize, body: &Body) -> Result<Value, Error> {
        let lib = self.library;
        let card = self.get(i)?;
        let mut page: tera::Map = card.as_map().cloned().unwrap_or_default();
        let extras = Value::from_serializable(&views::practice_extras(lib, i, body));
        if let Some(extras) = extras.as_map() {
            page.extend(extras.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let related = lib.related[i]
            .iter()
            .map(|&j| self.get(j))
            .collect::<Result<Vec<Value>, Error>>()?;
        page.insert(Key::Str("related"), Value::from(related));
        Ok(Value::from(page))
    }

    fn build(&self, i: usize) -> Result<Value, Error> {
        let lib = self.library;
        let terms = self.terms.get_or_init(|| TermValues::new(lib));
        let p = &lib.practices[i];
        let meta = &p.meta;
        let mut card: BTreeMap<&'static str, Value> = BTreeMap::new();
        card.insert("slug", Value::from_serializable(&p.slug));
        card.insert(
            "url",
            Value::from_serializable(&format!("{}{}", lib.config.base_url.path, p.url)),
        );
        card.insert("title", Value::from_serializable(&meta.title));
        card.insert("summary", Value::from_serializable(&meta.summary));
        card.insert("region", terms.regions[meta.region].clone());
        card.insert(
            "district",
            lib.district_of(i)
                .map_or_else(Value::none, |d| terms.districts[d].clone()),
        );
        card.insert("sector", terms.sectors[meta.sector].clone());
        card.insert(
            "year",
            terms
                .years
                .get(&meta.year)
                .cloned()
                .unwrap_or_else(Value::none),
        );
        card.insert(
            "status",
            Value::from_serializable(&meta.status.map(|s| s.name())),
        );
        card.insert("organization", Value::from_serializable(&meta.organization));
        let tags: Vec<Value> = lib.practice_tags[i]
            .iter()
            .map(|&t| terms.tags[t].clone())
            .collect();
        card.insert("tags", Value::from(tags));
        card.insert(
            "date",
            Value::from_serializable(&meta.date.map(|d| d.to_string())),
        );
        if let Some(tera) = &self.templates {
            let mut context = tera::Context::new();
            context.insert_value("p", Value::from(card.clone()));
            let html = tera.render(CARD_TEMPLATE, &context).map_err(|e| {
                Error::Template(format!(
                    "{CARD_TEMPLATE} (rendering the card of {}): {}",
                    p.url,
                    super::error_chain(&e)
                ))
            })?;
            card.insert("card_html", Value::safe_string(&html));
        }
        Ok(Value::from(card))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_card_equals_its_serialised_view() {
        let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        let lib = crate::load(&crate::BuildOptions::new(site)).unwrap();
        assert!(lib.practices.len() > 2);
        assert!(lib.related.iter().any(|r| !r.is_empty()));
        let cards = Cards::new(&lib, None);
        for i in 0..lib.practices.len() {
            let expected = Value::from_serializable(&views::practice(&lib, i));
            assert_eq!(cards.get(i).unwrap(), expected, "card {i}");
            let body = lib.practices[i].body.rendered().unwrap();
            let expected = Value::from_serializable(&views::practice_full(&lib, i, body));
            assert_eq!(cards.practice_page(i, body).unwrap(), expected, "page {i}");
        }
    }
}
