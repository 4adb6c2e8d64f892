//! Tokens and request signing for the Webex Contact Center (WxCC) and Webex Engage clients.
//!
//! Every generated client in this family (`wxcc-api`, `engage-api`) signs its requests through a
//! [`Signer`]. A signer asks a [`TokenSource`] for a bearer token, refuses operations the source's
//! [`AccessLevel`] does not allow before anything is sent, adds a `TrackingId` header, and on a
//! `401` invalidates the rejected token and resends the request once with a fresh one.
//!
//! This release ships one token source, [`StaticToken`], for a token you obtained elsewhere (a
//! personal access token from the developer portal, or one your own token server hands out). The
//! OAuth lifecycles (integration connector, service app, named node authorizations), the token
//! cache and the token stores are being built on top of the same [`TokenSource`] trait and are
//! not part of this release yet.
//!
//! ```
//! use wxcc_auth::{AccessLevel, StaticToken, TokenSource};
//!
//! let source = StaticToken::new("portal-token", "MTIz...").read_only();
//! assert_eq!(source.access_level(), AccessLevel::ReadOnly);
//! // Neither Debug nor Display ever shows the token itself.
//! assert!(!format!("{source:?}").contains("MTIz"));
//! ```

mod access;
mod cache;
mod clock;
mod connector;
mod error;
mod file_store;
mod node;
mod oauth;
mod service_app;
mod signer;
mod source;
mod store;
mod token;

pub use access::{Access, AccessLevel, Operation, OperationTable};
pub use cache::{CacheSettings, FetchCause, FetchRequest, TokenCache, TokenFetcher};
pub use clock::{Clock, SystemClock, TokioClock};
pub use connector::{
    AuthorizationRequest, Connector, ConnectorBuilder, WXCC_READ_SCOPES, WXCC_READ_WRITE_SCOPES,
};
pub use error::{Error, NodeOutcome};
pub use file_store::FileStore;
pub use node::{Credentials, NodeAuthorization, NodeAuthorizations, NodeAuthorizationsBuilder};
pub use oauth::{Status, WEBEX_OAUTH_BASE};
pub use service_app::{ServiceApp, ServiceAppBuilder};
pub use signer::{Signer, TRACKING_ID_HEADER};
pub use source::{StaticToken, TokenFuture, TokenSource};
pub use store::{MemoryStore, StoreFuture, StoreLock, StoredTokens, TokenStore};
pub use token::AccessToken;

/// Re-exported so callers can build and read secrets without naming `secrecy` themselves.
pub use secrecy::{ExposeSecret, SecretString};
