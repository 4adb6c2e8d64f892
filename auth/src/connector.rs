//! A connector: a Webex OAuth integration authorized once by a person, then refreshed forever.

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::lifecycle::{Kind, Lifecycle, Status};
use crate::oauth::{self, Endpoint, WEBEX_OAUTH_BASE};
use crate::{
    AccessLevel, AccessToken, CacheSettings, Clock, Error, FetchRequest, MemoryStore, SystemClock,
    TokenCache, TokenFetcher, TokenFuture, TokenSource, TokenStore,
};

/// Scopes a read-only WxCC connector asks for.
pub const WXCC_READ_SCOPES: &[&str] = &["cjp:config_read", "cjds:admin_org_read"];
/// Scopes a read-write WxCC connector asks for.
pub const WXCC_READ_WRITE_SCOPES: &[&str] = &[
    "cjp:config",
    "cjp:config_read",
    "cjp:config_write",
    "cjp:user",
    "cjds:admin_org_read",
    "cjds:admin_org_write",
];

/// A named Webex OAuth integration: authorized once by a person (authorization code, optionally
/// with PKCE), then refreshed with its refresh token for as long as Webex allows.
///
/// Every token response is persisted in the connector's [`TokenStore`]. When the refresh token
/// is revoked or expires, the connector enters [`Status::ReauthorizationRequired`]: token
/// requests fail at once, without calling Webex, until the application runs the authorize step
/// again ([`Connector::authorization_request`], then [`Connector::complete`]). Clients sharing
/// the connector (clones share everything) then work again without being rebuilt.
///
/// ```
/// use wxcc_auth::{AccessLevel, Connector};
///
/// # fn main() -> Result<(), wxcc_auth::Error> {
/// let connector = Connector::builder("reporting", "client-id", "client-secret", "https://bot.example.com/callback")
///     .access_level(AccessLevel::ReadOnly)
///     .build()?;
/// let request = connector.authorization_request(true)?;
/// // Send the user to request.url(); Webex redirects back with `code` and `state`, then:
/// // connector.complete(&request, &returned_state, &code).await?;
/// assert!(request.url().as_str().contains("code_challenge_method=S256"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Connector {
    cache: TokenCache<ConnectorFetcher>,
}

#[derive(Debug)]
struct ConnectorFetcher {
    core: Arc<Core>,
}

struct Core {
    lifecycle: Lifecycle,
    client_id: String,
    client_secret: SecretString,
    redirect_uri: String,
    scopes: Vec<String>,
    level: AccessLevel,
    authorize_url: reqwest::Url,
    token: Endpoint,
}

/// An authorize step in progress: the URL to send the user to, and what must come back.
///
/// Keep it (in the user's session) until the redirect arrives. `Debug` hides the PKCE verifier.
pub struct AuthorizationRequest {
    url: reqwest::Url,
    state: String,
    verifier: Option<SecretString>,
}

impl AuthorizationRequest {
    /// Where to send the user.
    pub fn url(&self) -> &reqwest::Url {
        &self.url
    }

    /// The `state` value Webex must return.
    pub fn state(&self) -> &str {
        &self.state
    }
}

impl fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationRequest")
            .field("url", &self.url.as_str())
            .field("state", &self.state)
            .field("pkce", &self.verifier.is_some())
            .finish()
    }
}

/// Builds a [`Connector`].
pub struct ConnectorBuilder {
    name: String,
    client_id: String,
    client_secret: SecretString,
    redirect_uri: String,
    level: AccessLevel,
    scopes: Option<Vec<String>>,
    store: Arc<dyn TokenStore>,
    clock: Arc<dyn Clock>,
    settings: CacheSettings,
    oauth_base: String,
    http: Option<reqwest::Client>,
}

impl std::fmt::Debug for ConnectorBuilder {
    /// Names, ids and scopes only; the client secret is never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectorBuilder")
            .field("name", &self.name)
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .field("level", &self.level)
            .field("scopes", &self.scopes)
            .field("oauth_base", &self.oauth_base)
            .finish_non_exhaustive()
    }
}

impl Connector {
    /// Starts building a connector for a Webex integration.
    pub fn builder(
        name: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
        redirect_uri: impl Into<String>,
    ) -> ConnectorBuilder {
        ConnectorBuilder {
            name: name.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uri: redirect_uri.into(),
            level: AccessLevel::ReadWrite,
            scopes: None,
            store: Arc::new(MemoryStore::new()),
            clock: Arc::new(SystemClock),
            settings: CacheSettings::default(),
            oauth_base: WEBEX_OAUTH_BASE.to_owned(),
            http: None,
        }
    }

