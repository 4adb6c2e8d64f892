//! A Webex service app: a machine account in the customer's organization.

use std::fmt;
use std::sync::{Arc, Mutex};

use secrecy::{ExposeSecret, SecretString};

use crate::lifecycle::{Kind, Lifecycle, Status};
use crate::oauth::{self, Endpoint, WEBEX_OAUTH_BASE};
use crate::{
    AccessLevel, AccessToken, CacheSettings, Clock, Error, FetchRequest, MemoryStore, StoreLock,
    StoredTokens, SystemClock, TokenCache, TokenFetcher, TokenFuture, TokenSource, TokenStore,
};

/// A Webex service app's tokens: minted for a target organization, then refreshed.
///
/// A service app gets its first tokens one of two ways:
///
/// - [`ServiceAppBuilder::minted_with`]: the app calls `POST /v1/applications/{id}/token` with
///   its client id and secret and the target org, authorized by another token source that holds
///   the `spark:applications_token` scope (a connector of an administrator, say). The app mints
///   again whenever it has no usable refresh token.
/// - [`ServiceAppBuilder::refresh_token`]: a refresh token copied from the developer portal
///   after a Control Hub administrator authorized the app.
///
/// With neither, or when Webex refuses both the refresh token and the mint, the app enters
/// [`Status::ReauthorizationRequired`] and fails at once until [`ServiceApp::reauthorize`]
/// succeeds. A mint refused with `401` is first retried once with a fresh token of the minting
/// source, whose token may simply have gone stale.
///
/// ```
/// use wxcc_auth::ServiceApp;
///
/// # fn main() -> Result<(), wxcc_auth::Error> {
/// let app = ServiceApp::builder("wallboard", "app-id", "client-id", "client-secret", "org-id")
///     .refresh_token(std::env::var("WXCC_SERVICE_APP_REFRESH_TOKEN").unwrap_or_default())
///     .build()?;
/// # let _ = app; Ok(()) }
/// ```
#[derive(Clone)]
pub struct ServiceApp {
    cache: TokenCache<ServiceAppFetcher>,
}

struct ServiceAppFetcher {
    lifecycle: Lifecycle,
    client_id: String,
    client_secret: SecretString,
    target_org_id: String,
    level: AccessLevel,
    token: Endpoint,
    mint: Endpoint,
    minter: Option<Arc<dyn TokenSource>>,
    seed: Mutex<Option<SecretString>>,
}

/// Builds a [`ServiceApp`].
pub struct ServiceAppBuilder {
    name: String,
    application_id: String,
    client_id: String,
    client_secret: SecretString,
    target_org_id: String,
    level: AccessLevel,
    minter: Option<Arc<dyn TokenSource>>,
    seed: Option<SecretString>,
    store: Arc<dyn TokenStore>,
    clock: Arc<dyn Clock>,
    settings: CacheSettings,
    oauth_base: String,
    http: Option<reqwest::Client>,
}

impl std::fmt::Debug for ServiceAppBuilder {
    /// Names and ids only; the client secret and the seed token are never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAppBuilder")
            .field("name", &self.name)
            .field("application_id", &self.application_id)
            .field("client_id", &self.client_id)
            .field("target_org_id", &self.target_org_id)
            .field("level", &self.level)
            .field("oauth_base", &self.oauth_base)
            .finish_non_exhaustive()
    }
}

impl ServiceApp {
    /// Starts building a service app.
    pub fn builder(
        name: impl Into<String>,
        application_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
        target_org_id: impl Into<String>,
    ) -> ServiceAppBuilder {
        ServiceAppBuilder {
            name: name.into(),
            application_id: application_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            target_org_id: target_org_id.into(),
            level: AccessLevel::ReadWrite,
            minter: None,
            seed: None,
            store: Arc::new(MemoryStore::new()),
            clock: Arc::new(SystemClock),
            settings: CacheSettings::default(),
            oauth_base: WEBEX_OAUTH_BASE.to_owned(),
            http: None,
        }
    }

    /// Whether the app can currently get tokens.
    pub fn status(&self) -> Status {
        self.cache.fetcher().lifecycle.status()
    }

    /// Authorizes the app again after [`Status::ReauthorizationRequired`] (or at any time):
    /// with `refresh_token`, a new refresh token from the developer portal, if given;
    /// otherwise with the stored refresh token and then by minting (after the minting source
    /// was itself re-authorized, say). A token is obtained first; only then is it persisted and
    /// handed to every clone of the app. If that fails, nothing changes.
    ///
    /// # Errors
    ///
    /// [`Error::ReauthorizationRequired`] when Webex refuses the refresh token or the mint
    /// (the status is left as it was), or the token endpoint's or the store's error.
    pub async fn reauthorize(&self, refresh_token: Option<SecretString>) -> Result<(), Error> {
        let fetcher = self.cache.fetcher();
        let lifecycle = &fetcher.lifecycle;
        // Held until the token is handed out: no token call of the app runs in between.
        let lock = lifecycle.lock().await?;
        let generation = lifecycle.generation();
        let stored = lifecycle.load(&lock).await?;
        let (refresh_token, then_mint) = match refresh_token {
            Some(token) => (Some(token), false),
            None => (stored.as_ref().and_then(|s| s.refresh_token.clone()), true),
        };
        let token = match fetcher
            .obtain(generation, stored.as_ref(), refresh_token, then_mint, &lock)
            .await
        {
            Ok(token) => token,
            Err(Failure::Refused(reason)) => return Err(lifecycle.reauthorize(reason)),
            Err(Failure::Other(error)) => return Err(error),
        };
        lifecycle.advance(Status::Authorized);
        self.cache.set(token);
        tracing::info!(source = %lifecycle.name, "service app re-authorized");
        Ok(())
    }

