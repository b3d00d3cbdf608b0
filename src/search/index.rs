//! Building the static search index: term shards, facet columns, result text and a manifest.
//!
//! Layout under `search/` (all binary files gzip-compressed by us, so a host that does not
//! compress costs nothing; the client checks the gzip magic, so a host that adds
//! `Content-Encoding` is fine too):
//!
//! - `manifest.json` — document count, the first term of every shard, facet value names.
//! - `s/<n>.bin` — a shard: a run of terms in sorted order, each with its postings
//!   (delta-encoded document numbers, then one quantised BM25 weight byte per document).
//! - `facets.bin` — one byte per document per facet (region, sector, year), column by column.
//! - `r/<n>.bin` — result text (title, URL, summary, snippet text) for `GROUP` documents.
//!
//! Document numbers follow the library's order (newest first), so sorting by year is sorting
//! by number and delta-encoded postings stay small.

use std::borrow::Cow;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::html_text::html_text;
use super::text::Analyzer;
use super::word_table::{WordKey, WordTable};
use crate::library::Library;

/// Documents per result-text file.
pub const GROUP: usize = 6;
/// A shard is closed once its encoded size passes this many bytes.
pub const SHARD_BYTES: usize = 12 * 1024;
/// A rebuild in which at most this many documents changed in place updates the postings;
/// more, and they are built again.
const INCREMENTAL_DOCUMENTS: usize = 16;
/// Characters of body text kept per document for snippets.
pub const SNIPPET_CHARS: usize = 120;

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// The weighted length of a typical practice (a title, a summary, ~500 words of body).
const PIVOT_LENGTH: f32 = 800.0;

/// Field weights: a word in the title counts as much as five in the body.
const TITLE: f32 = 5.0;
const TAGS: f32 = 3.0;
const SUMMARY: f32 = 2.0;
const FACETS: f32 = 1.5;
const BODY: f32 = 1.0;
// A frequency of zero means "not in the document yet" (see `Partial::add_document`).
const _: () = assert!(TITLE > 0.0 && TAGS > 0.0 && SUMMARY > 0.0 && FACETS > 0.0 && BODY > 0.0);

/// A file of the index: path under the site root, and bytes.
pub struct IndexFile {
    pub path: String,
    /// Shared with `serve`'s cache of compressed files.
    pub bytes: Arc<[u8]>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    format: u32,
    /// A hash of every index file: the client adds it to file URLs (`?v=`), so that a browser
    /// never mixes files of two builds, while file names stay short.
    version: String,
    docs: usize,
    group: usize,
    /// The first term of each shard `s/<n>.bin`, in term order.
    shards: Vec<String>,
    facets: String,
    /// `[name, slug, district index or -1]`.
    regions: Vec<(&'a str, &'a str, i64)>,
    districts: Vec<(&'a str, &'a str)>,
    sectors: Vec<(&'a str, &'a str)>,
    first_year: i32,
}

/// Builds every file of the search index from the bodies rendered at load (a streaming
/// build, whose bodies stay in their files, feeds a [`Collector`] instead).
pub fn build(lib: &Library) -> Vec<IndexFile> {
    let word_terms = Arc::new(WordTerms::default());
    let collector = || Collector::new(Arc::clone(&word_terms));
    (0..lib.practices.len())
        .into_par_iter()
        .fold(collector, |mut collector, doc| {
            let body = lib.practices[doc].body.rendered();
            collector.add(lib, doc, body.map_or("", |b| b.html.as_str()));
            collector
        })
        .reduce(collector, Collector::merge)
        .finish(lib)
}

/// The terms of a build, numbered in the order first seen, and each word as written → its
/// term's number. One per build (`serve` keeps one from build to build), shared by every
/// partial index: a build makes a dozen or more partials (rayon splits the work as threads
/// free up), and each used to learn the library's vocabulary again, word by word.
///
/// Every worker thread keeps its own copy of the word map, so a word costs one lookup in a
/// table no other thread touches; the shared table is consulted (and a word stemmed) only the
/// first time a thread meets a word.
pub struct WordTerms {
    analyzer: Analyzer,
    shared: RwLock<Vocabulary>,
    /// One word map per worker thread, by rayon's thread index (any other thread takes the
    /// first).
    per_thread: Box<[Mutex<WordTable>]>,
}

/// Word as written → term id (`None` for a function word).
type WordIds = FxHashMap<Box<str>, Option<u32>>;

#[derive(Default)]
struct Vocabulary {
    words: WordIds,
    ids: FxHashMap<Arc<str>, u32>,
    terms: Vec<Arc<str>>,
}

/// The id of `term` in a table of terms numbered as first seen (`ids` maps each of `terms`
/// to its place), added if new.
fn intern(ids: &mut FxHashMap<Arc<str>, u32>, terms: &mut Vec<Arc<str>>, term: String) -> u32 {
    if let Some(&id) = ids.get(term.as_str()) {
        return id;
    }
    let id = terms.len() as u32;
    let term: Arc<str> = term.into();
    ids.insert(Arc::clone(&term), id);
    terms.push(term);
    id
}

impl Default for WordTerms {
    fn default() -> Self {
        WordTerms {
            analyzer: Analyzer::default(),
            shared: RwLock::default(),
            per_thread: (0..rayon::current_num_threads().max(1))
                .map(|_| Mutex::default())
                .collect(),
        }
    }
}