    fn core(&self) -> &Core {
        &self.cache.fetcher().core
    }

    /// The connector's name.
    pub fn name(&self) -> &str {
        &self.core().lifecycle.name
    }

    /// The key of the connector's entry in its token store: `connector/<name>`. (Entries an
    /// older version stored under the bare name are moved there on first use.)
    pub fn store_key(&self) -> &str {
        self.core().lifecycle.key()
    }

    /// The scopes the connector asks for.
    pub fn scopes(&self) -> &[String] {
        &self.core().scopes
    }

    /// Whether the connector can currently get tokens.
    pub fn status(&self) -> Status {
        self.core().lifecycle.status()
    }

    /// Starts an authorize step: a URL with a fresh `state` and, with `pkce`, an S256 code
    /// challenge.
    ///
    /// # Errors
    ///
    /// Only if the operating system has no randomness to offer.
    pub fn authorization_request(&self, pkce: bool) -> Result<AuthorizationRequest, Error> {
        use base64::Engine as _;
        let core = self.core();
        let state = oauth::random_text(24)?;
        let verifier = if pkce {
            Some(oauth::random_text(48)?)
        } else {
            None
        };
        let mut url = core.authorize_url.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &core.client_id)
                .append_pair("redirect_uri", &core.redirect_uri)
                .append_pair("scope", &core.scopes.join(" "))
                .append_pair("state", &state);
            if let Some(verifier) = &verifier {
                let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(verifier.as_bytes()));
                query
                    .append_pair("code_challenge", &challenge)
                    .append_pair("code_challenge_method", "S256");
            }
        }
        Ok(AuthorizationRequest {
            url,
            state,
            verifier: verifier.map(SecretString::from),
        })
    }

    /// Finishes an authorize step with what Webex sent to the redirect URI: checks `state`,
    /// exchanges `code`, persists the tokens and makes them current for every client sharing
    /// this connector.
    ///
    /// # Errors
    ///
    /// [`Error::StateMismatch`] for a forged or stale callback (nothing is sent); the token
    /// endpoint's error if it refuses the code.
    pub async fn complete(
        &self,
        request: &AuthorizationRequest,
        state: &str,
        code: &str,
    ) -> Result<(), Error> {
        if !constant_time_eq(state.as_bytes(), request.state.as_bytes()) {
            return Err(Error::StateMismatch);
        }
        let core = self.core();
        let lifecycle = &core.lifecycle;
        let lock = lifecycle.lock().await?;
        let generation = lifecycle.generation();
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("client_id", core.client_id.as_str()),
            ("client_secret", core.client_secret.expose_secret()),
            ("code", code),
            ("redirect_uri", core.redirect_uri.as_str()),
        ];
        let mut secrets = vec![core.client_secret.expose_secret(), code];
        if let Some(verifier) = &request.verifier {
            form.push(("code_verifier", verifier.expose_secret()));
            secrets.push(verifier.expose_secret());
        }
        let issued = core
            .token
            .form(&lifecycle.name, &form, &secrets, lifecycle.clock.as_ref())
            .await?;
        let previous = lifecycle.load(&lock).await?;
        let token = lifecycle
            .persist(generation, issued, previous.as_ref(), None, &lock)
            .await?;
        self.cache.set(token);
        tracing::info!(source = %lifecycle.name, "connector authorized");
        Ok(())
    }
}

impl ConnectorBuilder {
    /// Read-only asks only for read scopes and refuses write operations locally; read-write
    /// (the default) asks for both.
    #[must_use]
    pub fn access_level(mut self, level: AccessLevel) -> Self {
        self.level = level;
        self
    }

    /// Replaces the default scopes. A read-only connector accepts only read scopes
    /// (ending in `_read` or `:read`).
    #[must_use]
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
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

    /// The OAuth base URL (default `https://webexapis.com/v1`); `/authorize` and
    /// `/access_token` are appended. Tests and the sandbox point it elsewhere.
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

