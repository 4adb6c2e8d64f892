//! Node authorizations: named, reusable credentials, as Webex Connect manages them for its
//! Engage and WxCC nodes.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::lifecycle::{Kind, Lifecycle, Status};
use crate::oauth::{self, Endpoint, Issued};
use crate::{
    AccessLevel, AccessToken, CacheSettings, Clock, Connector, Error, FetchCause, FetchRequest,
    MemoryStore, SystemClock, TokenCache, TokenFetcher, TokenFuture, TokenSource, TokenStore,
};

/// The credentials behind a node authorization.
///
/// `Debug` shows the kind and the non-secret identifiers only.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// OAuth client credentials, as the Engage API issues them (tenant id and tenant secret).
    ClientCredentials {
        /// The client (tenant) id.
        client_id: String,
        /// The client (tenant) secret.
        client_secret: SecretString,
    },
    /// A username and password (OAuth password grant), optionally with a client.
    Password {
        /// The user.
        username: String,
        /// The password.
        password: SecretString,
        /// The client id, if the provider wants one.
        client_id: Option<String>,
        /// The client secret, if the provider wants one.
        client_secret: Option<SecretString>,
    },
    /// A long-lived access key sent as the bearer token. It cannot be refreshed: when the
    /// provider rejects it, the authorization needs a new key.
    AccessKey(SecretString),
    /// A Webex OAuth [`Connector`], authorized by a person.
    Connector(Connector),
}

impl Credentials {
    /// Client credentials.
    pub fn client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
    ) -> Self {
        Credentials::ClientCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// A username and password without a client.
    pub fn password(username: impl Into<String>, password: impl Into<SecretString>) -> Self {
        Credentials::Password {
            username: username.into(),
            password: password.into(),
            client_id: None,
            client_secret: None,
        }
    }

    /// An access key.
    pub fn access_key(key: impl Into<SecretString>) -> Self {
        Credentials::AccessKey(key.into())
    }

    /// A digest of the credentials, secrets included, stored beside cached tokens so tokens
    /// minted with other credentials are never used. It does not reveal the secrets.
    pub fn fingerprint(&self) -> String {
        let mut hash = Sha256::new();
        let mut field = |value: &str| {
            hash.update((value.len() as u64).to_le_bytes());
            hash.update(value.as_bytes());
        };
        match self {
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => {
                field("client_credentials");
                field(client_id);
                field(client_secret.expose_secret());
            }
            Credentials::Password {
                username,
                password,
                client_id,
                client_secret,
            } => {
                field("password");
                field(username);
                field(password.expose_secret());
                field(client_id.as_deref().unwrap_or_default());
                field(
                    client_secret
                        .as_ref()
                        .map(|s| s.expose_secret())
                        .unwrap_or_default(),
                );
            }
            Credentials::AccessKey(key) => {
                field("access_key");
                field(key.expose_secret());
            }
            Credentials::Connector(connector) => {
                field("connector");
                field(connector.name());
            }
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ClientCredentials { client_id, .. } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .field("client_secret", &"[REDACTED]")
                .finish(),
            Credentials::Password {
                username,
                client_id,
                ..
            } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", &"[REDACTED]")
                .field("client_id", client_id)
                .finish(),
            Credentials::AccessKey(_) => f.write_str("AccessKey([REDACTED])"),
            Credentials::Connector(c) => f.debug_tuple("Connector").field(&c.name()).finish(),
        }
    }
}

