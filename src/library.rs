//! The library model: practices in reading order, the taxonomies that index them, and related
//! practices. Built once from validated content; everything after this only reads it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Content, DeferredBodies, Page, Practice};
use crate::diagnostics::Diagnostic;
use crate::regions::Regions;
use crate::slug::slugify;

/// How many related practices a practice page shows.
pub const RELATED_COUNT: usize = 3;
/// How far down each shared term's list (newest first) related practices are looked for,
/// which keeps the work linear in the library's size.
const RELATED_SCAN: usize = 64;

/// One value of a facet (a region, a sector, a year, a tag) and its practices, newest first.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// Indices into [`Library::practices`].
    pub practices: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Taxonomies {
    /// Every practice, in library order (the "all practices" list).
    pub all: Vec<usize>,
    /// Every region of the regions list (in list order), with or without practices.
    pub regions: Vec<Term>,
    /// Every federal district (in list order).
    pub districts: Vec<Term>,
    /// Every sector of `site.yaml` (in its order).
    pub sectors: Vec<Term>,
    /// Years with practices, newest first.
    pub years: Vec<Term>,
    /// Tags with practices, alphabetically.
    pub tags: Vec<Term>,
}

#[derive(Debug, Clone)]
pub struct Library {
    pub config: Config,
    pub regions: Regions,
    /// Newest first: by publication date (or the practice's year), then by slug.
    pub practices: Vec<Arc<Practice>>,
    pub pages: Vec<Page>,
    pub home: Option<Page>,
    /// The model (shared: `serve` hands it from one rebuild to the next when no front
    /// matter changed).
    pub taxonomies: Arc<Taxonomies>,
    /// For each practice, up to [`RELATED_COUNT`] related practices.
    pub related: Arc<Vec<Vec<usize>>>,
    /// For each practice, the index of each of its tags in `taxonomies.tags`.
    pub practice_tags: Arc<Vec<Vec<usize>>>,
    pub assets: Vec<String>,
    pub warnings: Vec<Diagnostic>,
    /// Set when practice bodies were left in their files: the build renders each while it
    /// writes the practice's page (see [`crate::content::deferred`]).
    pub deferred: Option<Arc<DeferredBodies>>,
}

impl Library {
    pub fn new(config: Config, regions: Regions, content: Content) -> Self {
        Library::build(config, regions, content, None)
    }

    /// Like [`Library::new`], for `serve`: when every practice has the terms and address it
    /// had in `previous` (a save that edited a body, a title or a summary: the usual cases),
    /// the taxonomies and related practices are taken from `previous` instead of computed
    /// again ([`Library::same_terms`]).
    /// Like the content cache, this holds within one configuration and regions list.
    pub fn with_previous(
        config: Config,
        regions: Regions,
        content: Content,
        previous: &Library,
    ) -> Self {
        Library::build(config, regions, content, Some(previous))
    }

    fn build(
        config: Config,
        regions: Regions,
        content: Content,
        previous: Option<&Library>,
    ) -> Self {
        let Content {
            mut practices,
            pages,
            home,
            assets,
            warnings,
            deferred,
        } = content;
        practices.sort_by(|a, b| {
            sort_key(b)
                .cmp(&sort_key(a))
                .then_with(|| a.slug.cmp(&b.slug))
        });
        let unchanged = previous.filter(|previous| same_terms(&previous.practices, &practices));
        let (taxonomies, practice_tags, related) = match (unchanged, previous) {
            (Some(previous), _) => (
                Arc::clone(&previous.taxonomies),
                Arc::clone(&previous.practice_tags),
                Arc::clone(&previous.related),
            ),
            (None, previous) => {
                let (taxonomies, practice_tags) = index(&config, &regions, &practices);
                let related = match previous {
                    Some(previous) if same_places(&previous.practices, &practices) => {
                        related_after_tag_edits(previous, &practices, &taxonomies, &practice_tags)
                    }
                    _ => related(&practices, &taxonomies, &practice_tags),
                };
                (
                    Arc::new(taxonomies),
                    Arc::new(practice_tags),
                    Arc::new(related),
                )
            }
        };
        Library {
            config,
            regions,
            practices,
            pages,
            home,
            taxonomies,
            related,
            practice_tags,
            assets,
            warnings,
            deferred,
        }
    }

