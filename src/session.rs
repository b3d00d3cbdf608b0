//! A live build for `serve`: the first build is a full one; after that, a change to content
//! files re-reads only those files and rewrites only the output files whose bytes change.
//!
//! Pages are skipped by fingerprint (a hash of everything a page's own context holds, with
//! the global context and templates hashed separately), so a skipped page is byte-identical
//! to what a full build would write. Feeds, the dataset and the search index are regenerated
//! and written only where their bytes differ. Changes to `site.yaml`, templates, static files,
//! themes or the regions list rebuild everything.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::content::ContentCache;
use crate::error::Error;
use crate::library::Library;
use crate::output::dataset::DatasetCache;
use crate::output::{self, MemorySink};
use crate::render::{Fingerprints, Renderer, Sink};
use crate::search::index::IndexCache;
use crate::theme::Theme;
use crate::BuildOptions;

/// What changed on disk, as far as rebuilding goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Only these content files (content-relative paths) were added, edited or removed.
    Content(Vec<String>),
    /// Configuration, templates, static files, themes or regions: rebuild everything.
    Everything,
}

/// What a rebuild did.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    pub full: bool,
    pub practices: usize,
    /// Output files written (site-relative paths).
    pub written: Vec<String>,
    /// Output files removed because the new site no longer has them.
    pub removed: Vec<String>,
    pub elapsed: Duration,
}

impl Rebuilt {
    /// Whether only stylesheets changed, so open pages can swap them without reloading.
    pub fn css_only(&self) -> bool {
        !self.full
            && self
                .removed
                .iter()
                .chain(&self.written)
                .all(|p| p.ends_with(".css"))
            && !self.written.is_empty()
    }
}

struct State {
    cache: ContentCache,
    /// The library of the last successful build: its model is reused when no front matter
    /// changed.
    library: Library,
    index: IndexCache,
    dataset: DatasetCache,
    global: u64,
    pages: Fingerprints,
    /// The current output's files besides the pages in `pages` (the search index, feeds,
    /// data, assets, the marker), site-relative: with `pages`, every file of the output.
    other_files: BTreeSet<String>,
    /// The practice cards' fingerprints of the last build.
    cards: Vec<u64>,
    /// The bytes of the files besides pages (feeds, data, search index) as last written, so
    /// that a rebuild compares them in memory rather than reading megabytes back from disk.
    /// Empty after a full build: the first rebuild compares with the files on disk.
    companions: FxHashMap<String, Arc<[u8]>>,
}

/// A site being served: its options and what the last successful build produced.
pub struct Session {
    options: BuildOptions,
    state: Option<State>,
}