    /// Builds the connector. It has no tokens until the store has some or an authorize step
    /// completes.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an empty name, an unusable URL, or write scopes on a read-only
    /// connector.
    pub fn build(self) -> Result<Connector, Error> {
        if self.name.trim().is_empty() {
            return Err(Error::Config(
                "a connector needs a name that is not empty or only white space".into(),
            ));
        }
        let scopes = match self.scopes {
            Some(scopes) => scopes,
            None => {
                let defaults = match self.level {
                    AccessLevel::ReadOnly => WXCC_READ_SCOPES,
                    AccessLevel::ReadWrite => WXCC_READ_WRITE_SCOPES,
                };
                defaults.iter().map(|s| (*s).to_owned()).collect()
            }
        };
        let is_read = |s: &String| s.ends_with("_read") || s.ends_with(":read");
        if self.level == AccessLevel::ReadOnly
            && let Some(scope) = scopes.iter().find(|s| !is_read(s))
        {
            return Err(Error::Config(format!(
                "connector `{}` is read-only but asks for the scope `{scope}`; use read scopes only",
                self.name
            )));
        }
        let base = self.oauth_base.trim_end_matches('/');
        let http = match self.http {
            Some(http) => http,
            None => oauth::token_http()?,
        };
        let core = Core {
            lifecycle: Lifecycle::new(
                Kind::Connector,
                self.name.clone(),
                &self.name,
                self.name.clone(),
                self.store,
                Arc::clone(&self.clock),
            ),
            client_id: self.client_id,
            client_secret: self.client_secret,
            redirect_uri: self.redirect_uri,
            scopes,
            level: self.level,
            authorize_url: oauth::parse_url("authorize URL", &format!("{base}/authorize"))?,
            token: Endpoint {
                http,
                url: oauth::parse_url("token URL", &format!("{base}/access_token"))?,
            },
        };
        let fetcher = ConnectorFetcher {
            core: Arc::new(core),
        };
        Ok(Connector {
            cache: TokenCache::with_settings(fetcher, self.settings, self.clock),
        })
    }
}

impl ConnectorFetcher {
    async fn refresh(&self, request: FetchRequest) -> Result<AccessToken, Error> {
        let core = &self.core;
        let lifecycle = &core.lifecycle;
        lifecycle.check()?;
        let lock = lifecycle.lock().await?;
        let generation = lifecycle.generation();
        let Some(stored) = lifecycle.load(&lock).await? else {
            return Err(lifecycle.require_reauthorization(
                generation,
                "it was never authorized; run the authorize step (authorization_request, then complete)",
            ));
        };
        if let Some(token) = lifecycle.reusable(&stored, &request) {
            lifecycle.set_status_at(generation, Status::Authorized);
            return Ok(token);
        }
        let Some(refresh_token) = stored.refresh_token.clone() else {
            return Err(lifecycle.require_reauthorization(
                generation,
                "no refresh token is stored; run the authorize step",
            ));
        };
        if stored
            .refresh_expires_at
            .is_some_and(|at| at <= lifecycle.clock.now())
        {
            return Err(lifecycle.require_reauthorization(
                generation,
                "the refresh token expired; run the authorize step",
            ));
        }
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", core.client_id.as_str()),
            ("client_secret", core.client_secret.expose_secret()),
            ("refresh_token", refresh_token.expose_secret()),
        ];
        let secrets = [
            core.client_secret.expose_secret(),
            refresh_token.expose_secret(),
        ];
        match core
            .token
            .form(&lifecycle.name, &form, &secrets, lifecycle.clock.as_ref())
            .await
        {
            Ok(issued) => {
                lifecycle
                    .persist(generation, issued, Some(&stored), None, &lock)
                    .await
            }
            Err(error) if oauth::is_rejection(&error) => Err(lifecycle.require_reauthorization(
                generation,
                format!("Webex refused the refresh token ({error}); run the authorize step"),
            )),
            Err(error) => Err(error),
        }
    }
}

impl TokenFetcher for ConnectorFetcher {
    fn name(&self) -> &str {
        &self.core.lifecycle.name
    }

    fn fetch(&self, request: FetchRequest) -> TokenFuture<'_> {
        Box::pin(self.refresh(request))
    }

    fn access_level(&self) -> AccessLevel {
        self.core.level
    }
}

impl TokenSource for Connector {
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
        self.core().level
    }
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("name", &self.lifecycle.name)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .field("level", &self.level)
            .field("status", &self.lifecycle.status())
            .field("store", &self.lifecycle.store)
            .finish()
    }
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cache, f)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
