//! Writing the site: everything goes into a staging directory next to the output, which
//! replaces the output only when the whole build succeeded. A failed build leaves the
//! previous site byte-for-byte intact, and Praktika never deletes a directory it did not create.

pub mod dataset;
pub mod feeds;
mod folder;

pub use folder::DirSink;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::content::DeferredBodies;
use crate::diagnostics::Diagnostic;
use crate::error::Error;
use crate::library::Library;
use crate::render::{page_url, Renderer, Sink};
use crate::search::index::{Collector, WordTerms};
use crate::theme::Theme;

/// The file that marks a directory as Praktika's output, safe to replace.
pub const MARKER: &str = ".praktika-output";

/// What a build wrote, and how long its stages took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub pages: usize,
    pub files: usize,
    pub stages: Vec<(&'static str, Duration)>,
    /// Warnings found while writing (those of practice bodies rendered during the build).
    pub warnings: Vec<Diagnostic>,
}

/// A sink that only counts, for `check`: templates run, nothing is written.
#[derive(Default)]
pub struct NullSink {
    count: Mutex<usize>,
}

impl NullSink {
    pub fn count(&self) -> usize {
        *self.count.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> Result<(), Error> {
        *self.count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        Ok(())
    }
}

/// `style.css` → `static/style.1a2b3c4d.css`: CSS and JS get content-hashed names so they can
/// be cached forever; other static files keep their names.
pub fn asset_paths(theme: &Theme) -> BTreeMap<String, String> {
    theme
        .statics
        .iter()
        .map(|(name, bytes)| {
            let hashed = match name.rsplit_once('.') {
                Some((stem, ext @ ("css" | "js"))) => {
                    format!(
                        "static/{stem}.{:08x}.{ext}",
                        crate::stable_hash::fnv1a(bytes) as u32
                    )
                }
                _ => format!("static/{name}"),
            };
            (name.clone(), hashed)
        })
        .collect()
}

/// Renders every output file of the site into `sink`.
pub fn render_site(
    lib: &Library,
    theme: &Theme,
    root: &Path,
    sink: &dyn Sink,
) -> Result<Written, Error> {
    let assets = asset_paths(theme);
    let renderer = Renderer::new(lib, theme, &assets)?;
    // Pages, the search index and the companion files are independent; building them side by
    // side lets each one's serial steps overlap with the others' parallel work. Practice
    // bodies left in their files are rendered on the index's side, each written into its page
    // and indexed while it is at hand; the other side, done long before, takes the feeds,
    // sitemap and data export meanwhile.
    let (pages, index) = rayon::join(
        || {
            timed(|| {
                let pages = renderer.render_pages(sink)?;
                write_companions(lib, theme, &assets, sink, None)?;
                Ok(pages)
            })
        },
        || {
            timed(|| match &lib.deferred {
                Some(bodies) => stream_practices(lib, &renderer, bodies, sink).map(Some),
                None => write_search_index(lib, sink).map(|_| None),
            })
        },
    );
    let (mut pages, render_time) = pages?;
    let (streamed, index_time) = index?;
    let mut stages = vec![("pages, feeds, data", render_time)];
    let started = Instant::now();
    let (content_assets, warnings) = match streamed {
        Some(streamed) => {
            if !streamed.errors.is_empty() {
                let mut errors = streamed.errors;
                crate::diagnostics::sort(&mut errors);
                return Err(Error::Content(errors));
            }
            stages.push(("practice pages and index terms", index_time));
            pages += lib.practices.len();
            let mut assets = streamed.assets;
            assets.extend(lib.assets.iter().cloned());
            assets.sort_unstable();
            assets.dedup();
            // Every page is written. Freeing the card values (a few hundred megabytes at
            // 100 000 practices, a hundred thousand allocations) takes one core a while:
            // the index files are encoded meanwhile.
            let index = streamed.index;
            let ((), files) = rayon::join(move || drop(renderer), move || index.finish(lib));
            write_files(files, sink)?;
            (assets, streamed.warnings)
        }
        None => {
            drop(renderer);
            stages.push(("search index", index_time));
            (lib.assets.clone(), Vec::new())
        }
    };
    copy_content_assets(root, &content_assets, sink)?;
    stages.push(("index files, content assets", started.elapsed()));
    Ok(Written {
        pages,
        files: 0,
        stages,
        warnings,
    })
}

/// Runs `f`, timing it.
fn timed<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<(T, Duration), Error> {
    let started = Instant::now();
    f().map(|value| (value, started.elapsed()))
}

/// What rendering the practices whose bodies were left in their files gave besides their
/// pages.
#[derive(Default)]
struct Streamed {
    index: Collector,
    /// Files the bodies refer to (unsorted, with repeats).
    assets: Vec<String>,
    warnings: Vec<Diagnostic>,
    errors: Vec<Diagnostic>,
}

impl Streamed {
    fn merge(mut self, other: Streamed) -> Streamed {
        self.index = self.index.merge(other.index);
        self.assets.extend(other.assets);
        self.warnings.extend(other.warnings);
        self.errors.extend(other.errors);
        self
    }
}

/// Renders each practice's body from its file, writes the practice's page and adds it to
/// the search index, then drops the body: the library's HTML is never all in memory.
/// Content errors are collected from every practice (and stop the writing of pages).
fn stream_practices(
    lib: &Library,
    renderer: &Renderer<'_>,
    bodies: &DeferredBodies,
    sink: &dyn Sink,
) -> Result<Streamed, Error> {
    let failed = AtomicBool::new(false);
    let word_terms = Arc::new(WordTerms::default());
    let streamed = || Streamed {
        index: Collector::new(Arc::clone(&word_terms)),
        ..Streamed::default()
    };
    (0..lib.practices.len())
        .into_par_iter()
        .try_fold(streamed, |mut streamed, i| {
            let body = bodies.render(&lib.practices[i]);
            streamed.assets.extend(body.assets);
            streamed.warnings.extend(body.warnings);
            if !body.errors.is_empty() {
                failed.store(true, Ordering::Relaxed);
                streamed.errors.extend(body.errors);
            } else if !failed.load(Ordering::Relaxed) {
                renderer.render_practice(i, &body.body, sink)?;
                streamed.index.add(lib, i, &body.body.html);
            }
            Ok(streamed)
        })
        .try_reduce(streamed, |a, b| Ok(a.merge(b)))
}

/// What `check` renders: one page of each template, into `sink`. A practice page whose
/// body is still in its file gets that body as `check` validates it (without HTML).
pub fn check_site(lib: &Library, theme: &Theme, sink: &dyn Sink) -> Result<Written, Error> {
    let started = Instant::now();
    let assets = asset_paths(theme);
    let renderer = Renderer::new(lib, theme, &assets)?;
    let mut pages = renderer.render_samples(sink)?;
    if let (Some(bodies), Some(first)) = (&lib.deferred, lib.practices.first()) {
        renderer.render_practice(0, &bodies.render(first).body, sink)?;
        pages += 1;
    }
    Ok(Written {
        pages,
        files: 0,
        stages: vec![("render one page per template", started.elapsed())],
        warnings: Vec::new(),
    })
}

/// The search index files.
pub fn write_search_index(lib: &Library, sink: &dyn Sink) -> Result<usize, Error> {
    write_files(crate::search::index::build(lib), sink)
}

/// The search index files, reusing what `cache` holds from the previous build.
pub fn write_search_index_with(
    lib: &Library,
    cache: &mut crate::search::index::IndexCache,
    sink: &dyn Sink,
) -> Result<usize, Error> {
    write_files(crate::search::index::build_with(lib, cache), sink)
}

fn write_files(
    files: Vec<crate::search::index::IndexFile>,
    sink: &dyn Sink,
) -> Result<usize, Error> {
    files
        .par_iter()
        .try_for_each(|file| sink.write_shared(&file.path, file.bytes.clone()))?;
    Ok(files.len())
}

/// The files bodies refer to (content-relative paths, each once), copied from `content/`.
pub fn copy_content_assets(root: &Path, assets: &[String], sink: &dyn Sink) -> Result<(), Error> {
    assets.par_iter().try_for_each(|asset| {
        let source = root.join("content").join(asset);
        let bytes = fs::read(&source).map_err(|e| Error::io(&source, e))?;
        sink.write(asset, &bytes)
    })
}

/// Everything besides pages, the search index and content assets: the theme's static files,
/// feeds, the sitemap, robots.txt and the open dataset (from `dataset`'s rows when there is
/// a cache, as `serve` keeps; written straight into the files otherwise).
pub fn write_companions(
    lib: &Library,
    theme: &Theme,
    assets: &BTreeMap<String, String>,
    sink: &dyn Sink,
    dataset: Option<&mut dataset::DatasetCache>,
) -> Result<(), Error> {
    for (name, hashed) in assets {
        sink.write(hashed, &theme.statics[name])?;
    }
    let everything: Vec<usize> = (0..lib.practices.len()).collect();
    sink.write(
        "feed.xml",
        feeds::atom(lib, &lib.config.title, "feed.xml", &everything).as_bytes(),
    )?;
    for sector in &lib.taxonomies.sectors {
        let path = format!("sectors/{}/feed.xml", sector.slug);
        let title = format!("{} — {}", lib.config.title, sector.name);
        sink.write(
            &path,
            feeds::atom(lib, &title, &path, &sector.practices).as_bytes(),
        )?;
    }
    sink.write(
        "sitemap.xml",
        feeds::sitemap(lib, &sitemap_paths(lib)).as_bytes(),
    )?;
    sink.write("robots.txt", feeds::robots(lib).as_bytes())?;
    let data = match dataset {
        Some(cache) => dataset::files(lib, cache),
        None => dataset::files_once(lib),
    };
    sink.write_shared("data/practices.json", data.json)?;
    sink.write_shared("data/practices.csv", data.csv)?;
    Ok(())
}

/// A sink that keeps files in memory, for `serve`'s incremental rebuilds.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<Vec<(String, Arc<[u8]>)>>,
}

