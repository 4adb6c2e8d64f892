//! [`RedisStore`]: one connector's tokens shared by replicas on several machines.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use redis::Script;
use secrecy::SecretString;

use super::Connection;
use super::lease::{Lease, LeaseSettings};
use crate::Error;
use crate::store::{Entry, StoreFuture, StoreLock, StoredTokens, TokenStore};

/// Marks an entry this crate wrote, so an incompatible one is refused rather than misread.
const FORMAT: &str = "wxcc-auth/1";

/// Writes an entry for the lease holder: only while the lease is still its own (`-1`
/// otherwise) and the entry still at the version it read (`-2`; `ARGV[2]` empty skips that
/// check); returns the new version.
static SAVE_LOCKED: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local current = tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
if ARGV[2] ~= '' and current ~= tonumber(ARGV[2]) then return -2 end
redis.call('HSET', KEYS[2], 'version', current + 1, 'format', ARGV[3], 'tokens', ARGV[4])
return current + 1",
    )
});

/// Deletes an entry for the lease holder, with the checks of [`SAVE_LOCKED`].
static REMOVE_LOCKED: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local current = tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
if ARGV[2] ~= '' and current ~= tonumber(ARGV[2]) then return -2 end
redis.call('DEL', KEYS[2])
return 0",
    )
});

/// Writes an entry without a lease (a store used without locking), still bumping its version
/// so that a lease holder that read the old one cannot overwrite it.
static SAVE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'format', ARGV[1], 'tokens', ARGV[2])
return v",
    )
});

/// Tokens in Redis, shared by every replica that points at the same server and key prefix.
///
/// - [`TokenStore::lock`] takes a **lease**: a key set only if absent, with an expiry and a
///   random owner token, renewed every third of its length while held and released by a
///   compare-and-delete script when dropped. A replica killed while refreshing leaves a lease
///   that expires after [`lease`](RedisStoreBuilder::lease) (30 s by default); then another
///   takes over with the refresh token the dead one never spent.
/// - Writes are **versioned**: the holder's write succeeds only while the lease is still its
///   own and the entry still at the version it read, in one atomic script, so a replica whose
///   lease expired during a stall cannot overwrite newer tokens ([`Error::LeaseLost`]).
/// - Keys are `<prefix>:{<entry>}:tokens` (a hash: `version`, `format`, `tokens`) and
///   `<prefix>:{<entry>}:lease`, where the entry names the kind and name of the token source
///   (`connector/reporting`). The braces keep both keys of an entry in one Redis Cluster slot.
/// - Every command has a timeout ([`command_timeout`](RedisStoreBuilder::command_timeout),
///   2 s by default). An unreachable server gives [`Error::StoreUnavailable`]; token caches
///   keep serving a still-valid token meanwhile and try again after their backoff.
/// - TLS (`rediss://`, with the `redis-tls` feature) and credentials
///   (`redis://user:password@host`) come with the URL. No error, log line or `Debug` output
///   shows the password.
///
/// The tokens are stored as they are (as in [`FileStore`](crate::FileStore)): give the Redis
/// server a password or an ACL user, and TLS off the host. For tokens to survive a Redis
/// restart, run it with persistence (`appendonly yes`); without it a restart loses the refresh
/// token and the connector needs authorizing again.
///
/// When Redis fails *between* taking the lease and writing the refreshed tokens, the write is
/// tried again while the lease is held (for about a second and a half, and a write whose
/// answer was lost is recognised rather than refused). When Redis stays down longer, the
/// replica keeps the new tokens in memory and a background task writes them once Redis is
/// back: it tries after 2 s, then waits twice as long after each failure, never more than 30 s
/// (an entry written after the tokens were issued stands; the kept tokens are dropped). One
/// window is not covered: the lease is released meanwhile, so another replica that reaches
/// Redis before that task does and needs a refresh right then (its token is about to expire)
/// reads the previous entry. Where a refresh answers
/// with the same refresh token again (what a Cisco sample's log shows Webex doing; Cisco's
/// material does not settle it), this costs one extra refresh. Where refresh tokens are
/// rotated strictly, that replica spends a token that was already spent, and the grant has to
/// be authorized again.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use wxcc_auth::{Connector, RedisStore};
///
/// # fn main() -> Result<(), wxcc_auth::Error> {
/// let store = RedisStore::builder("redis://:s3cret@redis.internal:6379/0")
///     .key_prefix("routing-bot")
///     .lease(Duration::from_secs(30))
///     .build()?;
/// let connector = Connector::builder("routing", "client-id", "client-secret", "https://bot.example.com/cb")
///     .store(Arc::new(store))
///     .build()?;
/// # let _ = connector; Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    connection: Arc<Connection>,
    prefix: String,
    leases: LeaseSettings,
    /// One turn at a time per entry within this process.
    local: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Settings of a [`RedisStore`].
