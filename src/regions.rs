//! Russia's federal subjects and districts, and the forgiving lookup editors need.
//!
//! Editors write «Тамбовская обл.», «Подмосковье», «г.Москва», «ХМАО» or «Чувашия»; all of them
//! must land on one canonical subject. Lookup first normalises the spelling (case, ё, dashes,
//! spaces, abbreviations of status words), then consults names and aliases from the data file.
//! What stays unknown or ambiguous gets a hint naming the right region.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{edit_distance, Diagnostic, SourceText};

/// The embedded list; a site may point `regions:` in `site.yaml` at its own file.
pub const EMBEDDED: &str = include_str!("../data/regions.yaml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionsFile {
    districts: Vec<DistrictEntry>,
    subjects: Vec<SubjectEntry>,
    federal: FederalEntry,
    #[serde(default)]
    ambiguous: Vec<AmbiguousEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DistrictEntry {
    name: String,
    short: String,
    slug: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectEntry {
    name: String,
    slug: String,
    district: String,
    #[serde(default)]
    code: Option<u32>,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FederalEntry {
    name: String,
    slug: String,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct AmbiguousEntry {
    alias: String,
    candidates: Vec<String>,
}

/// A federal district (федеральный округ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct District {
    pub name: String,
    pub short: String,
    pub slug: String,
}

/// A federal subject, or the federal level itself (`district == None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub name: String,
    pub slug: String,
    /// Index into [`Regions::districts`]; `None` for the federal level.
    pub district: Option<usize>,
    pub code: Option<u32>,
    /// Other names people use («Подмосковье»), for search.
    pub aliases: Vec<String>,
}

/// What a region spelling resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(usize),
    Ambiguous(Vec<usize>),
    Unknown { suggestion: Option<usize> },
}

/// The loaded list with its lookup index.
#[derive(Debug, Clone)]
pub struct Regions {
    pub districts: Vec<District>,
    /// Subjects in file order, then the federal level last.
    pub regions: Vec<Region>,
    index: HashMap<String, Vec<usize>>,
}

impl Regions {
    /// The list embedded in the program.
    pub fn embedded() -> Self {
        Self::parse(Path::new("<embedded regions.yaml>"), EMBEDDED)
            .expect("the embedded regions list is valid (checked by tests)")
    }

    /// Parses a regions file; problems are reported as diagnostics against `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Vec<Diagnostic>> {
        let source = SourceText::new(path, text);
        let file: RegionsFile = serde_yaml::from_str(text).map_err(|err| {
            let location = err
                .location()
                .map(|l| source.location(l.index(), 1))
                .unwrap_or_default();
            vec![Diagnostic::at(
                "regions-file",
                &source,
                location,
                format!("invalid regions file: {err}"),
            )]
        })?;
        Self::from_file(file).map_err(|message| {
            vec![Diagnostic::file_error(
                "regions-file",
                path,
                format!("invalid regions file: {message}"),
            )]
        })
    }

    fn from_file(file: RegionsFile) -> Result<Self, String> {
        let districts: Vec<District> = file
            .districts
            .into_iter()
            .map(|d| District {
                name: d.name,
                short: d.short,
                slug: d.slug,
            })
            .collect();
        let mut regions = Vec::with_capacity(file.subjects.len() + 1);
        let mut aliases = Vec::new();
        for subject in file.subjects {
            let district = districts
                .iter()
                .position(|d| d.short == subject.district || d.name == subject.district)
                .ok_or_else(|| {
                    format!(
                        "subject «{}» names unknown district «{}»",
                        subject.name, subject.district
                    )
                })?;
            aliases.push((regions.len(), subject.aliases.clone()));
            regions.push(Region {
                name: subject.name,
                slug: subject.slug,
                district: Some(district),
                code: subject.code,
                aliases: subject.aliases,
            });
        }
        aliases.push((regions.len(), file.federal.aliases.clone()));
        regions.push(Region {
            name: file.federal.name,
            slug: file.federal.slug,
            district: None,
            code: None,
            aliases: file.federal.aliases,
        });

        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        let mut add = |key: &str, id: usize| {
            let ids = index.entry(normalize(key)).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        };
        for (id, region) in regions.iter().enumerate() {
            add(&region.name, id);
        }
        for (id, names) in &aliases {
            for alias in names {
                add(alias, *id);
            }
        }
        for entry in file.ambiguous {
            for candidate in &entry.candidates {
                let id = regions
                    .iter()
                    .position(|r| &r.name == candidate)
                    .ok_or_else(|| format!("ambiguous alias names unknown region «{candidate}»"))?;
                add(&entry.alias, id);
            }
        }
        let mut slugs: Vec<&str> = regions.iter().map(|r| r.slug.as_str()).collect();
        slugs.sort_unstable();
        if let Some(pair) = slugs.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("slug `{}` is used twice", pair[0]));
        }
        Ok(Regions {
            districts,
            regions,
            index,
        })
    }

    /// Resolves a spelling of a region.
    pub fn lookup(&self, input: &str) -> Lookup {
        let key = normalize(input);
        match self.index.get(&key).map(Vec::as_slice) {
            Some([id]) => Lookup::Found(*id),
            Some(ids) if !ids.is_empty() => Lookup::Ambiguous(ids.to_vec()),
            _ => Lookup::Unknown {
                suggestion: self.suggest(&key),
            },
        }
    }

    /// The region nearest to an unknown spelling: a close typo, or a name containing it.
    fn suggest(&self, key: &str) -> Option<usize> {
        if key.is_empty() {
            return None;
        }
        let limit = (key.chars().count() / 4).clamp(1, 4);
        let by_distance = self
            .index
            .iter()
            .filter(|(_, ids)| ids.len() == 1)
            .map(|(k, ids)| (edit_distance(key, k), k, ids[0]))
            .filter(|(d, _, _)| *d <= limit)
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        if let Some((_, _, id)) = by_distance {
            return Some(id);
        }
        // «Тамбовская» or «Свердловская обл-ть»: the first word names the region well enough.
        let first_word = key.split(' ').next().unwrap_or(key);
        let mut containing = self
            .regions
            .iter()
            .enumerate()
            .filter(|(_, r)| normalize(&r.name).split(' ').any(|w| w == first_word));
        match (containing.next(), containing.next()) {
            (Some((id, _)), None) => Some(id),
            _ => None,
        }
    }

    pub fn get(&self, id: usize) -> &Region {
        &self.regions[id]
    }

    pub fn district_of(&self, id: usize) -> Option<&District> {
        self.regions[id].district.map(|d| &self.districts[d])
    }

    /// Every subject (not the federal level).
    pub fn subjects(&self) -> impl Iterator<Item = (usize, &Region)> {
        self.regions
            .iter()
            .enumerate()
            .filter(|(_, r)| r.district.is_some())
    }
}

