//! Loading `content/`: walk the tree, read every file, validate front matter and render the
//! Markdown bodies, in parallel, collecting every diagnostic.
//!
//! Loading runs in two passes because links between files need every file's URL: the first
//! pass reads front matter (and so learns every slug), the second renders bodies.

pub mod completeness;
pub mod deferred;
pub mod frontmatter;
pub mod markdown;
pub mod practice;
mod readahead;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location, SourceText};
use crate::regions::Regions;
use crate::schema::Reader;
use crate::slug::slugify;
use crate::yaml;
pub use deferred::{DeferredBodies, StreamedBody, Validated};
pub use markdown::TocEntry;
pub use practice::{Contact, Link, Outcome, PracticeMeta, Status};

/// First path segments that belong to generated sections; a page cannot take them.
pub const RESERVED_SLUGS: &[&str] = &[
    "practices",
    "regions",
    "districts",
    "sectors",
    "years",
    "tags",
    "data",
    "search",
    "static",
    "page",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
];

const PAGE_KEYS: &[&str] = &["title", "description", "draft"];

/// A rendered Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// A hash of `html`, standing for it in page fingerprints.
    pub hash: u64,
}

#[derive(Debug, Clone)]
pub struct Practice {
    pub slug: String,
    /// Site-relative URL, `practices/<slug>/`.
    pub url: String,
    /// Path relative to the site root, `content/practices/<slug>.md`.
    pub source_path: PathBuf,
    /// Shared with the content cache: `serve` rebuilds the library on every save.
    pub meta: Arc<PracticeMeta>,
    /// A hash of the front matter as written: within one configuration, equal hashes mean
    /// equal metadata. `serve` fingerprints pages and keys caches with it.
    pub front_matter_hash: u64,
    pub body: PracticeBody,
}

/// A practice's body: rendered at load, or left in its file by a streaming build.
#[derive(Debug, Clone)]
pub enum PracticeBody {
    Rendered(Arc<Body>),
    /// Rendered by [`DeferredBodies::render`] while the build writes the practice's page, so
    /// that a library's bodies are never all in memory at once.
    InFile {
        /// Where the body starts in the file.
        offset: usize,
        /// [`text_hash`] of the whole file as loaded: the build renders the text it
        /// validated, or reports that the file changed under it.
        source_hash: u64,
    },
}

impl PracticeBody {
    /// The body, when it was rendered at load.
    pub fn rendered(&self) -> Option<&Arc<Body>> {
        match self {
            PracticeBody::Rendered(body) => Some(body),
            PracticeBody::InFile { .. } => None,
        }
    }
}

/// What loading does with Markdown bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bodies {
    /// Renders every body to HTML (`serve`, and [`load`]).
    Html,
    /// Checks bodies (links, images, headings) without writing HTML (`check`).
    ValidateOnly,
    /// Renders (or, without `html`, validates) pages, and leaves practice bodies in their
    /// files ([`Content::deferred`]): `build` renders them one at a time while it writes their
    /// pages, `check` validates them one at a time. A file's text is not kept after its front
    /// matter, so memory does not grow with the library's text.
    Streamed { html: bool },
}

/// A fast hash of a text (a whole content file, a body's HTML), to notice a change. Only
/// compared within one process.
pub fn text_hash(text: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(text)
}

/// A standalone page (`content/pages/*.md`) or the home intro (`content/_index.md`).
#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub url: String,
    pub source_path: PathBuf,
    pub title: String,
    pub description: Option<String>,
    pub body: Arc<Body>,
}

/// Everything under `content/`, validated and rendered.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub practices: Vec<Arc<Practice>>,
    pub pages: Vec<Page>,
    pub home: Option<Page>,
    /// Content-relative paths of files referenced by bodies, to be copied.
    pub assets: Vec<String>,
    /// Problems that do not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// What rendering the practice bodies left in their files needs ([`Bodies::Streamed`]).
    pub deferred: Option<Arc<DeferredBodies>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Home,
    Page,
    Practice,
}