    /// The key of the app's entry in its token store: `service-app/<name>`. (Entries an older
    /// version stored under the bare name are moved there on first use.)
    pub fn store_key(&self) -> &str {
        self.cache.fetcher().lifecycle.key()
    }
}

impl ServiceAppBuilder {
    /// Mint tokens with a source that holds `spark:applications_token`.
    #[must_use]
    pub fn minted_with(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.minter = Some(source);
        self
    }

    /// Start from a refresh token issued on the developer portal (used when the store has none).
    #[must_use]
    pub fn refresh_token(mut self, token: impl Into<SecretString>) -> Self {
        let token = token.into();
        self.seed = (!token.expose_secret().is_empty()).then_some(token);
        self
    }

    /// Read-only refuses write operations locally (the scopes are fixed when the app is
    /// registered).
    #[must_use]
    pub fn access_level(mut self, level: AccessLevel) -> Self {
        self.level = level;
        self
    }

    /// Where tokens are persisted (default: in memory).
    #[must_use]
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = store;
        self
    }

    /// The clock (default: the system clock).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Refresh timing.
    #[must_use]
    pub fn cache_settings(mut self, settings: CacheSettings) -> Self {
        self.settings = settings;
        self
    }

    /// The OAuth base URL (default `https://webexapis.com/v1`).
    #[must_use]
    pub fn oauth_base(mut self, base: impl Into<String>) -> Self {
        self.oauth_base = base.into();
        self
    }

    /// The HTTP client for token calls (default: 10 s connect, 30 s total, no redirects).
    #[must_use]
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the service app.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an empty name, an unusable URL or application id.
    pub fn build(self) -> Result<ServiceApp, Error> {
        if self.name.trim().is_empty() {
            return Err(Error::Config(
                "a service app needs a name that is not empty or only white space".into(),
            ));
        }
        let base = self.oauth_base.trim_end_matches('/');
        let http = match self.http {
            Some(http) => http,
            None => oauth::token_http()?,
        };
        let mut mint_url = oauth::parse_url("OAuth base", &format!("{base}/applications"))?;
        mint_url
            .path_segments_mut()
            .map_err(|()| Error::Config(format!("OAuth base `{base}` cannot hold a path")))?
            .push(&self.application_id)
            .push("token");
        let fetcher = ServiceAppFetcher {
            lifecycle: Lifecycle::new(
                Kind::ServiceApp,
                self.name.clone(),
                &self.name,
                self.name.clone(),
                self.store,
                Arc::clone(&self.clock),
            ),
            client_id: self.client_id,
            client_secret: self.client_secret,
            target_org_id: self.target_org_id,
            level: self.level,
            token: Endpoint {
                http: http.clone(),
                url: oauth::parse_url("token URL", &format!("{base}/access_token"))?,
            },
            mint: Endpoint {
                http,
                url: mint_url,
            },
            minter: self.minter,
            seed: Mutex::new(self.seed),
        };
        Ok(ServiceApp {
            cache: TokenCache::with_settings(fetcher, self.settings, self.clock),
        })
    }
}

/// Why a service app got no token.
enum Failure {
    /// Webex refused the refresh token or the mint: someone must re-authorize. The reason, in
    /// words.
    Refused(String),
    /// Anything else (the network, a busy endpoint, the store).
    Other(Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Other(error)
    }
}

impl ServiceAppFetcher {
    async fn get(&self, request: FetchRequest) -> Result<AccessToken, Error> {
        let lifecycle = &self.lifecycle;
        lifecycle.check()?;
        let lock = lifecycle.lock().await?;
        let generation = lifecycle.generation();
        let stored = lifecycle.load(&lock).await?;
        if let Some(token) = stored
            .as_ref()
            .and_then(|s| lifecycle.reusable(s, &request))
        {
            lifecycle.set_status_at(generation, Status::Authorized);
            return Ok(token);
        }
        let now = lifecycle.clock.now();
        let seed = self
            .seed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let refresh_token = stored
            .as_ref()
            .filter(|s| s.refresh_expires_at.is_none_or(|at| at > now))
            .and_then(|s| s.refresh_token.clone())
            .or(seed);
        match self
            .obtain(generation, stored.as_ref(), refresh_token, true, &lock)
            .await
        {
            Ok(token) => Ok(token),
            Err(Failure::Refused(reason)) => {
                Err(lifecycle.require_reauthorization(generation, reason))
            }
            Err(Failure::Other(error)) => Err(error),
        }
    }