    /// Whether `other` has the same practices in the same order, each with the same front
    /// matter, address and source file: then it has the same taxonomies and related
    /// practices, and every practice card shows the same things (bodies may differ).
    pub fn same_model(&self, other: &Library) -> bool {
        same_practices(&self.practices, &other.practices)
    }

    /// Whether `other` has the same practices in the same order, each with the same terms
    /// (region, sector, year, date, tags), address and source file: then it has the same
    /// taxonomies and related practices, though titles, summaries and other fields may differ.
    pub fn same_terms(&self, other: &Library) -> bool {
        same_terms(&self.practices, &other.practices)
    }

    /// The district term index of a practice's region, if it has one.
    pub fn district_of(&self, practice: usize) -> Option<usize> {
        self.regions
            .get(self.practices[practice].meta.region)
            .district
    }
}

/// Whether `a` and `b` hold the same practices, by address and source file, in the same
/// order, with `same` true of each pair: the shape of every model comparison below.
fn each_pair(
    a: &[Arc<Practice>],
    b: &[Arc<Practice>],
    same: impl Fn(&Practice, &Practice) -> bool,
) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(a, b)| a.url == b.url && a.source_path == b.source_path && same(a, b))
}

/// Where a practice stands in the model apart from its tags: its region, sector, year and date.
fn place(p: &Practice) -> (usize, usize, i32, Option<crate::date::Date>) {
    (p.meta.region, p.meta.sector, p.meta.year, p.meta.date)
}

/// See [`Library::same_model`]: the model depends on front matter and addresses only, which
/// the front-matter hash stands for (within one configuration).
fn same_practices(a: &[Arc<Practice>], b: &[Arc<Practice>]) -> bool {
    each_pair(a, b, |a, b| a.front_matter_hash == b.front_matter_hash)
}

/// See [`Library::same_terms`]. The model is made of these fields and the practices' order,
/// which follows from the date (or year) and the address.
fn same_terms(a: &[Arc<Practice>], b: &[Arc<Practice>]) -> bool {
    each_pair(a, b, |a, b| {
        a.front_matter_hash == b.front_matter_hash
            || (place(a), &a.meta.tags) == (place(b), &b.meta.tags)
    })
}

/// Whether `a` and `b` have the same practices in the same order, each with the same region,
/// sector, year, date, address and source file: then the only terms that may differ are
/// tags ([`related_after_tag_edits`]).
fn same_places(a: &[Arc<Practice>], b: &[Arc<Practice>]) -> bool {
    each_pair(a, b, |a, b| place(a) == place(b))
}

fn sort_key(p: &Practice) -> (i32, u32, u32) {
    match p.meta.date {
        Some(d) => (d.year, d.month, d.day),
        None => (p.meta.year, 0, 0),
    }
}

