//! The trait every token lifecycle implements, and the static source.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use secrecy::{ExposeSecret, SecretString};

use crate::{AccessLevel, AccessToken, Error};

/// The future returned by [`TokenSource::token`].
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, Error>> + Send + 'a>>;

/// Something that hands out bearer tokens.
///
/// Implementations are shared between clients (`Arc<dyn TokenSource>`), so they must be cheap to
/// call concurrently. A source that caches tokens should drop its cached token when
/// [`invalidate`](TokenSource::invalidate) names it, so the next call fetches a fresh one.
///
/// ```
/// use wxcc_auth::{AccessToken, StaticToken, TokenSource};
///
/// # async fn demo() -> Result<(), wxcc_auth::Error> {
/// let source = StaticToken::new("ops", "MTIz...");
/// let token: AccessToken = source.token().await?;
/// # let _ = token; Ok(()) }
/// ```
pub trait TokenSource: fmt::Debug + Send + Sync {
    /// A short name for logs and errors, such as the connector or authorization name.
    fn name(&self) -> &str;

    /// A token valid for at least the next request.
    fn token(&self) -> TokenFuture<'_>;

    /// Called when the server answered `401` to a request signed with `rejected`. A caching source
    /// drops that token if it is still the current one; other sources may ignore the call.
    fn invalidate(&self, rejected: &SecretString) {
        let _ = rejected;
    }

    /// What the tokens of this source may be used for.
    fn access_level(&self) -> AccessLevel {
        AccessLevel::ReadWrite
    }
}

/// A token obtained elsewhere, used as is until the process replaces the source.
///
/// Fits a personal access token from the developer portal, or tokens issued by a token server
/// you already run. It is never refreshed: when the server rejects it, requests fail with the
/// server's `401`.
///
/// ```
/// use wxcc_auth::{AccessLevel, StaticToken, TokenSource};
///
/// let source = StaticToken::new("reporting", std::env::var("WXCC_TOKEN").unwrap_or_default())
///     .read_only();
/// assert_eq!(source.name(), "reporting");
/// assert_eq!(source.access_level(), AccessLevel::ReadOnly);
/// ```
#[derive(Clone)]
pub struct StaticToken {
    name: String,
    token: AccessToken,
    level: AccessLevel,
}

impl StaticToken {
    /// A read-write source named `name` that always returns `token`.
    pub fn new(name: impl Into<String>, token: impl Into<SecretString>) -> Self {
        Self::from_token(name, AccessToken::new(token))
    }

    /// Like [`StaticToken::new`], keeping the expiry and scopes of an [`AccessToken`].
    pub fn from_token(name: impl Into<String>, token: AccessToken) -> Self {
        Self {
            name: name.into(),
            token,
            level: AccessLevel::ReadWrite,
        }
    }

    /// Restricts the source to read operations.
    #[must_use]
    pub fn read_only(mut self) -> Self {
        self.level = AccessLevel::ReadOnly;
        self
    }
}

impl TokenSource for StaticToken {
    fn name(&self) -> &str {
        &self.name
    }

    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            if self.token.secret().expose_secret().is_empty() {
                return Err(Error::InvalidTokenValue {
                    source_name: self.name.clone(),
                });
            }
            Ok(self.token.clone())
        })
    }

    fn access_level(&self) -> AccessLevel {
        self.level
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticToken")
            .field("name", &self.name)
            .field("token", &self.token)
            .field("level", &self.level)
            .finish()
    }
}
