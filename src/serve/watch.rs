//! Watching a site's sources with notify, and turning bursts of file events into one change.
//!
//! Editors save in many ways: write in place, write a temporary file and rename it over the
//! original, or touch a file several times. Events are collected until the sources are quiet
//! for a moment, then classified: only content files, or anything that needs a full rebuild.
//!
//! How long "a moment" is decides how soon the reader sees an edit. Where the platform says
//! when a writer closed a file (inotify's close-after-write), a burst whose every written file
//! has been closed is complete, and only a short [`SETTLE`] waits for a rename that may follow.
//! Elsewhere, or while a file is still open, the longer [`QUIET`] ends a burst.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::session::Change;

/// Quiet time that ends a burst of events.
pub const QUIET: Duration = Duration::from_millis(25);
/// Quiet time that ends a burst once every file written in it has been closed: long enough
/// for the rename that follows an editor's write to a temporary file.
pub const SETTLE: Duration = Duration::from_millis(4);
/// Longest a burst is collected before rebuilding anyway.
pub const MAX_WAIT: Duration = Duration::from_millis(300);

/// Folders whose changes matter; `site.yaml` is watched through the root.
pub const WATCHED: &[&str] = &["content", "templates", "static", "themes", "data"];

/// A running watcher and the channel of raw changed paths.
pub struct SourceWatcher {
    _watcher: notify::RecommendedWatcher,
    events: Receiver<Signal>,
    root: PathBuf,
    output_name: Option<String>,
}

impl SourceWatcher {
    pub fn start(root: &Path, output: &Path) -> notify::Result<Self> {
        let root = std::fs::canonicalize(root).map_err(notify::Error::io)?;
        let (tx, events) = mpsc::channel();
        let config = root.join("site.yaml");
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if let Ok(event) = event {
                    for signal in signals(event, &config) {
                        let _ = tx.send(signal);
                    }
                }
            })?;
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        for dir in WATCHED {
            let path = root.join(dir);
            if path.is_dir() {
                watcher.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        let output_name = std::fs::canonicalize(output.parent().unwrap_or(Path::new(".")))
            .ok()
            .filter(|parent| *parent == root)
            .and_then(|_| output.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        Ok(SourceWatcher {
            _watcher: watcher,
            events,
            root,
            output_name,
        })
    }

    /// Blocks until the sources change; returns the change once they are quiet again.
    /// `None` when the watcher stopped.
    pub fn next_change(&self) -> Option<Change> {
        loop {
            let mut burst = Burst::default();
            burst.add(self.events.recv().ok()?);
            let started = Instant::now();
            loop {
                match self.events.recv_timeout(burst.quiet_time()) {
                    Ok(signal) => burst.add(signal),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
                if started.elapsed() > MAX_WAIT {
                    break;
                }
            }
            let paths = burst.paths;
            if let Some(change) = classify(&self.root, self.output_name.as_deref(), &paths) {
                return Some(change);
            }
        }
    }
}

/// What one event means for a burst.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Signal {
    /// The file was created or its data written: a writer may still hold it open.
    Written(PathBuf),
    /// A writer closed the file: its bytes are complete.
    Closed(PathBuf),
    /// Any other change: a rename, a removal, new metadata.
    Changed(PathBuf),
}

/// What an event says changed. Reading files (the build itself does) raises access events;
/// only changes and closes after writing count. When events were lost (the kernel's queue
/// overflowed), the event asks for a rescan: content rebuilds trust the watcher to name every
/// changed file, so that becomes a change to `config` (`site.yaml`), which rebuilds everything.
fn signals(event: notify::Event, config: &Path) -> Vec<Signal> {
    use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
    use notify::EventKind;
    if event.need_rescan() {
        return vec![Signal::Changed(config.to_path_buf())];
    }
    let signal: fn(PathBuf) -> Signal = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Signal::Closed,
        EventKind::Access(_) => return Vec::new(),
        EventKind::Create(CreateKind::File) | EventKind::Modify(ModifyKind::Data(_)) => {
            Signal::Written
        }
        _ => Signal::Changed,
    };
    event.paths.into_iter().map(signal).collect()
}