impl WordTerms {
    /// The calling thread's word map.
    fn words(&self) -> MutexGuard<'_, WordTable> {
        let slot = rayon::current_thread_index().unwrap_or(0) % self.per_thread.len();
        self.per_thread[slot]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The term id of a word as [`Analyzer::for_each_word`] gives it (`None` for a function
    /// word), from the shared table, stemming the word if no thread has met it yet.
    fn shared_term_id(&self, word: &str) -> Option<u32> {
        let known = self.shared.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(&id) = known.words.get(word) {
            return id;
        }
        drop(known);
        let term = self.analyzer.word_term(word);
        let mut shared = self.shared.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(&id) = shared.words.get(word) {
            return id;
        }
        let Vocabulary { ids, terms, .. } = &mut *shared;
        let id = term.map(|term| intern(ids, terms, term));
        shared.words.insert(word.into(), id);
        id
    }

    /// How many terms have ids: every id given so far is below it.
    fn term_count(&self) -> usize {
        self.shared
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .terms
            .len()
    }

    /// The terms with these ids.
    fn names(&self, ids: &[u32]) -> Vec<Arc<str>> {
        let shared = self.shared.read().unwrap_or_else(PoisonError::into_inner);
        ids.iter()
            .map(|&id| Arc::clone(&shared.terms[id as usize]))
            .collect()
    }
}

/// The index of a build, collected one document at a time, on any thread and in any order,
/// then written by [`Collector::finish`]. A streaming build adds each practice while its
/// rendered body is at hand, so bodies need not outlive their pages.
#[derive(Default)]
pub struct Collector {
    word_terms: Arc<WordTerms>,
    /// The postings of the documents added here.
    open: Partial,
    /// The postings of the collectors merged in, in document order, each without its
    /// scratch arrays. Merging only moves them; [`Collector::finish`] joins each term's
    /// lists, term by term in parallel. (Joining partials pair by pair copied every posting
    /// once per level of the merge, the last level on one core at the end of a build.)
    sealed: Vec<Sealed>,
    /// Each document's [`result_row`], one after another in `row_bytes`: one buffer rather
    /// than an allocation per document.
    rows: Vec<(u32, std::ops::Range<usize>)>,
    row_bytes: Vec<u8>,
}

impl Collector {
    /// A collector that shares its words' terms with the other collectors of the build.
    pub fn new(word_terms: Arc<WordTerms>) -> Self {
        Collector {
            word_terms,
            ..Collector::default()
        }
    }

    /// Adds practice `doc`, whose body renders to `body_html`.
    pub fn add(&mut self, lib: &Library, doc: usize, body_html: &str) {
        let body_text = html_text(body_html);
        self.open
            .add_document(lib, doc, &body_text, &self.word_terms);
        let row = result_row(lib, &lib.practices[doc], &snippet(&body_text));
        let start = self.row_bytes.len();
        self.row_bytes.extend_from_slice(&row);
        self.rows.push((doc as u32, start..self.row_bytes.len()));
    }

    /// Both collectors' documents; `other`'s should come after `self`'s (as a parallel fold
    /// over documents in order gives them), which keeps each term's lists in order.
    pub fn merge(mut self, other: Collector) -> Collector {
        let open = std::mem::take(&mut self.open);
        self.sealed.extend(open.seal());
        self.sealed.extend(other.sealed);
        self.sealed.extend(other.open.seal());
        let offset = self.row_bytes.len();
        self.row_bytes.extend_from_slice(&other.row_bytes);
        self.rows.extend(
            other
                .rows
                .into_iter()
                .map(|(doc, range)| (doc, range.start + offset..range.end + offset)),
        );
        self
    }

