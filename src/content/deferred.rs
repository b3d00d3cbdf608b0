//! Practice bodies left in their files by a streaming load ([`super::Bodies::Streamed`]).
//!
//! A build needs each body exactly once, for the practice's page and its search-index entry,
//! and `check` only once, to validate it. Rendering every body at load would hold the whole
//! library's HTML in memory (two gigabytes at 100 000 practices); instead the build renders
//! each body while it writes that page, `check` validates each in turn, and either drops it.
//! Everything a body's rendering depends on besides its own text, which files and pages
//! exist, was settled by the load and is kept here.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::{
    body_diagnostics, completeness, dir_of, markdown, read_text, render_body, text_hash, Body,
    Practice, PracticeBody,
};
use crate::config::Completeness;
use crate::diagnostics::{Diagnostic, SourceText};

/// What rendering a deferred practice body needs to know about the rest of the site.
#[derive(Debug)]
pub struct DeferredBodies {
    pub(super) content_dir: PathBuf,
    /// Content-relative `.md` path → site-relative URL, for links between files.
    pub(super) pages: HashMap<String, String>,
    /// Content-relative paths of the files that are not Markdown, for images and downloads.
    pub(super) files: HashSet<String>,
    pub(super) base_path: String,
    pub(super) unsafe_html: bool,
    /// Whether bodies are rendered to HTML (`build`) or only validated (`check`).
    pub(super) html: bool,
    pub(super) completeness: Completeness,
}

/// Every practice body's problems, as [`DeferredBodies::validate`] finds them.
#[derive(Debug, Default)]
pub struct Validated {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// A practice body rendered by [`DeferredBodies::render`], with what the load would have
/// reported about it.
#[derive(Debug, Default)]
pub struct StreamedBody {
    pub body: Arc<Body>,
    /// Content-relative paths of files the body refers to; they are copied to the output.
    pub assets: Vec<String>,
    /// Completeness warnings and images without alt text.
    pub warnings: Vec<Diagnostic>,
    /// Broken links and the like: the build fails, after reporting every practice's.
    pub errors: Vec<Diagnostic>,
}

impl DeferredBodies {
    /// Renders every practice's body in turn, in parallel, keeping only what it reports
    /// (`check`): one body at a time per thread is ever in memory.
    pub fn validate(&self, practices: &[Arc<Practice>]) -> Validated {
        use rayon::prelude::*;
        practices
            .par_iter()
            .fold(Validated::default, |mut found, practice| {
                let body = self.render(practice);
                found.errors.extend(body.errors);
                found.warnings.extend(body.warnings);
                found
            })
            .reduce(Validated::default, |mut a, b| {
                a.errors.extend(b.errors);
                a.warnings.extend(b.warnings);
                a
            })
    }