/// A file after the first pass: front matter read, body not yet rendered.
struct Parsed {
    kind: Kind,
    content_path: String,
    source_path: PathBuf,
    /// Empty for practices loaded with [`Bodies::Streamed`].
    text: String,
    body_offset: usize,
    /// [`text_hash`] of `text`, taken before a streamed practice's text is dropped.
    source_hash: u64,
    front_matter_hash: u64,
    slug: String,
    url: String,
    meta: Option<Arc<PracticeMeta>>,
    page_title: String,
    page_description: Option<String>,
    draft: bool,
}

/// Options for loading.
pub struct LoadOptions<'a> {
    pub config: &'a Config,
    pub regions: &'a Regions,
    pub drafts: bool,
    /// The latest year a practice may carry.
    pub last_year: i64,
    pub bodies: Bodies,
}

impl LoadOptions<'_> {
    /// Whether bodies rendered now are rendered to HTML; `check` only validates them.
    fn html(&self) -> bool {
        match self.bodies {
            Bodies::Html => true,
            Bodies::ValidateOnly => false,
            Bodies::Streamed { html } => html,
        }
    }

    /// Whether a practice's body is left in its file.
    fn defers(&self, kind: Kind) -> bool {
        matches!(self.bodies, Bodies::Streamed { .. }) && kind == Kind::Practice
    }
}

/// Loads `root/content`. Errors come back all together; warnings travel in [`Content`].
pub fn load(root: &Path, options: &LoadOptions<'_>) -> Result<Content, Vec<Diagnostic>> {
    ContentCache::default().load(root, options)
}

/// Content files as last read, so that `serve` re-reads and re-renders only what changed.
///
/// A full build uses an empty cache, so both paths run the same code: a rebuild is a build
/// in which most steps find their answer here. The cache is only valid for one configuration
/// and regions list; `serve` starts a new one when those change.
#[derive(Default)]
pub struct ContentCache {
    files: HashMap<String, CachedFile>,
    /// Every file under `content/` as of the last load (sorted) and the walk's diagnostics:
    /// [`ContentCache::load_changed`] patches it instead of walking ten thousand files again.
    listing: Option<(Vec<String>, Vec<Diagnostic>)>,
    /// The last link context and its key: most saves change no file's address, and hashing
    /// ten thousand paths on every save showed in profiles.
    link_context: Option<(LinkContext, u64)>,
}

/// What a body's rendering depends on besides its own text: which pages and files exist.
struct LinkContext {
    pages: HashMap<String, String>,
    other: Vec<String>,
    base_path: String,
    unsafe_html: bool,
    html: bool,
}

/// The files that are not Markdown, in `files` order.
fn other_sorted(files: &[String]) -> Vec<&str> {
    files
        .iter()
        .filter(|f| !f.ends_with(".md"))
        .map(String::as_str)
        .collect()
}

impl LinkContext {
    fn options_equal(&self, other: &LinkContext) -> bool {
        (&self.base_path, self.unsafe_html, self.html)
            == (&other.base_path, other.unsafe_html, other.html)
    }

    fn key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let mut pages: Vec<_> = self.pages.iter().collect();
        pages.sort();
        pages.hash(&mut hasher);
        self.other.hash(&mut hasher);
        self.base_path.hash(&mut hasher);
        self.unsafe_html.hash(&mut hasher);
        self.html.hash(&mut hasher);
        hasher.finish()
    }
}

struct CachedFile {
    stamp: Stamp,
    parsed: Result<Arc<Parsed>, Vec<Diagnostic>>,
    /// The rendered body and the key of the link context it was rendered in.
    rendered: Option<CachedRendering>,
}

/// A rendered body and the key of the link context it was rendered in.
type CachedRendering = (u64, Arc<Rendered>);

