//! The access token handed to the signer.

use std::fmt;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

/// A bearer token with what is known about it.
///
/// The value is a [`SecretString`]: `Debug` shows `[REDACTED]` and the value is zeroed when
/// dropped. Read it with [`secrecy::ExposeSecret`] only where it goes on the wire.
///
/// ```
/// use chrono::{TimeDelta, Utc};
/// use wxcc_auth::AccessToken;
///
/// let token = AccessToken::new("secret-value")
///     .with_expiry(Utc::now() + TimeDelta::hours(12))
///     .with_scopes(["cjp:config_read"]);
/// assert!(token.expires_at().is_some());
/// assert!(!format!("{token:?}").contains("secret-value"));
/// ```
#[derive(Clone)]
pub struct AccessToken {
    value: SecretString,
    expires_at: Option<DateTime<Utc>>,
    scopes: Vec<String>,
}

impl AccessToken {
    /// A token with no known expiry and no known scopes.
    pub fn new(value: impl Into<SecretString>) -> Self {
        Self {
            value: value.into(),
            expires_at: None,
            scopes: Vec::new(),
        }
    }

    /// Sets the instant after which the token is no longer accepted.
    #[must_use]
    pub fn with_expiry(mut self, expires_at: DateTime<Utc>) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// Sets the scopes the token was granted.
    #[must_use]
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The secret value.
    pub fn secret(&self) -> &SecretString {
        &self.value
    }

    /// When the token expires, if known.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    /// The granted scopes, if known (empty otherwise).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &"[REDACTED]")
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish()
    }
}
