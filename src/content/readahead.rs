//! Asking the operating system to start reading the content files a load is about to parse.
//!
//! A library's files are often not in memory: after a reboot, a long pause, or on a machine
//! that reclaims idle page cache (this project's benchmark machine drops a third of an
//! untouched corpus within a minute). Read one at a time by each worker, every cold file
//! leaves a core waiting for the disk: reading 10 000 practices cold takes 0.95 s one by
//! one and 0.35 s sixteen at a time. A helper thread that only *announces* the files lets
//! the disk fetch many at once while the workers parse the ones already there; announcing
//! costs an `open`, a hint and a `close`, and copies nothing.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// From how many files a helper announces them: fewer are read sooner than a thread starts.
const ANNOUNCED_FROM: usize = 32;

/// Runs `read`, which reads `dir/files` in parallel, while a helper thread announces the
/// files; the helper stops when `read` returns.
pub fn while_reading<T>(
    dir: &Path,
    files: &[impl AsRef<Path> + Sync],
    read: impl FnOnce() -> T,
) -> T {
    if files.len() < ANNOUNCED_FROM {
        return read();
    }
    let done = AtomicBool::new(false);
    let workers = rayon::current_num_threads();
    std::thread::scope(|scope| {
        scope.spawn(|| announce(dir, files, workers, &done));
        let value = read();
        done.store(true, Ordering::Relaxed);
        value
    })
}

/// Announces `dir/files[i]` for every `i`, in the order `workers` threads splitting the
/// slice into equal runs meet them (as a parallel iterator does: each worker starts at the
/// beginning of its run), and stops early once `done` is set.
fn announce(dir: &Path, files: &[impl AsRef<Path>], workers: usize, done: &AtomicBool) {
    for i in interleaved(files.len(), workers) {
        if done.load(Ordering::Relaxed) {
            return;
        }
        will_need(&dir.join(files[i].as_ref()));
    }
}

/// `0..len`, taking one index from each of `runs` equal runs in turn.
fn interleaved(len: usize, runs: usize) -> impl Iterator<Item = usize> {
    let runs = runs.clamp(1, len.max(1));
    let run = len.div_ceil(runs);
    (0..run).flat_map(move |k| {
        (0..runs)
            .map(move |r| r * run + k)
            .filter(move |&i| i < len)
    })
}

#[cfg(target_os = "linux")]
fn will_need(path: &Path) {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    // Non-blocking, so that a FIFO put in a file's place does not stall the helper.
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    else {
        return;
    };
    // SAFETY: the descriptor belongs to `file`, which stays open for the call; the advice
    // only schedules reads into the page cache. A failure only means no hint was taken.
    unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED) };
}

#[cfg(not(target_os = "linux"))]
fn will_need(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaving_visits_every_index_once_starting_each_run() {
        let order: Vec<usize> = interleaved(7, 2).collect();
        assert_eq!(order, vec![0, 4, 1, 5, 2, 6, 3]);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..7).collect::<Vec<_>>());
        assert_eq!(interleaved(3, 8).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert_eq!(interleaved(0, 2).count(), 0);
        assert_eq!(interleaved(4, 0).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    }

    #[test]
    fn announcing_skips_missing_files_and_never_waits_on_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "---\n---\n").unwrap();
        #[cfg(target_os = "linux")]
        {
            let fifo = std::ffi::CString::new(
                dir.path()
                    .join("b.md")
                    .into_os_string()
                    .into_encoded_bytes(),
            )
            .unwrap();
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        }
        let dir_path = dir.path().to_path_buf();
        let (sent, received) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            announce(
                &dir_path,
                &["a.md", "b.md", "missing.md", ""],
                2,
                &AtomicBool::new(false),
            );
            sent.send(()).unwrap();
        });
        let finished = received.recv_timeout(std::time::Duration::from_secs(10));
        assert!(finished.is_ok(), "announcing blocked on a FIFO");
    }
}