/// Length and modification time: a file whose stamp is unchanged is not read again.
type Stamp = (u64, Option<std::time::SystemTime>);

/// A rendered body with the diagnostics of its links and images.
struct Rendered {
    body: Arc<Body>,
    /// The practice as the library takes it (for practices): built once, shared by every
    /// rebuild until the file changes.
    practice: Option<Arc<Practice>>,
    assets: Vec<String>,
    problems: Vec<markdown::Problem>,
    /// Completeness warnings (practices only): they depend on the file, its body and the
    /// configuration, which the cache is only valid for.
    warnings: Vec<Diagnostic>,
}

fn stamp(path: &Path) -> Stamp {
    std::fs::metadata(path).map_or((u64::MAX, None), |m| (m.len(), m.modified().ok()))
}

impl ContentCache {
    /// Loads `root/content`, reusing what is unchanged since the previous call: walks the
    /// folder and reads again every file whose length or modification time changed.
    pub fn load(
        &mut self,
        root: &Path,
        options: &LoadOptions<'_>,
    ) -> Result<Content, Vec<Diagnostic>> {
        let content_dir = root.join("content");
        if !content_dir.is_dir() {
            self.listing = None;
            return Err(vec![Diagnostic::file_error(
                "no-content",
                Path::new("content"),
                format!("no content/ folder in {}", root.display()),
            )
            .with_hint("run `praktika init` to create a site, or pass --root")]);
        }
        let mut walk_diagnostics = Vec::new();
        let files = walk(&content_dir, &mut walk_diagnostics);
        let stamps: Vec<Option<Stamp>> = files
            .par_iter()
            .map(|p| {
                self.files
                    .contains_key(p)
                    .then(|| stamp(&content_dir.join(p)))
            })
            .collect();
        for (path, stamp) in files.iter().zip(stamps) {
            if stamp.is_some_and(|stamp| self.files[path].stamp != stamp) {
                self.files.remove(path);
            }
        }
        let present: HashSet<&str> = files.iter().map(String::as_str).collect();
        self.files.retain(|path, _| present.contains(path.as_str()));
        self.load_listed(&content_dir, options, (files, walk_diagnostics))
    }

    /// Like [`ContentCache::load`], trusting the file watcher that only `changed`
    /// (content-relative paths) were added, edited or removed since the previous load, so
    /// that a save costs the files it touched rather than a walk of the whole library.
    /// Walks anyway when there is no previous listing, when the last walk reported problems,
    /// or when a folder changed.
    pub fn load_changed(
        &mut self,
        root: &Path,
        options: &LoadOptions<'_>,
        changed: &[String],
    ) -> Result<Content, Vec<Diagnostic>> {
        let content_dir = root.join("content");
        let Some((mut files, walk_diagnostics)) = self.listing.take() else {
            return self.load(root, options);
        };
        if !walk_diagnostics.is_empty() {
            return self.load(root, options);
        }
        for path in changed {
            self.files.remove(path);
            let ignored = path.split('/').any(is_ignored);
            match std::fs::metadata(content_dir.join(path)) {
                Ok(meta) if meta.is_dir() => return self.load(root, options),
                Ok(meta) if meta.is_file() && !ignored => {
                    if let Err(at) = files.binary_search(path) {
                        files.insert(at, path.clone());
                    }
                }
                _ => {
                    // Gone (or now ignored): the file, or a folder and everything in it.
                    let folder = format!("{path}/");
                    files.retain(|f| f != path && !f.starts_with(&folder));
                    self.files.retain(|f, _| !f.starts_with(&folder));
                }
            }
        }
        self.load_listed(&content_dir, options, (files, walk_diagnostics))
    }