    /// Every file of the index; every practice of `lib` must have been added.
    pub fn finish(mut self, lib: &Library) -> Vec<IndexFile> {
        let open = std::mem::take(&mut self.open);
        self.sealed.extend(open.seal());
        // Each term's lists, in document order.
        let mut lists: Vec<Vec<&PostingList>> = Vec::new();
        for part in &self.sealed {
            for (&id, list) in part.term_ids.iter().zip(&part.postings) {
                if lists.len() <= id as usize {
                    lists.resize_with(id as usize + 1, Vec::new);
                }
                lists[id as usize].push(list);
            }
        }
        let ids: Vec<u32> = (0..lists.len() as u32)
            .filter(|&id| !lists[id as usize].is_empty())
            .collect();
        let names = self.word_terms.names(&ids);
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.par_sort_unstable_by(|&a, &b| utf16_order(&names[a], &names[b]));
        let postings: Vec<Vec<u8>> = order
            .par_iter()
            .map(|&n| encode_joined(&lists[ids[n] as usize]))
            .collect();
        let terms = order
            .iter()
            .zip(&postings)
            .map(|(&n, bytes)| (&*names[n], bytes));
        let mut rows = self.rows;
        rows.par_sort_unstable_by_key(|(doc, _)| *doc);
        debug_assert_eq!(rows.len(), lib.practices.len());
        let row_bytes = &self.row_bytes;
        let rows: Vec<&[u8]> = rows.into_iter().map(|(_, r)| &row_bytes[r]).collect();
        encode(lib, terms, &rows, &mut Compressed::default())
    }
}

/// JavaScript compares strings by UTF-16 code units; terms are sorted the same way.
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// What an index build can reuse from the previous one: each document's weighted terms
/// (keyed by a hash of everything indexed about it) and compressed files (keyed by their
/// raw bytes). `serve` keeps one, so a rebuild analyses only the edited practice.
#[derive(Default)]
pub struct IndexCache {
    word_terms: WordTerms,
    documents: FxHashMap<u64, Arc<Vec<(u32, u8)>>>,
    ids: FxHashMap<Arc<str>, u32>,
    /// Every term seen, by id; ids are never reused, so a term's id is stable.
    terms: Vec<Arc<str>>,
    /// Each term's postings as of the last build, sorted by document.
    postings: Vec<Vec<(u32, u8)>>,
    /// Each term's [`encode_postings`], `None` until encoded (and after its postings change).
    encoded: Vec<Option<Vec<u8>>>,
    /// The document keys of the last build, in document order.
    keys: Vec<u64>,
    /// Term ids in [`utf16_order`]: a save adds a term or two, inserted in place, instead of
    /// sorting a hundred thousand terms again.
    order: Vec<u32>,
    compressed: Compressed,
    /// Result rows by document key and address.
    rows: FxHashMap<u64, Arc<[u8]>>,
}

/// A compressed file: the gzipped bytes and their content hash.
struct Gzipped {
    raw: Vec<u8>,
    level: Level,
    gz: Arc<[u8]>,
    hash: String,
}

/// Gzipped files by a hash of their raw bytes (checked byte for byte on a hit).
#[derive(Default)]
struct Compressed(FxHashMap<u64, Arc<Gzipped>>);

impl Compressed {
    /// Gzips every buffer at its level, reusing earlier results; only new ones are compressed
    /// (in parallel, each thread reusing its compressors and output buffer).
    fn gzip_all(&mut self, raw: Vec<(Vec<u8>, Level)>) -> Vec<Arc<Gzipped>> {
        let keys: Vec<u64> = raw
            .par_iter()
            .map(|file| rustc_hash::FxBuildHasher.hash_one(file))
            .collect();
        let previous = &self.0;
        let files: Vec<Arc<Gzipped>> = raw
            .into_par_iter()
            .enumerate()
            .map_init(Gzipper::default, |gzipper, (i, (raw, level))| {
                let cached = previous
                    .get(&keys[i])
                    .filter(|file| file.raw == raw && file.level == level);
                cached.cloned().unwrap_or_else(|| {
                    let gz: Arc<[u8]> = gzipper.gzip(&raw, level).into();
                    let hash = content_hash(&gz);
                    Arc::new(Gzipped {
                        raw,
                        level,
                        gz,
                        hash,
                    })
                })
            })
            .collect();
        self.0 = keys.into_iter().zip(files.iter().cloned()).collect();
        files
    }
}

/// Builds the index reusing `cache`; the files are the same as [`build`] gives.
pub fn build_with(lib: &Library, cache: &mut IndexCache) -> Vec<IndexFile> {
    let keys: Vec<u64> = (0..lib.practices.len())
        .into_par_iter()
        .map(|i| document_key(lib, i))
        .collect();
    let missing: Vec<usize> = (0..keys.len())
        .filter(|&i| !cache.documents.contains_key(&keys[i]))
        .collect();
    let analysed: Vec<(usize, Vec<(String, u8)>)> = missing
        .par_iter()
        .map_init(Partial::default, |part, &doc| {
            let html = rendered_html(lib, doc);
            (doc, analyse(lib, doc, html, &cache.word_terms, part))
        })
        .collect();
    for (doc, terms) in analysed {
        let list = terms
            .into_iter()
            .map(|(term, weight)| (intern(&mut cache.ids, &mut cache.terms, term), weight))
            .collect();
        cache.documents.insert(keys[doc], Arc::new(list));
    }
    cache.update_postings(&keys);
    let live: rustc_hash::FxHashSet<u64> = keys.iter().copied().collect();
    cache.documents.retain(|key, _| live.contains(key));
    cache.keys = keys;
    cache.sort_new_terms();
    cache.encode_new_postings();
    let postings = &cache.postings;
    let encoded = &cache.encoded;
    let terms = cache
        .order
        .iter()
        .filter(|&&id| !postings[id as usize].is_empty())
        .map(|&id| {
            let bytes = encoded[id as usize].as_deref().unwrap_or_default();
            (&*cache.terms[id as usize], bytes)
        });

    let base = &lib.config.base_url.path;
    let row_keys: Vec<u64> = lib
        .practices
        .par_iter()
        .zip(&cache.keys)
        .map(|(p, key)| rustc_hash::FxBuildHasher.hash_one((key, base, &p.url)))
        .collect();
    let fresh: Vec<(u64, Arc<[u8]>)> = (0..lib.practices.len())
        .into_par_iter()
        .filter(|&doc| !cache.rows.contains_key(&row_keys[doc]))
        .map(|doc| {
            let snippet = snippet(&html_text(rendered_html(lib, doc)));
            let row = result_row(lib, &lib.practices[doc], &snippet);
            (row_keys[doc], row.into())
        })
        .collect();
    cache.rows.extend(fresh);
    let rows: Vec<Arc<[u8]>> = row_keys
        .iter()
        .map(|k| Arc::clone(&cache.rows[k]))
        .collect();
    let live: rustc_hash::FxHashSet<u64> = row_keys.into_iter().collect();
    cache.rows.retain(|key, _| live.contains(key));
    encode(lib, terms, &rows, &mut cache.compressed)
}

impl IndexCache {
    /// Brings [`IndexCache::postings`] from the documents of the last build
    /// ([`IndexCache::keys`]) to those of `keys`. When only a few documents changed in place
    /// (a save), only their entries move; otherwise every list is built again. The analysed
    /// terms of both the old and the new documents must be in `documents`.
    fn update_postings(&mut self, keys: &[u64]) {
        self.postings.resize_with(self.terms.len(), Vec::new);
        self.encoded.resize(self.terms.len(), None);
        let changed: Option<Vec<usize>> = (self.keys.len() == keys.len()).then(|| {
            (0..keys.len())
                .filter(|&d| self.keys[d] != keys[d])
                .take(INCREMENTAL_DOCUMENTS + 1)
                .collect()
        });
        if let Some(changed) = changed.filter(|c| c.len() <= INCREMENTAL_DOCUMENTS) {
            for doc in changed {
                let at =
                    |list: &Vec<(u32, u8)>| list.binary_search_by_key(&(doc as u32), |&(d, _)| d);
                for &(id, _) in self.documents[&self.keys[doc]].iter() {
                    let list = &mut self.postings[id as usize];
                    if let Ok(i) = at(list) {
                        list.remove(i);
                    }
                    self.encoded[id as usize] = None;
                }
                for &(id, weight) in self.documents[&keys[doc]].iter() {
                    self.encoded[id as usize] = None;
                    let list = &mut self.postings[id as usize];
                    match at(list) {
                        Ok(i) => list[i] = (doc as u32, weight),
                        Err(i) => list.insert(i, (doc as u32, weight)),
                    }
                }
            }
            return;
        }
        let mut counts = vec![0usize; self.terms.len()];
        for key in keys {
            for &(id, _) in self.documents[key].iter() {
                counts[id as usize] += 1;
            }
        }
        // Documents in order: each list comes out sorted by document.
        self.encoded = vec![None; self.terms.len()];
        self.postings = counts.into_iter().map(Vec::with_capacity).collect();
        for (doc, key) in keys.iter().enumerate() {
            for &(id, weight) in self.documents[key].iter() {
                self.postings[id as usize].push((doc as u32, weight));
            }
        }
    }

    /// Encodes the postings that changed since the last build.
    fn encode_new_postings(&mut self) {
        let postings = &self.postings;
        let encoded = &self.encoded;
        let fresh: Vec<(usize, Vec<u8>)> = (0..encoded.len())
            .into_par_iter()
            .filter(|&id| encoded[id].is_none() && !postings[id].is_empty())
            .map(|id| (id, encode_postings(&postings[id])))
            .collect();
        for (id, bytes) in fresh {
            self.encoded[id] = Some(bytes);
        }
    }