    /// Reads `practice`'s file again and renders its body. A practice whose body was rendered
    /// at load gets it back; a file that changed since the load is an error, since its
    /// front matter was validated as it was then.
    pub fn render(&self, practice: &Practice) -> StreamedBody {
        let (offset, expected) = match &practice.body {
            PracticeBody::Rendered(body) => {
                return StreamedBody {
                    body: Arc::clone(body),
                    ..StreamedBody::default()
                }
            }
            PracticeBody::InFile {
                offset,
                source_hash,
            } => (*offset, *source_hash),
        };
        let source_path = &practice.source_path;
        let content_path = source_path
            .strip_prefix("content")
            .unwrap_or(source_path)
            .to_string_lossy()
            .replace('\\', "/");
        let text = match read_text(&self.content_dir.join(&content_path), source_path) {
            Ok(text) if text_hash(&text) == expected => text,
            Ok(_) => {
                return StreamedBody {
                    errors: vec![Diagnostic::file_error(
                        "changed-during-build",
                        source_path,
                        "the file changed after its front matter was read",
                    )
                    .with_hint("run the command again once the file is saved")],
                    ..StreamedBody::default()
                }
            }
            Err(diagnostic) => {
                return StreamedBody {
                    errors: vec![diagnostic],
                    ..StreamedBody::default()
                }
            }
        };
        let file_exists = |path: &str| self.files.contains(path);
        let cx = markdown::Context {
            dir: dir_of(&content_path),
            pages: &self.pages,
            file_exists: &file_exists,
            base_path: &self.base_path,
            unsafe_html: self.unsafe_html,
            html: self.html,
        };
        let (body, assets, problems) = render_body(&text[offset..], &cx);
        let mut warnings = completeness::check(
            source_path,
            &text,
            &practice.meta,
            &body,
            &self.completeness,
        );
        let mut errors = Vec::new();
        if !problems.is_empty() {
            let source = SourceText::new(source_path, &text);
            body_diagnostics(&source, offset, &problems, &mut errors, &mut warnings);
        }
        StreamedBody {
            body: Arc::new(body),
            assets,
            warnings,
            errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{load, Bodies, Content, LoadOptions};
    use crate::config::Config;
    use crate::regions::Regions;
    use std::path::Path;

    const PRACTICE: &str = "---\ntitle: Практика\nregion: Тамбовская область\nsector: Спорт\nyear: 2024\n---\n## Проблема\n\nСм. [другую](other.md) и ![схема](missing.png).\n";
    const OTHER: &str =
        "---\ntitle: Другая\nregion: Тамбовская область\nsector: Спорт\nyear: 2023\n---\nТекст.\n";

    fn load_site(
        root: &Path,
        bodies: Bodies,
    ) -> Result<Content, Vec<crate::diagnostics::Diagnostic>> {
        let config = Config::parse(Path::new("site.yaml"), "title: x\n").unwrap();
        let regions = Regions::embedded();
        let options = LoadOptions {
            config: &config,
            regions: &regions,
            drafts: false,
            last_year: 2030,
            bodies,
        };
        load(root, &options)
    }

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let practices = dir.path().join("content/practices");
        std::fs::create_dir_all(&practices).unwrap();
        std::fs::write(practices.join("one.md"), PRACTICE).unwrap();
        std::fs::write(practices.join("other.md"), OTHER).unwrap();
        dir
    }

    fn one(content: &Content) -> std::sync::Arc<super::Practice> {
        let found = content.practices.iter().find(|p| p.slug == "one");
        std::sync::Arc::clone(found.unwrap())
    }

    #[test]
    fn a_deferred_body_renders_as_a_body_rendered_at_load() {
        let dir = site();
        std::fs::write(dir.path().join("content/practices/missing.png"), b"png").unwrap();
        let streamed = load_site(dir.path(), Bodies::Streamed { html: true }).unwrap();
        let at_load = load_site(dir.path(), Bodies::Html).unwrap();
        assert!(one(&streamed).body.rendered().is_none());
        let rendered = streamed.deferred.as_ref().unwrap().render(&one(&streamed));
        assert!(rendered.errors.is_empty(), "{:?}", rendered.errors);
        let expected = one(&at_load);
        let expected = expected.body.rendered().unwrap();
        assert_eq!(rendered.body.html, expected.html);
        assert_eq!(rendered.body.toc, expected.toc);
        assert_eq!(rendered.body.hash, expected.hash);
        assert!(rendered.body.html.contains("href=\"/practices/other/\""));
        assert_eq!(rendered.assets, vec!["practices/missing.png".to_string()]);
        let warnings: Vec<_> = rendered.warnings.iter().map(|d| d.code).collect();
        assert_eq!(
            warnings,
            vec!["missing-section", "no-results", "no-contacts"]
        );
    }

    #[test]
    fn body_errors_of_a_deferred_practice_come_with_its_rendering() {
        let dir = site();
        assert!(load_site(dir.path(), Bodies::Html).is_err());
        let streamed = load_site(dir.path(), Bodies::Streamed { html: true }).unwrap();
        let rendered = streamed.deferred.as_ref().unwrap().render(&one(&streamed));
        let codes: Vec<_> = rendered
            .errors
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect();
        assert_eq!(codes, vec![("missing-image", 9, 26)]);
        assert!(rendered.errors[0]
            .source_line
            .as_deref()
            .unwrap()
            .contains("missing.png"));
    }

    #[test]
    fn a_file_changed_since_the_load_is_reported_not_rendered() {
        let dir = site();
        let content = load_site(dir.path(), Bodies::Streamed { html: true }).unwrap();
        let practice = content
            .practices
            .iter()
            .find(|p| p.slug == "other")
            .unwrap();
        std::fs::write(
            dir.path().join("content/practices/other.md"),
            OTHER.replace("year: 2023", "year: 20230"),
        )
        .unwrap();
        let rendered = content.deferred.as_ref().unwrap().render(practice);
        let codes: Vec<_> = rendered.errors.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec!["changed-during-build"]);
        assert!(rendered.body.html.is_empty());
        std::fs::remove_file(dir.path().join("content/practices/other.md")).unwrap();
        let rendered = content.deferred.as_ref().unwrap().render(practice);
        let codes: Vec<_> = rendered.errors.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec!["unreadable"]);
    }
}