impl Session {
    pub fn new(options: BuildOptions) -> Self {
        Session {
            options,
            state: None,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.options.output_dir()
    }

    /// Rebuilds after `change`. On error nothing in the output changes.
    pub fn rebuild(&mut self, change: &Change) -> Result<Rebuilt, Error> {
        match (change, self.state.is_some()) {
            (Change::Content(paths), true) => self.incremental(paths),
            _ => self.full(),
        }
    }

    fn full(&mut self) -> Result<Rebuilt, Error> {
        let started = Instant::now();
        let mut cache = ContentCache::default();
        let lib = crate::load_with(&self.options, &mut cache)?;
        let theme = Theme::load(&self.options.root, &lib.config.theme)?;
        let output = self.output_dir();
        output::write_site(
            &lib,
            &theme,
            &self.options.root,
            &output,
            self.options.force,
        )?;
        let assets = output::asset_paths(&theme);
        let renderer = Renderer::new(&lib, &theme, &assets)?;
        let files = list_files(&output);
        let written = files.iter().cloned().collect();
        // Prime the search index cache, so that the first edit is as fast as the next ones.
        let mut index = IndexCache::default();
        crate::search::index::build_with(&lib, &mut index);
        let mut dataset = DatasetCache::default();
        output::dataset::files(&lib, &mut dataset);
        let global = renderer.global_fingerprint(&theme, &assets);
        let pages = renderer.fingerprints();
        let other_files = files
            .into_iter()
            .filter(|path| !pages.contains_key(path))
            .collect();
        let cards = renderer.card_fingerprints().to_vec();
        let practices = lib.practices.len();
        self.state = Some(State {
            cache,
            library: lib,
            index,
            dataset,
            global,
            pages,
            other_files,
            cards,
            companions: FxHashMap::default(),
        });
        Ok(Rebuilt {
            full: true,
            practices,
            written,
            removed: Vec::new(),
            elapsed: started.elapsed(),
        })
    }

    fn incremental(&mut self, changed: &[String]) -> Result<Rebuilt, Error> {
        let started = Instant::now();
        let output = self.options.output_dir();
        let state = self
            .state
            .as_mut()
            .expect("incremental rebuilds follow a full one");
        let lib = crate::load_changed(&self.options, &mut state.cache, changed, &state.library)?;
        let theme = Theme::load(&self.options.root, &lib.config.theme)?;
        let assets = output::asset_paths(&theme);
        let renderer = Renderer::new(&lib, &theme, &assets)?;
        if lib.same_terms(&state.library) {
            // Every term is as it was: only the cards of practices whose front matter changed
            // (a title, a summary…; none for a body edit) are fingerprinted again.
            let changed: Vec<usize> = (lib.practices.iter().zip(&state.library.practices))
                .enumerate()
                .filter(|(_, (new, old))| new.front_matter_hash != old.front_matter_hash)
                .map(|(i, _)| i)
                .collect();
            renderer.update_card_fingerprints(std::mem::take(&mut state.cards), &changed);
        }
        let global = renderer.global_fingerprint(&theme, &assets);
        let empty = Fingerprints::default();
        let previous = if global == state.global {
            &state.pages
        } else {
            &empty
        };
        // Pages, the search index and the companion files are independent: side by side.
        let others = MemorySink::default();
        let index = &mut state.index;
        let dataset = &mut state.dataset;
        let (rendered, (indexed, companions)) = rayon::join(
            || renderer.render_changed(previous),
            || {
                rayon::join(
                    || output::write_search_index_with(&lib, index, &others),
                    || {
                        output::write_companions(&lib, &theme, &assets, &others, Some(dataset))
                            .and_then(|()| {
                                output::copy_content_assets(
                                    &self.options.root,
                                    &lib.assets,
                                    &others,
                                )
                            })
                    },
                )
            },
        );
        let (pages, fingerprints) = rendered?;
        indexed?;
        companions?;
        let others = others.into_files();

        // Everything rendered without error: now touch the output.
        let mut other_files: BTreeSet<String> = others.iter().map(|(p, _)| p.clone()).collect();
        other_files.insert(output::MARKER.to_string());
        // Written side by side: a front-matter edit rewrites the data export (~18 MB at
        // 10 000 practices) besides a few pages.
        let companions = &state.companions;
        let written_pages = pages
            .par_iter()
            .map(|(path, bytes)| Ok(write_if_changed(&output, path, bytes)?.then(|| path.clone())));
        let written_others = others.par_iter().map(|(path, bytes)| {
            // Cached files (most of the index, the dataset) come back as the same allocation.
            let changed = match companions.get(path) {
                Some(old) => {
                    !Arc::ptr_eq(old, bytes) && **old != **bytes && write(&output, path, bytes)?
                }
                None => write_if_changed(&output, path, bytes)?,
            };
            Ok(changed.then(|| path.clone()))
        });
        let mut written: Vec<String> = written_pages
            .chain(written_others)
            .filter_map(Result::transpose)
            .collect::<Result<_, Error>>()?;
        let in_output =
            |path: &String| fingerprints.contains_key(path) || other_files.contains(path);
        let mut removed: Vec<String> = (state.pages.keys())
            .chain(&state.other_files)
            .filter(|path| !in_output(path))
            .cloned()
            .collect();
        removed.sort();
        removed.dedup();
        for path in &removed {
            remove_file_and_empty_dirs(&output, path);
        }
        written.sort();
        state.global = global;
        state.pages = fingerprints;
        state.other_files = other_files;
        state.cards = renderer.card_fingerprints().to_vec();
        state.companions = others.into_iter().collect();
        let practices = lib.practices.len();
        drop(renderer);
        crate::drop_in_background(std::mem::replace(&mut state.library, lib));
        Ok(Rebuilt {
            full: false,
            practices,
            written,
            removed,
            elapsed: started.elapsed(),
        })
    }
}

/// Writes a file unless it already holds exactly these bytes; returns whether it wrote.
fn write_if_changed(root: &Path, path: &str, bytes: &[u8]) -> Result<bool, Error> {
    let target = root.join(path);
    if fs::read(&target).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    write(root, path, bytes)
}

/// Writes a file; returns `true`, for symmetry with [`write_if_changed`].
fn write(root: &Path, path: &str, bytes: &[u8]) -> Result<bool, Error> {
    output::DirSink::new(root.to_path_buf()).write(path, bytes)?;
    Ok(true)
}

fn remove_file_and_empty_dirs(root: &Path, path: &str) {
    let target = root.join(path);
    let _ = fs::remove_file(&target);
    let mut dir = target.parent();
    while let Some(d) = dir {
        if d == root || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Every file under `root`, site-relative with `/` separators.
fn list_files(root: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(root).ok()?;
            let parts: Option<Vec<&str>> = relative
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect();
            parts.map(|p| p.join("/"))
        })
        .collect()
}