    /// Brings [`IndexCache::order`] up to date with the terms added since the last call.
    fn sort_new_terms(&mut self) {
        let sorted = self.order.len();
        let added = self.terms.len() - sorted;
        let terms = &self.terms;
        if added > sorted / 16 {
            self.order = (0..terms.len() as u32).collect();
            self.order
                .par_sort_unstable_by(|&a, &b| utf16_order(&terms[a as usize], &terms[b as usize]));
            return;
        }
        for id in sorted as u32..terms.len() as u32 {
            let term = &terms[id as usize];
            let at = self
                .order
                .partition_point(|&other| utf16_order(&terms[other as usize], term).is_lt());
            self.order.insert(at, id);
        }
    }
}

/// A hash of everything the index holds about a practice: its front matter (title, tags,
/// summary, region, sector, organisation) and body. The cache lives for one configuration
/// and regions list, which give the facet names.
fn document_key(lib: &Library, i: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    let p = &lib.practices[i];
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (p.front_matter_hash, p.body.rendered().map(|b| b.hash)).hash(&mut hasher);
    hasher.finish()
}

/// How many fields [`document_fields`] gives.
const FIELD_COUNT: usize = 5;

/// Practice `doc`'s body HTML as rendered at load (`serve` renders every body).
fn rendered_html(lib: &Library, doc: usize) -> &str {
    lib.practices[doc]
        .body
        .rendered()
        .map_or("", |body| body.html.as_str())
}

/// One practice's terms with their quantised weights. `part` is scratch space, empty before
/// and after, kept from document to document so its arrays are not allocated for each.
fn analyse(
    lib: &Library,
    doc: usize,
    body_html: &str,
    word_terms: &WordTerms,
    part: &mut Partial,
) -> Vec<(String, u8)> {
    part.add_document(lib, doc, &html_text(body_html), word_terms);
    let (ids, weights): (Vec<u32>, Vec<u8>) = part
        .take()
        .filter_map(|(id, list)| list.weights.first().map(|&weight| (id, weight)))
        .unzip();
    let names = word_terms.names(&ids);
    names
        .into_iter()
        .zip(weights)
        .map(|(name, weight)| (name.to_string(), weight))
        .collect()
}

/// Sorts the terms, cuts them into shards and writes every file of the index.
/// `terms` come in [`utf16_order`], each with its [`encode_postings`]; `rows` holds
/// one [`result_row`] per document.
fn encode<'a>(
    lib: &Library,
    terms: impl Iterator<Item = (&'a str, impl AsRef<[u8]>)>,
    rows: &[impl AsRef<[u8]> + Sync],
    compressed: &mut Compressed,
) -> Vec<IndexFile> {
    // Cut into shards (raw), then compress every file in one parallel pass.
    let mut first_terms: Vec<String> = Vec::new();
    let mut raw: Vec<Vec<u8>> = Vec::new();
    let mut shard = ShardWriter::default();
    for (term, postings) in terms {
        shard.push(term, postings.as_ref());
        if shard.bytes.len() >= SHARD_BYTES {
            let (first, bytes) = shard.finish();
            first_terms.push(first);
            raw.push(bytes);
        }
    }
    if shard.count > 0 {
        let (first, bytes) = shard.finish();
        first_terms.push(first);
        raw.push(bytes);
    }
    let shard_count = raw.len();
    raw.par_extend(rows.par_chunks(GROUP).map(result_group));
    let mut raw: Vec<(Vec<u8>, Level)> = raw.into_iter().map(|r| (r, Level::Fast)).collect();
    raw.push((facet_columns(lib), Level::Small));
    let gzipped = compressed.gzip_all(raw);

    let mut files = Vec::with_capacity(gzipped.len() + 1);
    let mut hashes = Vec::with_capacity(gzipped.len());
    let mut facets_name = String::new();
    for (n, file) in gzipped.iter().enumerate() {
        let path = if n < shard_count {
            format!("search/s/{n}.bin")
        } else if n + 1 < gzipped.len() {
            format!("search/r/{}.bin", n - shard_count)
        } else {
            facets_name = format!("{}.bin", file.hash);
            format!("search/{facets_name}")
        };
        files.push(IndexFile {
            path,
            bytes: Arc::clone(&file.gz),
        });
        hashes.push(&file.hash);
    }
    let shards = first_terms;

    let version = {
        let mut all = Vec::with_capacity(files.len() * 24);
        for (file, hash) in files.iter().zip(hashes) {
            all.extend_from_slice(file.path.as_bytes());
            all.extend_from_slice(hash.as_bytes());
        }
        content_hash(&all)
    };
    let tax = &lib.taxonomies;
    let manifest = Manifest {
        format: 2,
        version,
        docs: lib.practices.len(),
        group: GROUP,
        shards,
        facets: facets_name,
        regions: lib
            .regions
            .regions
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    r.slug.as_str(),
                    r.district.map_or(-1, |d| d as i64),
                )
            })
            .collect(),
        districts: lib
            .regions
            .districts
            .iter()
            .map(|d| (d.name.as_str(), d.slug.as_str()))
            .collect(),
        sectors: tax
            .sectors
            .iter()
            .map(|s| (s.name.as_str(), s.slug.as_str()))
            .collect(),
        first_year: first_year(lib),
    };
    let manifest = serde_json::to_vec(&manifest).unwrap_or_default();
    files.push(IndexFile {
        path: "search/manifest.json".into(),
        bytes: manifest.into(),
    });
    files
}

fn first_year(lib: &Library) -> i32 {
    lib.practices
        .iter()
        .map(|p| p.meta.year)
        .min()
        .unwrap_or(crate::content::practice::FIRST_YEAR as i32)
}

/// A [`Partial`] whose documents are all added: each posting list with its term id.
struct Sealed {
    term_ids: Vec<u32>,
    postings: Vec<PostingList>,
}

/// The postings of some documents, by the build's term ids ([`WordTerms`]).
#[derive(Default)]
struct Partial {
    /// The term id of each posting list.
    term_ids: Vec<u32>,
    postings: Vec<PostingList>,
    /// Term id → 1 + the index of its posting list (0 for none yet): an array, not a map,
    /// since every distinct term of every document looks it up.
    lists: Vec<u32>,
    /// The current document's weighted frequency of each term, by [`frequency_slot`] (zero
    /// when absent): an array, not a map, since every word of every document adds to it.
    frequencies: Vec<f32>,
    /// The terms of the current document, in the order first seen.
    seen: Vec<u32>,
}

/// The slot of `frequencies` function words add to, so that every word adds somewhere
/// (see [`Partial::add_document`]); its sum is never used.
const FUNCTION_WORDS: usize = 0;