    /// Loads the files of `listing`; files missing from the cache are read.
    fn load_listed(
        &mut self,
        content_dir: &Path,
        options: &LoadOptions<'_>,
        listing: (Vec<String>, Vec<Diagnostic>),
    ) -> Result<Content, Vec<Diagnostic>> {
        let result = self.load_files(content_dir, options, &listing.0, &listing.1);
        self.listing = Some(listing);
        result
    }

    fn load_files(
        &mut self,
        content_dir: &Path,
        options: &LoadOptions<'_>,
        files: &[String],
        walk_diagnostics: &[Diagnostic],
    ) -> Result<Content, Vec<Diagnostic>> {
        let mut diagnostics = walk_diagnostics.to_vec();
        let markdown: Vec<&String> = files.iter().filter(|f| f.ends_with(".md")).collect();
        let other: HashSet<&str> = files
            .iter()
            .filter(|f| !f.ends_with(".md"))
            .map(String::as_str)
            .collect();

        // Pass 1: read and validate front matter of new and changed files.
        let stale: Vec<&String> = markdown
            .iter()
            .filter(|path| !self.files.contains_key(**path))
            .copied()
            .collect();
        let fresh: Vec<(String, CachedFile)> =
            readahead::while_reading(content_dir, &stale, || {
                stale
                    .par_iter()
                    .map(|path| {
                        // Stamped before reading: a save during the read makes the next
                        // load read it again.
                        let stamp = stamp(&content_dir.join(path));
                        let parsed = parse_file(content_dir, path, options).map(Arc::new);
                        (
                            path.to_string(),
                            CachedFile {
                                stamp,
                                parsed,
                                rendered: None,
                            },
                        )
                    })
                    .collect()
            });
        self.files.extend(fresh);

        // Each file with its cached rendering, looked up once.
        let mut parsed: Vec<(Arc<Parsed>, Option<CachedRendering>)> =
            Vec::with_capacity(markdown.len());
        // A file with front-matter errors still has an address: links to it are not reported
        // as broken on top of its own errors.
        let mut failed_urls: Vec<(&str, String)> = Vec::new();
        for path in &markdown {
            let cached = &self.files[*path];
            match &cached.parsed {
                Ok(file) => parsed.push((Arc::clone(file), cached.rendered.clone())),
                Err(errors) => {
                    diagnostics.extend(errors.iter().cloned());
                    failed_urls.extend(url_of(path).map(|url| (path.as_str(), url)));
                }
            }
        }
        parsed.retain(|(p, _)| options.drafts || !p.draft);
        check_duplicate_slugs(parsed.iter().map(|(p, _)| &**p), &mut diagnostics);

        // Pass 2: render bodies whose file or link context changed.
        let mut pages_by_path: HashMap<&str, &str> =
            HashMap::with_capacity_and_hasher(parsed.len(), Default::default());
        pages_by_path.extend(
            parsed
                .iter()
                .map(|(p, _)| (p.content_path.as_str(), p.url.as_str())),
        );
        for (path, url) in &failed_urls {
            pages_by_path.entry(path).or_insert(url);
        }
        let other_files: Vec<&str> = other_sorted(files);
        let link_context = LinkContext {
            pages: HashMap::default(),
            other: Vec::new(),
            base_path: options.config.base_url.path.clone(),
            unsafe_html: options.config.markdown.unsafe_html,
            html: options.html(),
        };
        let unchanged = self.link_context.as_ref().is_some_and(|(previous, _)| {
            previous.options_equal(&link_context)
                && previous.other == other_files
                && previous.pages.len() == pages_by_path.len()
                && pages_by_path
                    .iter()
                    .all(|(path, url)| previous.pages.get(*path).is_some_and(|u| u == url))
        });
        if !unchanged {
            let link_context = LinkContext {
                pages: pages_by_path
                    .iter()
                    .map(|(path, url)| (path.to_string(), url.to_string()))
                    .collect(),
                other: other_files.iter().map(|f| f.to_string()).collect(),
                ..link_context
            };
            let key = link_context.key();
            self.link_context = Some((link_context, key));
        }
        let Some((link_context, context_key)) = &self.link_context else {
            unreachable!("the link context was just set")
        };
        let context_key = *context_key;
        let pages_by_path = &link_context.pages;
        let file_exists = |path: &str| other.contains(path);
        let base_path = options.config.base_url.path.as_str();
        let to_render: Vec<&Arc<Parsed>> = parsed
            .iter()
            .filter(|(file, _)| !options.defers(file.kind))
            .filter(|(_, cached)| !matches!(cached, Some((key, _)) if *key == context_key))
            .map(|(p, _)| p)
            .collect();
        let newly_rendered: HashMap<String, Arc<Rendered>> = to_render
            .par_iter()
            .map(|file| {
                let cx = markdown::Context {
                    dir: dir_of(&file.content_path),
                    pages: pages_by_path,
                    file_exists: &file_exists,
                    base_path,
                    unsafe_html: options.config.markdown.unsafe_html,
                    html: options.html(),
                };
                let (body, assets, problems) = render_body(&file.text[file.body_offset..], &cx);
                let body = Arc::new(body);
                let warnings = match (file.kind, &file.meta) {
                    (Kind::Practice, Some(meta)) => completeness::check(
                        &file.source_path,
                        &file.text,
                        meta,
                        &body,
                        &options.config.completeness,
                    ),
                    _ => Vec::new(),
                };
                let practice = match (file.kind, &file.meta) {
                    (Kind::Practice, Some(meta)) => {
                        Some(file.practice(meta, PracticeBody::Rendered(Arc::clone(&body))))
                    }
                    _ => None,
                };
                (
                    file.content_path.clone(),
                    Arc::new(Rendered {
                        practice,
                        body,
                        assets,
                        problems,
                        warnings,
                    }),
                )
            })
            .collect();
        let mut content = Content::default();
        for (file, cached) in &parsed {
            if options.defers(file.kind) {
                if let Some(meta) = &file.meta {
                    content.practices.push(file.practice(
                        meta,
                        PracticeBody::InFile {
                            offset: file.body_offset,
                            source_hash: file.source_hash,
                        },
                    ));
                }
                continue;
            }
            let rendered = match (newly_rendered.get(&file.content_path), cached) {
                (Some(rendered), _) | (None, Some((_, rendered))) => rendered,
                (None, None) => continue,
            };
            content.warnings.extend(rendered.warnings.iter().cloned());
            if !rendered.problems.is_empty() {
                let source = SourceText::new(&file.source_path, &file.text);
                body_diagnostics(
                    &source,
                    file.body_offset,
                    &rendered.problems,
                    &mut diagnostics,
                    &mut content.warnings,
                );
            }
            content.assets.extend(rendered.assets.iter().cloned());
            match (file.kind, &file.meta) {
                (Kind::Practice, Some(_)) => {
                    if let Some(practice) = &rendered.practice {
                        content.practices.push(Arc::clone(practice));
                    }
                }
                (kind, _) => {
                    let page = Page {
                        slug: file.slug.clone(),
                        url: file.url.clone(),
                        source_path: file.source_path.clone(),
                        title: file.page_title.clone(),
                        description: file.page_description.clone(),
                        body: Arc::clone(&rendered.body),
                    };
                    if kind == Kind::Home {
                        content.home = Some(page);
                    } else {
                        content.pages.push(page);
                    }
                }
            }
        }
        for (path, rendered) in newly_rendered {
            if let Some(cached) = self.files.get_mut(&path) {
                cached.rendered = Some((context_key, rendered));
            }
        }
        if let Bodies::Streamed { html } = options.bodies {
            content.deferred = Some(Arc::new(DeferredBodies {
                html,
                content_dir: content_dir.to_path_buf(),
                pages: pages_by_path.clone(),
                files: other.iter().map(|f| f.to_string()).collect(),
                base_path: base_path.to_string(),
                unsafe_html: options.config.markdown.unsafe_html,
                completeness: options.config.completeness.clone(),
            }));
        }
        if diagnostics.is_empty() {
            content.assets.sort();
            content.assets.dedup();
            content.pages.sort_by(|a, b| a.slug.cmp(&b.slug));
            Ok(content)
        } else {
            Err(diagnostics)
        }
    }
}