#[must_use]
pub struct RedisStoreBuilder {
    url: SecretString,
    prefix: String,
    lease: Duration,
    lock_wait: Duration,
    command_timeout: Duration,
}

impl RedisStoreBuilder {
    /// Prepends `prefix` to every key (default `wxcc-auth`): one per application, so that two
    /// bots on one Redis never share tokens by accident.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long a lease lasts without renewal (default 30 s, at least 1 s): how long a crashed
    /// replica blocks the others. It must be longer than the pauses a healthy process may have.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How long [`TokenStore::lock`] waits for a lease another replica holds (default 60 s).
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// The time allowed for one Redis command, connecting included (default 2 s).
    pub fn command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }

    /// The store. Nothing is connected until first use, so a Redis server that is down at
    /// start-up delays the first token, not the start.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a URL that is not a Redis URL, a `rediss://` URL without the
    /// `redis-tls` feature, or a lease shorter than a second.
    pub fn build(self) -> Result<RedisStore, Error> {
        if self.lease < Duration::from_secs(1) {
            return Err(Error::Config(format!(
                "a Redis lease of {:?} is too short to be renewed in time; use at least 1 s",
                self.lease
            )));
        }
        let connection = Connection::open(&self.url, self.command_timeout)?;
        Ok(RedisStore {
            inner: Arc::new(Inner {
                connection: Arc::new(connection),
                prefix: self.prefix,
                leases: LeaseSettings {
                    lease: self.lease,
                    wait: self.lock_wait,
                },
                local: Mutex::default(),
            }),
        })
    }
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            .field("url", &"[REDACTED]")
            .field("prefix", &self.prefix)
            .field("lease", &self.lease)
            .field("lock_wait", &self.lock_wait)
            .field("command_timeout", &self.command_timeout)
            .finish()
    }
}

impl RedisStore {
    /// A store on the server at `url` with the default settings.
    ///
    /// # Errors
    ///
    /// As [`RedisStoreBuilder::build`].
    pub fn new(url: impl Into<String>) -> Result<Self, Error> {
        Self::builder(url).build()
    }