    /// Gets tokens with `refresh_token`, and (when there is none, or when it is refused and
    /// `then_mint`) by minting, and persists them.
    async fn obtain(
        &self,
        generation: u64,
        stored: Option<&StoredTokens>,
        refresh_token: Option<SecretString>,
        then_mint: bool,
        lock: &StoreLock,
    ) -> Result<AccessToken, Failure> {
        let lifecycle = &self.lifecycle;
        let mut refused = None;
        if let Some(refresh_token) = refresh_token {
            let form = [
                ("grant_type", "refresh_token"),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.expose_secret()),
                ("refresh_token", refresh_token.expose_secret()),
            ];
            let secrets = [
                self.client_secret.expose_secret(),
                refresh_token.expose_secret(),
            ];
            match self
                .token
                .form(&lifecycle.name, &form, &secrets, lifecycle.clock.as_ref())
                .await
            {
                Ok(issued) => return Ok(self.keep(generation, issued, stored, lock).await?),
                Err(error) if oauth::is_rejection(&error) => refused = Some(error),
                Err(error) => return Err(Failure::Other(error)),
            }
        }
        let minter = match (&self.minter, refused) {
            (Some(minter), None) => minter,
            (Some(minter), Some(_)) if then_mint => minter,
            (_, Some(error)) => {
                return Err(Failure::Refused(format!(
                    "Webex refused the refresh token ({error}){}",
                    if self.minter.is_none() {
                        " and no minting source is configured"
                    } else {
                        ""
                    }
                )));
            }
            (None, None) => {
                return Err(Failure::Refused(
                    "there is no refresh token and no minting source is configured".to_owned(),
                ));
            }
        };
        let mut bearer = minter.token().await?;
        let mut retried = false;
        loop {
            match self.mint_with(&bearer).await {
                Ok(issued) => return Ok(self.keep(generation, issued, stored, lock).await?),
                // A 401 on the mint call is about the bearer: the minter's token went stale
                // (revoked, or expired before its cache knew). Tell the minter and try once more
                // with a fresh one before calling it a refusal.
                Err(error @ Error::TokenEndpoint { status: 401, .. }) if !retried => {
                    retried = true;
                    minter.invalidate(bearer.secret());
                    let fresh = minter.token().await?;
                    if fresh.secret().expose_secret() == bearer.secret().expose_secret() {
                        return Err(Failure::Refused(format!(
                            "Webex refused the token of the minting source `{}` ({error}); \
                             re-authorize it",
                            minter.name()
                        )));
                    }
                    bearer = fresh;
                }
                Err(error)
                    if oauth::is_rejection(&error)
                        || matches!(error, Error::TokenEndpoint { status: 403, .. }) =>
                {
                    return Err(Failure::Refused(format!(
                        "Webex refused to mint a token ({error})"
                    )));
                }
                Err(error) => return Err(Failure::Other(error)),
            }
        }
    }

    /// One call to the mint endpoint with the minter's `bearer`.
    async fn mint_with(&self, bearer: &AccessToken) -> Result<oauth::Issued, Error> {
        let body = serde_json::json!({
            "clientId": self.client_id,
            "clientSecret": self.client_secret.expose_secret(),
            "targetOrgId": self.target_org_id,
        });
        self.mint
            .json(
                &self.lifecycle.name,
                &body,
                &[self.client_secret.expose_secret()],
                Some(bearer.secret()),
                self.lifecycle.clock.as_ref(),
            )
            .await
    }

    async fn keep(
        &self,
        generation: u64,
        issued: oauth::Issued,
        previous: Option<&StoredTokens>,
        lock: &StoreLock,
    ) -> Result<AccessToken, Error> {
        let token = self
            .lifecycle
            .persist(generation, issued, previous, None, lock)
            .await?;
        // The portal's refresh token now lives in the store, which wins from here on.
        *self
            .seed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        Ok(token)
    }
}

impl TokenFetcher for ServiceAppFetcher {
    fn name(&self) -> &str {
        &self.lifecycle.name
    }

    fn fetch(&self, request: FetchRequest) -> TokenFuture<'_> {
        Box::pin(self.get(request))
    }

    fn access_level(&self) -> AccessLevel {
        self.level
    }
}

impl TokenSource for ServiceApp {
    fn name(&self) -> &str {
        self.cache.name()
    }

    fn token(&self) -> TokenFuture<'_> {
        self.cache.token()
    }

    fn invalidate(&self, rejected: &SecretString) {
        self.cache.invalidate(rejected);
    }

    fn access_level(&self) -> AccessLevel {
        self.cache.access_level()
    }
}

impl fmt::Debug for ServiceAppFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceApp")
            .field("name", &self.lifecycle.name)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("target_org_id", &self.target_org_id)
            .field("mint_url", &self.mint.url.as_str())
            .field(
                "minted_with",
                &self.minter.as_ref().map(|m| m.name().to_owned()),
            )
            .field("status", &self.lifecycle.status())
            .finish()
    }
}

impl fmt::Debug for ServiceApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cache, f)
    }
}
