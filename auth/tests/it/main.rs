//! The integration tests of wxcc-auth: token lifecycles, stores, the runtime's stages, secrets.
//!
//! One binary for all of them: one link instead of one per file, and one file in `target/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod cache;
mod connector;
mod node;
mod properties;
#[cfg(feature = "redis")]
mod redis_store;
mod retry;
mod secrets;
mod service_app;
mod signer;
mod store;
mod transport;
