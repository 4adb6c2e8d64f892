//! The integration tests of wxcc-api: signing and the operation table, open enums.
//!
//! One binary for all of them: one link instead of one per file, and one file in `target/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod open_enums;
mod signing;
