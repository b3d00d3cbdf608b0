//! Rendering the library's HTML pages through the theme's Tera templates.
//!
//! Shared data (the site, its sectors and districts, asset URLs) goes into Tera's global
//! context once; each page adds only its own view. Pages render in parallel and go straight to
//! a [`Sink`], so a large library is never held in memory as HTML all at once.

pub mod russian;
mod views;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};

use crate::error::Error;
use crate::library::{Library, Term};
use crate::theme::Theme;
pub use views::{PracticeView, TermView};

/// Where rendered files go. Paths are site-relative with `/` separators (`practices/x/index.html`).
pub trait Sink: Sync {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Error>;
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
struct Job {
    path: String,
    template: &'static str,
    context: JobContext,
}

/// A page's own context. Practice pages carry their whole body, so theirs is built only when
/// the page renders: holding ten thousand of them at once would double the build's memory.
enum JobContext {
    Ready(Context),
    Practice(usize),
}

impl From<Context> for JobContext {
    fn from(context: Context) -> Self {
        JobContext::Ready(context)
    }
}

pub struct Renderer<'a> {
    library: &'a Library,
    tera: Tera,
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
        Ok(Renderer { library, tera })
    }

    /// Renders every HTML page into the sink; returns how many were written.
    pub fn render_pages(&self, sink: &dyn Sink) -> Result<usize, Error> {
        let jobs = self.jobs();
        let count = jobs.len();
        let lib = self.library;
        jobs.into_par_iter().try_for_each(|job| {
            let context = match job.context {
                JobContext::Ready(context) => context,
                JobContext::Practice(i) => {
                    let mut cx = page_context("practice", &lib.practices[i].url, lib);
                    cx.insert("practice", &views::practice_full(lib, i));
                    cx
                }
            };
            // Straight into bytes: the template output needs no second UTF-8 validation.
            let mut html = Vec::with_capacity(32 * 1024);
            self.tera
                .render_to(job.template, &context, &mut html)
                .map_err(|e| {
                    Error::Template(format!(
                        "{} (rendering {}): {}",
                        job.template,
                        job.path,
                        error_chain(&e)
                    ))
                })?;
            sink.write(&job.path, &html)
        })?;
        Ok(count)
    }

    fn jobs(&self) -> Vec<Job> {
        let lib = self.library;
        let base = lib.config.base_url.path.as_str();
        let mut jobs = Vec::new();
        let all: Vec<usize> = (0..lib.practices.len()).collect();

        let mut home = page_context("home", "", lib);
        let latest: Vec<PracticeView> = all
            .iter()
            .take(6)
            .map(|&i| views::practice(lib, i))
            .collect();
        home.insert("latest", &latest);
        home.insert("intro", &lib.home.as_ref().map(views::page));
        jobs.push(Job {
            path: "index.html".into(),
            template: "index.html",
            context: home.into(),
        });

        self.paginate(&mut jobs, "practices/", &all, "practices.html", |cx| {
            cx.insert("title", "Все практики");
        });

        for (i, practice) in lib.practices.iter().enumerate() {
            jobs.push(Job {
                path: format!("{}index.html", practice.url),
                template: "practice.html",
                context: JobContext::Practice(i),
            });
        }

        let facets: [(&str, &str, &[Term]); 5] = [
            ("regions", "Регионы", &lib.taxonomies.regions),
            ("districts", "Федеральные округа", &lib.taxonomies.districts),
            ("sectors", "Сферы", &lib.taxonomies.sectors),
            ("years", "Годы", &lib.taxonomies.years),
            ("tags", "Теги", &lib.taxonomies.tags),
        ];
        for (facet, title, terms) in facets {
            let index_url = format!("{facet}/");
            let mut cx = page_context("taxonomy", &index_url, lib);
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
            jobs.push(Job {
                path: format!("{index_url}index.html"),
                template,
                context: cx.into(),
            });
            for term in terms {
                let url = format!("{facet}/{}/", term.slug);
                let term_view = views::term(base, facet, term);
                let facet_title = title;
                self.paginate(&mut jobs, &url, &term.practices, "term.html", |cx| {
                    cx.insert("facet", facet);
                    cx.insert("facet_title", facet_title);
                    cx.insert("term", &term_view);
                    cx.insert("title", &term_view.name);
                });
            }
        }

        for page in &lib.pages {
            let mut cx = page_context("page", &page.url, lib);
            cx.insert("page", &views::page(page));
            jobs.push(Job {
                path: format!("{}index.html", page.url),
                template: "page.html",
                context: cx.into(),
            });
        }
        jobs.push(Job {
            path: "404.html".into(),
            template: "404.html",
            context: page_context("404", "404.html", lib).into(),
        });
        jobs.push(Job {
            path: "search/index.html".into(),
            template: "search.html",
            context: page_context("search", "search/", lib).into(),
        });
        jobs
    }

    /// Adds one job per page of `items`: `url` for the first page, `url/page/N/` for the rest.
    fn paginate(
        &self,
        jobs: &mut Vec<Job>,
        url: &str,
        items: &[usize],
        template: &'static str,
        extra: impl Fn(&mut Context),
    ) {
        let lib = self.library;
        let per_page = lib.config.practices_per_page;
        let total = items.len().div_ceil(per_page).max(1);
        for number in 1..=total {
            let page_url = page_url(url, number);
            let mut cx = page_context("list", &page_url, lib);
            let chunk = items.iter().skip((number - 1) * per_page).take(per_page);
            let practices: Vec<PracticeView> = chunk.map(|&i| views::practice(lib, i)).collect();
            cx.insert("practices", &practices);
            cx.insert("total", &items.len());
            cx.insert(
                "paginator",
                &views::paginator(&lib.config.base_url.path, url, number, total),
            );
            extra(&mut cx);
            jobs.push(Job {
                path: format!("{page_url}index.html"),
                template,
                context: cx.into(),
            });
        }
    }
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

fn page_context(kind: &str, path: &str, lib: &Library) -> Context {
    let mut cx = Context::new();
    let current = CurrentPage {
        kind,
        path,
        url: format!("{}{path}", lib.config.base_url.path),
        permalink: format!("{}{path}", lib.config.base_url.absolute()),
    };
    cx.insert("current", &current);
    cx
}

fn register_helpers(tera: &mut Tera, base_path: &str, assets: &BTreeMap<String, String>) {
    let base = base_path.to_string();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(format!("{base}{}", path.trim_start_matches('/')))
        },
    );
    let base = base_path.to_string();
    let assets = assets.clone();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
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
            let one: String = kwargs.must_get("one")?;
            let few: String = kwargs.must_get("few")?;
            let many: String = kwargs.must_get("many")?;
            Ok(format!(
                "{n}\u{a0}{}",
                russian::plural_form(n, &one, &few, &many)
            ))
        },
    );
    tera.register_filter(
        "plural_word",
        |n: i64, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let one: String = kwargs.must_get("one")?;
            let few: String = kwargs.must_get("few")?;
            let many: String = kwargs.must_get("many")?;
            Ok(russian::plural_form(n, &one, &few, &many).to_string())
        },
    );
    tera.register_filter("ru_date", |iso: String, _: Kwargs, _: &State| -> String {
        russian::date(&iso).unwrap_or(iso)
    });
    tera.register_filter("typo", |text: String, _: Kwargs, _: &State| -> String {
        russian::typograph(&text)
    });
    tera.register_filter("slugify", |text: String, _: Kwargs, _: &State| -> String {
        crate::slug::slugify(&text)
    });
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
