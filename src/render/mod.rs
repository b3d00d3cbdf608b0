//! Rendering the library's HTML pages through the theme's Tera templates.
//!
//! Shared data (the site, its sectors and districts, asset URLs) goes into Tera's global
//! context once; each page adds only its own view. Pages render in parallel and go straight to
//! a [`Sink`], so a large library is never held in memory as HTML all at once.

mod cards;
pub mod charts;
pub mod russian;
mod views;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};

use crate::content::Body;
use crate::error::Error;
use crate::library::{Library, Term};
use crate::theme::Theme;
pub use views::{PracticeView, TermView};

/// Where rendered files go. Paths are site-relative with `/` separators (`practices/x/index.html`).
pub trait Sink: Sync {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Error>;

    /// Like [`Sink::write`], for bytes that may be shared (cached files of `serve`): a sink
    /// that keeps files can keep these without copying them.
    fn write_shared(&self, path: &str, bytes: std::sync::Arc<[u8]>) -> Result<(), Error> {
        self.write(path, &bytes)
    }
}

/// The templates every theme must have.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "practices.html",
    "practice.html",
    "regions.html",
    "taxonomy.html",
    "term.html",
    "page.html",
    "404.html",
    "search.html",
];

/// A page to render: its output path, template and own context.
struct Job<'a> {
    path: String,
    template: &'static str,
    context: JobContext<'a>,
    /// A hash of everything the page's own context holds: equal fingerprints (with equal
    /// templates and global context) mean byte-identical pages, so `serve` skips them.
    fingerprint: u64,
}

/// A page's own context. Practice pages carry their whole body, so theirs is built only when
/// the page renders: holding ten thousand of them at once would double the build's memory.
enum JobContext<'a> {
    Ready(Context),
    Practice(usize, &'a Body),
    List(ListPage<'a>),
}

/// One page of a paginated list of practice cards (all practices, or one term's).
struct ListPage<'a> {
    /// The list's first page, `regions/x/`.
    url: String,
    number: usize,
    pages: usize,
    items: &'a [usize],
    chunk: &'a [usize],
    title: &'a str,
    /// `(facet, facet title, term)` for term pages.
    term: Option<(&'static str, &'static str, &'a Term)>,
}

/// A page context that, when asked to, remembers a fingerprint of what was inserted.
struct PageContext {
    context: Context,
    hasher: Option<Fingerprint>,
}

impl PageContext {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if let Some(hasher) = &mut self.hasher {
            hasher.add(key, value);
        }
        self.context.insert(key, value);
    }

    fn job<'a>(self, path: String, template: &'static str) -> Job<'a> {
        Job {
            path,
            template,
            fingerprint: self.hasher.map_or(0, |h| h.finish()),
            context: JobContext::Ready(self.context),
        }
    }
}

/// Whether planning the pages also computes their fingerprints: `serve` compares them
/// between rebuilds; a full build renders everything and needs none.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fingerprinting {
    On,
    Off,
}

/// Hashes serialised values; only compared within one process, so the std hasher will do.
#[derive(Default)]
pub struct Fingerprint(std::collections::hash_map::DefaultHasher);

impl Fingerprint {
    pub fn add<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        use std::hash::Hasher;
        self.0.write(key.as_bytes());
        let _ = serde_json::to_writer(&mut *self, value);
    }

    /// Adds a value by its `Hash`: far cheaper than serialising it, for the fingerprints
    /// computed for every page on every save.
    pub fn add_hashed<T: std::hash::Hash + ?Sized>(&mut self, key: &str, value: &T) {
        use std::hash::Hash;
        key.hash(&mut self.0);
        value.hash(&mut self.0);
    }

    pub fn finish(&self) -> u64 {
        std::hash::Hasher::finish(&self.0)
    }
}

/// Hashes of what a practice's card shows of each term: name, slug and count (counts change
/// when other practices change). Computed once per term, not once per card and term.
struct TermFingerprints {
    regions: Vec<u64>,
    districts: Vec<u64>,
    sectors: Vec<u64>,
    /// By year.
    years: rustc_hash::FxHashMap<i32, u64>,
    tags: Vec<u64>,
}

impl TermFingerprints {
    fn new(lib: &Library) -> Self {
        let hash = |t: &Term| {
            let mut hasher = Fingerprint::default();
            hasher.add_hashed("term", &(&t.name, &t.slug, t.practices.len()));
            hasher.finish()
        };
        let tax = &lib.taxonomies;
        TermFingerprints {
            regions: tax.regions.iter().map(hash).collect(),
            districts: tax.districts.iter().map(hash).collect(),
            sectors: tax.sectors.iter().map(hash).collect(),
            years: tax
                .years
                .iter()
                .filter_map(|t| Some((t.slug.parse().ok()?, hash(t))))
                .collect(),
            tags: tax.tags.iter().map(hash).collect(),
        }
    }
}

