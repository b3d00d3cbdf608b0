//! Themes: where templates and static files come from.
//!
//! Lookup order, later wins: the theme (from `themes/<name>/` on disk, or the default theme
//! embedded in the binary when the site has no copy), then the site's own `templates/` and
//! `static/`. So a content repository needs no theme files at all, and can override a single
//! template without forking the theme.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Error;

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../themes/default/", $path)) as &[u8])),*]
    };
}

/// The default theme's files, relative to `themes/default/`.
pub const EMBEDDED_DEFAULT: &[(&str, &[u8])] = embed![
    "templates/base.html",
    "templates/index.html",
    "templates/practices.html",
    "templates/practice.html",
    "templates/regions.html",
    "templates/taxonomy.html",
    "templates/term.html",
    "templates/page.html",
    "templates/404.html",
    "templates/search.html",
    "templates/partials/card.html",
    "templates/partials/pagination.html",
    "static/style.css",
    "static/search.js",
    "static/favicon.svg",
    "static/a11y.js",
];

/// A theme's files after overrides: template name → source, static path → bytes.
#[derive(Debug, Default, Clone)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    pub statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// Loads the theme named in `site.yaml` plus the site's overrides.
    pub fn load(root: &Path, name: &str) -> Result<Self, Error> {
        let mut theme = Theme::default();
        let theme_dir = root.join("themes").join(name);
        if theme_dir.is_dir() {
            theme.add_dir(&theme_dir.join("templates"), true)?;
            theme.add_dir(&theme_dir.join("static"), false)?;
        } else if name == "default" {
            for (path, bytes) in EMBEDDED_DEFAULT {
                theme.add(path, bytes.to_vec())?;
            }
        } else {
            return Err(Error::Theme(format!(
                "theme `{name}` not found: expected the folder {}",
                theme_dir.display()
            )));
        }
        theme.add_dir(&root.join("templates"), true)?;
        theme.add_dir(&root.join("static"), false)?;
        Ok(theme)
    }

    fn add(&mut self, path: &str, bytes: Vec<u8>) -> Result<(), Error> {
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::Theme(format!("template {name} is not UTF-8")))?;
            self.templates.insert(name.to_string(), text);
        } else if let Some(name) = path.strip_prefix("static/") {
            self.statics.insert(name.to_string(), bytes);
        }
        Ok(())
    }

    fn add_dir(&mut self, dir: &Path, templates: bool) -> Result<(), Error> {
        if !dir.is_dir() {
            return Ok(());
        }
        let prefix = if templates { "templates" } else { "static" };
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| Error::Io {
                path: e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf()),
                source: std::io::Error::other(e.to_string()),
            })?;
            if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.')
            {
                continue;
            }
            let relative: PathBuf = entry
                .path()
                .strip_prefix(dir)
                .unwrap_or(entry.path())
                .to_path_buf();
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(entry.path()).map_err(|source| Error::Io {
                path: entry.path().to_path_buf(),
                source,
            })?;
            self.add(&format!("{prefix}/{name}"), bytes)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_theme_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk = Theme::default();
        on_disk.add_dir(&dir.join("templates"), true).unwrap();
        on_disk.add_dir(&dir.join("static"), false).unwrap();
        let embedded = Theme::load(Path::new("/nonexistent-site"), "default").unwrap();
        assert_eq!(on_disk.templates, embedded.templates);
        assert_eq!(on_disk.statics, embedded.statics);
    }
}
