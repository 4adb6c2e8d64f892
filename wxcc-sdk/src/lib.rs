//! The ergonomic Rust SDK for Webex Contact Center (WxCC).
//!
//! **Not usable yet.** This crate reserves its place in the workspace; nothing in it works today.
//! It will hold:
//!
//! - `Client::builder()` with a region (us1, eu1, eu2, anz1, ca1, jp1, sg1) or a base URL, a
//!   token source from `wxcc-auth`, timeouts and a retry policy that respects `Retry-After`;
//! - a typed Search API (`taskDetails`, `agentSession`, `taskLegDetails`) with a filter DSL,
//!   aggregations, and pagination as a `Stream`, user values always sent as GraphQL variables;
//! - `last_agent_for_caller(ani, lookback)`, typed helpers for tasks, EWT, statistics, captures,
//!   callbacks and webhooks, and webhook signature verification.
//!
//! Until then, use the generated client in the `wxcc-api` crate directly.
