//! The ergonomic Rust SDK for Webex Contact Center (WxCC).
//!
//! - [`Client`]: a region or base URL, a token source from [`wxcc_auth`] (connector, service
//!   app, node authorization, static token), timeouts and a retry policy that waits out
//!   `Retry-After` and never replays a write blindly.
//! - [`search`]: typed Search queries (`taskDetails`, `agentSession`, `taskLegDetails`) with a
//!   filter DSL whose values always travel as GraphQL variables, window checks before sending,
//!   aggregations with intervals, and pagination as a stream.
//! - [`Client::last_agent_for_caller`] and [`Client::last_agent`]: the agent a caller last
//!   spoke to, as Cisco's last-agent-routing blueprint finds it.
//! - Typed helpers for tasks, estimated wait time, statistics, captures, scheduled callbacks,
//!   webhook subscriptions, and webhook delivery verification ([`webhooks`]).
//! - Real-time events: [`Client::notifications`] streams the agent notification websocket as
//!   typed [`events`] (keepalive, silence detection, reconnects with the gap reported, a bounded
//!   buffer); `Event::from` in [`events`] turns verified webhook deliveries into the same types, and
//!   [`events::Deduplicator`] handles each event once.
//! - [`Client::api`]: the generated client for every other operation, signed the same way.
//!
//! Errors are one [`Error`] type that parses every error body format the WxCC services use and
//! carries the tracking id to quote to Cisco support.
//!
//! ```no_run
//! use chrono::TimeDelta;
//! use wxcc_auth::StaticToken;
//! use wxcc_sdk::{Client, Region};
//!
//! # async fn demo() -> Result<(), wxcc_sdk::Error> {
//! let client = Client::builder()
//!     .region(Region::Us1)
//!     .token_source(StaticToken::new("bot", std::env::var("WXCC_TOKEN").unwrap_or_default()).read_only())
//!     .build()?;
//! if let Some(last) = client.last_agent_for_caller("+1 (408) 555-0123", TimeDelta::days(30)).await? {
//!     println!("route to {} ({})", last.agent_name.unwrap_or_default(), last.agent_id);
//! }
//! # Ok(()) }
//! ```

mod callbacks;
mod captures;
mod client;
mod error;
pub mod events;
mod last_agent;
pub mod notifications;
mod region;
mod request;
pub mod search;
mod statistics;
mod subscriptions;
mod tasks;
pub mod webhooks;

pub use captures::RecordingUrl;
pub use client::{Client, ClientBuilder, Timeouts};
pub use error::{ApiError, Error, ErrorShape, Result, TypedErrors};
pub use last_agent::{CallerId, LastAgent, LastAgentLookup, ani_candidates};
pub use region::{Region, UnknownRegion};
pub use request::PathRequest;
pub use statistics::StatisticsInterval;
pub use tasks::NewTask;
pub use wxcc_auth::ErrorKind;

pub use wxcc_api as api;
pub use wxcc_auth as auth;

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
