//! Writing a build's files into a folder: a new one, or an earlier output updated in place.
//!
//! On ext4, creating a library's ~30 000 files and folders and removing the previous
//! output's, not rendering, is what dominates a rebuild of a large library, and every inode
//! removed slows each file created in the next minutes (ext4 without a journal scans past
//! recently freed inodes). Updating the build before last in place creates and removes
//! nothing that did not change: an unchanged file is read and compared, never written.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::error::Error;
use crate::render::Sink;

/// A sink writing files under a folder, creating subfolders as needed.
pub struct DirSink {
    root: PathBuf,
    /// What the folder held when the build started, when it is an earlier output that this
    /// build updates in place.
    before: Option<Tree>,
    /// Every path written (updates only, for [`DirSink::finish`]).
    written: Mutex<Vec<String>>,
    count: Mutex<usize>,
}

/// A folder's regular files and subfolders, by `/`-separated path relative to it.
#[derive(Debug, Default)]
struct Tree {
    files: FxHashSet<String>,
    dirs: FxHashSet<String>,
}

impl DirSink {
    /// A sink writing into `root`, which is new and empty.
    pub fn new(root: PathBuf) -> Self {
        DirSink {
            root,
            before: None,
            written: Mutex::default(),
            count: Mutex::new(0),
        }
    }

    /// A sink updating `root`, an earlier output, in place: files whose bytes are unchanged
    /// stay as they are, changed ones are rewritten, and [`DirSink::finish`] removes the
    /// rest. Anything in `root` that is neither a file nor a folder (a link, say) is removed
    /// now, so that no write can follow it out of `root`.
    pub fn updating(root: PathBuf) -> std::io::Result<Self> {
        let mut entries = Vec::new();
        scan(&root, "", &mut entries)?;
        let mut before = Tree::default();
        for (path, is_dir) in entries {
            if is_dir {
                before.dirs.insert(path);
            } else {
                before.files.insert(path);
            }
        }
        Ok(DirSink {
            before: Some(before),
            ..DirSink::new(root)
        })
    }

    pub fn count(&self) -> usize {
        *self.count.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes what an updated folder held and this build did not write; nothing for a new
    /// folder. Call it once every file is written.
    pub fn finish(&self) -> Result<(), Error> {
        let Some(before) = &self.before else {
            return Ok(());
        };
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let written: FxHashSet<&str> = written.iter().map(String::as_str).collect();
        let mut needed: FxHashSet<&str> = FxHashSet::default();
        for path in &written {
            let mut path = *path;
            while let Some((parent, _)) = path.rsplit_once('/') {
                if !needed.insert(parent) {
                    break;
                }
                path = parent;
            }
        }
        // A stale folder goes whole (everything in it is stale too), from the top.
        let kept_parent = |path: &str| {
            path.rsplit_once('/')
                .is_none_or(|(p, _)| needed.contains(p))
        };
        let stale_dirs: Vec<&String> = before
            .dirs
            .iter()
            .filter(|d| !needed.contains(d.as_str()) && kept_parent(d))
            .collect();
        let stale_files: Vec<&String> = before
            .files
            .iter()
            .filter(|f| !written.contains(f.as_str()) && kept_parent(f))
            .collect();
        stale_dirs.par_iter().try_for_each(|dir| {
            let path = self.root.join(dir);
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => super::remove_tree(&path),
                _ => Ok(()),
            }
            .map_err(|e| Error::io(&path, e))
        })?;
        stale_files.par_iter().try_for_each(|file| {
            let path = self.root.join(file);
            match fs::symlink_metadata(&path) {
                Ok(meta) if !meta.is_dir() => fs::remove_file(&path),
                _ => Ok(()),
            }
            .map_err(|e| Error::io(&path, e))
        })
    }

    /// Writes a file this folder did not have.
    fn create(&self, path: &str, target: &Path, bytes: &[u8]) -> Result<(), Error> {
        if let Some(parent) = target.parent() {
            let known = self.before.as_ref().is_some_and(|before| {
                path.rsplit_once('/')
                    .is_none_or(|(dir, _)| before.dirs.contains(dir))
            });
            if !known {
                self.make_dirs(path, parent)?;
            }
        }
        let mut file = fs::File::create(target).map_err(|e| Error::io(target, e))?;
        file.write_all(bytes).map_err(|e| Error::io(target, e))
    }

