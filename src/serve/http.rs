//! HTTP for the preview server: mapping URLs to files safely, MIME types, ETags, HEAD, 404.
//!
//! It never serves a byte from outside the output directory: URL paths are decoded once,
//! checked segment by segment, and the final file is canonicalised to catch symlinks that
//! point out.

use std::fs;
use std::path::{Path, PathBuf};

/// Longest URL accepted, in bytes.
pub const MAX_URL: usize = 2048;

/// What a request path maps to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// A directory requested without its trailing slash.
    Redirect(String),
    NotFound,
    BadRequest,
}

/// Maps a request URL to a file under `root` (which must be canonical). The site lives under
/// `base` (`/` or a sub-path such as `/library/`); URLs outside it are not found.
pub fn resolve(root: &Path, base: &str, url: &str) -> Resolved {
    if url.len() > MAX_URL || !url.starts_with('/') {
        return Resolved::BadRequest;
    }
    let full = url.split(['?', '#']).next().unwrap_or("");
    if format!("{full}/") == base {
        return Resolved::Redirect(base.to_string());
    }
    let Some(path) = full.strip_prefix(base.trim_end_matches('/')) else {
        return Resolved::NotFound;
    };
    if !path.is_empty() && !path.starts_with('/') {
        return Resolved::NotFound;
    }
    let Some(decoded) = percent_decode(path) else {
        return Resolved::BadRequest;
    };
    if decoded.contains(['\0', '\\']) {
        return Resolved::BadRequest;
    }
    let mut target = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains(':') {
            return Resolved::BadRequest;
        }
        target.push(segment);
    }
    if target.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Redirect(format!("{full}/"));
        }
        target.push("index.html");
    }
    match fs::canonicalize(&target) {
        Ok(real) if real.starts_with(root) && real.is_file() => Resolved::File(real),
        _ => Resolved::NotFound,
    }
}

fn percent_decode(input: &str) -> Option<String> {
    match crate::percent::decode(input) {
        (bytes, true) => String::from_utf8(bytes).ok(),
        (_, false) => None,
    }
}

/// The MIME type for a file name, with UTF-8 for text.
pub fn mime_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        Some("gz") => "application/gzip",
        _ => "application/octet-stream",
    }
}

/// The ETag of a body: a hash of its bytes (the std hasher takes them a word at a time).
pub fn etag(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

/// Whether an `If-None-Match` header value matches an ETag.
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .any(|v| v.trim() == etag || v.trim() == "*")
}

/// Puts the live-reload script into an HTML page, just before `</body>`.
pub fn inject_script(html: &[u8], script_tag: &str) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script_tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script_tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_attempts_never_leave_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join("site/a")).unwrap();
        fs::write(root.join("site/a/index.html"), "a").unwrap();
        fs::write(root.join("secret.txt"), "s").unwrap();
        let site = root.join("site");
        for url in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/a/%2E%2E/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/a\\..\\..\\secret.txt",
            "/%00",
            "relative",
            "/C:/x",
        ] {
            let r = resolve(&site, "/", url);
            assert!(
                matches!(r, Resolved::BadRequest | Resolved::NotFound),
                "{url}: {r:?}"
            );
        }
        assert_eq!(
            resolve(&site, "/", &format!("/{}", "a".repeat(MAX_URL))),
            Resolved::BadRequest
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("secret.txt"), site.join("link.txt")).unwrap();
            assert_eq!(resolve(&site, "/", "/link.txt"), Resolved::NotFound);
        }
        assert_eq!(resolve(&site, "/", "/a"), Resolved::Redirect("/a/".into()));
        assert_eq!(
            resolve(&site, "/", "/a/?q=1"),
            Resolved::File(site.join("a/index.html"))
        );
    }
}