/// Lists content files (content-relative, `/`-separated, sorted), skipping hidden and editor
/// temporary files. Unreadable entries and symlink loops become diagnostics.
fn walk(content_dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(content_dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let Ok(relative) = entry.path().strip_prefix(content_dir) else {
                    continue;
                };
                match relative.to_str() {
                    Some(path) if cfg!(windows) => files.push(path.replace('\\', "/")),
                    Some(path) => files.push(path.to_owned()),
                    None => diagnostics.push(
                        Diagnostic::file_error(
                            "bad-file-name",
                            &Path::new("content").join(relative),
                            "file name is not valid UTF-8",
                        )
                        .with_hint("rename the file using UTF-8 characters"),
                    ),
                }
            }
            Ok(_) => {}
            Err(err) => {
                let path = err
                    .path()
                    .and_then(|p| {
                        p.strip_prefix(content_dir.parent().unwrap_or(content_dir))
                            .ok()
                    })
                    .unwrap_or(Path::new("content"))
                    .to_path_buf();
                let (message, hint) = if err.loop_ancestor().is_some() {
                    (
                        "symbolic link loop".to_string(),
                        "remove the link that points back to its own folder",
                    )
                } else {
                    (
                        format!("cannot read: {err}"),
                        "check the file's permissions",
                    )
                };
                diagnostics
                    .push(Diagnostic::file_error("unreadable", &path, message).with_hint(hint));
            }
        }
    }
    // Sorted as strings (not walk order), so that `load_changed` can keep the list sorted.
    files.sort_unstable();
    files
}

fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

/// The content-relative folder of a content file: `practices` for `practices/x.md`.
fn dir_of(content_path: &str) -> &str {
    content_path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Renders a Markdown body: the body with the hash of its HTML, the files it refers to, and
/// its problems.
fn render_body(
    markdown: &str,
    cx: &markdown::Context<'_>,
) -> (Body, Vec<String>, Vec<markdown::Problem>) {
    let r = markdown::render(markdown, cx);
    let body = Body {
        hash: text_hash(&r.html),
        html: r.html,
        toc: r.toc,
    };
    (body, r.assets, r.problems)
}

/// Turns a body's problems into diagnostics located in its file: an image without alt text
/// is a warning, everything else an error.
fn body_diagnostics(
    source: &SourceText<'_>,
    body_offset: usize,
    problems: &[markdown::Problem],
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    for problem in problems {
        let start = body_offset + problem.range.start;
        let location = source.location(start, problem.range.len());
        let diagnostic = Diagnostic::at(problem.code, source, location, problem.message.clone())
            .with_hint_opt(problem.hint.clone());
        if problem.code == "image-without-alt" {
            warnings.push(diagnostic.warning());
        } else {
            errors.push(diagnostic);
        }
    }
}

/// Reads a file as UTF-8 text, explaining encodings editors run into.
pub fn read_text(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|err| {
        Diagnostic::file_error("unreadable", display, format!("cannot read: {err}"))
            .with_hint("check that the file exists and is readable")
    })?;
    decode(bytes, display)
}

/// `String::from_utf8`, with the check done by simdutf8 first: the standard library's
/// validation takes its slow path on every Cyrillic letter (a third of a second for 150 MB).
fn validate_utf8(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: simdutf8 has just validated exactly these bytes as UTF-8.
        Ok(unsafe { String::from_utf8_unchecked(bytes) })
    } else {
        // Invalid: the standard library says where, for the diagnostic.
        String::from_utf8(bytes)
    }
}

