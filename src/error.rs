//! The library's error type: what can stop a build, with enough context to act on it.

use std::path::PathBuf;

use crate::diagnostics::Diagnostic;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Mistakes in the site's content or configuration, all of them.
    #[error("{} error(s) in the content", .0.iter().filter(|d| d.is_error()).count())]
    Content(Vec<Diagnostic>),
    #[error("template error: {0}")]
    Template(String),
    #[error("theme: {0}")]
    Theme(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The output directory is one Praktika must not write to or replace.
    #[error("refusing to write to {path}: {reason}")]
    UnsafeOutput { path: PathBuf, reason: String },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Exit code for the CLI: 1 for problems in the site's sources, 2 for usage and I/O.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Content(_) | Error::Template(_) | Error::Theme(_) => 1,
            Error::Io { .. } | Error::UnsafeOutput { .. } => 2,
        }
    }
}