/// Folds the many ways of writing one region name onto one key.
pub fn normalize(input: &str) -> String {
    let lower: String = input
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ё' => 'е',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    // «г. Москва», «город Севастополь»: the city prefix is dropped, names are unique without it.
    if matches!(words.first(), Some(&"г") | Some(&"гор") | Some(&"город")) && words.len() > 1
    {
        words.remove(0);
    }
    let mut out: Vec<&str> = Vec::with_capacity(words.len() + 1);
    let mut i = 0;
    while i < words.len() {
        match words[i] {
            "обл" | "обл-ть" => out.push("область"),
            "респ" => out.push("республика"),
            "кр" => out.push("край"),
            "ао" => out.extend(["автономный", "округ"]),
            "авт" => out.push("автономный"),
            "а" if words.get(i + 1) == Some(&"о") => {
                out.extend(["автономный", "округ"]);
                i += 1;
            }
            word => out.push(word),
        }
        i += 1;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(regions: &Regions, input: &str) -> String {
        match regions.lookup(input) {
            Lookup::Found(id) => regions.get(id).name.clone(),
            other => panic!("{input}: {other:?}"),
        }
    }

    #[test]
    fn embedded_list_has_every_subject_and_district() {
        let regions = Regions::embedded();
        assert_eq!(regions.districts.len(), 8);
        assert_eq!(regions.subjects().count(), 89);
        let federal = regions.regions.last().unwrap();
        assert!(federal.district.is_none());
        for (_, region) in regions.subjects() {
            assert_eq!(
                region.slug,
                crate::slug::slugify(region.name.trim_start_matches("г. ")),
                "slug of {}",
                region.name
            );
        }
    }

    #[test]
    fn everyday_spellings_resolve() {
        let r = Regions::embedded();
        assert_eq!(name(&r, "Тамбовская область"), "Тамбовская область");
        assert_eq!(name(&r, "тамбовская обл."), "Тамбовская область");
        assert_eq!(name(&r, "  Тамбовская   ОБЛ "), "Тамбовская область");
        assert_eq!(name(&r, "Подмосковье"), "Московская область");
        assert_eq!(name(&r, "Москва"), "г. Москва");
        assert_eq!(name(&r, "г.Москва"), "г. Москва");
        assert_eq!(name(&r, "город Москва"), "г. Москва");
        assert_eq!(name(&r, "ХМАО"), "Ханты-Мансийский автономный округ — Югра");
        assert_eq!(
            name(&r, "Ханты-Мансийский АО - Югра"),
            "Ханты-Мансийский автономный округ — Югра"
        );
        assert_eq!(name(&r, "Чувашия"), "Чувашская Республика — Чувашия");
        assert_eq!(
            name(&r, "Республика Саха (Якутия)"),
            "Республика Саха (Якутия)"
        );
        assert_eq!(
            name(&r, "Кемеровская область"),
            "Кемеровская область — Кузбасс"
        );
        assert_eq!(name(&r, "Пермская область"), "Пермский край");
        assert_eq!(name(&r, "федеральный уровень"), "Российская Федерация");
        assert_eq!(name(&r, "Респ. Татарстан"), "Республика Татарстан");
    }

    #[test]
    fn ambiguous_and_unknown_names_get_suggestions() {
        let r = Regions::embedded();
        let Lookup::Ambiguous(ids) = r.lookup("Алтай") else {
            panic!("Алтай must be ambiguous")
        };
        let names: Vec<_> = ids.iter().map(|&id| r.get(id).name.as_str()).collect();
        assert!(names.contains(&"Республика Алтай") && names.contains(&"Алтайский край"));

        let Lookup::Unknown { suggestion } = r.lookup("Тамбовская облсть") else {
            panic!("a typo is not resolved silently")
        };
        assert_eq!(r.get(suggestion.unwrap()).name, "Тамбовская область");
        let Lookup::Unknown { suggestion } = r.lookup("Тамбовская губерния")
        else {
            panic!()
        };
        assert_eq!(r.get(suggestion.unwrap()).name, "Тамбовская область");
        assert_eq!(r.lookup("Атлантида"), Lookup::Unknown { suggestion: None });
    }
}
