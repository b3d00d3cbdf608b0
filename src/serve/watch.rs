//! Watching a site's sources with notify, and turning bursts of file events into one change.
//!
//! Editors save in many ways: write in place, write a temporary file and rename it over the
//! original, or touch a file several times. Events are collected until the sources are quiet
//! for a moment, then classified: only content files, or anything that needs a full rebuild.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::session::Change;

/// Quiet time that ends a burst of events.
pub const QUIET: Duration = Duration::from_millis(25);
/// Longest a burst is collected before rebuilding anyway.
pub const MAX_WAIT: Duration = Duration::from_millis(300);

/// Folders whose changes matter; `site.yaml` is watched through the root.
pub const WATCHED: &[&str] = &["content", "templates", "static", "themes", "data"];

/// A running watcher and the channel of raw changed paths.
pub struct SourceWatcher {
    _watcher: notify::RecommendedWatcher,
    events: Receiver<PathBuf>,
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
                    for path in changed_paths(event, &config) {
                        let _ = tx.send(path);
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
            let first = self.events.recv().ok()?;
            let mut paths = vec![first];
            let started = Instant::now();
            loop {
                match self.events.recv_timeout(QUIET) {
                    Ok(path) => paths.push(path),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
                if started.elapsed() > MAX_WAIT {
                    break;
                }
            }
            if let Some(change) = classify(&self.root, self.output_name.as_deref(), &paths) {
                return Some(change);
            }
        }
    }
}

/// The paths an event says changed. Reading files (the build itself does) raises access
/// events; only changes count. When events were lost (the kernel's queue overflowed), the
/// event asks for a rescan: content rebuilds trust the watcher to name every changed file, so
/// that becomes a change to `config` (`site.yaml`), which rebuilds everything.
fn changed_paths(event: notify::Event, config: &Path) -> Vec<PathBuf> {
    if event.need_rescan() {
        vec![config.to_path_buf()]
    } else if matches!(event.kind, notify::EventKind::Access(_)) {
        Vec::new()
    } else {
        event.paths
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
            || name.ends_with(".tmp");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_events_rebuild_everything() {
        let root = Path::new("/site");
        let config = root.join("site.yaml");
        let rescan =
            notify::Event::new(notify::EventKind::Other).set_flag(notify::event::Flag::Rescan);
        let paths = changed_paths(rescan, &config);
        assert_eq!(classify(root, None, &paths), Some(Change::Everything));
        let read = notify::Event::new(notify::EventKind::Access(notify::event::AccessKind::Any))
            .add_path(root.join("content/practices/a.md"));
        assert!(changed_paths(read, &config).is_empty());
        let write = notify::Event::new(notify::EventKind::Modify(notify::event::ModifyKind::Any))
            .add_path(root.join("content/practices/a.md"));
        assert_eq!(
            classify(root, None, &changed_paths(write, &config)),
            Some(Change::Content(vec!["practices/a.md".into()]))
        );
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
                    p("content/practices/a.md"),
                    p("public/index.html")
                ]
            ),
            Some(Change::Content(vec!["practices/a.md".into()]))
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