/// A registry of named, reusable authorizations.
///
/// - Names are unique, ignoring case, surrounding white space and Unicode compatibility forms
///   (`"Engage-US"`, `" engage-us "` and a full-width `"Ｅｎｇａｇｅ-US"` are one name), and not
///   empty. Lookups ignore the same differences.
/// - When the provider rejects the credentials, the authorization enters
///   [`Status::ReauthorizationRequired`] and fails at once (no retry storm against the token
///   endpoint) until [`NodeAuthorizations::reauthorize`] succeeds. `reauthorize` gets a token
///   with the new credentials before swapping them in, so bad credentials change nothing.
/// - Cached and stored tokens carry the fingerprint of the credentials that minted them; tokens
///   of other credentials are discarded.
/// - An authorization still held by clients cannot be removed unless forced.
///
/// ```
/// use wxcc_auth::{Credentials, NodeAuthorizations};
///
/// # fn main() -> Result<(), wxcc_auth::Error> {
/// let registry = NodeAuthorizations::builder("https://api-us-site-1.imiengage.io/api/v1/oauth/token").build()?;
/// let engage = registry.add("engage-us", Credentials::client_credentials("tenant-id", "tenant-secret"))?;
/// assert!(registry.add("engage-us", Credentials::access_key("k")).is_err(), "names are unique");
/// # let _ = engage; Ok(()) }
/// ```
#[derive(Clone)]
pub struct NodeAuthorizations {
    inner: Arc<Registry>,
}

struct Registry {
    token: Endpoint,
    store: Arc<dyn TokenStore>,
    clock: Arc<dyn Clock>,
    settings: CacheSettings,
    entries: Mutex<BTreeMap<String, Arc<Node>>>,
}

/// One named authorization, a [`TokenSource`] for clients. Each live handle (clone) counts as
/// a user of the authorization.
#[derive(Clone)]
pub struct NodeAuthorization {
    node: Arc<Node>,
}

struct Node {
    cache: TokenCache<NodeFetcher>,
}

#[derive(Debug)]
struct NodeFetcher {
    lifecycle: Lifecycle,
    credentials: RwLock<Credentials>,
    token: Endpoint,
    removed: AtomicBool,
}

/// Builds a [`NodeAuthorizations`] registry.
pub struct NodeAuthorizationsBuilder {
    token_url: String,
    store: Arc<dyn TokenStore>,
    clock: Arc<dyn Clock>,
    settings: CacheSettings,
    http: Option<reqwest::Client>,
}