fn index(
    config: &Config,
    regions: &Regions,
    practices: &[Arc<Practice>],
) -> (Taxonomies, Vec<Vec<usize>>) {
    let mut tax = Taxonomies {
        all: (0..practices.len()).collect(),
        regions: regions
            .regions
            .iter()
            .map(|r| term(&r.name, &r.slug))
            .collect(),
        districts: regions
            .districts
            .iter()
            .map(|d| term(&d.name, &d.slug))
            .collect(),
        sectors: config
            .sectors
            .iter()
            .map(|s| term(&s.name, &s.slug))
            .collect(),
        ..Taxonomies::default()
    };
    let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    // Tags are merged by slug: «НКО» and «нко» are one tag, shown as first written.
    let mut tag_terms: Vec<Term> = Vec::new();
    let mut by_slug: rustc_hash::FxHashMap<String, usize> = Default::default();
    // A library has a few hundred tags used tens of thousands of times: each spelling is
    // transliterated and looked up once (`None`: it gives no slug).
    let mut term_of: rustc_hash::FxHashMap<&str, Option<usize>> = Default::default();
    let mut tags_per_practice: Vec<Vec<usize>> = Vec::with_capacity(practices.len());
    for (i, p) in practices.iter().enumerate() {
        tax.regions[p.meta.region].practices.push(i);
        if let Some(d) = regions.get(p.meta.region).district {
            tax.districts[d].practices.push(i);
        }
        tax.sectors[p.meta.sector].practices.push(i);
        years.entry(p.meta.year).or_default().push(i);
        let mut ids = Vec::with_capacity(p.meta.tags.len());
        for tag in &p.meta.tags {
            let id = *term_of.entry(tag.as_str()).or_insert_with(|| {
                let slug = slugify(tag);
                (!slug.is_empty()).then(|| {
                    *by_slug.entry(slug).or_insert_with_key(|slug| {
                        tag_terms.push(term(tag, slug));
                        tag_terms.len() - 1
                    })
                })
            });
            match id {
                Some(id) if !ids.contains(&id) => {
                    tag_terms[id].practices.push(i);
                    ids.push(id);
                }
                _ => {}
            }
        }
        tags_per_practice.push(ids);
    }
    tax.years = years
        .into_iter()
        .rev()
        .map(|(y, list)| Term {
            name: y.to_string(),
            slug: y.to_string(),
            practices: list,
        })
        .collect();
    // Alphabetical without case; the slug breaks ties, so the order is total.
    let mut order: Vec<usize> = (0..tag_terms.len()).collect();
    order.sort_by_cached_key(|&id| {
        (
            tag_terms[id].name.to_lowercase(),
            tag_terms[id].slug.clone(),
        )
    });
    let mut position = vec![0; tag_terms.len()];
    for (at, &id) in order.iter().enumerate() {
        position[id] = at;
    }
    let practice_tags = tags_per_practice
        .into_iter()
        .map(|ids| ids.into_iter().map(|id| position[id]).collect())
        .collect();
    let mut slots: Vec<Option<Term>> = tag_terms.into_iter().map(Some).collect();
    let tag_terms: Vec<Term> = order.iter().filter_map(|&id| slots[id].take()).collect();
    tax.tags = tag_terms;
    (tax, practice_tags)
}

fn term(name: &str, slug: &str) -> Term {
    Term {
        name: name.to_string(),
        slug: slug.to_string(),
        practices: Vec::new(),
    }
}

/// Related practices score shared tags highest, then the same region, then the same sector;
/// ties go to the newer practice.
fn related(
    practices: &[Arc<Practice>],
    tax: &Taxonomies,
    practice_tags: &[Vec<usize>],
) -> Vec<Vec<usize>> {
    use rayon::prelude::*;
    (0..practices.len())
        .into_par_iter()
        .map_init(
            || RelatedScores::new(practices.len()),
            |scores, i| scores.best(i, practices, tax, practice_tags),
        )
        .collect()
}

/// [`related`] for a library whose practices have the places they had in `previous`
/// ([`same_places`]) and perhaps other tags (a tag added in `serve`): a practice's related
/// practices depend on its own tags and on the lists of its tags, region and sector, so only
/// the practices on a tag list that changed (before or after) are scored again.
fn related_after_tag_edits(
    previous: &Library,
    practices: &[Arc<Practice>],
    tax: &Taxonomies,
    practice_tags: &[Vec<usize>],
) -> Vec<Vec<usize>> {
    let (old, new) = (tag_lists(&previous.taxonomies.tags), tag_lists(&tax.tags));
    let mut affected: Vec<usize> = Vec::new();
    for (slug, list) in &new {
        if old.get(slug) != Some(list) {
            affected.extend_from_slice(list);
            affected.extend_from_slice(old.get(slug).copied().unwrap_or_default());
        }
    }
    for (slug, list) in &old {
        if !new.contains_key(slug) {
            affected.extend_from_slice(list);
        }
    }
    affected.sort_unstable();
    affected.dedup();
    let mut related = previous.related.as_ref().clone();
    let mut scores = RelatedScores::new(practices.len());
    for i in affected {
        related[i] = scores.best(i, practices, tax, practice_tags);
    }
    related
}

