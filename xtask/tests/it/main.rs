//! The integration tests of xtask: code generation, the spec defects it fixes, the one-contract
//! check of the facades, spec-sync, spec-diff and its rules, and the upstream and Webex spec
//! checks `.ci/run` runs with `--ignored`.
//!
//! One binary for all of them: one link instead of one per file, and one file in `target/`.
//! Run one group with a filter, e.g. `cargo test -p xtask --test it upstream:: -- --ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod codegen;
mod defects;
mod one_contract;
mod spec_diff;
mod spec_diff_rules;
mod specs;
mod support;
mod sync;
mod upstream;
mod webex_specs;
