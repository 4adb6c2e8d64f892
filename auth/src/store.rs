//! Where token lifecycles persist what the token endpoint returned, so a restart (or another
//! replica) does not lose a refresh token.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::Error;

/// The future returned by [`TokenStore`] methods.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// Everything a token response said, as persisted.
///
/// `Debug` never shows the tokens.
#[derive(Clone)]
pub struct StoredTokens {
    /// The access token, if one was issued.
    pub access_token: Option<SecretString>,
    /// When the access token expires.
    pub access_expires_at: Option<DateTime<Utc>>,
    /// The refresh token, if any. Replaced only by a response that carries a new one.
    pub refresh_token: Option<SecretString>,
    /// When the refresh token expires.
    pub refresh_expires_at: Option<DateTime<Utc>>,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// Fingerprint of the credentials that minted these tokens; tokens minted with other
    /// credentials are discarded.
    pub fingerprint: Option<String>,
    /// When this entry was written.
    pub updated_at: DateTime<Utc>,
}

impl fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |s: &Option<SecretString>| s.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("StoredTokens")
            .field("access_token", &redacted(&self.access_token))
            .field("access_expires_at", &self.access_expires_at)
            .field("refresh_token", &redacted(&self.refresh_token))
            .field("refresh_expires_at", &self.refresh_expires_at)
            .field("scopes", &self.scopes)
            .field("fingerprint", &self.fingerprint)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// Exclusive access to one store entry while its tokens are refreshed, so that two processes
/// sharing a store never both spend the same refresh token. Released when dropped.
///
/// A store puts in whatever keeps the lock held (a mutex guard, a locked file, a lease); a
/// store whose locks can expire reads its own guard back with [`StoreLock::guard`] to check,
/// when writing, that the lock is still held.
///
/// ```
/// use wxcc_auth::StoreLock;
///
/// struct Lease { owner: String }
/// let lock = StoreLock::new(Lease { owner: "replica-1".into() });
/// assert_eq!(lock.guard::<Lease>().map(|l| l.owner.as_str()), Some("replica-1"));
/// assert!(lock.guard::<u32>().is_none());
/// ```
pub struct StoreLock {
    guard: Box<dyn Any + Send + Sync>,
}

impl StoreLock {
    /// Wraps whatever keeps the lock held until it is dropped.
    pub fn new(guard: impl Any + Send + Sync) -> Self {
        Self {
            guard: Box::new(guard),
        }
    }

    /// The guard the store put in, if it is a `T`.
    pub fn guard<T: Any>(&self) -> Option<&T> {
        self.guard.downcast_ref()
    }
}

impl fmt::Debug for StoreLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreLock")
    }
}

/// Persists [`StoredTokens`] by source name.
///
/// Lifecycles call [`lock`](TokenStore::lock), then [`load_locked`](TokenStore::load_locked)
/// (another process may have refreshed meanwhile), then refresh and
/// [`save_locked`](TokenStore::save_locked), then drop the lock.
///
/// The `_locked` methods exist for stores whose locks can be lost while held (a lease that
/// expires when its holder stalls, as in `RedisStore` with the `redis` feature): they check the
/// lock is still theirs and the entry unchanged since it was read under it, and refuse with
/// [`Error::LeaseLost`] otherwise. Their default implementations call the plain methods, which
/// is right for stores whose locks cannot be lost (memory, OS file locks).
pub trait TokenStore: fmt::Debug + Send + Sync {
    /// The entry for `key`, if any.
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredTokens>>;
    /// Replaces the entry for `key`.
    fn save<'a>(&'a self, key: &'a str, tokens: StoredTokens) -> StoreFuture<'a, ()>;
    /// Removes the entry for `key`.
    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;
    /// Exclusive access to the entry for `key` until the returned lock is dropped.
    fn lock<'a>(&'a self, key: &'a str) -> StoreFuture<'a, StoreLock>;

    /// The entry for `key`, read by the holder of `lock` (which remembers what it read).
    fn load_locked<'a>(
        &'a self,
        key: &'a str,
        lock: &'a StoreLock,
    ) -> StoreFuture<'a, Option<StoredTokens>> {
        let _ = lock;
        self.load(key)
    }

    /// Replaces the entry for `key` on behalf of the holder of `lock`.
    ///
    /// # Errors
    ///
    /// Stores with leases: [`Error::LeaseLost`] when the lease passed to another holder, or the
    /// entry changed since this holder read it; nothing is written then.
    fn save_locked<'a>(
        &'a self,
        key: &'a str,
        tokens: StoredTokens,
        lock: &'a StoreLock,
    ) -> StoreFuture<'a, ()> {
        let _ = lock;
        self.save(key, tokens)
    }

    /// Removes the entry for `key` on behalf of the holder of `lock`.
    ///
    /// # Errors
    ///
    /// As [`TokenStore::save_locked`].
    fn remove_locked<'a>(&'a self, key: &'a str, lock: &'a StoreLock) -> StoreFuture<'a, ()> {
        let _ = lock;
        self.remove(key)
    }
}

/// A store that lives as long as the process. The default.
///
/// ```
/// use wxcc_auth::{MemoryStore, TokenStore};
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let store = MemoryStore::new();
/// assert!(store.load("connector").await.unwrap().is_none());
/// # }
/// ```
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, StoredTokens>>,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.entries.lock().map(|e| e.len()).unwrap_or_default();
        f.debug_struct("MemoryStore")
            .field("entries", &entries)
            .finish()
    }
}

impl TokenStore for MemoryStore {
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredTokens>> {
        Box::pin(async move { Ok(lock_map(&self.entries).get(key).cloned()) })
    }

    fn save<'a>(&'a self, key: &'a str, tokens: StoredTokens) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            lock_map(&self.entries).insert(key.to_owned(), tokens);
            Ok(())
        })
    }

    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            lock_map(&self.entries).remove(key);
            Ok(())
        })
    }

    fn lock<'a>(&'a self, key: &'a str) -> StoreFuture<'a, StoreLock> {
        Box::pin(async move {
            let mutex = Arc::clone(lock_map(&self.locks).entry(key.to_owned()).or_default());
            Ok(StoreLock::new(mutex.lock_owned().await))
        })
    }
}

fn lock_map<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The persisted form of one entry (the on-disk format of [`FileStore`](crate::FileStore)).
#[derive(Serialize, Deserialize)]
pub(crate) struct Entry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fingerprint: Option<String>,
    updated_at: DateTime<Utc>,
}

impl From<&StoredTokens> for Entry {
    fn from(t: &StoredTokens) -> Self {
        let expose = |s: &Option<SecretString>| s.as_ref().map(|s| s.expose_secret().to_owned());
        Entry {
            access_token: expose(&t.access_token),
            access_expires_at: t.access_expires_at,
            refresh_token: expose(&t.refresh_token),
            refresh_expires_at: t.refresh_expires_at,
            scopes: t.scopes.clone(),
            fingerprint: t.fingerprint.clone(),
            updated_at: t.updated_at,
        }
    }
}

impl From<Entry> for StoredTokens {
    fn from(e: Entry) -> Self {
        StoredTokens {
            access_token: e.access_token.map(SecretString::from),
            access_expires_at: e.access_expires_at,
            refresh_token: e.refresh_token.map(SecretString::from),
            refresh_expires_at: e.refresh_expires_at,
            scopes: e.scopes,
            fingerprint: e.fingerprint,
            updated_at: e.updated_at,
        }
    }
}
