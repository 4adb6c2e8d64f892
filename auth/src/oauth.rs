//! Talking to OAuth token endpoints, and what every persisted lifecycle shares: reusing a token
//! another process stored, persisting each response, and the re-authorization state.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::{AccessToken, Clock, Error, FetchCause, FetchRequest, StoredTokens, TokenStore};

/// Webex's OAuth base, used by connectors and service apps unless configured otherwise.
pub const WEBEX_OAUTH_BASE: &str = "https://webexapis.com/v1";

/// What a token endpoint returned, with expiries made absolute on receipt.
pub(crate) struct Issued {
    pub access_token: SecretString,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_token: Option<SecretString>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub scopes: Vec<String>,
}

#[derive(Deserialize)]
struct Wire {
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    refresh_token: Option<String>,
    #[serde(default)]
    refresh_token_expires_in: Option<serde_json::Value>,
    #[serde(default)]
    scope: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
struct WireError {
    error: Option<String>,
    error_description: Option<String>,
    message: Option<String>,
}

/// A token endpoint and the HTTP client that calls it.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    pub http: reqwest::Client,
    pub url: reqwest::Url,
}

impl Endpoint {
    /// A form POST (`application/x-www-form-urlencoded`), the standard OAuth call.
    pub async fn form(
        &self,
        source_name: &str,
        form: &[(&str, &str)],
        clock: &dyn Clock,
    ) -> Result<Issued, Error> {
        let request = self.http.post(self.url.clone()).form(form);
        self.send(source_name, request, clock).await
    }

    /// A JSON POST with an optional bearer, as the Webex service-app token call wants.
    pub async fn json(
        &self,
        source_name: &str,
        body: &serde_json::Value,
        bearer: Option<&SecretString>,
        clock: &dyn Clock,
    ) -> Result<Issued, Error> {
        let mut request = self.http.post(self.url.clone()).json(body);
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer.expose_secret());
        }
        self.send(source_name, request, clock).await
    }

    async fn send(
        &self,
        source_name: &str,
        request: reqwest::RequestBuilder,
        clock: &dyn Clock,
    ) -> Result<Issued, Error> {
        let transport = |e: reqwest::Error| Error::Transport {
            source_name: source_name.to_owned(),
            message: crate::transport::describe(&e),
        };
        let response = request
            .header("accept", "application/json")
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport)?;
        if !status.is_success() {
            let body: WireError = serde_json::from_slice(&bytes).unwrap_or_default();
            return Err(Error::TokenEndpoint {
                source_name: source_name.to_owned(),
                status: status.as_u16(),
                code: body.error,
                description: body.error_description.or(body.message),
            });
        }
        let invalid = |message: &str| Error::InvalidTokenResponse {
            source_name: source_name.to_owned(),
            message: message.to_owned(),
        };
        let wire: Wire = serde_json::from_slice(&bytes)
            .map_err(|_| invalid("the body is not a JSON token response"))?;
        let access_token = wire
            .access_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| invalid("no access_token"))?;
        let now = clock.now();
        Ok(Issued {
            access_token: SecretString::from(access_token),
            access_expires_at: seconds(wire.expires_in.as_ref()).and_then(|s| after(now, s)),
            refresh_token: wire
                .refresh_token
                .filter(|t| !t.is_empty())
                .map(SecretString::from),
            refresh_expires_at: seconds(wire.refresh_token_expires_in.as_ref())
                .and_then(|s| after(now, s)),
            scopes: match wire.scope {
                Some(serde_json::Value::String(s)) => {
                    s.split_whitespace().map(str::to_owned).collect()
                }
                Some(serde_json::Value::Array(items)) => items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            },
        })
    }
}

/// `expires_in` arrives as a number or, from some servers, as a numeric string.
fn seconds(value: Option<&serde_json::Value>) -> Option<u64> {
    match value? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn after(now: DateTime<Utc>, seconds: u64) -> Option<DateTime<Utc>> {
    now.checked_add_signed(TimeDelta::seconds(i64::try_from(seconds).ok()?))
}

/// Whether a token endpoint's refusal means the grant or the credentials are no good (as
/// opposed to a passing failure): OAuth's `invalid_grant`, `invalid_client`,
/// `unauthorized_client`, `invalid_token`, or any 400/401 without a more specific code.
pub(crate) fn is_rejection(error: &Error) -> bool {
    match error {
        Error::TokenEndpoint { status, code, .. } => {
            matches!(
                code.as_deref(),
                Some("invalid_grant" | "invalid_client" | "unauthorized_client" | "invalid_token")
            ) || (matches!(status, 400 | 401) && code.as_deref() != Some("invalid_request"))
        }
        _ => false,
    }
}

/// Whether a source may still fetch tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// Never authorized, or nothing is known yet.
    NotAuthorized,
    /// Tokens can be fetched.
    Authorized,
    /// Someone must authorize again; every token request fails at once until then.
    ReauthorizationRequired {
        /// Why.
        reason: String,
    },
}

