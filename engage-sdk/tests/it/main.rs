//! The integration tests of engage-sdk: every operation's outcomes, errors, rotation, transcripts, the sandbox end to end.
//!
//! One binary for all of them: one link instead of one per file, and one file in `target/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
mod errors;
mod hardening;
mod no_panic;
mod operations;
mod rotation;
mod sandbox;
mod transcript;