impl MemorySink {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<(String, Arc<[u8]>)> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        self.write_shared(path, bytes.into())
    }

    fn write_shared(&self, path: &str, bytes: Arc<[u8]>) -> Result<(), Error> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), bytes));
        Ok(())
    }
}

fn sitemap_paths(lib: &Library) -> Vec<String> {
    let per_page = lib.config.practices_per_page;
    let mut paths = vec![String::new()];
    let list = |url: &str, count: usize, paths: &mut Vec<String>| {
        for n in 1..=count.div_ceil(per_page).max(1) {
            paths.push(page_url(url, n));
        }
    };
    list("practices/", lib.practices.len(), &mut paths);
    paths.extend(lib.practices.iter().map(|p| p.url.clone()));
    let tax = &lib.taxonomies;
    for (facet, terms) in [
        ("regions", &tax.regions),
        ("districts", &tax.districts),
        ("sectors", &tax.sectors),
        ("years", &tax.years),
        ("tags", &tax.tags),
    ] {
        paths.push(format!("{facet}/"));
        for term in terms.iter().filter(|t| !t.practices.is_empty()) {
            list(
                &format!("{facet}/{}/", term.slug),
                term.practices.len(),
                &mut paths,
            );
        }
    }
    paths.extend(lib.pages.iter().map(|p| p.url.clone()));
    paths
}