fn decode(bytes: Vec<u8>, display: &Path) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(
            Diagnostic::file_error("encoding", display, "the file is in UTF-16")
                .with_hint("save it as UTF-8 (in Notepad: «Сохранить как» → Кодировка: UTF-8)"),
        );
    }
    let mut text = match validate_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let shown = String::from_utf8_lossy(&bytes)
                .lines()
                .nth(line - 1)
                .map(str::to_owned);
            let mut d = Diagnostic::file_error("encoding", display, "the file is not valid UTF-8")
                .with_hint("save it as UTF-8; Windows-1251 files must be converted");
            d.line = line;
            d.column = column;
            d.source_line = shown;
            return Err(d);
        }
    };
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    // memchr: `str::find` scans bytewise, which showed in profiles of 150 MB of content.
    if let Some(at) = memchr::memchr(0, text.as_bytes()) {
        let source = SourceText::new(display, &text);
        let location = source.location(at, 1);
        return Err(Diagnostic::at(
            "nul-byte",
            &source,
            location,
            "the file contains a NUL byte",
        )
        .with_hint("the file may be binary or damaged; re-save it as plain text"));
    }
    Ok(text)
}

fn parse_file(
    content_dir: &Path,
    content_path: &str,
    options: &LoadOptions<'_>,
) -> Result<Parsed, Vec<Diagnostic>> {
    let source_path = Path::new("content").join(content_path);
    let text = read_text(&content_dir.join(content_path), &source_path).map_err(|d| vec![d])?;
    let kind = match content_path.split('/').next() {
        _ if content_path == "_index.md" => Kind::Home,
        Some("practices") if content_path.contains('/') => Kind::Practice,
        Some("pages") if content_path.contains('/') => Kind::Page,
        _ => {
            return Err(vec![Diagnostic::file_error(
                "misplaced-file",
                &source_path,
                "content files belong in content/practices/ or content/pages/",
            )
            .with_hint(
                "move it to content/practices/ (a practice) or content/pages/ (a page)",
            )])
        }
    };
    let slug = file_slug(content_path);
    let source = SourceText::new(&source_path, &text);
    if slug.is_empty() && kind != Kind::Home {
        return Err(vec![Diagnostic::file_error(
            "bad-slug",
            &source_path,
            "the file name gives an empty URL slug",
        )
        .with_hint(
            "name the file with letters or digits, e.g. sovet-po-kachestvu-zhizni.md",
        )]);
    }
    let split = frontmatter::split(&text).map_err(|err| {
        let (message, hint, location) = match err {
            frontmatter::SplitError::NoOpeningFence => (
                "the file does not start with front matter",
                "start the file with a line `---`, then the fields (title: …), then another `---`",
                Location::new(1, 1, 1),
            ),
            frontmatter::SplitError::Unclosed => (
                "the front matter is not closed",
                "add a line `---` after the last field",
                Location::new(1, 1, 3),
            ),
        };
        vec![Diagnostic::at("front-matter-fence", &source, location, message).with_hint(hint)]
    })?;
    let root = yaml::parse(&source, split.yaml, split.yaml_line_offset).map_err(|d| vec![d])?;
    let root = if root.value == yaml::Value::Null {
        yaml::Node {
            value: yaml::Value::Map(Vec::new()),
            location: Location::new(1, 1, 3),
        }
    } else {
        root
    };
    let mut reader = Reader::new(&source);
    let mut parsed = Parsed {
        kind,
        content_path: content_path.to_string(),
        source_path: source_path.clone(),
        text: String::new(),
        body_offset: split.body_offset,
        source_hash: 0,
        front_matter_hash: {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            text[..split.body_offset].hash(&mut hasher);
            hasher.finish()
        },
        url: match kind {
            Kind::Home => String::new(),
            Kind::Page => format!("{slug}/"),
            Kind::Practice => format!("practices/{slug}/"),
        },
        slug,
        meta: None,
        page_title: String::new(),
        page_description: None,
        draft: false,
    };
    if kind == Kind::Practice {
        let schema = practice::Schema {
            config: options.config,
            regions: options.regions,
            last_year: options.last_year,
        };
        parsed.meta = practice::read(&mut reader, &root, &schema).map(Arc::new);
        parsed.draft = parsed.meta.as_ref().is_some_and(|m| m.draft);
    } else {
        for entry in reader.mapping(&root, "page front matter", PAGE_KEYS) {
            match entry.key.as_str() {
                "title" => {
                    parsed.page_title = reader.text(&entry.value, "title").unwrap_or_default()
                }
                "description" => parsed.page_description = reader.text(&entry.value, "description"),
                "draft" => parsed.draft = reader.bool(&entry.value, "draft").unwrap_or(false),
                _ => {}
            }
        }
        if parsed.page_title.is_empty()
            && !matches!(&root.value, yaml::Value::Map(e) if e.iter().any(|e| e.key == "title"))
        {
            reader.missing(&root, "title", "the page", "О библиотеке");
        }
    }
    if !reader.diagnostics.is_empty() {
        return Err(reader.diagnostics);
    }
    if options.defers(kind) {
        parsed.source_hash = text_hash(&text);
    } else {
        parsed.text = text;
    }
    Ok(parsed)
}

