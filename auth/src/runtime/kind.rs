//! The one vocabulary every crate of the family reports failures in.

use std::fmt;

use super::{CallError, TransportError};
use crate::Error;

/// What kind of failure an error is, the same in `wxcc-auth`, `wxcc-sdk` and `engage-sdk`, for
/// `client.api()` calls as for the facades' own. Match on this to decide what to do next.
///
/// ```
/// use wxcc_auth::{Access, AccessLevel, Error, ErrorKind};
///
/// let refused = Error::AccessDenied {
///     operation: "create_task".into(),
///     access: Access::Write,
///     level: AccessLevel::ReadOnly,
///     source_name: "reporting".into(),
/// };
/// assert_eq!(refused.kind(), ErrorKind::ReadOnlyRefusal);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The token source must be authorized again (a revoked or expired grant, rejected
    /// credentials): run the authorize step, or `reauthorize` the node authorization.
    ReauthorizationRequired,
    /// A read-only token source refused a write operation; nothing was sent. Use a read-write
    /// source for it.
    ReadOnlyRefusal,
    /// Any other failure to get a token (the token endpoint refused or failed, the store could
    /// not be read, the token is not a header value).
    Token,
    /// The service kept answering `429` after the retries the policy allows.
    RateLimited,
    /// The overall timeout passed, or an attempt timed out.
    Timeout,
    /// The service answered with another error status (see the error's status and body).
    Api,
    /// The service could not be reached, or the connection broke.
    Network,
    /// The input cannot be sent (a path parameter, a body, a field); nothing was sent.
    InvalidInput,
    /// The client is configured in a way that cannot work.
    Config,
    /// A success response whose body is not what the API describes.
    Decode,
}

impl ErrorKind {
    /// The kind of an error status.
    pub fn of_status(status: u16) -> Self {
        if status == 429 {
            ErrorKind::RateLimited
        } else if status == 408 || status == 504 {
            ErrorKind::Timeout
        } else {
            ErrorKind::Api
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::ReauthorizationRequired => "re-authorization required",
            ErrorKind::ReadOnlyRefusal => "refused: read-only token source",
            ErrorKind::Token => "no token",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Api => "error status",
            ErrorKind::Network => "network error",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Config => "invalid configuration",
            ErrorKind::Decode => "unexpected response body",
        })
    }
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::AccessDenied { .. } => ErrorKind::ReadOnlyRefusal,
            Error::ReauthorizationRequired { .. } => ErrorKind::ReauthorizationRequired,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Config(_) => ErrorKind::Config,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            _ => ErrorKind::Token,
        }
    }
}

impl TransportError {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            TransportError::Auth(e) => e.kind(),
            TransportError::Timeout(_) => ErrorKind::Timeout,
            TransportError::Network {
                timed_out: true, ..
            } => ErrorKind::Timeout,
            TransportError::Network { .. } => ErrorKind::Network,
        }
    }
}

impl CallError {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            CallError::Path(_) | CallError::Body(_) | CallError::Request(_) => {
                ErrorKind::InvalidInput
            }
            CallError::Transport(e) => e.kind(),
            CallError::Status(response) => ErrorKind::of_status(response.status.as_u16()),
            CallError::Decode { .. } => ErrorKind::Decode,
        }
    }
}