/// Checks that `output` is a directory Praktika may replace.
pub fn check_output_dir(root: &Path, output: &Path, force: bool) -> Result<(), Error> {
    let refuse = |reason: &str| {
        Err(Error::UnsafeOutput {
            path: output.to_path_buf(),
            reason: reason.to_string(),
        })
    };
    let root_abs = fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let out_abs = absolute(output)?;
    if out_abs == root_abs {
        return refuse("it is the site root");
    }
    if root_abs.starts_with(&out_abs) {
        return refuse("it contains the site root");
    }
    if out_abs.parent().is_none() {
        return refuse("it is a filesystem root");
    }
    if output.join("content").exists() {
        return refuse("it contains a content/ folder");
    }
    if output.is_file() {
        return refuse("it is a file");
    }
    if output.is_dir() && !force {
        let mut entries = fs::read_dir(output).map_err(|e| Error::io(output, e))?;
        let empty = entries.next().is_none();
        if !empty && !output.join(MARKER).is_file() {
            return refuse("it holds files Praktika did not create (pass --force to replace it)");
        }
    }
    Ok(())
}

fn absolute(path: &Path) -> Result<PathBuf, Error> {
    if let Ok(p) = fs::canonicalize(path) {
        return Ok(p);
    }
    // The output (and perhaps folders above it) does not exist yet: resolve the nearest
    // folder that does, then follow the rest of the path by name (nothing there can be a
    // link, since it does not exist).
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        Path::new(".").join(path)
    };
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    let base = loop {
        match fs::canonicalize(existing) {
            Ok(base) => break base,
            Err(e) => match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => return Err(Error::io(existing, e)),
            },
        }
    };
    let mut resolved = base;
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    if resolved.file_name().is_none() {
        return Err(Error::UnsafeOutput {
            path: path.to_path_buf(),
            reason: "it has no name".into(),
        });
    }
    Ok(resolved)
}

