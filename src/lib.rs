//! Praktika compiles a git repository of Markdown practice write-ups into a searchable static
//! website: a public library of best practices in social policy.
//!
//! Data flows one way, each stage a module that only looks forward:
//! [`config`] and [`regions`] → [`content`] (walk, parse, validate, Markdown) → [`library`]
//! (the model and taxonomies) → [`render`] (Tera) → [`output`] (staging, swap, feeds, data).

// Diagnostics are the error values of validation: returned on the cold path, a few per file at
// most, and carrying their own source line. Boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod error;
pub mod library;
pub mod output;
pub mod percent;
pub mod regions;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod session;
pub mod slug;
pub mod stable_hash;
pub mod theme;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use config::{BaseUrl, Config};
use content::{Bodies, LoadOptions};
use diagnostics::Diagnostic;
pub use error::Error;
use library::Library;
use regions::Regions;
use theme::Theme;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output directory; `root/public` when `None`.
    pub output: Option<PathBuf>,
    /// Replaces `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Replace an output directory Praktika did not create.
    pub force: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            force: false,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a successful build or check did.
#[derive(Debug, Clone)]
pub struct Summary {
    pub practices: usize,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
    /// Wall time of each stage (rendering and the search index overlap).
    pub stages: Vec<(&'static str, Duration)>,
}

/// Loads and validates a site into the library model, with every body rendered to HTML.
pub fn load(options: &BuildOptions) -> Result<Library, Error> {
    load_once(options, Bodies::Html)
}

fn load_once(options: &BuildOptions, bodies: Bodies) -> Result<Library, Error> {
    let mut cache = content::ContentCache::default();
    let library = load_content(options, &mut cache, bodies, None);
    drop_in_background(cache);
    library
}

/// Frees a large value on another thread. A library of 10 000 practices is millions of small
/// allocations; freeing them one by one took a tenth of `check`, and a command-line run can
/// exit without waiting for it.
fn drop_in_background<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here, as it would have been anyway.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Like [`load`], reusing and refreshing a cache of content files (for `serve`).
/// The cache must be new whenever the configuration or the regions list changed.
pub fn load_with(
    options: &BuildOptions,
    cache: &mut content::ContentCache,
) -> Result<Library, Error> {
    load_content(options, cache, Bodies::Html, None)
}

/// Like [`load_with`], trusting the file watcher that only `changed` content files (paths
/// relative to `content/`) changed since the cache's last load.
/// `previous` is the library of that load: its model is reused when no front matter changed.
pub fn load_changed(
    options: &BuildOptions,
    cache: &mut content::ContentCache,
    changed: &[String],
    previous: &Library,
) -> Result<Library, Error> {
    load_content(options, cache, Bodies::Html, Some((changed, previous)))
}

fn load_content(
    options: &BuildOptions,
    cache: &mut content::ContentCache,
    bodies: Bodies,
    changed: Option<(&[String], &Library)>,
) -> Result<Library, Error> {
    let root = &options.root;
    let config_path = root.join("site.yaml");
    let config_text = content::read_text(&config_path, Path::new("site.yaml"))
        .map_err(|d| Error::Content(vec![d]))?;
    let mut config = Config::parse(Path::new("site.yaml"), &config_text).map_err(Error::Content)?;
    if let Some(url) = &options.base_url {
        config.base_url = BaseUrl::parse(url).map_err(|message| {
            Error::Content(vec![Diagnostic::file_error(
                "bad-base-url",
                Path::new("--base-url"),
                message,
            )])
        })?;
    }
    let regions = match &config.regions {
        Some(path) => {
            let text =
                content::read_text(&root.join(path), path).map_err(|d| Error::Content(vec![d]))?;
            Regions::parse(path, &text).map_err(Error::Content)?
        }
        None => Regions::embedded(),
    };
    let load_options = LoadOptions {
        config: &config,
        regions: &regions,
        drafts: options.drafts,
        last_year: i64::from(date::Date::today().year) + 1,
        bodies,
    };
    let content = match changed {
        Some((changed, _)) => cache.load_changed(root, &load_options, changed),
        None => cache.load(root, &load_options),
    }
    .map_err(|mut diagnostics| {
        diagnostics::sort(&mut diagnostics);
        Error::Content(diagnostics)
    })?;
    Ok(match changed {
        Some((_, previous)) => Library::with_previous(config, regions, content, previous),
        None => Library::new(config, regions, content),
    })
}

/// Builds the site into its output directory (atomically).
pub fn build(options: &BuildOptions) -> Result<Summary, Error> {
    let started = Instant::now();
    let lib = load_streamed(options, true)?;
    let loaded = started.elapsed();
    let theme = Theme::load(&options.root, &lib.config.theme)?;
    let mut written = output::write_site(
        &lib,
        &theme,
        &options.root,
        &options.output_dir(),
        options.force,
    )?;
    written.stages.insert(0, ("load and validate", loaded));
    let summary = summary(&lib, written, started);
    drop_in_background(lib);
    Ok(summary)
}

/// Validates the content as `build` does (front matter, links, images, completeness), and
/// compiles the theme and renders one page of each template, without writing a file.
pub fn check(options: &BuildOptions) -> Result<Summary, Error> {
    let started = Instant::now();
    let lib = load_streamed(options, false)?;
    let mut body_warnings = Vec::new();
    if let Some(bodies) = &lib.deferred {
        let mut found = bodies.validate(&lib.practices);
        if !found.errors.is_empty() {
            diagnostics::sort(&mut found.errors);
            return Err(Error::Content(found.errors));
        }
        body_warnings = found.warnings;
    }
    let loaded = started.elapsed();
    let theme = Theme::load(&options.root, &lib.config.theme)?;
    let sink = output::NullSink::default();
    let mut written = output::check_site(&lib, &theme, &sink)?;
    written.files = sink.count();
    written.warnings.extend(body_warnings);
    written.stages.insert(0, ("load and validate", loaded));
    let summary = summary(&lib, written, started);
    drop_in_background(lib);
    Ok(summary)
}

/// Loads for `build` (bodies rendered to HTML later) and `check` (bodies validated later):
/// practice bodies stay in their files. A streaming load stops at front-matter errors,
/// before any practice body is read; since every error is reported at once, the bodies are
/// then checked as well, by a load that validates everything.
fn load_streamed(options: &BuildOptions, html: bool) -> Result<Library, Error> {
    match load_once(options, Bodies::Streamed { html }) {
        Err(Error::Content(errors)) => Err(match load_once(options, Bodies::ValidateOnly) {
            Err(Error::Content(all)) => Error::Content(all),
            _ => Error::Content(errors),
        }),
        loaded => loaded,
    }
}

fn summary(lib: &Library, written: output::Written, started: Instant) -> Summary {
    let mut warnings = lib.warnings.clone();
    warnings.extend(written.warnings);
    diagnostics::sort(&mut warnings);
    Summary {
        practices: lib.practices.len(),
        pages: written.pages,
        files: written.files,
        elapsed: started.elapsed(),
        warnings,
        stages: written.stages,
    }
}