    /// Creates the folders above `path`. In an updated folder, a file where a folder goes
    /// now is removed first.
    fn make_dirs(&self, path: &str, parent: &Path) -> Result<(), Error> {
        if let Some(before) = &self.before {
            let mut at = 0;
            while let Some(slash) = path[at..].find('/') {
                let ancestor = &path[..at + slash];
                if before.files.contains(ancestor) {
                    let ancestor = self.root.join(ancestor);
                    if fs::symlink_metadata(&ancestor).is_ok_and(|m| !m.is_dir()) {
                        fs::remove_file(&ancestor).map_err(|e| Error::io(&ancestor, e))?;
                    }
                }
                at += slash + 1;
            }
        }
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))
    }
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        let target = self.root.join(path);
        match &self.before {
            None => self.create(path, &target, bytes)?,
            Some(before) => {
                if before.files.contains(path) {
                    if !same_bytes(&target, bytes) {
                        rewrite(&target, bytes)?;
                    }
                } else {
                    if before.dirs.contains(path) {
                        super::remove_tree(&target).map_err(|e| Error::io(&target, e))?;
                    }
                    self.create(path, &target, bytes)?;
                }
                self.written
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(path.to_string());
            }
        }
        *self.count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        Ok(())
    }
}

/// Lists `dir` (the folder `root/rel`) recursively into `entries` as `(path, is folder)`,
/// removing whatever is neither a regular file nor a folder. Subfolders are read in
/// parallel: an output has a folder per page.
fn scan(root: &Path, rel: &str, entries: &mut Vec<(String, bool)>) -> std::io::Result<()> {
    let dir = root.join(rel);
    let mut subdirs = Vec::new();
    for entry in fs::read_dir(&dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let name = entry.file_name();
        let path = match name.to_str() {
            Some(name) if rel.is_empty() => name.to_string(),
            Some(name) => format!("{rel}/{name}"),
            // No build writes such a name: whatever it is, it goes.
            None if kind.is_dir() => {
                super::remove_tree(&entry.path())?;
                continue;
            }
            None => {
                fs::remove_file(entry.path())?;
                continue;
            }
        };
        if kind.is_dir() {
            subdirs.push(path.clone());
            entries.push((path, true));
        } else if kind.is_file() {
            entries.push((path, false));
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    let nested: Vec<Vec<(String, bool)>> = subdirs
        .par_iter()
        .map(|sub| {
            let mut found = Vec::new();
            scan(root, sub, &mut found).map(|()| found)
        })
        .collect::<std::io::Result<_>>()?;
    entries.extend(nested.into_iter().flatten());
    Ok(())
}

/// Whether the file at `path` holds exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    if !file.metadata().is_ok_and(|m| m.len() == bytes.len() as u64) {
        return false;
    }
    let mut old = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut old).is_ok() && old == bytes
}

/// Replaces an existing file's bytes, in place: the same inode, no blocks freed and taken
/// again. A file with other names (hard links, as `cp -al` makes) is replaced by a new
/// file instead, so that nothing outside the folder changes.
fn rewrite(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let in_place = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .ok()
        .filter(|file| file.metadata().is_ok_and(|m| single_link(&m)));
    let Some(mut file) = in_place else {
        fs::remove_file(path).map_err(|e| Error::io(path, e))?;
        let mut file = fs::File::create(path).map_err(|e| Error::io(path, e))?;
        return file.write_all(bytes).map_err(|e| Error::io(path, e));
    };
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    file.set_len(bytes.len() as u64)
        .map_err(|e| Error::io(path, e))
}

#[cfg(unix)]
fn single_link(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.is_file() && meta.nlink() == 1
}

