//! Tokens and request signing for the Webex Contact Center (WxCC) and Webex Engage clients.
//!
//! This crate replaces the token server people run beside their bots. Every generated client in
//! this family (`wxcc-api`, `engage-api`) signs its requests through a [`Signer`], which asks a
//! [`TokenSource`] for a bearer token, refuses operations the source's [`AccessLevel`] does not
//! allow before anything is sent, adds a `TrackingId` header, and on a `401` invalidates the
//! rejected token and resends the request once with a fresh one.
//!
//! Token sources:
//!
//! - [`Connector`]: a Webex OAuth integration a person authorizes once (authorization code,
//!   optional PKCE), refreshed from then on. Read-only connectors ask for read scopes only.
//! - [`ServiceApp`]: a Webex service app (machine account) for a target organization.
//! - [`NodeAuthorizations`]: named, reusable credentials as in Webex Connect (client
//!   credentials for Engage, username and password, access keys, or a connector), with
//!   credential fingerprints and a verified `reauthorize`.
//! - [`StaticToken`]: a token obtained elsewhere.
//! - Your own: implement [`TokenFetcher`] and put a [`TokenCache`] in front of it.
//!
//! Every lifecycle sits behind a [`TokenCache`]: one fetch in flight however many callers wait,
//! refresh ahead of expiry with jitter, backoff after failures while a still-valid token keeps
//! being served, and an injectable [`Clock`]. Token responses are persisted in a [`TokenStore`]
//! ([`MemoryStore`], or [`FileStore`]: atomic replace, mode 0600, safe to share between
//! processes). When a grant is revoked or credentials are rejected, the source enters
//! [`Status::ReauthorizationRequired`] and fails at once, without calling the token endpoint,
//! until it is authorized again; clients sharing it then recover without being rebuilt.
//!
//! Secrets are [`SecretString`]s throughout; no `Debug`, `Display` or log output shows them.
//!
//! **Foreign types in this API.** These crates' types appear in public signatures, so a new
//! major version of any of them is a breaking release of this crate: `reqwest` (`Request`,
//! `Response`, `Client`, `Method`, `Url`, `StatusCode`, `HeaderMap`: the signer and transport
//! work on reqwest's requests, as the generated clients do), `secrecy` (`SecretString`,
//! re-exported), `chrono` (`DateTime<Utc>` in [`Clock`] and token expiries), `bytes` (`Bytes`
//! in [`Reply`]) and `progenitor-client` ([`runtime::generated_call`] takes the generated
//! clients' futures). Nothing else leaks.
//!
//! ```
//! use std::sync::Arc;
//! use wxcc_auth::{AccessLevel, Connector, FileStore, TokenSource};
//!
//! # fn main() -> Result<(), wxcc_auth::Error> {
//! let connector = Connector::builder("reporting", "client-id", "client-secret", "https://bot.example.com/callback")
//!     .access_level(AccessLevel::ReadOnly)
//!     .store(Arc::new(FileStore::new("wxcc-tokens.json")))
//!     .build()?;
//! assert_eq!(connector.access_level(), AccessLevel::ReadOnly);
//! // Neither Debug nor Display ever shows the client secret.
//! assert!(!format!("{connector:?}").contains("client-secret"));
//! # Ok(()) }
//! ```

mod access;
mod backoff;
mod cache;
mod clock;
mod connector;
mod error;
mod file_store;
mod lifecycle;
mod node;
mod oauth;
#[cfg(feature = "redis")]
mod redis;
pub mod runtime;
mod service_app;
mod source;
mod store;
mod token;

pub use access::{Access, AccessLevel, Operation, OperationTable};
pub use cache::{CacheSettings, FetchCause, FetchRequest, TokenCache, TokenFetcher};
pub use clock::{Clock, SystemClock, TokioClock};
pub use connector::{
    AuthorizationRequest, Connector, ConnectorBuilder, WXCC_READ_SCOPES, WXCC_READ_WRITE_SCOPES,
};
pub use error::Error;
pub use file_store::FileStore;
pub use lifecycle::Status;
pub use node::{Credentials, NodeAuthorization, NodeAuthorizations, NodeAuthorizationsBuilder};
pub use oauth::WEBEX_OAUTH_BASE;
#[cfg(feature = "redis")]
pub use redis::{RedisRateLimiter, RedisRateLimiterBuilder, RedisStore, RedisStoreBuilder};
pub use runtime::{
    Call, CallError, ErrorKind, ErrorResponse, PathError, RateLimit, RateLimiter, Reply,
    RetryPolicy, Signer, TRACKING_ID_HEADER, Timeouts, Transport, TransportError, body,
    retry_after,
};
pub use service_app::{ServiceApp, ServiceAppBuilder};
pub use source::{StaticToken, TokenFuture, TokenSource};
pub use store::{MemoryStore, StoreFuture, StoreLock, StoredTokens, TokenStore};
pub use token::AccessToken;

/// Re-exported so callers can build and read secrets without naming `secrecy` themselves.
pub use secrecy::{ExposeSecret, SecretString};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