/// Builds into a staging directory beside `output`, then swaps it in.
///
/// The output a build replaces is kept beside the new one, as `.<name>.previous`, and the
/// next build starts from it: it becomes that build's staging directory and is updated in
/// place ([`DirSink::updating`]), so a rebuild creates and removes only what changed.
pub fn write_site(
    lib: &Library,
    theme: &Theme,
    root: &Path,
    output: &Path,
    force: bool,
) -> Result<Written, Error> {
    check_output_dir(root, output, force)?;
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let previous = parent.join(format!(".{name}.previous"));
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    }
    // Another build running at the same time cannot take the same earlier output: only one
    // rename of it succeeds.
    let reused = is_output(&previous) && fs::rename(&previous, &staging).is_ok();
    let sink = if reused {
        DirSink::updating(staging.clone()).map_err(|e| {
            let _ = fs::rename(&staging, &previous);
            Error::io(&staging, e)
        })?
    } else {
        fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        DirSink::new(staging.clone())
    };
    let result = render_site(lib, theme, root, &sink).and_then(|written| {
        sink.write(
            MARKER,
            b"This folder is generated by Praktika; it is replaced on every build.\n",
        )?;
        sink.finish()?;
        Ok(Written {
            files: sink.count(),
            ..written
        })
    });
    let written = match result {
        Ok(written) => written,
        Err(err) => {
            // An earlier output half updated is still a fine start for the next build.
            if !(reused && fs::rename(&staging, &previous).is_ok()) {
                let _ = fs::remove_dir_all(&staging);
            }
            return Err(err);
        }
    };
    let started = Instant::now();
    swap(&staging, output, &previous)?;
    let mut written = written;
    written.stages.push(("swap", started.elapsed()));
    Ok(written)
}

/// The `.gitignore` of the output kept for the next build.
const KEPT_GITIGNORE: &str =
    "# Praktika keeps the previous build here to rebuild faster (see its README).\n*\n";

/// Whether `dir` is a folder (not a link) with Praktika's marker file.
fn is_output(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// Puts `staging` in the place of `output`. The replaced output becomes `previous` when it
/// is Praktika's and that name is free; otherwise it is removed.
fn swap(staging: &Path, output: &Path, previous: &Path) -> Result<(), Error> {
    let had_output = fs::symlink_metadata(output).is_ok();
    let keep = had_output && is_output(output) && fs::symlink_metadata(previous).is_err();
    let aside = if keep {
        previous.to_path_buf()
    } else {
        let name = output.file_name().unwrap_or_default().to_string_lossy();
        previous.with_file_name(format!(".{name}.old-{}", std::process::id()))
    };
    if had_output {
        fs::rename(output, &aside).map_err(|e| {
            let _ = fs::remove_dir_all(staging);
            Error::io(output, e)
        })?;
    }
    if let Err(e) = fs::rename(staging, output) {
        if had_output {
            let _ = fs::rename(&aside, output);
        }
        let _ = fs::remove_dir_all(staging);
        return Err(Error::io(output, e));
    }
    if keep {
        // Sites made before this folder existed do not list it in their `.gitignore`: the
        // folder ignores itself, so that an editor's git never offers its 30 000 files for a
        // commit. The next build, which writes no such file, removes it.
        let _ = fs::write(previous.join(".gitignore"), KEPT_GITIGNORE);
    }
    if had_output && !keep {
        // An output that was a link loses the link; what it pointed to stays.
        let link = fs::symlink_metadata(&aside).is_ok_and(|m| m.file_type().is_symlink());
        let removed = if link {
            fs::remove_file(&aside)
        } else {
            remove_tree(&aside)
        };
        removed.map_err(|e| Error::io(&aside, e))?;
    }
    Ok(())
}

/// Removes a folder and everything in it, several entries at a time: removing the previous
/// output (~30 000 files and folders at 10 000 practices) one entry after another took over a
/// second on ext4, the last step of every build into an existing output. Links are removed,
/// never followed.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let entries = fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn remove_tree_removes_everything_inside_and_follows_no_link() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("keep.txt"), "keep").unwrap();
        let tree = dir.path().join("tree");
        for n in 0..50 {
            let page = tree.join(format!("practices/p{n}"));
            fs::create_dir_all(page.join("deeper/still")).unwrap();
            fs::write(page.join("index.html"), "x").unwrap();
            fs::write(page.join("deeper/still/a.bin"), "y").unwrap();
        }
        fs::write(tree.join("index.html"), "x").unwrap();
        std::os::unix::fs::symlink(&outside, tree.join("link")).unwrap();
        std::os::unix::fs::symlink(&outside, tree.join("practices/p3/link")).unwrap();

        remove_tree(&tree).unwrap();
        assert!(!tree.exists());
        assert_eq!(
            fs::read_to_string(outside.join("keep.txt")).unwrap(),
            "keep"
        );
        assert!(remove_tree(&tree).is_err(), "a missing folder is an error");
    }
}
