//! The error type of this crate.

use crate::{Access, AccessLevel};

/// Everything that can go wrong while obtaining a token or signing a request.
#[derive(Debug, thiserror::Error)]
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
}