/// The slot of a term's frequency in [`Partial::frequencies`]: after [`FUNCTION_WORDS`].
fn frequency_slot(id: u32) -> usize {
    id as usize + 1
}

impl Partial {
    /// Makes room for term ids below `count`.
    fn grow(&mut self, count: usize) {
        // `FUNCTION_WORDS`, then a slot per term.
        if self.frequencies.len() < count + 1 {
            self.frequencies.resize(count + 1, 0.0);
            self.lists.resize(count, 0);
        }
    }

    /// The posting list of a term, added if this partial has none for it yet.
    fn list(&mut self, id: u32) -> &mut PostingList {
        let slot = &mut self.lists[id as usize];
        if *slot == 0 {
            self.term_ids.push(id);
            self.postings.push(PostingList::default());
            *slot = self.postings.len() as u32;
        }
        &mut self.postings[*slot as usize - 1]
    }

    fn add_document(&mut self, lib: &Library, doc: usize, body_text: &str, word_terms: &WordTerms) {
        let fields = document_fields(lib, doc, body_text);
        // Every id this thread's word map holds was given before now: counted after taking
        // the map, since a thread outside the pool shares a map with one inside.
        let mut known = word_terms.words();
        self.grow(word_terms.term_count());
        let mut length = 0.0;
        let mut words: Vec<&str> = Vec::new();
        for (text, weight) in &fields {
            words.clear();
            word_terms
                .analyzer
                .for_each_word(text, |word, _| words.push(word));
            // Room for every word to be the document's first of its term: every id is
            // written, and the cursor moves past it only if it is new, with no branch on it
            // (whether a word is new to the document is a coin toss no predictor learns; it
            // cost more than the lookups).
            let mut seen = self.seen.len();
            self.seen.resize(seen + words.len(), 0);
            for &word in &words {
                let key = WordKey::within(text, word);
                let id = match known.get(key.as_ref(), word) {
                    Some(id) => id,
                    None => {
                        let id = word_terms.shared_term_id(word);
                        known.insert(key.as_ref(), word, id);
                        if let Some(id) = id {
                            self.grow(id as usize + 1);
                        }
                        id
                    }
                };
                let term = id.is_some();
                let frequency = &mut self.frequencies[id.map_or(FUNCTION_WORDS, frequency_slot)];
                let new = term & (*frequency == 0.0);
                *frequency += weight;
                self.seen[seen] = id.unwrap_or(0);
                seen += usize::from(new);
                length += if term { *weight } else { 0.0 };
            }
            self.seen.truncate(seen);
        }
        // Nothing reads the function words' sum; cleared so that every slot is zero between
        // documents, as a fresh partial's are.
        self.frequencies[FUNCTION_WORDS] = 0.0;
        drop(known);
        // Length is normalised against a fixed pivot rather than the library's average, so a
        // document's weights depend on that document alone: an edit changes only its terms.
        let norm = K1 * (1.0 - B + B * length / PIVOT_LENGTH);
        let mut seen = std::mem::take(&mut self.seen);
        for id in seen.drain(..) {
            let tf = std::mem::take(&mut self.frequencies[frequency_slot(id)]);
            let saturation = tf * (K1 + 1.0) / (tf + norm);
            let weight = quantise(255.0 * saturation / (K1 + 1.0));
            self.list(id).push(doc as u32, weight);
        }
        self.seen = seen;
    }

    /// Takes this partial's postings (as `(term id, postings)` pairs) and leaves it empty,
    /// keeping its arrays for the next documents.
    fn take(&mut self) -> impl Iterator<Item = (u32, PostingList)> + '_ {
        for &id in &self.term_ids {
            self.lists[id as usize] = 0;
        }
        self.term_ids.drain(..).zip(self.postings.drain(..))
    }

    /// Its postings without the arrays that only adding documents needs (each as long as
    /// the build's vocabulary); `None` when it has none.
    fn seal(self) -> Option<Sealed> {
        (!self.term_ids.is_empty()).then_some(Sealed {
            term_ids: self.term_ids,
            postings: self.postings,
        })
    }
}

/// One term's postings while they are collected, already as a shard stores them: documents
/// ascending, delta-encoded, and the weights apart. Two to three bytes a posting, where
/// `(document, weight)` pairs took eight: at 100 000 practices the difference is most of a
/// gigabyte.
#[derive(Default)]
struct PostingList {
    /// The first document, then the distance from each document to the next, as varints.
    deltas: Vec<u8>,
    weights: Vec<u8>,
    /// The last document added.
    last: u32,
}

impl PostingList {
    fn len(&self) -> usize {
        self.weights.len()
    }

    /// Adds a document; documents come in ascending order.
    fn push(&mut self, doc: u32, weight: u8) {
        if self.len() > 0 && doc <= self.last {
            // Out of order (not how a fold over documents adds them): start over, sorted.
            let mut entries = self.entries();
            entries.push((doc, weight));
            *self = PostingList::from_entries(entries);
            return;
        }
        let delta = if self.len() == 0 {
            doc
        } else {
            doc - self.last
        };
        write_varint(&mut self.deltas, u64::from(delta));
        self.weights.push(weight);
        self.last = doc;
    }

    /// `(document, weight)` pairs, in order.
    fn entries(&self) -> Vec<(u32, u8)> {
        let mut entries = Vec::with_capacity(self.len());
        let mut at = 0;
        let mut doc = 0u64;
        for &weight in &self.weights {
            let (delta, used) = read_varint(&self.deltas[at..]);
            at += used;
            doc += delta;
            entries.push((doc as u32, weight));
        }
        entries
    }

    /// A list of `entries` in any order; of two entries for one document, the later wins.
    fn from_entries(mut entries: Vec<(u32, u8)>) -> PostingList {
        entries.reverse();
        entries.sort_by_key(|&(doc, _)| doc);
        entries.dedup_by_key(|&mut (doc, _)| doc);
        let mut list = PostingList::default();
        let mut previous = 0;
        for (n, &(doc, weight)) in entries.iter().enumerate() {
            let delta = if n == 0 { doc } else { doc - previous };
            write_varint(&mut list.deltas, u64::from(delta));
            list.weights.push(weight);
            previous = doc;
        }
        list.last = previous;
        list
    }

    /// The bytes [`encode_postings`] gives for the same entries.
    fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.deltas.len() + self.weights.len() + 4);
        write_varint(&mut bytes, self.len() as u64);
        bytes.extend_from_slice(&self.deltas);
        bytes.extend_from_slice(&self.weights);
        bytes
    }
}

