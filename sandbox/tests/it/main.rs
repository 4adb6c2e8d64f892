//! The integration tests of wxcc-sandbox: OAuth, WxCC, Search, Engage, rules, conformance with Cisco's samples, routes against the spec, layers, the curl session.
//!
//! One binary for all of them: one link instead of one per file, and one file in `target/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
mod conformance;
mod curl_session;
mod engage;
mod layers;
mod notifications;
mod oauth;
mod request_log;
mod routes;
mod rules;
mod search;
mod wxcc;
