//! The error type of this crate.

use std::path::PathBuf;
use std::time::Duration;

use crate::{Access, AccessLevel};

/// Everything that can go wrong while obtaining a token, storing it, or signing a request.
///
/// Errors are `Clone` so that one failed refresh can be handed to every caller that waited for
/// it. None of them ever contains a secret.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operation changes state, and the token source only grants read access. Nothing was
    /// sent.
    #[error(
        "operation `{operation}` is a {access} operation but token source `{source_name}` is \
         {level}; configure a read-write source to call it"
    )]
    AccessDenied {
        /// The refused operation id.
        operation: String,
        /// Its classification.
        access: Access,
        /// The source's access level.
        level: AccessLevel,
        /// The source's name.
        source_name: String,
    },
    /// The token source holds an empty value, or one that cannot travel in an HTTP header (a
    /// control character or a non-visible byte, often a stray newline from a file). The value
    /// itself is never shown.
    #[error(
        "token source `{source_name}` returned an empty token or one that is not a valid HTTP \
         header value; check it for stray whitespace or newlines"
    )]
    InvalidTokenValue {
        /// The source's name.
        source_name: String,
    },
    /// The source cannot get tokens until someone authorizes it again: the refresh token was
    /// revoked or expired, the credentials were rejected, or it was never authorized. Requests
    /// fail at once, without calling the token endpoint, until the authorize step (or
    /// `reauthorize`) succeeds.
    #[error("token source `{source_name}` needs to be authorized again: {reason}")]
    ReauthorizationRequired {
        /// The source's name.
        source_name: String,
        /// Why, in words (never a secret).
        reason: String,
    },
    /// The token endpoint answered with an error status.
    #[error(
        "the token endpoint refused `{source_name}` with HTTP {status}{}{}",
        code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default(),
        description.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
    )]
    TokenEndpoint {
        /// The source's name.
        source_name: String,
        /// HTTP status.
        status: u16,
        /// The OAuth `error` code, when the body had one (`invalid_grant`, ...).
        code: Option<String>,
        /// The OAuth `error_description` or Webex `message`, when the body had one. Some
        /// endpoints echo the request here, so every secret the request carried (as sent or
        /// URL- or JSON-encoded) is replaced by `[redacted]`, control characters by spaces, and
        /// the text is cut at 512 characters. The code gets the same treatment.
        description: Option<String>,
    },
    /// The token endpoint answered 2xx with a body that is not a token response.
    #[error("the token endpoint sent `{source_name}` an unusable response: {message}")]
    InvalidTokenResponse {
        /// The source's name.
        source_name: String,
        /// What was wrong (never the body itself, which may hold a secret).
        message: String,
    },
    /// The token endpoint could not be reached.
    #[error("could not reach the token endpoint for `{source_name}`: {message}")]
    Transport {
        /// The source's name.
        source_name: String,
        /// The transport error.
        message: String,
    },
    /// Getting a token took longer than allowed.
    #[error("getting a token for `{source_name}` took longer than {after:?}")]
    Timeout {
        /// The source's name.
        source_name: String,
        /// The limit.
        after: Duration,
    },
    /// The token fetcher panicked (a bug in it, or in code it calls). The callers waiting for
    /// that fetch get this error; the cache stays usable and a later call fetches again, after
    /// the usual backoff.
    #[error("the token fetcher of `{source_name}` panicked; the next request tries again")]
    FetcherPanicked {
        /// The source's name.
        source_name: String,
    },
    /// A token store could not be read or written.
    #[error("token store {}: {message}", path.as_ref().map_or_else(|| "(memory)".into(), |p| p.display().to_string()))]
    Store {
        /// The file, for file stores.
        path: Option<PathBuf>,
        /// What failed.
        message: String,
    },
    /// A token store file exists but is not a token store this crate wrote (corrupt, foreign,
    /// or from a newer version). It is never overwritten; move it away or point the store at
    /// another path.
    #[error("{} is not a usable token store: {reason}; it was left untouched", path.display())]
    StoreCorrupt {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A shared token store (such as Redis) cannot be reached or answered too slowly. Callers
    /// holding a still-valid token keep being served it; the next fetch tries again after the
    /// cache's backoff. Nothing stored was lost.
    #[error(
        "token store {store} is unavailable: {message}; check that it is running and reachable"
    )]
    StoreUnavailable {
        /// The store, without credentials (`redis://host:port/db`).
        store: String,
        /// What failed.
        message: String,
    },
    /// This process's lease on a shared store entry passed to another replica while it held
    /// it (it stalled longer than the lease, or lost the store for that long), or the entry
    /// changed since this holder read it. Nothing was written: what the other replica stored
    /// stands, and the next call reads it.
    #[error(
        "the lease on token store entry `{key}` was lost: {reason}; the next call reads what the new holder stored"
    )]
    LeaseLost {
        /// The store entry.
        key: String,
        /// What was found instead.
        reason: String,
    },
    /// The client-side rate limit has no free slot before this call's deadline. Nothing was
    /// sent.
    #[error(
        "the client-side rate limit has no free slot for `{source_name}` within this call's \
         deadline (the next one is in {wait:?}); lower the call rate, give the call a longer \
         deadline, or raise the limit if your tenant allows more"
    )]
    RateLimited {
        /// The token source's name.
        source_name: String,
        /// How long until a slot frees up.
        wait: std::time::Duration,
    },
    /// An authorization, connector or store entry with this name already exists.
    #[error("the name `{name}` is already taken; names must be unique")]
    NameTaken {
        /// The name.
        name: String,
    },
    /// No authorization has this name.
    #[error("there is no node authorization named `{name}`")]
    UnknownAuthorization {
        /// The name.
        name: String,
    },
    /// The authorization is still used by clients and was not removed.
    #[error(
        "node authorization `{name}` is used by {users} client(s); drop them first or remove it \
         with `force`"
    )]
    InUse {
        /// The name.
        name: String,
        /// How many clients hold it.
        users: usize,
    },
    /// The `state` returned to the redirect URI is not the one this authorize step sent
    /// (a forged or stale callback). Nothing was exchanged.
    #[error(
        "the authorization callback's state does not match the request; start the authorize step again"
    )]
    StateMismatch,
    /// A configuration value is unusable.
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl Error {
    /// Whether trying again later can help (the network, a timeout, a busy or failing token
    /// endpoint). Rejected credentials, revoked grants and configuration errors are not
    /// transient.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::InvalidTokenResponse { .. }
            | Error::FetcherPanicked { .. } => true,
            Error::TokenEndpoint { status, .. } => {
                *status == 408 || *status == 429 || *status >= 500
            }
            Error::Store { .. }
            | Error::StoreUnavailable { .. }
            | Error::LeaseLost { .. }
            | Error::RateLimited { .. } => true,
            _ => false,
        }
    }
}
