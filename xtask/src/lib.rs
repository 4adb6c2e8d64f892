//! Maintenance tasks for the wxcc workspace, run as `cargo xtask <command>`.
//!
//! The main one is `codegen`: it loads the project's OpenAPI specs, fixes known classes of spec
//! defects (see [`normalize`]), runs progenitor and writes the generated client crates. The same
//! pipeline builds a standalone client crate from any OpenAPI 3.0 file. `spec-diff` reports what
//! changed between two versions of a spec (see [`diff`]).

pub mod access;
pub mod codegen;
pub mod diff;
pub mod error;
pub mod generate;
pub mod load;
pub mod normalize;
pub mod open_enums;
pub mod paths;
pub mod sync;
pub mod validate;

/// Command-line help.
pub const USAGE: &str = "\
usage:
  cargo xtask codegen [--check] [--verbose]
      Regenerate generated/*/src from specs/ (or, with --check, fail if they are stale).
  cargo xtask codegen --spec FILE --out DIR [--name CRATE] [--wxcc-auth PATH|VERSION]
                      [--names auto|derived|spec] [--access FILE] [--verbose]
      Build a standalone client crate in DIR from any OpenAPI 3.0 file (JSON or YAML).
      --names: method names from the spec's operationIds (`spec`), from method and path
      (`derived`: the same in every version of the spec), or `derived` only when the spec
      numbers its ids to break ties (`auto`, the default).
      --access: lines `read|write METHOD /path` that classify operations for read-only
      tokens, over the spec's x-wxcc-access and the built-in table of Cisco's read-only POSTs.
  cargo xtask spec-sync UPSTREAM [--specs DIR]
      Update specs/wxcc (or DIR) from a new version of Cisco's spec: add the operations it
      lacks, take over changed facts, keep our descriptions, marks and files; print the diff.
  cargo xtask spec-diff OLD NEW [--format markdown|json]
      List operations added, removed and changed between two versions of a spec (files or
      folders), each change marked breaking or not for users of the generated crate.";
