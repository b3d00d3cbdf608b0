//! The file watcher on real files: the ways editors save (in place, a temporary file renamed
//! over the original, JetBrains' safe write) each come out as one change to the practice,
//! never to the temporary file, however the events are split into bursts.

use std::fs;
use std::sync::mpsc;
use std::time::Duration;

use praktika::serve::watch::SourceWatcher;
use praktika::session::Change;

/// The watcher's changes, from another thread, so that a missing change fails the test
/// (after `recv_timeout`) instead of hanging it.
fn changes(watcher: SourceWatcher) -> mpsc::Receiver<Option<Change>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || loop {
        let change = watcher.next_change();
        let stopped = change.is_none();
        if tx.send(change).is_err() || stopped {
            break;
        }
    });
    rx
}

fn next_change(changes: &mpsc::Receiver<Option<Change>>) -> Option<Change> {
    changes
        .recv_timeout(Duration::from_secs(20))
        .expect("a change within 20 s")
}

fn content(paths: &[&str]) -> Option<Change> {
    Some(Change::Content(
        paths.iter().map(|p| p.to_string()).collect(),
    ))
}

#[test]
fn every_way_of_saving_is_one_change_to_the_practice() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    let practices = site.join("content/practices");
    fs::create_dir_all(&practices).unwrap();
    fs::write(site.join("site.yaml"), "title: x\n").unwrap();
    for name in ["a.md", "b.md", "c.md"] {
        fs::write(practices.join(name), "старый текст\n").unwrap();
    }
    let watcher = changes(SourceWatcher::start(site, &site.join("public")).unwrap());
    let write = |name: &str, text: &str| fs::write(practices.join(name), text).unwrap();
    let rename =
        |from: &str, to: &str| fs::rename(practices.join(from), practices.join(to)).unwrap();

    // In place: truncated, written, closed.
    write("a.md", "новый текст\n");
    assert_eq!(next_change(&watcher), content(&["practices/a.md"]));

    // A temporary file written and closed, then renamed over the original (gedit, Emacs).
    write(".b.md.tmp", "новый текст\n");
    rename(".b.md.tmp", "b.md");
    assert_eq!(next_change(&watcher), content(&["practices/b.md"]));

    // JetBrains' safe write: the original moved aside, the new text moved in, the old removed.
    write("c.md___jb_tmp___", "новый текст\n");
    rename("c.md", "c.md___jb_old___");
    rename("c.md___jb_tmp___", "c.md");
    fs::remove_file(practices.join("c.md___jb_old___")).unwrap();
    assert_eq!(next_change(&watcher), content(&["practices/c.md"]));

    // A new practice and a change to the configuration in one save: everything.
    write("d.md", "текст\n");
    fs::write(site.join("site.yaml"), "title: y\n").unwrap();
    let change = next_change(&watcher);
    if change != Some(Change::Everything) {
        // The two writes may settle as two bursts: then the second is the configuration.
        assert_eq!(change, content(&["practices/d.md"]));
        assert_eq!(next_change(&watcher), Some(Change::Everything));
    }
}