    /// Settings for a store on the server at `url` (`redis://[user:password@]host[:port][/db]`,
    /// or `rediss://` for TLS with the `redis-tls` feature).
    pub fn builder(url: impl Into<String>) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: SecretString::from(url.into()),
            prefix: "wxcc-auth".into(),
            lease: Duration::from_secs(30),
            lock_wait: Duration::from_secs(60),
            command_timeout: Duration::from_secs(2),
        }
    }

    fn tokens_key(&self, key: &str) -> String {
        format!("{}:{{{key}}}:tokens", self.inner.prefix)
    }

    fn lease_key(&self, key: &str) -> String {
        format!("{}:{{{key}}}:lease", self.inner.prefix)
    }

    fn connection(&self) -> &Connection {
        &self.inner.connection
    }

    /// The version and tokens of an entry, as stored.
    async fn read(&self, key: &str) -> Result<(i64, Option<StoredTokens>), Error> {
        let redis_key = self.tokens_key(key);
        let (version, format, tokens): (Option<i64>, Option<String>, Option<String>) = self
            .connection()
            .run("reading tokens", |mut c| async move {
                redis::cmd("HMGET")
                    .arg(&redis_key)
                    .arg("version")
                    .arg("format")
                    .arg("tokens")
                    .query_async(&mut c)
                    .await
            })
            .await?;
        let version = version.unwrap_or(0);
        let Some(tokens) = tokens else {
            return Ok((version, None));
        };
        let corrupt = |reason: String| Error::Store {
            path: None,
            message: format!(
                "entry `{key}` on {} {reason}; it was left untouched (delete it, or use another key prefix)",
                self.connection().display()
            ),
        };
        if format.as_deref() != Some(FORMAT) {
            return Err(corrupt(format!(
                "has format {:?}, not {FORMAT:?}: another version of wxcc-auth wrote it",
                format.unwrap_or_default()
            )));
        }
        // The error says where decoding stopped, never the text (it holds tokens).
        let entry: Entry = serde_json::from_str(&tokens).map_err(|e| {
            corrupt(format!(
                "is not readable (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        Ok((version, Some(StoredTokens::from(entry))))
    }

    fn encode(&self, tokens: &StoredTokens) -> Result<String, Error> {
        serde_json::to_string(&Entry::from(tokens)).map_err(|e| Error::Store {
            path: None,
            message: format!("cannot encode tokens: {e}"),
        })
    }

    /// The lease of `lock`, when it is one of this store's for `key`.
    fn lease<'l>(&self, key: &str, lock: &'l StoreLock) -> Option<&'l Lease> {
        lock.guard::<Lease>()
            .filter(|lease| lease.lease_key == self.lease_key(key))
    }

    /// Runs a checked write script for the holder of `lease`, and reads its verdict.
    async fn checked(
        &self,
        key: &str,
        lease: &Lease,
        script: &'static Script,
        values: Vec<String>,
    ) -> Result<i64, Error> {
        let lost = |reason: &str| Error::LeaseLost {
            key: key.to_owned(),
            reason: reason.to_owned(),
        };
        if lease.is_lost() {
            return Err(lost("it expired or passed to another holder while held"));
        }
        let expected = lease.version().map(|v| v.to_string()).unwrap_or_default();
        let (lease_key, tokens_key, owner) = (
            lease.lease_key.clone(),
            self.tokens_key(key),
            lease.owner.clone(),
        );
        let verdict: i64 = self
            .connection()
            .run("writing tokens", |mut c| async move {
                let mut invocation = script.key(lease_key);
                invocation.key(tokens_key).arg(owner).arg(expected);
                for value in values {
                    invocation.arg(value);
                }
                invocation.invoke_async(&mut c).await
            })
            .await?;
        match verdict {
            -1 => Err(lost("another holder has it now")),
            -2 => Err(lost(
                "the entry changed since this holder read it (another replica wrote it)",
            )),
            version => Ok(version),
        }
    }
}

impl TokenStore for RedisStore {
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredTokens>> {
        Box::pin(async move { Ok(self.read(key).await?.1) })
    }

    fn save<'a>(&'a self, key: &'a str, tokens: StoredTokens) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let encoded = self.encode(&tokens)?;
            let redis_key = self.tokens_key(key);
            let _: i64 = self
                .connection()
                .run("writing tokens", |mut c| async move {
                    SAVE.key(redis_key)
                        .arg(FORMAT)
                        .arg(encoded)
                        .invoke_async(&mut c)
                        .await
                })
                .await?;
            Ok(())
        })
    }

    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let redis_key = self.tokens_key(key);
            let _: i64 = self
                .connection()
                .run("deleting tokens", |mut c| async move {
                    redis::cmd("DEL").arg(redis_key).query_async(&mut c).await
                })
                .await?;
            Ok(())
        })
    }

    fn lock<'a>(&'a self, key: &'a str) -> StoreFuture<'a, StoreLock> {
        Box::pin(async move {
            let turn = Arc::clone(
                self.inner
                    .local
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .entry(key.to_owned())
                    .or_default(),
            );
            let local = turn.lock_owned().await;
            let lease = Lease::acquire(
                Arc::clone(&self.inner.connection),
                self.lease_key(key),
                self.inner.leases,
                local,
            )
            .await?;
            Ok(StoreLock::new(lease))
        })
    }

    fn load_locked<'a>(
        &'a self,
        key: &'a str,
        lock: &'a StoreLock,
    ) -> StoreFuture<'a, Option<StoredTokens>> {
        Box::pin(async move {
            let (version, tokens) = self.read(key).await?;
            if let Some(lease) = self.lease(key, lock) {
                lease.set_version(version);
            }
            Ok(tokens)
        })
    }

    fn save_locked<'a>(
        &'a self,
        key: &'a str,
        tokens: StoredTokens,
        lock: &'a StoreLock,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let Some(lease) = self.lease(key, lock) else {
                // Not one of this store's leases (a caller's own lock): an ordinary write.
                return self.save(key, tokens).await;
            };
            let encoded = self.encode(&tokens)?;
            let version = self
                .checked(key, lease, &SAVE_LOCKED, vec![FORMAT.into(), encoded])
                .await?;
            lease.set_version(version);
            Ok(())
        })
    }

    fn remove_locked<'a>(&'a self, key: &'a str, lock: &'a StoreLock) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let Some(lease) = self.lease(key, lock) else {
                return self.remove(key).await;
            };
            self.checked(key, lease, &REMOVE_LOCKED, Vec::new()).await?;
            lease.set_version(0);
            Ok(())
        })
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("server", &self.inner.connection.display())
            .field("prefix", &self.inner.prefix)
            .field("lease", &self.inner.leases.lease)
            .field("command_timeout", &self.inner.connection.timeout())
            .finish()
    }
}