/// The events of one save, as they arrive.
#[derive(Debug, Default)]
struct Burst {
    /// Every path named, in order, with repeats.
    paths: Vec<PathBuf>,
    /// Files written and not yet closed.
    open: BTreeSet<PathBuf>,
    /// Whether the platform reported a close: without one, open files say nothing.
    closes_reported: bool,
}

impl Burst {
    fn add(&mut self, signal: Signal) {
        match signal {
            Signal::Written(path) => {
                self.open.insert(path.clone());
                self.paths.push(path);
            }
            Signal::Closed(path) => {
                self.closes_reported = true;
                self.open.remove(&path);
                self.paths.push(path);
            }
            Signal::Changed(path) => self.paths.push(path),
        }
    }

    /// How long to wait for the next event before the burst counts as over.
    fn quiet_time(&self) -> Duration {
        if self.closes_reported && self.open.is_empty() {
            SETTLE
        } else {
            QUIET
        }
    }
}

/// What a batch of changed paths means for the build; `None` if nothing relevant changed.
pub fn classify(root: &Path, output_name: Option<&str>, paths: &[PathBuf]) -> Option<Change> {
    let mut content = BTreeSet::new();
    let mut everything = false;
    for path in paths {
        let Ok(relative) = path.strip_prefix(root) else {
            continue;
        };
        let parts: Vec<String> = relative
            .components()
            .filter_map(|c| match c {
                Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let Some(first) = parts.first() else { continue };
        let name = parts.last().map(String::as_str).unwrap_or("");
        let temporary = name.starts_with('.')
            || name.starts_with('#')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".tmp")
            // JetBrains editors' safe write: `a.md___jb_tmp___`, renamed over `a.md`.
            || name.ends_with("___jb_tmp___")
            || name.ends_with("___jb_old___")
            || is_sed_temporary(name);
        if temporary || Some(first.as_str()) == output_name || first.starts_with('.') {
            continue;
        }
        match first.as_str() {
            "content" if parts.len() > 1 => {
                content.insert(parts[1..].join("/"));
            }
            "site.yaml" => everything = true,
            dir if WATCHED.contains(&dir) => everything = true,
            _ => {}
        }
    }
    if everything {
        Some(Change::Everything)
    } else if content.is_empty() {
        None
    } else {
        Some(Change::Content(content.into_iter().collect()))
    }
}

/// `sed -i`'s temporary file (GNU sed: `sed` and six random letters or digits, beside the
/// file it edits), renamed over the file at once.
fn is_sed_temporary(name: &str) -> bool {
    name.len() == 9
        && name.starts_with("sed")
        && name[3..].bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_events_rebuild_everything() {
        let root = Path::new("/site");
        let config = root.join("site.yaml");
        let rescan =
            notify::Event::new(notify::EventKind::Other).set_flag(notify::event::Flag::Rescan);
        assert_eq!(
            classify(root, None, &paths(rescan)),
            Some(Change::Everything)
        );
        let read = notify::Event::new(notify::EventKind::Access(notify::event::AccessKind::Any))
            .add_path(root.join("content/practices/a.md"));
        assert!(signals(read, &config).is_empty());
        let write = notify::Event::new(notify::EventKind::Modify(notify::event::ModifyKind::Any))
            .add_path(root.join("content/practices/a.md"));
        assert_eq!(
            classify(root, None, &paths(write)),
            Some(Change::Content(vec!["practices/a.md".into()]))
        );
    }

    /// The paths of one event, through a burst.
    fn paths(event: notify::Event) -> Vec<PathBuf> {
        let mut burst = Burst::default();
        for signal in signals(event, Path::new("/site/site.yaml")) {
            burst.add(signal);
        }
        burst.paths
    }

    fn event(kind: notify::EventKind, path: &str) -> Vec<Signal> {
        signals(
            notify::Event::new(kind).add_path(PathBuf::from(path)),
            Path::new("/site/site.yaml"),
        )
    }

    #[test]
    fn a_burst_settles_early_only_once_every_written_file_is_closed() {
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind};
        use notify::EventKind::{Access, Create, Modify};
        let written = Modify(ModifyKind::Data(DataChange::Content));
        let closed = Access(AccessKind::Close(AccessMode::Write));
        let mut burst = Burst::default();
        let add = |burst: &mut Burst, signals: Vec<Signal>| {
            for s in signals {
                burst.add(s);
            }
        };
        // An editor writing a temporary file, then renaming it over the practice.
        add(
            &mut burst,
            event(Create(CreateKind::File), "/site/content/.a.md.tmp"),
        );
        add(&mut burst, event(written, "/site/content/.a.md.tmp"));
        assert_eq!(burst.quiet_time(), QUIET, "still being written");
        add(&mut burst, event(written, "/site/content/b.md"));
        add(&mut burst, event(closed, "/site/content/.a.md.tmp"));
        assert_eq!(burst.quiet_time(), QUIET, "b.md is still open");
        add(&mut burst, event(closed, "/site/content/b.md"));
        assert_eq!(burst.quiet_time(), SETTLE);
        add(
            &mut burst,
            event(
                Modify(ModifyKind::Name(notify::event::RenameMode::Both)),
                "/site/content/a.md",
            ),
        );
        assert_eq!(burst.quiet_time(), SETTLE, "a rename leaves nothing open");
        assert_eq!(
            classify(Path::new("/site"), None, &burst.paths),
            Some(Change::Content(vec!["a.md".into(), "b.md".into()]))
        );

        // Where no close is ever reported, a write alone never shortens the wait.
        let mut burst = Burst::default();
        let renamed = Modify(ModifyKind::Name(notify::event::RenameMode::Any));
        add(&mut burst, event(renamed, "/site/content/a.md"));
        assert_eq!(burst.quiet_time(), QUIET);
        add(&mut burst, event(written, "/site/content/a.md"));
        assert_eq!(burst.quiet_time(), QUIET);
        // Reading a file is no sign of anything.
        add(
            &mut burst,
            event(
                Access(AccessKind::Close(AccessMode::Read)),
                "/site/content/a.md",
            ),
        );
        assert_eq!(burst.quiet_time(), QUIET);
        assert_eq!(burst.paths.len(), 2);
    }

    #[test]
    fn bursts_are_classified() {
        let root = Path::new("/site");
        let p = |s: &str| root.join(s);
        assert_eq!(
            classify(
                root,
                Some("public"),
                &[
                    p("content/practices/a.md"),
                    p("content/practices/.a.md.swp"),
                    p("content/practices/a.md___jb_tmp___"),
                    p("content/practices/a.md___jb_old___"),
                    p("content/practices/sedK3x9Qa"),
                    p("content/practices/a.md"),
                    p("public/index.html")
                ]
            ),
            Some(Change::Content(vec!["practices/a.md".into()]))
        );
        // Only sed's exact pattern: a file that merely starts with «sed» is content.
        assert_eq!(
            classify(root, Some("public"), &[p("content/images/sedan.jpg")]),
            Some(Change::Content(vec!["images/sedan.jpg".into()]))
        );
        assert_eq!(
            classify(
                root,
                Some("public"),
                &[p("content/practices/a.md"), p("templates/base.html")]
            ),
            Some(Change::Everything)
        );
        assert_eq!(
            classify(root, Some("public"), &[p("site.yaml")]),
            Some(Change::Everything)
        );
        assert_eq!(
            classify(
                root,
                Some("public"),
                &[p("public/x.html"), p(".public.staging-1/x"), p("README.md")]
            ),
            None
        );
    }
}
