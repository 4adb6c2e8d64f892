//! What every persisted token lifecycle shares (connectors, node authorizations, service
//! apps): the store entry under its lock, reusing a token another process stored, persisting
//! each token response, and the re-authorization state.

use std::fmt;
use std::sync::{Arc, Mutex};

use secrecy::{ExposeSecret, SecretString};

use crate::oauth::Issued;
use crate::{
    AccessToken, Clock, Error, FetchCause, FetchRequest, StoreLock, StoredTokens, TokenStore,
};

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

/// The kinds of persisted lifecycle; each has its own namespace of store keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Connector,
    ServiceApp,
    Node,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Connector => "connector/",
            Kind::ServiceApp => "service-app/",
            Kind::Node => "node/",
        }
    }

    /// Whether an entry stored under the bare name (before keys had a namespace) is one this
    /// kind wrote: node authorizations always stored a credential fingerprint, connectors and
    /// service apps never did.
    fn wrote(self, entry: &StoredTokens) -> bool {
        match self {
            Kind::Node => entry.fingerprint.is_some(),
            Kind::Connector | Kind::ServiceApp => entry.fingerprint.is_none(),
        }
    }
}

/// The state every persisted lifecycle shares.
pub(crate) struct Lifecycle {
    pub name: String,
    /// `<kind>/<name>`: a connector and a node authorization of the same name once shared a
    /// key, and each deleted the other's tokens.
    key: String,
    /// The bare name, where entries were stored before keys had a namespace.
    legacy_key: String,
    kind: Kind,
    pub store: Arc<dyn TokenStore>,
    pub clock: Arc<dyn Clock>,
    standing: Mutex<Standing>,
    /// Tokens the endpoint issued that the store failed to take (a shared store was down).
    /// They may hold the only copy of a new refresh token, so they are kept and written at the
    /// next access under the entry lock, before anything is read from the store.
    unsaved: Mutex<Option<StoredTokens>>,
}

/// The status, and how many times the credentials or the lifecycle itself were replaced
/// (re-authorized, removed). A token call captures the generation under the store entry's lock
/// and may only change the status or the store while it is unchanged, so a call started under
/// old credentials never undoes what a newer re-authorization or a removal did.
struct Standing {
    generation: u64,
    status: Status,
}

