//! The integration tests of wxcc-sdk: Search, errors, transport, the sandbox end to end, Cisco's samples.
//!
//! One binary for all of them: one link instead of one per file, and one file in `target/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod api_errors;
mod common;
mod hardening;
mod helpers;
mod no_panic;
mod notifications;
mod replicas;
mod samples;
mod sandbox;
mod sandbox_helpers;
mod search;
mod transport;
mod webhook_deliveries;