/// A weight in (0, 255] as a byte, rounded up and at least 1. The same as
/// `x.ceil().clamp(1.0, 255.0) as u8`, without the call to `ceilf` that x86-64's baseline
/// instruction set needs for `ceil`: this runs for every posting of the library.
fn quantise(x: f32) -> u8 {
    let whole = x as u32;
    let up = whole + u32::from((whole as f32) < x);
    up.clamp(1, 255) as u8
}

/// A varint as [`write_varint`] writes it, and how many bytes it took.
fn read_varint(bytes: &[u8]) -> (u64, usize) {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return (value, i + 1);
        }
    }
    (value, bytes.len().min(10))
}

/// The texts of a practice with their field weights; the body is the last.
fn document_fields<'a>(
    lib: &'a Library,
    i: usize,
    body_text: &'a str,
) -> [(Cow<'a, str>, f32); FIELD_COUNT] {
    let p = &lib.practices[i];
    let region = lib.regions.get(p.meta.region);
    let mut facets = format!("{} {}", region.name, lib.config.sectors[p.meta.sector].name);
    for alias in &region.aliases {
        facets.push(' ');
        facets.push_str(alias);
    }
    if let Some(district) = lib.regions.district_of(p.meta.region) {
        facets.push(' ');
        facets.push_str(&district.name);
    }
    if let Some(org) = &p.meta.organization {
        facets.push(' ');
        facets.push_str(org);
    }
    [
        (Cow::Borrowed(p.meta.title.as_str()), TITLE),
        (Cow::Owned(p.meta.tags.join(" , ")), TAGS),
        (
            Cow::Borrowed(p.meta.summary.as_deref().unwrap_or("")),
            SUMMARY,
        ),
        (Cow::Owned(facets), FACETS),
        (Cow::Borrowed(body_text), BODY),
    ]
}

#[derive(Default)]
struct ShardWriter {
    bytes: Vec<u8>,
    first: Option<String>,
    previous: String,
    count: usize,
}

impl ShardWriter {
    /// The shard's first term and raw bytes (term count, then the terms); resets the writer.
    fn finish(&mut self) -> (String, Vec<u8>) {
        let mut bytes = Vec::with_capacity(self.bytes.len() + 8);
        write_varint(&mut bytes, self.count as u64);
        bytes.extend_from_slice(&self.bytes);
        let first = self.first.take().unwrap_or_default();
        *self = ShardWriter::default();
        (first, bytes)
    }

    /// Appends a term, front-coded against the previous term, and its [`encode_postings`].
    fn push(&mut self, term: &str, postings: &[u8]) {
        let shared = common_prefix(&self.previous, term);
        write_varint(&mut self.bytes, shared as u64);
        let suffix = &term.as_bytes()[shared..];
        write_varint(&mut self.bytes, suffix.len() as u64);
        self.bytes.extend_from_slice(suffix);
        self.bytes.extend_from_slice(postings);
        if self.first.is_none() {
            self.first = Some(term.to_string());
        }
        self.previous.clear();
        self.previous.push_str(term);
        self.count += 1;
    }
}

/// A term's postings as a shard stores them: their count, the delta-encoded documents, then
/// one weight byte per document.
fn encode_postings(list: &[(u32, u8)]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(list.len() * 2 + 2);
    write_varint(&mut bytes, list.len() as u64);
    let mut last = 0u32;
    for (n, &(doc, _)) in list.iter().enumerate() {
        write_varint(&mut bytes, u64::from(if n == 0 { doc } else { doc - last }));
        last = doc;
    }
    bytes.extend(list.iter().map(|&(_, w)| w));
    bytes
}

/// The bytes [`encode_postings`] gives for the entries of `lists`, one list after another.
/// Each list's documents should come after the previous list's (as a collector's parts
/// do); otherwise all entries are sorted first.
fn encode_joined(lists: &[&PostingList]) -> Vec<u8> {
    let lists: Vec<&PostingList> = lists.iter().copied().filter(|l| l.len() > 0).collect();
    let first_doc = |list: &PostingList| read_varint(&list.deltas).0;
    if lists
        .windows(2)
        .any(|pair| first_doc(pair[1]) <= u64::from(pair[0].last))
    {
        let entries = lists.iter().flat_map(|list| list.entries()).collect();
        return PostingList::from_entries(entries).encode();
    }
    let count: usize = lists.iter().map(|list| list.len()).sum();
    let size: usize = lists.iter().map(|l| l.deltas.len() + l.weights.len()).sum();
    let mut bytes = Vec::with_capacity(size + 2 * lists.len() + 4);
    write_varint(&mut bytes, count as u64);
    let mut last = None;
    for list in &lists {
        match last {
            None => bytes.extend_from_slice(&list.deltas),
            Some(last) => {
                // The first delta is from document 0; from the previous list's last instead.
                let (first, used) = read_varint(&list.deltas);
                write_varint(&mut bytes, first - u64::from(last));
                bytes.extend_from_slice(&list.deltas[used..]);
            }
        }
        last = Some(list.last);
    }
    for list in &lists {
        bytes.extend_from_slice(&list.weights);
    }
    bytes
}

/// Byte length of the common prefix, on a character boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, ca), cb)| ca != cb)
        .map_or_else(|| a.len().min(b.len()), |((i, _), _)| i)
        .min(b.len())
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Region, sector and year-offset columns, one byte per document each.
fn facet_columns(lib: &Library) -> Vec<u8> {
    let first = first_year(lib);
    let n = lib.practices.len();
    let mut bytes = Vec::with_capacity(n * 3);
    bytes.extend(lib.practices.iter().map(|p| p.meta.region.min(255) as u8));
    bytes.extend(lib.practices.iter().map(|p| p.meta.sector.min(255) as u8));
    bytes.extend(
        lib.practices
            .iter()
            .map(|p| (p.meta.year - first).clamp(0, 255) as u8),
    );
    bytes
}

/// A document's `[title, url, summary, snippet text]` as JSON.
fn result_row(lib: &Library, p: &crate::content::Practice, snippet: &str) -> Vec<u8> {
    let url = format!("{}{}", lib.config.base_url.path, p.url);
    let row = [
        p.meta.title.as_str(),
        &url,
        p.meta.summary.as_deref().unwrap_or_default(),
        snippet,
    ];
    serde_json::to_vec(&row).unwrap_or_default()
}

/// A result-text file: the JSON array of `GROUP` rows.
fn result_group(rows: &[impl AsRef<[u8]>]) -> Vec<u8> {
    let mut bytes =
        Vec::with_capacity(rows.iter().map(|r| r.as_ref().len() + 1).sum::<usize>() + 2);
    bytes.push(b'[');
    for (n, row) in rows.iter().enumerate() {
        if n > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(row.as_ref());
    }
    bytes.push(b']');
    bytes
}

/// The start of a body's text as one line, cut at a word boundary near `SNIPPET_CHARS` (or
/// inside a first word longer than that).
fn snippet(text: &str) -> String {
    let mut snippet = String::with_capacity(SNIPPET_CHARS * 2);
    let mut chars = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if chars + n > SNIPPET_CHARS {
            if chars == 0 {
                snippet.extend(word.chars().take(SNIPPET_CHARS));
            }
            break;
        }
        if chars > 0 {
            snippet.push(' ');
        }
        snippet.push_str(word);
        chars += n + 1;
    }
    snippet
}

