//! Leases: exclusive access to one store entry across replicas, held by a random owner token
//! under a key that expires, renewed while its holder works and released by compare-and-delete.
//!
//! A lease is the Redis form of a lock that can be lost: a holder that stalls longer than the
//! lease (a long GC-like pause, a partition) finds on its next write that someone else holds it,
//! and the write is refused ([`Error::LeaseLost`]). The write scripts in `store.rs` check the
//! owner token and the entry's version in one atomic step.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use redis::Script;

use super::Connection;
use crate::Error;
use crate::backoff::random_fraction;

/// Takes the lease if nobody holds it: `SET key owner NX PX ms`.
static ACQUIRE: LazyLock<Script> = LazyLock::new(|| {
    Script::new("return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0")
});

/// Extends the lease if it is still ours.
static RENEW: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0",
    )
});

/// Deletes the lease if it is still ours (never someone else's that took over after expiry).
static RELEASE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0",
    )
});

/// How a store takes and keeps leases.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LeaseSettings {
    /// How long a lease lasts without renewal.
    pub lease: Duration,
    /// How long to wait for a lease another holder has.
    pub wait: Duration,
}

/// A held lease: the guard inside the [`StoreLock`](crate::StoreLock) a
/// [`RedisStore`](super::RedisStore) hands out.
pub(crate) struct Lease {
    connection: Arc<Connection>,
    pub(crate) lease_key: String,
    pub(crate) owner: String,
    /// The entry's version as read under this lease; `None` before the first read.
    pub(crate) version: Mutex<Option<i64>>,
    /// Set by the renewal task when the lease is found taken over or could not be renewed in
    /// time: writes fail at once instead of asking Redis.
    pub(crate) lost: Arc<AtomicBool>,
    renewal: tokio::task::JoinHandle<()>,
    /// Holders of one process take turns here rather than polling Redis against each other.
    _local: tokio::sync::OwnedMutexGuard<()>,
}

impl Lease {
    /// Waits for the lease on `lease_key` (polling with a growing, jittered pause) for up to
    /// `settings.wait`, then keeps it renewed until dropped.
    pub(crate) async fn acquire(
        connection: Arc<Connection>,
        lease_key: String,
        settings: LeaseSettings,
        local: tokio::sync::OwnedMutexGuard<()>,
    ) -> Result<Self, Error> {
        // 128 bits of OS randomness: no other holder can guess or repeat it.
        let owner = crate::oauth::random_text(16)?;
        let millis = settings.lease.as_millis().max(1) as u64;
        let started = tokio::time::Instant::now();
        let mut pause = Duration::from_millis(5);
        loop {
            let acquired: i64 = connection
                .run("taking the lease", |mut c| {
                    let (key, owner) = (lease_key.clone(), owner.clone());
                    async move {
                        ACQUIRE
                            .key(key)
                            .arg(owner)
                            .arg(millis)
                            .invoke_async(&mut c)
                            .await
                    }
                })
                .await?;
            if acquired == 1 {
                break;
            }
            if started.elapsed() >= settings.wait {
                return Err(connection.unavailable(format!(
                    "the lease `{lease_key}` stayed with another holder for more than {:?}",
                    settings.wait
                )));
            }
            // Jitter: replicas that found the lease taken at once do not all ask again at once.
            tokio::time::sleep(pause.mul_f64(0.5 + random_fraction())).await;
            pause = (pause * 2).min(Duration::from_millis(200));
        }
        let lost = Arc::new(AtomicBool::new(false));
        let renewal = tokio::spawn(renew(
            Arc::clone(&connection),
            lease_key.clone(),
            owner.clone(),
            settings.lease,
            Arc::clone(&lost),
        ));
        tracing::debug!(lease = %lease_key, "lease taken");
        Ok(Self {
            connection,
            lease_key,
            owner,
            version: Mutex::new(None),
            lost,
            renewal,
            _local: local,
        })
    }

    /// The version read under this lease, if any.
    pub(crate) fn version(&self) -> Option<i64> {
        *self
            .version
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records the version read or written under this lease.
    pub(crate) fn set_version(&self, version: i64) {
        *self
            .version
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(version);
    }

    /// Whether the renewal task found the lease gone.
    pub(crate) fn is_lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }
}

/// Extends the lease every third of its length. Gives up (and marks it lost) when the lease is
/// found with another owner, or when no renewal succeeded for a whole lease length (Redis was
/// unreachable: the lease may have expired there and been taken).
async fn renew(
    connection: Arc<Connection>,
    key: String,
    owner: String,
    lease: Duration,
    lost: Arc<AtomicBool>,
) {
    let millis = lease.as_millis().max(1) as u64;
    let mut last_renewed = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(lease / 3).await;
        let renewed: Result<i64, Error> = connection
            .run("renewing the lease", |mut c| {
                let (key, owner) = (key.clone(), owner.clone());
                async move {
                    RENEW
                        .key(key)
                        .arg(owner)
                        .arg(millis)
                        .invoke_async(&mut c)
                        .await
                }
            })
            .await;
        match renewed {
            Ok(1) => last_renewed = tokio::time::Instant::now(),
            Ok(_) => {
                tracing::warn!(lease = %key, "the lease passed to another holder while held");
                lost.store(true, Ordering::SeqCst);
                return;
            }
            Err(error) => {
                tracing::debug!(lease = %key, %error, "could not renew the lease; trying again");
                if last_renewed.elapsed() >= lease {
                    tracing::warn!(lease = %key, "the lease could not be renewed for its whole length; treating it as lost");
                    lost.store(true, Ordering::SeqCst);
                    return;
                }
            }
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.renewal.abort();
        // Dropping cannot wait; release in the background. Without a runtime (or if the release
        // fails) the lease simply expires, which only delays the next holder.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (connection, key, owner) = (
            Arc::clone(&self.connection),
            self.lease_key.clone(),
            self.owner.clone(),
        );
        runtime.spawn(async move {
            let released: Result<i64, Error> = connection
                .run("releasing the lease", |mut c| {
                    let key = key.clone();
                    async move {
                        RELEASE
                            .key(key)
                            .arg(owner)
                            .invoke_async(&mut c)
                            .await
                    }
                })
                .await;
            if let Err(error) = released {
                tracing::debug!(lease = %key, %error, "could not release the lease; it expires by itself");
            }
        });
    }
}