/// The state every persisted lifecycle shares.
pub(crate) struct Lifecycle {
    pub name: String,
    pub store: Arc<dyn TokenStore>,
    pub clock: Arc<dyn Clock>,
    pub status: Mutex<Status>,
}

impl Lifecycle {
    pub fn status(&self) -> Status {
        self.status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn set_status(&self, status: Status) {
        *self
            .status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = status;
    }

    /// Fails at once while re-authorization is required.
    pub fn check(&self) -> Result<(), Error> {
        match self.status() {
            Status::ReauthorizationRequired { reason } => Err(self.reauthorize(reason)),
            _ => Ok(()),
        }
    }

    pub fn reauthorize(&self, reason: impl Into<String>) -> Error {
        Error::ReauthorizationRequired {
            source_name: self.name.clone(),
            reason: reason.into(),
        }
    }

    /// Enters the re-authorization state and returns the matching error.
    pub fn require_reauthorization(&self, reason: impl Into<String>) -> Error {
        let reason = reason.into();
        tracing::warn!(source = %self.name, %reason, "re-authorization required");
        self.set_status(Status::ReauthorizationRequired {
            reason: reason.clone(),
        });
        self.reauthorize(reason)
    }

    /// A stored access token that can be used instead of calling the token endpoint: on the
    /// first fetch (after a restart), or when another process refreshed since this one got its
    /// token. It only has to be unexpired: if it is close to expiry, the cache refreshes it early
    /// and keeps serving it should that refresh fail.
    pub fn reusable(&self, stored: &StoredTokens, request: &FetchRequest) -> Option<AccessToken> {
        let access = stored.access_token.as_ref()?;
        let is_previous = request
            .previous
            .as_ref()
            .is_some_and(|p| p.secret().expose_secret() == access.expose_secret());
        if request.cause != FetchCause::Initial && is_previous {
            return None;
        }
        let valid = stored
            .access_expires_at
            .is_none_or(|at| at > self.clock.now());
        valid.then(|| token_of(stored))
    }

    /// Persists a token response. A response without a refresh token keeps the stored one.
    pub async fn persist(
        &self,
        issued: Issued,
        previous: Option<&StoredTokens>,
        fingerprint: Option<String>,
    ) -> Result<AccessToken, Error> {
        let (refresh_token, refresh_expires_at) = match issued.refresh_token {
            Some(token) => (Some(token), issued.refresh_expires_at),
            None => (
                previous.and_then(|p| p.refresh_token.clone()),
                previous.and_then(|p| p.refresh_expires_at),
            ),
        };
        let stored = StoredTokens {
            access_token: Some(issued.access_token),
            access_expires_at: issued.access_expires_at,
            refresh_token,
            refresh_expires_at,
            scopes: issued.scopes,
            fingerprint,
            updated_at: self.clock.now(),
        };
        let token = token_of(&stored);
        self.store.save(&self.name, stored).await?;
        self.set_status(Status::Authorized);
        Ok(token)
    }
}

pub(crate) fn token_of(stored: &StoredTokens) -> AccessToken {
    let mut token = AccessToken::new(
        stored
            .access_token
            .clone()
            .unwrap_or_else(|| SecretString::from(String::new())),
    )
    .with_scopes(stored.scopes.iter().cloned());
    if let Some(at) = stored.access_expires_at {
        token = token.with_expiry(at);
    }
    token
}

/// Random URL-safe text (for `state` and PKCE verifiers).
pub(crate) fn random_text(bytes: usize) -> Result<String, Error> {
    use base64::Engine as _;
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| Error::Config(format!("no OS randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer))
}

impl fmt::Debug for Lifecycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lifecycle")
            .field("name", &self.name)
            .field("store", &self.store)
            .field("status", &self.status())
            .finish()
    }
}

/// Parses a configured URL into a clear error.
pub(crate) fn parse_url(what: &str, url: &str) -> Result<reqwest::Url, Error> {
    reqwest::Url::parse(url).map_err(|e| Error::Config(format!("{what} `{url}` is not a URL: {e}")))
}

/// The HTTP client for token calls: short timeouts and no redirects (following a redirect
/// from a token endpoint could hand credentials to another host).
pub(crate) fn token_http() -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}