/// How hard an index file is compressed.
///
/// Shards and result groups are most of the index (13 MB raw at 10 000 practices), and a
/// query downloads one or two of each: libdeflate's level 1 compresses them in two thirds of
/// level 4's time, for 3–3.5 % more bytes. The facet columns are one small file that every
/// query downloads, which level 1 makes 9 % larger, so it keeps level 4 (BENCHMARKS.md,
/// session 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Level {
    Fast,
    Small,
}

impl Level {
    fn libdeflate(self) -> libdeflater::CompressionLvl {
        let level = match self {
            Level::Fast => 1,
            Level::Small => 4,
        };
        libdeflater::CompressionLvl::new(level).unwrap_or_default()
    }
}

/// A gzip compressor for one thread: libdeflate's compressors (one per level used) and an
/// output buffer, kept from file to file rather than allocated (and zeroed) for each of
/// thousands.
#[derive(Default)]
struct Gzipper {
    compressors: Vec<(Level, libdeflater::Compressor)>,
    out: Vec<u8>,
}

impl Gzipper {
    /// Deterministic gzip (no timestamp, no file name).
    fn gzip(&mut self, bytes: &[u8], level: Level) -> Vec<u8> {
        let at = match self.compressors.iter().position(|(l, _)| *l == level) {
            Some(at) => at,
            None => {
                let compressor = libdeflater::Compressor::new(level.libdeflate());
                self.compressors.push((level, compressor));
                self.compressors.len() - 1
            }
        };
        let compressor = &mut self.compressors[at].1;
        let bound = compressor.gzip_compress_bound(bytes.len());
        if self.out.len() < bound {
            self.out.resize(bound, 0);
        }
        let len = compressor
            .gzip_compress(bytes, &mut self.out)
            .expect("libdeflate's bound is enough room for any input");
        self.out[..len].to_vec()
    }
}