#[cfg(not(unix))]
fn single_link(_: &fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_all(sink: &DirSink, files: &[(&str, &str)]) {
        for (path, text) in files {
            sink.write(path, text.as_bytes()).unwrap();
        }
        sink.finish().unwrap();
    }

    /// Every file under `root` with its text, and every folder (as `path/`).
    fn listing(root: &Path) -> Vec<(String, String)> {
        let mut found = Vec::new();
        scan(root, "", &mut found).unwrap();
        let mut listing: Vec<(String, String)> = found
            .into_iter()
            .map(|(path, is_dir)| {
                if is_dir {
                    (format!("{path}/"), String::new())
                } else {
                    let text = fs::read_to_string(root.join(&path)).unwrap();
                    (path, text)
                }
            })
            .collect();
        listing.sort();
        listing
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::symlink_metadata(path).unwrap().ino()
    }

    #[test]
    fn an_updated_folder_holds_exactly_what_a_new_one_would() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old");
        write_all(
            &DirSink::new(old.clone()),
            &[
                ("index.html", "home"),
                ("same/index.html", "same"),
                ("longer/index.html", "short"),
                ("shorter/index.html", "a long text"),
                ("gone/deep/index.html", "gone"),
                ("gone.txt", "gone"),
                ("becomes-dir", "a file"),
                ("becomes-file/x.html", "a folder"),
                ("kept/gone.html", "gone"),
                ("kept/stays.html", "stays"),
            ],
        );
        let files = [
            ("index.html", "home, edited"),
            ("same/index.html", "same"),
            ("longer/index.html", "now a much longer text"),
            ("shorter/index.html", "short"),
            ("becomes-dir/index.html", "now a folder"),
            ("becomes-file", "now a file"),
            ("kept/stays.html", "stays"),
            ("new/deeper/still/index.html", "new"),
        ];
        let fresh = dir.path().join("fresh");
        write_all(&DirSink::new(fresh.clone()), &files);
        let updating = DirSink::updating(old.clone()).unwrap();
        write_all(&updating, &files);
        assert_eq!(updating.count(), files.len());
        assert_eq!(listing(&old), listing(&fresh));
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_left_alone_and_changed_ones_keep_their_inode() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        write_all(
            &DirSink::new(root.clone()),
            &[("a/index.html", "same"), ("b/index.html", "before")],
        );
        let old_time =
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        let a = root.join("a/index.html");
        fs::File::options()
            .write(true)
            .open(&a)
            .unwrap()
            .set_modified(old_time)
            .unwrap();
        let b = root.join("b/index.html");
        let b_inode = inode(&b);
        write_all(
            &DirSink::updating(root.clone()).unwrap(),
            &[("a/index.html", "same"), ("b/index.html", "after")],
        );
        assert_eq!(
            fs::metadata(&a).unwrap().modified().unwrap(),
            old_time,
            "not rewritten"
        );
        assert_eq!(fs::read_to_string(&b).unwrap(), "after");
        assert_eq!(inode(&b), b_inode, "rewritten in place");
    }

    #[cfg(unix)]
    #[test]
    fn an_update_changes_nothing_outside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("index.html"), "precious").unwrap();
        let root = dir.path().join("out");
        write_all(
            &DirSink::new(root.clone()),
            &[("linked.html", "ours"), ("page/index.html", "ours")],
        );
        // Someone kept a copy of the output with hard links, and put links in it.
        fs::hard_link(root.join("linked.html"), outside.join("linked.html")).unwrap();
        fs::remove_dir_all(root.join("page")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("page")).unwrap();
        std::os::unix::fs::symlink(outside.join("index.html"), root.join("other.html")).unwrap();

        write_all(
            &DirSink::updating(root.clone()).unwrap(),
            &[
                ("linked.html", "changed"),
                ("page/index.html", "changed"),
                ("other.html", "changed"),
            ],
        );
        assert_eq!(
            fs::read_to_string(outside.join("index.html")).unwrap(),
            "precious"
        );
        assert_eq!(
            fs::read_to_string(outside.join("linked.html")).unwrap(),
            "ours"
        );
        assert_eq!(
            fs::read_to_string(root.join("linked.html")).unwrap(),
            "changed"
        );
        assert!(fs::symlink_metadata(root.join("page")).unwrap().is_dir());
        assert_eq!(
            fs::read_to_string(root.join("page/index.html")).unwrap(),
            "changed"
        );
        assert_eq!(
            fs::read_to_string(root.join("other.html")).unwrap(),
            "changed"
        );
    }
}