/// Each tag's practices, by the tag's slug.
fn tag_lists(tags: &[Term]) -> rustc_hash::FxHashMap<&str, &[usize]> {
    tags.iter()
        .map(|t| (t.slug.as_str(), t.practices.as_slice()))
        .collect()
}

/// A practice's candidates' scores, in a dense array reset after each practice through the
/// list of the entries it touched: a few hundred additions per practice, where a hash map per
/// practice was most of the model's build time.
struct RelatedScores {
    scores: Vec<u32>,
    touched: Vec<usize>,
}

impl RelatedScores {
    fn new(practices: usize) -> Self {
        RelatedScores {
            scores: vec![0; practices],
            touched: Vec::new(),
        }
    }

    /// Practice `i`'s related practices, best first.
    fn best(
        &mut self,
        i: usize,
        practices: &[Arc<Practice>],
        tax: &Taxonomies,
        practice_tags: &[Vec<usize>],
    ) -> Vec<usize> {
        let RelatedScores { scores, touched } = self;
        let mut add = |list: &[usize], weight: u32| {
            for &j in list.iter().take(RELATED_SCAN) {
                if j != i {
                    if scores[j] == 0 {
                        touched.push(j);
                    }
                    scores[j] += weight;
                }
            }
        };
        for &t in &practice_tags[i] {
            add(&tax.tags[t].practices, 3);
        }
        add(&tax.regions[practices[i].meta.region].practices, 2);
        add(&tax.sectors[practices[i].meta.sector].practices, 1);
        let mut ranked: Vec<(u32, usize)> = touched
            .drain(..)
            .map(|j| (std::mem::take(&mut scores[j]), j))
            .collect();
        let order = |a: &(u32, usize), b: &(u32, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        // Only the best few are kept: select them, then sort just those.
        if ranked.len() > RELATED_COUNT {
            ranked.select_nth_unstable_by(RELATED_COUNT, order);
            ranked.truncate(RELATED_COUNT);
        }
        ranked.sort_by(order);
        // Collected from a borrowing iterator: collecting `into_iter()` would reuse
        // `ranked`'s allocation, and every practice would keep room for hundreds of
        // candidates (450 MB at 100 000 practices).
        ranked.iter().take(RELATED_COUNT).map(|&(_, j)| j).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twelve practices sharing a tag, a region and a sector: each has eleven candidates.
    fn crowded_library() -> Library {
        let dir = tempfile::tempdir().unwrap();
        let practices = dir.path().join("content/practices");
        std::fs::create_dir_all(&practices).unwrap();
        std::fs::write(dir.path().join("site.yaml"), "title: x\n").unwrap();
        for n in 0..12 {
            std::fs::write(
                practices.join(format!("p{n:02}.md")),
                format!("---\ntitle: Практика {n}\nregion: Тамбовская область\nsector: Спорт\nyear: {}\ntags: [НКО]\n---\nТекст.\n", 2015 + n),
            )
            .unwrap();
        }
        crate::load(&crate::BuildOptions::new(dir.path())).unwrap()
    }

    /// `after`'s related practices, computed from `before`'s, equal those `after` was loaded with.
    fn assert_related_after_tag_edits(before: &Library, after: &Library, label: &str) {
        assert!(same_places(&before.practices, &after.practices), "{label}");
        let incremental = related_after_tag_edits(
            before,
            &after.practices,
            &after.taxonomies,
            &after.practice_tags,
        );
        assert_eq!(&incremental, after.related.as_ref(), "{label}");
    }

    #[test]
    fn related_practices_after_tag_edits_equal_a_fresh_computation() {
        let dir = tempfile::tempdir().unwrap();
        let practices = dir.path().join("content/practices");
        std::fs::create_dir_all(&practices).unwrap();
        std::fs::write(dir.path().join("site.yaml"), "title: x\n").unwrap();
        let regions = ["Тамбовская область", "Москва", "Пермский край"];
        let sectors = ["Спорт", "Образование"];
        let tags = ["НКО", "семья", "дети", "спорт", "село"];
        let write = |n: usize, tag_list: &str| {
            std::fs::write(
                practices.join(format!("p{n:02}.md")),
                format!(
                    "---\ntitle: Практика {n}\nregion: {}\nsector: {}\nyear: {}\ntags: [{tag_list}]\n---\nТекст.\n",
                    regions[n % 3],
                    sectors[n % 2],
                    2015 + n % 7
                ),
            )
            .unwrap();
        };
        // Each practice's tags: a few of `tags` (and of their other spellings), drawn at random.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut draw = || {
            let spellings = ["нко", "Семья", "новый тег"];
            let n = next() % 4;
            (0..n)
                .map(|_| match next() % 8 {
                    k @ 0..=4 => tags[k as usize],
                    k => spellings[k as usize - 5],
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        for n in 0..30 {
            write(n, &draw());
        }
        let load = || crate::load(&crate::BuildOptions::new(dir.path())).unwrap();
        let mut before = load();
        for step in 0..40 {
            let n = (step * 7 + 3) % 30;
            write(n, &draw());
            let after = load();
            assert_related_after_tag_edits(&before, &after, &format!("step {step}, p{n:02}"));
            before = after;
        }
        // Two practices drop the only tags they shared, in one change: the tags are gone.
        for (tag_list, label) in [
            ("общий, второй", "shared tags added"),
            ("", "shared tags gone"),
        ] {
            write(0, tag_list);
            write(1, tag_list);
            let after = load();
            assert_related_after_tag_edits(&before, &after, label);
            before = after;
        }
    }

    #[test]
    fn a_title_edit_keeps_the_terms_and_a_tag_edit_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("content/practices/p.md");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(dir.path().join("site.yaml"), "title: x\n").unwrap();
        let front = "---\ntitle: Практика\nregion: Тамбовская область\nsector: Спорт\nyear: 2024\ntags: [НКО]\n---\nТекст.\n";
        std::fs::write(&file, front).unwrap();
        let load = || crate::load(&crate::BuildOptions::new(dir.path())).unwrap();
        let before = load();
        std::fs::write(&file, front.replace("title: Практика", "title: Другая")).unwrap();
        let retitled = load();
        assert!(!retitled.same_model(&before));
        assert!(retitled.same_terms(&before));
        for edit in ["tags: [НКО, Спорт]", "year: 2023", "region: Москва"] {
            let line = edit.split(':').next().unwrap();
            let old = front.lines().find(|l| l.starts_with(line)).unwrap();
            std::fs::write(&file, front.replace(old, edit)).unwrap();
            assert!(!load().same_terms(&before), "{edit}");
        }
    }

    #[test]
    fn related_practices_are_the_best_few_and_hold_no_spare_room() {
        let lib = crowded_library();
        for (i, related) in lib.related.iter().enumerate() {
            // Newest first, never itself.
            let expected: Vec<usize> = (0..lib.practices.len())
                .filter(|&j| j != i)
                .take(RELATED_COUNT)
                .collect();
            assert_eq!(related, &expected);
            assert!(
                related.capacity() <= RELATED_COUNT,
                "{}",
                related.capacity()
            );
        }
    }
}