/// 8 hex digits of FNV-1a over the bytes: a cache key for browsers, not a security hash.
fn content_hash(bytes: &[u8]) -> String {
    let hash = crate::stable_hash::fnv1a(bytes);
    format!("{:08x}", (hash ^ (hash >> 32)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        Gzipper::default().gzip(bytes, Level::Fast)
    }

    #[test]
    fn shared_word_terms_are_the_analyzers_terms_from_any_thread() {
        let analyzer = Analyzer::default();
        let word_terms = WordTerms::default();
        let words = [
            "Школами",
            "школа",
            "и",
            "442-ФЗ",
            "Families",
            "ребёнок",
            "ребенка",
        ];
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for word in words.iter().cycle().take(100) {
                        let expected = analyzer.word_term(word);
                        let id = word_terms.shared_term_id(word);
                        let term = id.map(|id| word_terms.names(&[id])[0].to_string());
                        assert_eq!(term, expected, "{word}");
                    }
                });
            }
        });
        let shared = word_terms
            .shared
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        assert_eq!(
            shared.words.len(),
            words.len(),
            "every word is remembered, once"
        );
        // школа, школами → школ; ребёнок, ребенка → ребенок; 442-фз; famili; и is none.
        assert_eq!(
            shared.terms.len(),
            4,
            "every term has one id: {:?}",
            shared.terms
        );
    }

    /// A library of practices whose bodies share some words and not others.
    fn small_library() -> Library {
        let dir = tempfile::tempdir().unwrap();
        let practices = dir.path().join("content/practices");
        std::fs::create_dir_all(&practices).unwrap();
        std::fs::write(dir.path().join("site.yaml"), "title: x\n").unwrap();
        let bodies = [
            "Школа и семья: поддержка семей с детьми.",
            "Газификация сёл. Школы, больницы и семьи.",
            "Спорт для детей; спортивные школы.",
            "Семьи, семья, семье — одна основа «сем».",
            "Ничего общего: 442-ФЗ и Families first.",
        ];
        for (n, body) in bodies.iter().enumerate() {
            std::fs::write(
                practices.join(format!("p{n}.md")),
                format!("---\ntitle: Практика {n}\nregion: Тамбовская область\nsector: Спорт\nyear: 2020\n---\n{body}\n"),
            )
            .unwrap();
        }
        crate::load(&crate::BuildOptions::new(dir.path())).unwrap()
    }

    #[test]
    fn a_reused_scratch_partial_analyses_as_a_fresh_one_does() {
        let lib = small_library();
        let word_terms = WordTerms::default();
        let mut scratch = Partial::default();
        for round in 0..2 {
            for doc in 0..lib.practices.len() {
                let html = rendered_html(&lib, doc);
                let reused = analyse(&lib, doc, html, &word_terms, &mut scratch);
                let fresh = analyse(&lib, doc, html, &word_terms, &mut Partial::default());
                assert!(!fresh.is_empty());
                assert_eq!(reused, fresh, "document {doc}, round {round}");
            }
        }
    }

    #[test]
    fn a_document_lists_each_of_its_terms_once_and_nothing_else() {
        let lib = small_library();
        let word_terms = WordTerms::default();
        // Term 0 is a word no document has: a function word taken for a term would show.
        assert_eq!(word_terms.shared_term_id("изумруд"), Some(0));
        for doc in 0..lib.practices.len() {
            let html = rendered_html(&lib, doc);
            let terms = analyse(&lib, doc, html, &word_terms, &mut Partial::default());
            let mut listed: Vec<&str> = terms.iter().map(|(term, _)| term.as_str()).collect();
            listed.sort_unstable();
            let mut expected = Vec::new();
            for (text, _) in document_fields(&lib, doc, &html_text(html)) {
                word_terms.analyzer.for_each_word(&text, |word, _| {
                    expected.extend(word_terms.analyzer.word_term(word));
                });
            }
            expected.sort_unstable();
            expected.dedup();
            assert_eq!(listed, expected, "document {doc}");
        }
        // Function words («и», «для») are in the texts and in no list.
        assert!(rendered_html(&lib, 0).contains(" и "));
        // A term met three times weighs more than one met once (counting each word as new
        // would list «семьи, семья, семье» three times, the last with nothing left to count).
        let terms = analyse(
            &lib,
            3,
            rendered_html(&lib, 3),
            &word_terms,
            &mut Partial::default(),
        );
        let weight = |word: &str| {
            let term = word_terms.analyzer.word_term(word).unwrap();
            terms.iter().find(|(t, _)| *t == term).unwrap().1
        };
        assert!(weight("семьи") > weight("основа"));
    }

    #[test]
    fn the_incremental_index_equals_the_one_shot_index() {
        let lib = small_library();
        let one_shot = build(&lib);
        let cached = build_with(&lib, &mut IndexCache::default());
        let files = |files: Vec<IndexFile>| -> Vec<(String, Vec<u8>)> {
            files
                .into_iter()
                .map(|f| (f.path, f.bytes.to_vec()))
                .collect()
        };
        assert_eq!(files(one_shot), files(cached));
    }

    #[test]
    fn quantised_weights_round_up_as_ceil_does() {
        let mut x = 0.0f32;
        while x <= 300.0 {
            assert_eq!(quantise(x), x.ceil().clamp(1.0, 255.0) as u8, "{x}");
            x += 0.013;
        }
        for x in [
            f32::MIN_POSITIVE,
            0.5,
            1.0,
            1.0 + f32::EPSILON,
            254.999,
            255.0,
            255.5,
            1e9,
        ] {
            assert_eq!(quantise(x), x.ceil().clamp(1.0, 255.0) as u8, "{x}");
        }
    }

    #[test]
    fn varints_round_trip_sizes() {
        let mut out = Vec::new();
        write_varint(&mut out, 127);
        write_varint(&mut out, 128);
        write_varint(&mut out, 300);
        assert_eq!(out, vec![127, 0x80, 1, 0xAC, 2]);
    }

    #[test]
    fn posting_lists_encode_as_pairs_do_in_any_order_of_arrival() {
        // Documents 0, 3, 130 (a two-byte delta), 131, 20 000 (three bytes), 20 001.
        let pairs: Vec<(u32, u8)> = vec![
            (0, 9),
            (3, 1),
            (130, 255),
            (131, 7),
            (20_000, 2),
            (20_001, 3),
        ];
        let expected = encode_postings(&pairs);
        let built = |order: &[usize]| {
            let mut list = PostingList::default();
            for &i in order {
                list.push(pairs[i].0, pairs[i].1);
            }
            list
        };
        assert_eq!(built(&[0, 1, 2, 3, 4, 5]).encode(), expected);
        assert_eq!(built(&[5, 4, 3, 2, 1, 0]).encode(), expected);
        assert_eq!(built(&[2, 0, 5, 1, 4, 3]).entries(), pairs);
        // Joining: in order (a collector's case), out of order, with empty lists.
        for split in 0..=pairs.len() {
            for second in split..=pairs.len() {
                let first = built(&(0..split).collect::<Vec<_>>());
                let middle = built(&(split..second).collect::<Vec<_>>());
                let last = built(&(second..pairs.len()).collect::<Vec<_>>());
                let joined = encode_joined(&[&first, &middle, &last]);
                assert_eq!(joined, expected, "split at {split}, {second}");
                let joined = encode_joined(&[&last, &first, &middle]);
                assert_eq!(joined, expected, "reversed split at {split}, {second}");
            }
        }
        // A document added twice keeps its later weight.
        let mut twice = built(&[0, 1]);
        twice.push(0, 42);
        assert_eq!(twice.entries(), vec![(0, 42), (3, 1)]);
    }

    #[test]
    fn common_prefix_respects_characters() {
        assert_eq!(common_prefix("семья", "семинар"), "сем".len());
        assert_eq!(common_prefix("", "a"), 0);
        assert_eq!(common_prefix("abc", "ab"), 2);
    }

    #[test]
    fn snippets_come_from_the_start_of_the_text() {
        let html = format!("<h2 id=\"x\">Проблема</h2><p>{}</p>", "семья ".repeat(1000));
        let first = snippet(&html_text(&html));
        assert!(first.starts_with("Проблема семья семья"), "{first}");
        assert!(first.chars().count() <= SNIPPET_CHARS, "{first}");
        // A first word longer than a snippet is cut.
        let plain = format!("a{} b", "ж".repeat(3000));
        assert_eq!(
            snippet(&plain),
            format!("a{}", "ж".repeat(SNIPPET_CHARS - 1))
        );
    }

    #[test]
    fn gzip_is_deterministic_and_has_the_magic() {
        let a = gzip(b"hello hello hello");
        assert_eq!(a, gzip(b"hello hello hello"));
        assert_eq!(&a[..2], &[0x1f, 0x8b]);
    }

    #[test]
    fn gzip_round_trips_through_an_independent_decoder() {
        use std::io::Read;
        // Incompressible bytes too: the output buffer must hold more than the input.
        let noise: Vec<u8> = (0u64..200_000)
            .map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8)
            .collect();
        let text = "Тамбовская область, семья, ".repeat(5_000).into_bytes();
        // One compressor for every file, as a thread of `gzip_all` uses it: a small file after
        // a large one must not carry the larger one's bytes.
        let mut gzipper = Gzipper::default();
        let inputs = [
            noise.clone(),
            Vec::new(),
            b"x".to_vec(),
            noise,
            text.clone(),
            text,
        ];
        for (n, raw) in inputs.into_iter().enumerate() {
            let level = [Level::Fast, Level::Small][n % 2];
            let gz = gzipper.gzip(&raw, level);
            assert_eq!(gz, Gzipper::default().gzip(&raw, level));
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_end(&mut back)
                .expect("valid gzip");
            assert_eq!(back, raw);
        }
    }
}