impl Parsed {
    /// The practice this file describes.
    fn practice(&self, meta: &Arc<PracticeMeta>, body: PracticeBody) -> Arc<Practice> {
        Arc::new(Practice {
            slug: self.slug.clone(),
            url: self.url.clone(),
            source_path: self.source_path.clone(),
            meta: Arc::clone(meta),
            front_matter_hash: self.front_matter_hash,
            body,
        })
    }
}

/// The URL a content file gets, known from its path alone.
fn url_of(content_path: &str) -> Option<String> {
    let slug = file_slug(content_path);
    match content_path.split_once('/') {
        Some(("practices", _)) => Some(format!("practices/{slug}/")),
        Some(("pages", _)) => Some(format!("{slug}/")),
        _ => None,
    }
}

/// The slug of a content file: its name, or its folder's name for `index.md`.
fn file_slug(content_path: &str) -> String {
    let mut parts = content_path.rsplit('/');
    let file = parts.next().unwrap_or("");
    let stem = file.strip_suffix(".md").unwrap_or(file);
    if stem == "index" {
        slugify(parts.next().unwrap_or(""))
    } else {
        slugify(stem)
    }
}

fn check_duplicate_slugs<'p>(
    parsed: impl ExactSizeIterator<Item = &'p Parsed>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<(bool, &str), &Parsed> =
        HashMap::with_capacity_and_hasher(parsed.len(), Default::default());
    for file in parsed {
        if file.kind == Kind::Home {
            continue;
        }
        if file.kind == Kind::Page && RESERVED_SLUGS.contains(&file.slug.as_str()) {
            diagnostics.push(
                Diagnostic::file_error(
                    "reserved-slug",
                    &file.source_path,
                    format!(
                        "the page slug `{}` is reserved for a generated section",
                        file.slug
                    ),
                )
                .with_hint("rename the file"),
            );
            continue;
        }
        let key = (file.kind == Kind::Practice, file.slug.as_str());
        if let Some(first) = seen.get(&key) {
            let (a, b) = if first.source_path < file.source_path {
                (*first, file)
            } else {
                (file, *first)
            };
            diagnostics.push(
                Diagnostic::file_error(
                    "duplicate-slug",
                    &b.source_path,
                    format!(
                        "slug `{}` is already used by {}",
                        b.slug,
                        a.source_path.display()
                    ),
                )
                .with_hint("rename one of the files; the file name is the page's address"),
            );
        } else {
            seen.insert(key, file);
        }
    }
}
