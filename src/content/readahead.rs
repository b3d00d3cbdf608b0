//! Asking the operating system to start reading the content files a load is about to parse.
//!
//! A library's files are often not in memory: after a reboot, a long pause, or on a machine
//! that reclaims idle page cache (this project's benchmark machine drops a third of an
//! untouched corpus within a minute). Read one at a time by each worker, every cold file
//! leaves a core waiting for the disk: reading 10 000 practices cold takes 0.95 s one by
//! one and 0.35 s sixteen at a time. A helper thread that only *announces* the files lets
//! the disk fetch many at once while the workers parse the ones already there.
//!
//! When the files are in memory, announcing them is wasted work (an eighth of the load's
//! time, on a third thread competing for the cores), so the helper first asks whether a
//! file's start is cached, and stops after a long run of files that all were.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// From how many files a helper announces them: fewer are read sooner than a thread starts.
const ANNOUNCED_FROM: usize = 32;

/// After this many files in a row found in memory, the rest are taken to be there too. With
/// even a tenth of the files cold, such a run happens by chance once in 10¹¹ tries.
const CACHED_RUN: usize = 256;

/// Runs `read`, which reads `dir/files` in parallel, while a helper thread announces the
/// files (on Linux; elsewhere it only runs `read`). Once `read` returns, the helper stops
/// before its next file, and this returns when it has.
pub fn while_reading<T>(
    dir: &Path,
    files: &[impl AsRef<Path> + Sync],
    read: impl FnOnce() -> T,
) -> T {
    if !cfg!(target_os = "linux") || files.len() < ANNOUNCED_FROM {
        return read();
    }
    let done = AtomicBool::new(false);
    let workers = rayon::current_num_threads();
    std::thread::scope(|scope| {
        // A hint is not worth failing for: without a thread (a process limit reached, say),
        // the files are only read.
        let _helper = std::thread::Builder::new()
            .name("readahead".into())
            .spawn_scoped(scope, || announce(dir, files, workers, &done));
        let value = read();
        done.store(true, Ordering::Relaxed);
        value
    })
}

/// Announces `dir/files[i]` for every `i`, in the order `workers` threads splitting the
/// slice into equal runs would meet them: roughly how a parallel iterator proceeds (it
/// splits by halves, each worker starting at the beginning of its part). Stops early once `done` is set, or after [`CACHED_RUN`] files in
/// a row were already in memory. Returns how many files it looked at, and how many of
/// them it announced.
fn announce(
    dir: &Path,
    files: &[impl AsRef<Path>],
    workers: usize,
    done: &AtomicBool,
) -> (usize, usize) {
    let (mut looked_at, mut announced) = (0, 0);
    let mut cached_in_a_row = 0;
    for i in interleaved(files.len(), workers) {
        if done.load(Ordering::Relaxed) || cached_in_a_row == CACHED_RUN {
            break;
        }
        looked_at += 1;
        if will_need(&dir.join(files[i].as_ref())) {
            announced += 1;
            cached_in_a_row = 0;
        } else {
            cached_in_a_row += 1;
        }
    }
    (looked_at, announced)
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

/// Asks for `path` to be read into memory unless its start is there already; `true` when it
/// asked.
#[cfg(target_os = "linux")]
fn will_need(path: &Path) -> bool {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    // Non-blocking, so that a FIFO put in a file's place does not stall the helper.
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    else {
        return false;
    };
    if is_cached(&file) {
        return false;
    }
    // SAFETY: the descriptor belongs to `file`, which stays open for the call; the advice
    // only schedules reads into the page cache. A failure only means no hint was taken.
    unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED) };
    true
}

/// Whether the file's first byte can be read without waiting for the disk (`RWF_NOWAIT`).
/// Where the kernel or file system cannot tell, the answer is no, and the file is announced.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn is_cached(file: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    let mut byte = 0u8;
    let buffer = libc::iovec {
        iov_base: (&raw mut byte).cast(),
        iov_len: 1,
    };
    // SAFETY: one buffer of one byte, valid for the call, on a descriptor `file` owns.
    let read = unsafe { libc::preadv2(file.as_raw_fd(), &buffer, 1, 0, libc::RWF_NOWAIT) };
    read >= 0
}

#[cfg(all(target_os = "linux", not(target_env = "gnu")))]
fn is_cached(_file: &std::fs::File) -> bool {
    false
}

#[cfg(not(target_os = "linux"))]
fn will_need(_path: &Path) -> bool {
    false
}

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

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn files_already_in_memory_are_not_announced_and_a_long_run_of_them_stops_the_helper() {
        let dir = tempfile::tempdir().unwrap();
        let names: Vec<String> = (0..CACHED_RUN + 10).map(|i| format!("{i}.md")).collect();
        for name in &names {
            std::fs::write(dir.path().join(name), "---\ntitle: x\n---\n").unwrap();
        }
        let (looked_at, announced) = announce(dir.path(), &names, 2, &AtomicBool::new(false));
        let first = std::fs::File::open(dir.path().join(&names[0])).unwrap();
        if is_cached(&first) {
            // Just written, so in memory: nothing is announced, and the helper stops after
            // a run of them.
            assert_eq!((looked_at, announced), (CACHED_RUN, 0));
        } else {
            // A file system that cannot tell (`RWF_NOWAIT` unsupported): every file is
            // announced, as the hint costs little next to waiting for the disk.
            assert_eq!((looked_at, announced), (names.len(), names.len()));
        }
    }
}