impl Lifecycle {
    /// A lifecycle named `name` whose entry lives under `<kind>/<key_name>` (the name, or its
    /// normalized form), reading `legacy_key` for entries of older versions.
    pub fn new(
        kind: Kind,
        name: String,
        key_name: &str,
        legacy_key: String,
        store: Arc<dyn TokenStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            key: format!("{}{key_name}", kind.prefix()),
            name,
            legacy_key,
            kind,
            store,
            clock,
            standing: Mutex::new(Standing {
                generation: 0,
                status: Status::NotAuthorized,
            }),
            unsaved: Mutex::new(None),
        }
    }

    fn standing(&self) -> std::sync::MutexGuard<'_, Standing> {
        self.standing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The current generation; capture it with the store entry's lock held.
    pub fn generation(&self) -> u64 {
        self.standing().generation
    }

    /// Sets the status if the generation is still `generation`; says whether it did.
    pub fn set_status_at(&self, generation: u64, status: Status) -> bool {
        let mut standing = self.standing();
        if standing.generation != generation {
            return false;
        }
        standing.status = status;
        true
    }

    /// If the generation is still `generation`: starts a new one with `status` and runs `swap`
    /// (which installs the new credentials) before anyone can see the new generation. Says
    /// whether it did.
    pub fn advance_at(&self, generation: u64, status: Status, swap: impl FnOnce()) -> bool {
        let mut standing = self.standing();
        if standing.generation != generation {
            return false;
        }
        standing.generation += 1;
        standing.status = status;
        swap();
        true
    }

    /// Starts a new generation with `status`, whatever is in flight.
    pub fn advance(&self, status: Status) {
        let mut standing = self.standing();
        standing.generation += 1;
        standing.status = status;
    }

    /// The error for a token call whose generation has passed.
    pub fn superseded(&self) -> Error {
        match self.status() {
            Status::ReauthorizationRequired { reason } => self.reauthorize(reason),
            _ => self.reauthorize(
                "it was re-authorized or removed while this token request was in flight; try again",
            ),
        }
    }

    /// The key of this lifecycle's entry in its store.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Exclusive access to this lifecycle's store entry; pass it to [`Lifecycle::load`],
    /// [`Lifecycle::persist`] and [`Lifecycle::remove`].
    pub async fn lock(&self) -> Result<StoreLock, Error> {
        self.store.lock(&self.key).await
    }

    fn unsaved(&self) -> std::sync::MutexGuard<'_, Option<StoredTokens>> {
        self.unsaved
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The stored entry, read under `lock`. Tokens a failed save left in memory are written
    /// first: they are newer than anything the store holds. An entry an older version left
    /// under the bare name is moved to the namespaced key on first read (when this kind wrote
    /// it), so upgrading loses nothing.
    pub async fn load(&self, lock: &StoreLock) -> Result<Option<StoredTokens>, Error> {
        let unsaved = self.unsaved().clone();
        if let Some(unsaved) = unsaved {
            // Read first, so a store with leases knows which version this holder replaces.
            self.store.load_locked(&self.key, lock).await?;
            self.store
                .save_locked(&self.key, unsaved.clone(), lock)
                .await?;
            *self.unsaved() = None;
            tracing::info!(source = %self.name, "tokens a failed save kept in memory are now stored");
            return Ok(Some(unsaved));
        }
        if let Some(stored) = self.store.load_locked(&self.key, lock).await? {
            return Ok(Some(stored));
        }
        let Some(old) = self.store.load(&self.legacy_key).await? else {
            return Ok(None);
        };
        if !self.kind.wrote(&old) {
            return Ok(None);
        }
        self.store.save_locked(&self.key, old.clone(), lock).await?;
        self.store.remove(&self.legacy_key).await?;
        tracing::info!(source = %self.name, key = %self.key, "stored tokens moved to their namespaced key");
        Ok(Some(old))
    }

    /// Removes the stored entry (and tokens a failed save kept), and one an older version left
    /// under the bare name.
    pub async fn remove(&self, lock: &StoreLock) -> Result<(), Error> {
        *self.unsaved() = None;
        self.store.load_locked(&self.key, lock).await?;
        self.store.remove_locked(&self.key, lock).await?;
        if let Some(old) = self.store.load(&self.legacy_key).await?
            && self.kind.wrote(&old)
        {
            self.store.remove(&self.legacy_key).await?;
        }
        Ok(())
    }

    pub fn status(&self) -> Status {
        self.standing().status.clone()
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

    /// Enters the re-authorization state, unless the generation has passed `generation` (what
    /// a newer re-authorization or a removal decided stands), and returns the matching error.
    pub fn require_reauthorization(&self, generation: u64, reason: impl Into<String>) -> Error {
        let reason = reason.into();
        let status = Status::ReauthorizationRequired {
            reason: reason.clone(),
        };
        if !self.set_status_at(generation, status) {
            return self.superseded();
        }
        tracing::warn!(source = %self.name, %reason, "re-authorization required");
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

    /// Persists a token response under `lock`, unless the generation has passed `generation`.
    /// A response without a refresh token keeps the stored one.
    ///
    /// When the store cannot take the tokens, it is asked again a few times while the lock is
    /// still held. When it still fails (it is down), they are kept in memory, written at the
    /// next access under the lock, and the access token is handed out all the same: it is
    /// valid, and failing the caller would not bring the store back. A lost lease is different:
    /// another replica holds the entry and what it stores stands.
    pub async fn persist(
        &self,
        generation: u64,
        issued: Issued,
        previous: Option<&StoredTokens>,
        fingerprint: Option<String>,
        lock: &StoreLock,
    ) -> Result<AccessToken, Error> {
        if self.generation() != generation {
            return Err(self.superseded());
        }
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
        match self.save_while_locked(&stored, lock).await {
            Ok(()) => {}
            Err(error @ Error::LeaseLost { .. }) => {
                tracing::error!(source = %self.name, %error, "tokens issued under a lost lease were not stored");
                return Err(error);
            }
            Err(error) => {
                tracing::warn!(source = %self.name, %error, "the store did not take the new tokens; they are kept in memory and stored at the next access");
                *self.unsaved() = Some(stored);
            }
        }
        // A removal may have passed while saving; it deletes the entry once this call releases
        // the entry lock, and the status it set stands.
        if !self.set_status_at(generation, Status::Authorized) {
            return Err(self.superseded());
        }
        Ok(token)
    }
}

impl Lifecycle {
    /// Saves freshly issued tokens under `lock`, trying again a few times (up to about a
    /// second and a half of waiting) while the lock is still held when the store fails.
    ///
    /// Why here and not later: once the lock is released, another replica can read the entry
    /// the refresh replaced and spend its refresh token again, which a server that rotates
    /// refresh tokens answers by revoking the grant. A failure past the retries still keeps
    /// the tokens in memory (see [`Lifecycle::persist`]).
    ///
    /// A store can fail after the write took effect (an answer lost on the way back). Before
    /// writing again it reads the entry: if it already holds these tokens the save is done.
    /// Reading also tells a store with versioned writes which version the next write replaces.
    async fn save_while_locked(
        &self,
        stored: &StoredTokens,
        lock: &StoreLock,
    ) -> Result<(), Error> {
        const RETRY_WAITS_MS: [u64; 3] = [100, 400, 1_000];
        let mut error = match self
            .store
            .save_locked(&self.key, stored.clone(), lock)
            .await
        {
            Ok(()) => return Ok(()),
            Err(error) => error,
        };
        for wait in RETRY_WAITS_MS {
            if matches!(error, Error::LeaseLost { .. }) || !error.is_transient() {
                break;
            }
            tracing::debug!(source = %self.name, %error, "the store did not take the new tokens; trying again while the lock is held");
            tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
            let attempt = async {
                let current = self.store.load_locked(&self.key, lock).await?;
                if current.as_ref().is_some_and(|c| same_tokens(c, stored)) {
                    return Ok(());
                }
                self.store
                    .save_locked(&self.key, stored.clone(), lock)
                    .await
            };
            match attempt.await {
                Ok(()) => return Ok(()),
                Err(next) => error = next,
            }
        }
        Err(error)
    }
}

/// Whether two entries carry the same tokens (compared as secrets are: only for equality).
fn same_tokens(a: &StoredTokens, b: &StoredTokens) -> bool {
    let same = |x: &Option<SecretString>, y: &Option<SecretString>| match (x, y) {
        (Some(x), Some(y)) => x.expose_secret() == y.expose_secret(),
        (None, None) => true,
        _ => false,
    };
    same(&a.access_token, &b.access_token) && same(&a.refresh_token, &b.refresh_token)
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

impl fmt::Debug for Lifecycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lifecycle")
            .field("name", &self.name)
            .field("store", &self.store)
            .field("status", &self.status())
            .finish()
    }
}