/// A hash of everything a practice's card shows: its front matter and URL, and its terms.
fn card_fingerprint(lib: &Library, terms: &TermFingerprints, i: usize) -> u64 {
    let p = &lib.practices[i];
    let mut hasher = Fingerprint::default();
    // The path's bytes: hashing a `Path` parses it into components first.
    hasher.add_hashed(
        "card",
        &(p.front_matter_hash, &p.url, p.source_path.as_os_str()),
    );
    hasher.add_hashed(
        "terms",
        &(
            terms.regions[p.meta.region],
            lib.district_of(i).map(|d| terms.districts[d]),
            terms.sectors[p.meta.sector],
            terms.years.get(&p.meta.year),
        ),
    );
    for &t in &lib.practice_tags[i] {
        hasher.add_hashed("tag", &terms.tags[t]);
    }
    hasher.finish()
}

impl std::io::Write for Fingerprint {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        std::hash::Hasher::write(&mut self.0, bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub struct Renderer<'a> {
    library: &'a Library,
    /// Shared with the cards, which render their own HTML with the card template.
    tera: Arc<Tera>,
    /// Every practice's card as a template value, built once: a practice appears on a dozen
    /// list pages, and cloning a value only bumps reference counts.
    cards: cards::Cards<'a>,
    /// Every card's fingerprint (for `serve`), computed on first use or handed over from the
    /// previous rebuild when the library's model did not change.
    card_fingerprints: std::sync::OnceLock<Vec<u64>>,
}

impl<'a> Renderer<'a> {
    /// Compiles the theme's templates and registers Praktika's filters and functions.
    /// `assets` maps a static file's name to its fingerprinted site-relative path.
    pub fn new(
        library: &'a Library,
        theme: &Theme,
        assets: &BTreeMap<String, String>,
    ) -> Result<Self, Error> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml", ".svg"]);
        // Filters and functions must exist before templates are compiled against them.
        register_helpers(&mut tera, &library.config.base_url.path, assets);
        tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str())),
        )
        .map_err(template_error)?;
        for name in REQUIRED_TEMPLATES {
            if !tera.contains_template(name) {
                return Err(Error::Template(format!(
                    "the theme has no template `{name}`"
                )));
            }
        }
        let site = views::site(library, assets);
        tera.global_context().insert("site", &site);
        let tera = Arc::new(tera);
        Ok(Renderer {
            library,
            cards: cards::Cards::new(library, Some(Arc::clone(&tera))),
            tera,
            card_fingerprints: std::sync::OnceLock::new(),
        })
    }

    /// Every practice card's fingerprint, in library order.
    pub fn card_fingerprints(&self) -> &[u64] {
        self.card_fingerprints.get_or_init(|| {
            let lib = self.library;
            let terms = TermFingerprints::new(lib);
            (0..lib.practices.len())
                .into_par_iter()
                .map(|i| card_fingerprint(lib, &terms, i))
                .collect()
        })
    }

    /// Takes card fingerprints computed for an earlier library with the same terms
    /// ([`Library::same_terms`]: every term shows the same name and count), computing again
    /// only those of the `changed` practices, whose own fields may differ.
    pub fn update_card_fingerprints(&self, mut cards: Vec<u64>, changed: &[usize]) {
        let lib = self.library;
        if cards.len() != lib.practices.len() {
            return;
        }
        if !changed.is_empty() {
            let terms = TermFingerprints::new(lib);
            for &i in changed {
                if let Some(card) = cards.get_mut(i) {
                    *card = card_fingerprint(lib, &terms, i);
                }
            }
        }
        let _ = self.card_fingerprints.set(cards);
    }

    /// Practice `i`'s card, built on first use (`serve` renders only a few lists).
    fn card(&self, i: usize) -> Result<tera::Value, Error> {
        self.cards.get(i)
    }

    /// Renders every HTML page into the sink; returns how many. The pages of practices whose
    /// body is still in its file are left to [`Renderer::render_practice`].
    pub fn render_pages(&self, sink: &dyn Sink) -> Result<usize, Error> {
        self.render_all(self.jobs(Fingerprinting::Off), sink)
    }

    /// Renders practice `i`'s page, with `body` as its body, into the sink.
    pub fn render_practice(&self, i: usize, body: &Body, sink: &dyn Sink) -> Result<(), Error> {
        let path = practice_path(self.library, i);
        let html = self.render_job("practice.html", &path, JobContext::Practice(i, body))?;
        sink.write(&path, &html)
    }

    /// Renders the first page of each template into the sink; returns how many. `check`
    /// exercises every template with the library's data this way without rendering
    /// ten thousand pages (templates are also compiled, and so checked, by [`Renderer::new`]).
    pub fn render_samples(&self, sink: &dyn Sink) -> Result<usize, Error> {
        let mut seen = std::collections::HashSet::new();
        let mut jobs = self.jobs(Fingerprinting::Off);
        jobs.retain(|job| seen.insert(job.template));
        self.render_all(jobs, sink)
    }

    fn render_all(&self, jobs: Vec<Job<'a>>, sink: &dyn Sink) -> Result<usize, Error> {
        let count = jobs.len();
        jobs.into_par_iter().try_for_each(|job| {
            let html = self.render_job(job.template, &job.path, job.context)?;
            sink.write(&job.path, &html)
        })?;
        Ok(count)
    }

    /// Renders only the pages whose fingerprint differs from `previous` (or that are new),
    /// into memory; returns them with every page's fingerprint. Nothing is written, so a
    /// failure leaves the served site as it was.
    pub fn render_changed(
        &self,
        previous: &Fingerprints,
    ) -> Result<(RenderedPages, Fingerprints), Error> {
        let jobs = self.jobs(Fingerprinting::On);
        let mut fingerprints =
            Fingerprints::with_capacity_and_hasher(jobs.len(), Default::default());
        let mut changed = Vec::new();
        for job in jobs {
            if previous.get(&job.path) != Some(&job.fingerprint) {
                changed.push((job.path.clone(), job.template, job.context));
            }
            fingerprints.insert(job.path, job.fingerprint);
        }
        let pages = changed
            .into_par_iter()
            .map(|(path, template, context)| {
                let html = self.render_job(template, &path, context)?;
                Ok((path, html))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok((pages, fingerprints))
    }

    /// Every page's fingerprint, without rendering.
    pub fn fingerprints(&self) -> Fingerprints {
        self.jobs(Fingerprinting::On)
            .into_iter()
            .map(|j| (j.path, j.fingerprint))
            .collect()
    }

    /// A hash of what every page shares: templates, the global context, asset names.
    pub fn global_fingerprint(&self, theme: &Theme, assets: &BTreeMap<String, String>) -> u64 {
        let mut hasher = Fingerprint::default();
        hasher.add("site", &views::site(self.library, assets));
        hasher.add("templates", &theme.templates);
        hasher.finish()
    }

    fn render_job(
        &self,
        template: &str,
        path: &str,
        context: JobContext,
    ) -> Result<Vec<u8>, Error> {
        let lib = self.library;
        let context = match context {
            JobContext::Ready(context) => context,
            JobContext::Practice(i, body) => {
                let mut cx =
                    page_context("practice", &lib.practices[i].url, lib, Fingerprinting::Off);
                cx.context
                    .insert_value("practice", self.cards.practice_page(i, body)?);
                cx.context
            }
            JobContext::List(list) => self.list_context(&list)?,
        };
        // Straight into bytes: the template output needs no second UTF-8 validation.
        let mut html = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(template, &context, &mut html)
            .map_err(|e| {
                Error::Template(format!(
                    "{template} (rendering {path}): {}",
                    error_chain(&e)
                ))
            })?;
        Ok(html)
    }

    fn jobs(&self, fingerprinting: Fingerprinting) -> Vec<Job<'a>> {
        let lib = self.library;
        let on = fingerprinting == Fingerprinting::On;
        // One fingerprint per practice card, reused by every list and related block.
        let cards = on.then(|| self.card_fingerprints());
        let base = lib.config.base_url.path.as_str();
        let mut jobs = Vec::new();
        let all: Vec<usize> = (0..lib.practices.len()).collect();

        let mut home = page_context("home", "", lib, fingerprinting);
        let latest: Vec<PracticeView> = all
            .iter()
            .take(6)
            .map(|&i| views::practice(lib, i))
            .collect();
        home.insert("latest", &latest);
        home.insert("intro", &lib.home.as_ref().map(views::page));
        home.insert("charts", &views::charts(lib));
        jobs.push(home.job("index.html".into(), "index.html"));

        self.paginate(
            &mut jobs,
            cards,
            "practices/",
            &lib.taxonomies.all,
            "practices.html",
            "Все практики",
            None,
        );

        let practice_jobs: Vec<Job> = (0..lib.practices.len())
            .into_par_iter()
            .filter_map(|i| {
                let body = lib.practices[i].body.rendered()?;
                // The fingerprint covers the page's context, with the body by its hash.
                let fingerprint = cards.map(|cards| {
                    // The card covers the front matter (results, links, contacts too), the
                    // body's hash covers the HTML and its table of contents.
                    let mut hasher = Fingerprint::default();
                    hasher.add_hashed("practice", &(cards[i], body.hash));
                    let related: Vec<u64> = lib.related[i].iter().map(|&j| cards[j]).collect();
                    hasher.add_hashed("related", &related);
                    hasher.finish()
                });
                Some(Job {
                    path: practice_path(lib, i),
                    template: "practice.html",
                    context: JobContext::Practice(i, body),
                    fingerprint: fingerprint.unwrap_or(0),
                })
            })
            .collect();
        jobs.extend(practice_jobs);

        let facets: [(&str, &str, &[Term]); 5] = [
            ("regions", "Регионы", &lib.taxonomies.regions),
            ("districts", "Федеральные округа", &lib.taxonomies.districts),
            ("sectors", "Сферы", &lib.taxonomies.sectors),
            ("years", "Годы", &lib.taxonomies.years),
            ("tags", "Теги", &lib.taxonomies.tags),
        ];
        for (facet, title, terms) in facets {
            let index_url = format!("{facet}/");
            let mut cx = page_context("taxonomy", &index_url, lib, fingerprinting);
            cx.insert("facet", facet);
            cx.insert("title", title);
            let term_views: Vec<TermView> =
                terms.iter().map(|t| views::term(base, facet, t)).collect();
            cx.insert("terms", &term_views);
            if facet == "regions" {
                cx.insert("groups", &views::region_groups(lib));
            }
            let template = if facet == "regions" {
                "regions.html"
            } else {
                "taxonomy.html"
            };
            jobs.push(cx.job(format!("{index_url}index.html"), template));
            for term in terms {
                let url = format!("{facet}/{}/", term.slug);
                self.paginate(
                    &mut jobs,
                    cards,
                    &url,
                    &term.practices,
                    "term.html",
                    &term.name,
                    Some((facet, title, term)),
                );
            }
        }

        for page in &lib.pages {
            let mut cx = page_context("page", &page.url, lib, fingerprinting);
            cx.insert("page", &views::page(page));
            jobs.push(cx.job(format!("{}index.html", page.url), "page.html"));
        }
        jobs.push(
            page_context("404", "404.html", lib, fingerprinting).job("404.html".into(), "404.html"),
        );
        jobs.push(
            page_context("search", "search/", lib, fingerprinting)
                .job("search/index.html".into(), "search.html"),
        );
        jobs
    }

    /// Adds one job per page of `items`: `url` for the first page, `url/page/N/` for the rest.
    /// Their contexts are built when they render; the fingerprint comes from card hashes
    /// (`cards` is `None` when fingerprints are off).
    #[allow(clippy::too_many_arguments)]
    fn paginate(
        &self,
        jobs: &mut Vec<Job<'a>>,
        cards: Option<&[u64]>,
        url: &str,
        items: &'a [usize],
        template: &'static str,
        title: &'a str,
        term: Option<(&'static str, &'static str, &'a Term)>,
    ) {
        let lib = self.library;
        let per_page = lib.config.practices_per_page;
        let pages = items.len().div_ceil(per_page).max(1);
        for number in 1..=pages {
            let page_url = page_url(url, number);
            let chunk = &items
                [((number - 1) * per_page).min(items.len())..(number * per_page).min(items.len())];
            let fingerprint = cards.map(|cards| {
                let mut hasher = Fingerprint::default();
                let chunk_cards: Vec<u64> = chunk.iter().map(|&i| cards[i]).collect();
                hasher.add_hashed(
                    "list",
                    &(&page_url, &chunk_cards, items.len(), number, pages, title),
                );
                if let Some((facet, facet_title, term)) = term {
                    hasher.add_hashed(
                        "term",
                        &(
                            facet,
                            facet_title,
                            &term.name,
                            &term.slug,
                            term.practices.len(),
                        ),
                    );
                }
                hasher.finish()
            });
            jobs.push(Job {
                path: format!("{page_url}index.html"),
                template,
                fingerprint: fingerprint.unwrap_or(0),
                context: JobContext::List(ListPage {
                    url: url.to_string(),
                    number,
                    pages,
                    items,
                    chunk,
                    title,
                    term,
                }),
            });
        }
    }

    fn list_context(&self, list: &ListPage<'_>) -> Result<Context, Error> {
        let lib = self.library;
        let mut cx = page_context(
            "list",
            &page_url(&list.url, list.number),
            lib,
            Fingerprinting::Off,
        );
        let practices = list
            .chunk
            .iter()
            .map(|&i| self.card(i))
            .collect::<Result<Vec<tera::Value>, Error>>()?;
        cx.context.insert_value("practices", practices.into());
        cx.insert("total", &list.items.len());
        cx.insert(
            "paginator",
            &views::paginator(
                &lib.config.base_url.path,
                &list.url,
                list.number,
                list.pages,
            ),
        );
        cx.insert("title", list.title);
        if let Some((facet, facet_title, term)) = list.term {
            cx.insert("facet", facet);
            cx.insert("facet_title", facet_title);
            cx.insert("term", &views::term(&lib.config.base_url.path, facet, term));
        }
        Ok(cx.context)
    }
}

/// Rendered pages: output path and bytes.
pub type RenderedPages = Vec<(String, Vec<u8>)>;

/// Output path → fingerprint of each HTML page.
pub type Fingerprints = rustc_hash::FxHashMap<String, u64>;

/// The output path of practice `i`'s page.
fn practice_path(lib: &Library, i: usize) -> String {
    format!("{}index.html", lib.practices[i].url)
}

/// `regions/x/` page 1 → `regions/x/`; page 3 → `regions/x/page/3/`.
pub fn page_url(url: &str, number: usize) -> String {
    if number == 1 {
        url.to_string()
    } else {
        format!("{url}page/{number}/")
    }
}

#[derive(Serialize)]
struct CurrentPage<'a> {
    kind: &'a str,
    /// Site-relative URL of this page.
    path: &'a str,
    url: String,
    permalink: String,
}

