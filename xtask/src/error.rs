//! Errors of the xtask. Every message names the file and, where it can, the place in it.

use std::path::PathBuf;

/// Something the xtask could not do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is neither JSON nor YAML.
    #[error("{}{}: not valid {format}: {message}", path.display(), position(*line, *column))]
    Syntax {
        /// The file.
        path: PathBuf,
        /// `JSON` or `YAML`.
        format: &'static str,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// The document parsed but is not a usable OpenAPI 3.0 description.
    #[error("{}: {place}: {message}", path.display())]
    Spec {
        /// The file that holds the problem.
        path: PathBuf,
        /// Where in the document, as a JSON pointer or `METHOD /path`.
        place: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// Two spec fragments define the same thing.
    #[error("{what} is defined in both {} and {}", first.display(), second.display())]
    Conflict {
        /// What is defined twice.
        what: String,
        /// The file that defined it first.
        first: PathBuf,
        /// The file that defined it again.
        second: PathBuf,
    },
    /// Progenitor rejected the normalized spec.
    #[error(
        "{}{}: progenitor could not generate a client: {message}\n\
         This is a spec defect the normalizer does not know yet; please report it with the spec.",
        path.display(),
        place.as_deref().map(|p| format!(": {p}")).unwrap_or_default()
    )]
    Generate {
        /// The file that holds the problem.
        path: PathBuf,
        /// The operation or schema progenitor stopped on, as a JSON pointer, when it could be
        /// found (see [`crate::generate::generate`]).
        place: Option<String>,
        /// Progenitor's message (or panic message).
        message: String,
    },
    /// `--check` found generated files that differ from what the specs produce.
    #[error(
        "generated code is out of date relative to the specs:\n{summary}\n\
         Run `cargo xtask codegen` and commit the result."
    )]
    Stale {
        /// One block per stale file.
        summary: String,
    },
    /// The command line was not understood.
    #[error("{0}\n\n{usage}", usage = crate::USAGE)]
    Usage(String),
}

fn position(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

/// Result alias of the xtask.
pub type Result<T, E = Error> = std::result::Result<T, E>;