impl std::fmt::Debug for NodeAuthorizationsBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeAuthorizationsBuilder")
            .field("token_url", &self.token_url)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl NodeAuthorizations {
    /// A registry whose authorizations get tokens from `token_url` (for Engage,
    /// `<regional base>/oauth/token`).
    pub fn builder(token_url: impl Into<String>) -> NodeAuthorizationsBuilder {
        NodeAuthorizationsBuilder {
            token_url: token_url.into(),
            store: Arc::new(MemoryStore::new()),
            clock: Arc::new(SystemClock),
            settings: CacheSettings::default(),
            http: None,
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Arc<Node>>> {
        self.inner
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds an authorization. It gets its first token when a client first needs one. Its name
    /// is `name` without surrounding white space.
    ///
    /// # Errors
    ///
    /// [`Error::NameTaken`] if the name, or one that looks the same (see
    /// [`NodeAuthorizations`]), is in use; [`Error::Config`] for an empty name.
    pub fn add(
        &self,
        name: impl Into<String>,
        credentials: Credentials,
    ) -> Result<NodeAuthorization, Error> {
        let given = name.into();
        let key = normalized(&given)?;
        let mut entries = self.entries();
        if entries.contains_key(&key) {
            return Err(Error::NameTaken { name: given });
        }
        let registry = &self.inner;
        let fetcher = NodeFetcher {
            lifecycle: Lifecycle::new(
                Kind::Node,
                given.trim().to_owned(),
                &key,
                // Older versions keyed the store by the name exactly as given.
                given.clone(),
                Arc::clone(&registry.store),
                Arc::clone(&registry.clock),
            ),
            credentials: RwLock::new(credentials),
            token: registry.token.clone(),
            removed: AtomicBool::new(false),
        };
        let cache = TokenCache::with_settings(
            fetcher,
            registry.settings.clone(),
            Arc::clone(&registry.clock),
        );
        let node = Arc::new(Node { cache });
        entries.insert(key, Arc::clone(&node));
        Ok(NodeAuthorization { node })
    }

    /// A handle to the authorization named `name`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAuthorization`].
    pub fn get(&self, name: &str) -> Result<NodeAuthorization, Error> {
        let unknown = || Error::UnknownAuthorization {
            name: name.to_owned(),
        };
        let key = normalized(name).map_err(|_| unknown())?;
        self.entries()
            .get(&key)
            .map(|node| NodeAuthorization {
                node: Arc::clone(node),
            })
            .ok_or_else(unknown)
    }

    /// The names of all authorizations.
    pub fn names(&self) -> Vec<String> {
        self.entries()
            .values()
            .map(|node| node.cache.name().to_owned())
            .collect()
    }

    /// Replaces the credentials of `name` after proving them: a token is obtained with the new
    /// credentials first, and only then are they swapped in and the token handed to every
    /// client of the authorization. If that fails, nothing changes.
    ///
    /// Access keys cannot be proven without calling the API itself; they are swapped in as
    /// given. Connectors must be authorized already.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAuthorization`], or the provider's answer to the new credentials.
    pub async fn reauthorize(&self, name: &str, credentials: Credentials) -> Result<(), Error> {
        let node = self.get(name)?.node;
        let fetcher = node.cache.fetcher();
        let lifecycle = &fetcher.lifecycle;
        let fingerprint = credentials.fingerprint();
        // The entry lock is held from proving the credentials to handing out the token, so no
        // token call of the old credentials runs in between (they read the credentials under
        // the same lock), and a removal waits for it to end before deleting what it stored.
        let lock = lifecycle.lock().await?;
        if fetcher.removed.load(Ordering::SeqCst) {
            return Err(removed(lifecycle));
        }
        let generation = lifecycle.generation();
        let token = match &credentials {
            Credentials::AccessKey(key) => AccessToken::new(key.clone()),
            Credentials::Connector(connector) => connector.token().await?,
            _ => {
                let issued = fetcher.mint(&credentials).await?;
                lifecycle
                    .persist(generation, issued, None, Some(fingerprint), &lock)
                    .await?
            }
        };
        let swapped = lifecycle.advance_at(generation, Status::Authorized, || {
            *fetcher
                .credentials
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = credentials;
        });
        if !swapped {
            // Removed meanwhile: the removal stands.
            return Err(lifecycle.superseded());
        }
        node.cache.set(token);
        tracing::info!(source = %lifecycle.name, "node authorization re-authorized");
        Ok(())
    }

    /// Removes an authorization and its stored tokens. Refused while clients hold it, unless
    /// `force`; a forced removal makes those clients fail with
    /// [`Error::ReauthorizationRequired`] until they are pointed at another authorization.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAuthorization`], [`Error::InUse`], or a store error.
    pub async fn remove(&self, name: &str, force: bool) -> Result<(), Error> {
        let unknown = || Error::UnknownAuthorization {
            name: name.to_owned(),
        };
        let key = normalized(name).map_err(|_| unknown())?;
        let node = {
            let mut entries = self.entries();
            let node = entries.get(&key).ok_or_else(unknown)?;
            let users = Arc::strong_count(node) - 1;
            if users > 0 && !force {
                return Err(Error::InUse {
                    name: name.to_owned(),
                    users,
                });
            }
            entries.remove(&key)
        };
        if let Some(node) = node {
            let fetcher = node.cache.fetcher();
            fetcher.removed.store(true, Ordering::SeqCst);
            // A new generation: a token call or re-authorization in flight can no longer change
            // the status, and its token is not handed out.
            fetcher.lifecycle.advance(Status::ReauthorizationRequired {
                reason: REMOVED.into(),
            });
            node.cache.clear();
            // Whatever such a call stores before it releases the entry is deleted after it.
            let lock = fetcher.lifecycle.lock().await?;
            node.cache.clear();
            fetcher.lifecycle.remove(&lock).await?;
        }
        Ok(())
    }
}

impl NodeAuthorizationsBuilder {
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

    /// The HTTP client for token calls (default: 10 s connect, 30 s total, no redirects).
    #[must_use]
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the registry.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an unusable token URL.
    pub fn build(self) -> Result<NodeAuthorizations, Error> {
        let http = match self.http {
            Some(http) => http,
            None => oauth::token_http()?,
        };
        let token = Endpoint {
            http,
            url: oauth::parse_url("token URL", &self.token_url)?,
        };
        Ok(NodeAuthorizations {
            inner: Arc::new(Registry {
                token,
                store: self.store,
                clock: self.clock,
                settings: self.settings,
                entries: Mutex::new(BTreeMap::new()),
            }),
        })
    }
}

impl NodeAuthorization {
    /// The authorization's name.
    pub fn name(&self) -> &str {
        self.node.cache.name()
    }

    /// Whether it can currently get tokens.
    pub fn status(&self) -> Status {
        self.node.cache.fetcher().lifecycle.status()
    }

    /// The key of the authorization's entry in the registry's token store: `node/<name>`.
    /// (Entries an older version stored under the bare name are moved there on first use.)
    pub fn store_key(&self) -> &str {
        self.node.cache.fetcher().lifecycle.key()
    }
}

impl NodeFetcher {
    fn credentials(&self) -> Credentials {
        self.credentials
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Gets a token with `credentials` from the provider.
    async fn mint(&self, credentials: &Credentials) -> Result<Issued, Error> {
        let name = &self.lifecycle.name;
        let clock = self.lifecycle.clock.as_ref();
        match credentials {
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => {
                let form = [
                    ("grant_type", "client_credentials"),
                    ("client_id", client_id.as_str()),
                    ("client_secret", client_secret.expose_secret()),
                ];
                let secrets = [client_secret.expose_secret()];
                self.token.form(name, &form, &secrets, clock).await
            }
            Credentials::Password {
                username,
                password,
                client_id,
                client_secret,
            } => {
                let mut form = vec![
                    ("grant_type", "password"),
                    ("username", username.as_str()),
                    ("password", password.expose_secret()),
                ];
                if let Some(id) = client_id {
                    form.push(("client_id", id.as_str()));
                }
                let mut secrets = vec![password.expose_secret()];
                if let Some(secret) = client_secret {
                    form.push(("client_secret", secret.expose_secret()));
                    secrets.push(secret.expose_secret());
                }
                self.token.form(name, &form, &secrets, clock).await
            }
            Credentials::AccessKey(_) | Credentials::Connector(_) => Err(Error::Config(format!(
                "authorization `{name}`: access keys and connectors are not minted at a token endpoint"
            ))),
        }
    }

    async fn get(&self, request: FetchRequest) -> Result<AccessToken, Error> {
        let lifecycle = &self.lifecycle;
        if self.removed.load(Ordering::SeqCst) {
            return Err(removed(lifecycle));
        }
        lifecycle.check()?;
        // The credentials and the generation are read under the entry lock, which
        // `reauthorize` holds while it swaps them: this call works with one set of credentials
        // throughout, and never with ones older than what the store holds.
        let lock = lifecycle.lock().await?;
        if self.removed.load(Ordering::SeqCst) {
            return Err(removed(lifecycle));
        }
        lifecycle.check()?;
        let generation = lifecycle.generation();
        let credentials = self.credentials();
        match &credentials {
            Credentials::AccessKey(key) => {
                if request.cause == FetchCause::Rejected {
                    return Err(lifecycle.require_reauthorization(
                        generation,
                        "the provider rejected the access key; call reauthorize with a new one",
                    ));
                }
                lifecycle.set_status_at(generation, Status::Authorized);
                return Ok(AccessToken::new(key.clone()));
            }
            Credentials::Connector(connector) => {
                if let (FetchCause::Rejected, Some(previous)) = (request.cause, &request.previous) {
                    connector.invalidate(previous.secret());
                }
                return connector.token().await;
            }
            _ => {}
        }
        let fingerprint = credentials.fingerprint();
        if let Some(stored) = lifecycle.load(&lock).await? {
            if stored.fingerprint.as_deref() != Some(fingerprint.as_str()) {
                tracing::info!(source = %lifecycle.name, "credentials changed; discarding tokens minted with the old ones");
                lifecycle.remove(&lock).await?;
            } else if let Some(token) = lifecycle.reusable(&stored, &request) {
                lifecycle.set_status_at(generation, Status::Authorized);
                return Ok(token);
            }
        }
        match self.mint(&credentials).await {
            Ok(issued) => {
                lifecycle
                    .persist(generation, issued, None, Some(fingerprint), &lock)
                    .await
            }
            Err(error) if oauth::is_rejection(&error) => Err(lifecycle.require_reauthorization(generation, format!(
                "the provider rejected the credentials ({error}); call reauthorize with new ones"
            ))),
            Err(error) => Err(error),
        }
    }
}

/// The form of a name that decides uniqueness: without surrounding white space, in NFKC (so
/// composed and decomposed accents, and full-width or other compatibility forms, are one),
/// lower case, and reduced to its Unicode confusable skeleton (UTS #39: a Cyrillic `а` and a
/// Latin `a`, or `rn` and `m`, are one). Names that differ only in those ways look alike to a
/// person, and a flow author picking one from a list must never get the other.
fn normalized(name: &str) -> Result<String, Error> {
    use unicode_normalization::UnicodeNormalization as _;
    let folded: String = name.trim().nfkc().collect::<String>().to_lowercase();
    // Lower-casing can leave text that is no longer in NFKC; normalize once more, then take
    // the skeleton (itself NFD), and lower-case again since skeletons can map to capitals.
    let nfkc: String = folded.nfkc().collect();
    let skeleton: String = unicode_security::confusable_detection::skeleton(&nfkc).collect();
    let key: String = skeleton.to_lowercase().nfkc().collect();
    if key.trim().is_empty() {
        return Err(Error::Config(
            "a node authorization needs a name that is not empty or only white space".into(),
        ));
    }
    Ok(key)
}

/// Why a removed authorization gets no tokens.
const REMOVED: &str = "the authorization was removed; point the client at another one";

fn removed(lifecycle: &Lifecycle) -> Error {
    lifecycle.reauthorize(REMOVED)
}

impl TokenFetcher for NodeFetcher {
    fn name(&self) -> &str {
        &self.lifecycle.name
    }

    fn fetch(&self, request: FetchRequest) -> TokenFuture<'_> {
        Box::pin(self.get(request))
    }

    fn access_level(&self) -> AccessLevel {
        match &*self
            .credentials
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            Credentials::Connector(connector) => connector.access_level(),
            _ => AccessLevel::ReadWrite,
        }
    }
}

impl TokenSource for NodeAuthorization {
    fn name(&self) -> &str {
        self.node.cache.name()
    }

    fn token(&self) -> TokenFuture<'_> {
        self.node.cache.token()
    }

    fn invalidate(&self, rejected: &SecretString) {
        self.node.cache.invalidate(rejected);
    }

    fn access_level(&self) -> AccessLevel {
        self.node.cache.access_level()
    }
}

impl fmt::Debug for NodeAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeAuthorization")
            .field("name", &self.name())
            .field("status", &self.status())
            .field("credentials", &self.node.cache.fetcher().credentials())
            .finish()
    }
}

impl fmt::Debug for NodeAuthorizations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeAuthorizations")
            .field("token_url", &self.inner.token.url.as_str())
            .field("names", &self.names())
            .finish()
    }
}