fn page_context(
    kind: &str,
    path: &str,
    lib: &Library,
    fingerprinting: Fingerprinting,
) -> PageContext {
    let mut cx = PageContext {
        context: Context::new(),
        hasher: (fingerprinting == Fingerprinting::On).then(Fingerprint::default),
    };
    let current = CurrentPage {
        kind,
        path,
        url: format!("{}{path}", lib.config.base_url.path),
        permalink: format!("{}{path}", lib.config.base_url.absolute()),
    };
    cx.insert("current", &current);
    cx
}

/// Filters and functions take strings as `Cow`: a string value is borrowed, where taking a
/// `String` formatted every value through `Display` (4 % of a build, for the card titles).
fn register_helpers(tera: &mut Tera, base_path: &str, assets: &BTreeMap<String, String>) {
    use std::borrow::Cow;
    let base = base_path.to_string();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: Cow<str> = kwargs.must_get("path")?;
            Ok(format!("{base}{}", path.trim_start_matches('/')))
        },
    );
    let base = base_path.to_string();
    let assets = assets.clone();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: Cow<str> = kwargs.must_get("path")?;
            match assets.get(path.trim_start_matches('/')) {
                Some(hashed) => Ok(format!("{base}{hashed}")),
                None => Err(tera::Error::message(format!(
                    "no static file `{path}` in the theme"
                ))),
            }
        },
    );
    tera.register_filter(
        "plural",
        |n: i64, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let one: Cow<str> = kwargs.must_get("one")?;
            let few: Cow<str> = kwargs.must_get("few")?;
            let many: Cow<str> = kwargs.must_get("many")?;
            Ok(format!(
                "{n}\u{a0}{}",
                russian::plural_form(n, &one, &few, &many)
            ))
        },
    );
    tera.register_filter(
        "plural_word",
        |n: i64, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let one: Cow<str> = kwargs.must_get("one")?;
            let few: Cow<str> = kwargs.must_get("few")?;
            let many: Cow<str> = kwargs.must_get("many")?;
            Ok(russian::plural_form(n, &one, &few, &many).to_string())
        },
    );
    tera.register_filter("ru_date", |iso: Cow<str>, _: Kwargs, _: &State| -> String {
        russian::date(&iso).unwrap_or_else(|| iso.into_owned())
    });
    tera.register_filter("typo", |text: Cow<str>, _: Kwargs, _: &State| -> String {
        russian::typograph(&text)
    });
    tera.register_filter(
        "slugify",
        |text: Cow<str>, _: Kwargs, _: &State| -> String { crate::slug::slugify(&text) },
    );
}

fn template_error(err: tera::Error) -> Error {
    Error::Template(error_chain(&err))
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    message
}
