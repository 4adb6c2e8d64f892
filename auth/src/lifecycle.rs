//! What every persisted token lifecycle shares (connectors, node authorizations, service
//! apps): the store entry under its lock, reusing a token another process stored, persisting
//! each token response, and the re-authorization state.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
    /// They may hold the only copy of a new refresh token, so they are kept, written by a
    /// background task as soon as the store takes them, and at the latest at the next access
    /// under the entry lock, before anything is read from the store.
    unsaved: Arc<Unsaved>,
}

/// Tokens a failed save kept, and whether a task is trying to store them.
#[derive(Default)]
struct Unsaved {
    tokens: Mutex<Option<StoredTokens>>,
    storing: AtomicBool,
}

impl Unsaved {
    fn tokens(&self) -> std::sync::MutexGuard<'_, Option<StoredTokens>> {
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets `stored` once it is in the store, unless newer tokens took its place meanwhile.
    fn stored(&self, stored: &StoredTokens) {
        let mut tokens = self.tokens();
        if tokens.as_ref().is_some_and(|t| same_tokens(t, stored)) {
            *tokens = None;
        }
    }
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
            unsaved: Arc::default(),
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
        self.unsaved.tokens()
    }

    /// The stored entry, read under `lock`. Tokens a failed save left in memory are written
    /// first (see [`store_unsaved`]). An entry an older version left under the bare name is
    /// moved to the namespaced key on first read (when this kind wrote it), so upgrading loses
    /// nothing.
    pub async fn load(&self, lock: &StoreLock) -> Result<Option<StoredTokens>, Error> {
        let kept = store_unsaved(&*self.store, &self.key, &self.name, &self.unsaved, lock);
        if let Some(standing) = kept.await? {
            return Ok(Some(standing));
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
    /// still held. When it still fails (it is down), they are kept in memory and a background
    /// task writes them as soon as the store takes them (or the next access under the lock
    /// does, whichever comes first), and the access token is handed out all the same: it is
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
            // Tokens an earlier failed save kept are older than these: writing them later
            // would put back a refresh token this response may have replaced.
            Ok(()) => *self.unsaved() = None,
            Err(error @ Error::LeaseLost { .. }) => {
                tracing::error!(source = %self.name, %error, "tokens issued under a lost lease were not stored");
                return Err(error);
            }
            Err(error) => {
                tracing::warn!(source = %self.name, %error, "the store did not take the new tokens; they are kept in memory and stored as soon as it takes them");
                *self.unsaved() = Some(stored);
                self.store_later();
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

impl Lifecycle {
    /// Starts the task that stores the tokens a failed save kept, unless one is running.
    ///
    /// Why not wait for the next access: that may be hours away (when the access token nears
    /// expiry), and until then another replica that reads the entry the refresh replaced would
    /// spend its refresh token a second time, which a server that rotates refresh tokens
    /// answers by revoking the grant. Outside a Tokio runtime nothing is started and the next
    /// access stores them.
    fn store_later(&self) {
        if self.unsaved.storing.swap(true, Ordering::SeqCst) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.unsaved.storing.store(false, Ordering::SeqCst);
            return;
        };
        runtime.spawn(store_in_background(
            Arc::clone(&self.store),
            self.key.clone(),
            self.name.clone(),
            Arc::clone(&self.unsaved),
        ));
    }
}

/// The first wait of the background task, and the longest (it doubles after each failure).
const BACKGROUND_WAITS: (Duration, Duration) = (Duration::from_secs(2), Duration::from_secs(30));

/// Tries, under the entry lock, to store the tokens a failed save kept, until the store takes
/// them, nothing is kept any more (an access under the lock stored them, or a removal dropped
/// them) or the store refuses for a reason waiting does not cure (then the next access tries).
async fn store_in_background(
    store: Arc<dyn TokenStore>,
    key: String,
    name: String,
    unsaved: Arc<Unsaved>,
) {
    let (mut wait, longest) = BACKGROUND_WAITS;
    loop {
        tokio::time::sleep(wait).await;
        let attempt = async {
            let lock = store.lock(&key).await?;
            store_unsaved(&*store, &key, &name, &unsaved, &lock).await
        };
        match attempt.await {
            Ok(_) => {}
            Err(error) if error.is_transient() => {
                tracing::debug!(source = %name, %error, "the store still does not take the kept tokens; trying again");
                wait = (wait * 2).min(longest);
                continue;
            }
            Err(error) => {
                tracing::warn!(source = %name, %error, "the store refuses the kept tokens; the next access tries again");
                unsaved.storing.store(false, Ordering::SeqCst);
                return;
            }
        }
        unsaved.storing.store(false, Ordering::SeqCst);
        // A save that failed while this task was ending found it running and started none.
        if unsaved.tokens().is_none() || unsaved.storing.swap(true, Ordering::SeqCst) {
            return;
        }
        wait = BACKGROUND_WAITS.0;
    }
}

/// Writes the tokens a failed save kept, under `lock`, and returns the entry that stands; `None`
/// when nothing was kept.
///
/// The kept tokens are newer than what the store holds, unless the entry was written after
/// they were issued: another replica authorized or refreshed since, and what it stored stands
/// (its refresh token is the one the server issued last).
async fn store_unsaved(
    store: &dyn TokenStore,
    key: &str,
    name: &str,
    unsaved: &Unsaved,
    lock: &StoreLock,
) -> Result<Option<StoredTokens>, Error> {
    let Some(kept) = unsaved.tokens().clone() else {
        return Ok(None);
    };
    // Read first, so a store with leases knows which version this holder replaces.
    let current = store.load_locked(key, lock).await?;
    match current {
        Some(current) if current.updated_at > kept.updated_at => {
            unsaved.stored(&kept);
            tracing::info!(source = %name, "tokens a failed save kept in memory are dropped: the entry was written after they were issued");
            return Ok(Some(current));
        }
        // A write whose answer was lost: it is already there.
        Some(current) if same_tokens(&current, &kept) => {}
        _ => store.save_locked(key, kept.clone(), lock).await?,
    }
    unsaved.stored(&kept);
    tracing::info!(source = %name, "tokens a failed save kept in memory are now stored");
    Ok(Some(kept))
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

    use std::sync::atomic::AtomicU32;

    use super::*;
    use crate::{MemoryStore, StoreFuture, TokioClock};

    /// A memory store whose next `failures` writes fail as a shared store that is down does.
    #[derive(Debug, Default)]
    struct Down {
        inner: MemoryStore,
        failures: AtomicU32,
    }

    impl Down {
        fn failing(failures: u32) -> Arc<Self> {
            Arc::new(Self {
                inner: MemoryStore::new(),
                failures: AtomicU32::new(failures),
            })
        }

        async fn access_token(&self) -> Option<String> {
            let entry = self.inner.load(KEY).await.unwrap()?;
            Some(entry.access_token?.expose_secret().to_owned())
        }
    }

    impl TokenStore for Down {
        fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredTokens>> {
            self.inner.load(key)
        }
        fn save<'a>(&'a self, key: &'a str, tokens: StoredTokens) -> StoreFuture<'a, ()> {
            let down = self
                .failures
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if down {
                return Box::pin(async {
                    Err(Error::StoreUnavailable {
                        store: "redis://127.0.0.1/0".into(),
                        message: "connection refused".into(),
                    })
                });
            }
            self.inner.save(key, tokens)
        }
        fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
            self.inner.remove(key)
        }
        fn lock<'a>(&'a self, key: &'a str) -> StoreFuture<'a, StoreLock> {
            self.inner.lock(key)
        }
    }

    const KEY: &str = "connector/bot";

    fn lifecycle(store: Arc<Down>) -> Lifecycle {
        let clock = Arc::new(TokioClock::new());
        Lifecycle::new(
            Kind::Connector,
            "bot".into(),
            "bot",
            "bot".into(),
            store,
            clock,
        )
    }

    fn issued(access: &str, refresh: &str) -> Issued {
        Issued {
            access_token: SecretString::from(access.to_owned()),
            access_expires_at: None,
            refresh_token: Some(SecretString::from(refresh.to_owned())),
            refresh_expires_at: None,
            scopes: Vec::new(),
        }
    }

    /// One refresh under the entry lock, as the token sources do.
    async fn refresh(lifecycle: &Lifecycle, access: &str) -> AccessToken {
        let lock = lifecycle.lock().await.unwrap();
        let generation = lifecycle.generation();
        let issued = issued(access, &format!("refresh-of-{access}"));
        lifecycle
            .persist(generation, issued, None, None, &lock)
            .await
            .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_a_store_that_is_down_refused_are_stored_once_it_is_back() {
        // The first write and its three retries fail, then the background task's first two.
        let store = Down::failing(6);
        let lifecycle = lifecycle(Arc::clone(&store));
        let token = refresh(&lifecycle, "acc-1").await;
        assert_eq!(
            token.secret().expose_secret(),
            "acc-1",
            "handed out all the same"
        );
        assert_eq!(store.access_token().await, None, "the store is down");
        assert!(lifecycle.unsaved().is_some());

        // No access in between: the task alone stores them (after 2 s, 4 s and 8 s of waiting).
        tokio::time::sleep(Duration::from_secs(13)).await;
        assert_eq!(
            store.access_token().await,
            None,
            "two more failures, then a wait of 8 s"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(store.access_token().await.as_deref(), Some("acc-1"));
        assert!(lifecycle.unsaved().is_none());
        assert!(
            !lifecycle.unsaved.storing.load(Ordering::SeqCst),
            "the task ended"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn newer_tokens_stored_first_are_not_replaced_by_kept_ones() {
        let store = Down::failing(4);
        let lifecycle = lifecycle(Arc::clone(&store));
        refresh(&lifecycle, "acc-1").await;
        assert!(lifecycle.unsaved().is_some());
        // The store is back before the task's first try, and a refresh stores newer tokens.
        refresh(&lifecycle, "acc-2").await;
        assert!(
            lifecycle.unsaved().is_none(),
            "the stored tokens are the newest"
        );
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(store.access_token().await.as_deref(), Some("acc-2"));
        let lock = lifecycle.lock().await.unwrap();
        let entry = lifecycle.load(&lock).await.unwrap().unwrap();
        let refresh_token = entry.refresh_token.unwrap();
        assert_eq!(refresh_token.expose_secret(), "refresh-of-acc-2");
    }

    #[tokio::test(start_paused = true)]
    async fn an_entry_written_after_the_kept_tokens_stands() {
        let store = Down::failing(4);
        let lifecycle = lifecycle(Arc::clone(&store));
        refresh(&lifecycle, "acc-1").await;
        // Meanwhile another replica authorized again and stored its tokens.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let later = StoredTokens {
            access_token: Some(SecretString::from("acc-other".to_owned())),
            access_expires_at: None,
            refresh_token: Some(SecretString::from("ref-other".to_owned())),
            refresh_expires_at: None,
            scopes: Vec::new(),
            fingerprint: None,
            updated_at: lifecycle.clock.now(),
        };
        store.inner.save(KEY, later).await.unwrap();
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(store.access_token().await.as_deref(), Some("acc-other"));
        assert!(lifecycle.unsaved().is_none(), "the kept tokens are dropped");
    }

    #[tokio::test(start_paused = true)]
    async fn an_access_before_the_task_stores_the_kept_tokens_itself() {
        let store = Down::failing(4);
        let lifecycle = lifecycle(Arc::clone(&store));
        refresh(&lifecycle, "acc-1").await;
        let lock = lifecycle.lock().await.unwrap();
        let entry = lifecycle.load(&lock).await.unwrap().unwrap();
        drop(lock);
        assert_eq!(entry.access_token.unwrap().expose_secret(), "acc-1");
        assert_eq!(store.access_token().await.as_deref(), Some("acc-1"));
        // The task finds nothing left to do and ends.
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert!(!lifecycle.unsaved.storing.load(Ordering::SeqCst));
    }
}
