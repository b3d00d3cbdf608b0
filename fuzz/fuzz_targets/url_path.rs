//! The dev server's URL-to-path resolution: whatever the URL, the answer is a file inside the
//! output root, a redirect, 404 or 400.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use praktika::serve::http::{resolve, Resolved};

fn root() -> &'static PathBuf {
    static ROOT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &ROOT
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let site = dir.path().join("site");
            std::fs::create_dir_all(site.join("a/b")).unwrap();
            std::fs::write(site.join("a/index.html"), "a").unwrap();
            std::fs::write(site.join("a/b/c.txt"), "c").unwrap();
            std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
            let site = std::fs::canonicalize(site).unwrap();
            (dir, site)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let Ok(url) = std::str::from_utf8(data) else { return };
    for base in ["/", "/lib/"] {
        if let Resolved::File(path) = resolve(root(), base, url) {
            assert!(path.starts_with(root()), "{url:?} escaped to {path:?}");
        }
    }
});
