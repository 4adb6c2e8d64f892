//! [`RedisRateLimiter`]: one rate limit for every replica of a bot, kept in Redis.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use redis::Script;
use secrecy::SecretString;

use super::Connection;
use crate::Error;
use crate::runtime::{LimitFuture, RateLimit, RateLimiter};

/// GCRA in one atomic step on Redis's own clock (so replicas' clocks need not agree): the key
/// holds the theoretical arrival time (TAT) in microseconds. A slot is free when
/// `TAT - tolerance <= now`; taking it moves the TAT one interval on. Answers 0 for a slot
/// taken, or the microseconds until one is free (nothing taken).
static GCRA: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
if tat - tolerance > now then return math.ceil(tat - tolerance - now) end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return 0",
    )
});

/// A rate limit shared by every process that uses the same Redis server and key: N replicas
/// of a bot together stay under the one limit WxCC applies to their client id.
///
/// The limit is the same GCRA as [`RateLimiter`]'s (a burst, then evenly spread slots),
/// computed by a script on Redis's clock. A waiting caller asks again when its slot is due,
/// with a little jitter. When Redis cannot be reached, each process falls back to a local
/// [`RateLimiter`] (by default the full limit, which N replicas together may exceed during
/// the outage; pass a share of it with [`fallback`](RedisRateLimiterBuilder::fallback)) and
/// the retry stage still waits out any `429`.
///
/// ```no_run
/// use std::num::NonZeroU32;
/// use std::sync::Arc;
/// use wxcc_auth::RedisRateLimiter;
///
/// # fn main() -> Result<(), wxcc_auth::Error> {
/// let limit = RedisRateLimiter::builder("redis://redis.internal:6379", "my-integration-client-id")
///     .per_minute(NonZeroU32::new(300).unwrap())
///     .build()?;
/// // wxcc_sdk::Client::builder().rate_limit(Some(Arc::new(limit))) ...
/// # let _ = Arc::new(limit); Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisRateLimiter {
    inner: Arc<Inner>,
}

struct Inner {
    connection: Connection,
    key: String,
    per_minute: NonZeroU32,
    interval_micros: u64,
    tolerance_micros: u64,
    fallback: RateLimiter,
    /// Whether the last attempt to reach Redis failed (to log an outage once, not per call).
    degraded: AtomicBool,
}

/// Settings of a [`RedisRateLimiter`].
#[must_use]
pub struct RedisRateLimiterBuilder {
    url: SecretString,
    name: String,
    prefix: String,
    per_minute: NonZeroU32,
    burst: Option<NonZeroU32>,
    command_timeout: Duration,
    fallback: Option<RateLimiter>,
}

impl RedisRateLimiterBuilder {
    /// Calls a minute for all replicas together (default 300, WxCC's default per client id).
    pub fn per_minute(mut self, count: NonZeroU32) -> Self {
        self.per_minute = count;
        self
    }

    /// At most this many at once (default: the per-minute count).
    pub fn burst(mut self, burst: NonZeroU32) -> Self {
        self.burst = Some(burst);
        self
    }

    /// Prepends `prefix` to the key (default `wxcc-auth`).
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The time allowed for one Redis command (default 500 ms: a slow limiter must not slow
    /// every call).
    pub fn command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }

    /// The limit each process applies alone while Redis is unreachable (default: the full
    /// limit).
    pub fn fallback(mut self, fallback: RateLimiter) -> Self {
        self.fallback = Some(fallback);
        self
    }

    /// The limiter. Nothing is connected until the first call.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a URL that is not a Redis URL.
    pub fn build(self) -> Result<RedisRateLimiter, Error> {
        let burst = self.burst.unwrap_or(self.per_minute);
        let interval_micros = 60_000_000 / u64::from(self.per_minute.get());
        Ok(RedisRateLimiter {
            inner: Arc::new(Inner {
                connection: Connection::open(&self.url, self.command_timeout)?,
                key: format!("{}:rate:{{{}}}", self.prefix, self.name),
                per_minute: self.per_minute,
                interval_micros,
                tolerance_micros: interval_micros * u64::from(burst.get() - 1),
                fallback: self
                    .fallback
                    .unwrap_or_else(|| RateLimiter::with_burst(self.per_minute, burst)),
                degraded: AtomicBool::new(false),
            }),
        })
    }
}

impl fmt::Debug for RedisRateLimiterBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRateLimiterBuilder")
            .field("url", &"[REDACTED]")
            .field("name", &self.name)
            .field("per_minute", &self.per_minute)
            .field("burst", &self.burst)
            .finish_non_exhaustive()
    }
}

impl RedisRateLimiter {
    /// Settings for a limit named `name` (the client id it stands for is a good name) on the
    /// Redis server at `url`.
    pub fn builder(url: impl Into<String>, name: impl Into<String>) -> RedisRateLimiterBuilder {
        RedisRateLimiterBuilder {
            url: SecretString::from(url.into()),
            name: name.into(),
            prefix: "wxcc-auth".into(),
            per_minute: NonZeroU32::new(300).unwrap_or(NonZeroU32::MIN),
            burst: None,
            command_timeout: Duration::from_millis(500),
            fallback: None,
        }
    }

    /// Calls allowed per minute, all replicas together.
    pub fn per_minute_count(&self) -> u32 {
        self.inner.per_minute.get()
    }

    /// Takes a slot if one is free now; otherwise says how long until one is.
    ///
    /// # Errors
    ///
    /// [`Error::StoreUnavailable`] when Redis cannot be reached in time.
    pub async fn try_acquire(&self) -> Result<Result<(), Duration>, Error> {
        let inner = &*self.inner;
        let key = inner.key.clone();
        let (interval, tolerance) = (inner.interval_micros, inner.tolerance_micros);
        let wait: i64 = inner
            .connection
            .run("taking a rate-limit slot", |mut c| async move {
                GCRA.key(key)
                    .arg(interval)
                    .arg(tolerance)
                    .invoke_async(&mut c)
                    .await
            })
            .await?;
        Ok(match u64::try_from(wait) {
            Ok(0) | Err(_) => Ok(()),
            Ok(micros) => Err(Duration::from_micros(micros)),
        })
    }
}

impl RateLimit for RedisRateLimiter {
    fn acquire(&self, max_wait: Option<Duration>) -> LimitFuture<'_> {
        Box::pin(async move {
            let inner = &*self.inner;
            let started = tokio::time::Instant::now();
            loop {
                let wait = match self.try_acquire().await {
                    Ok(Ok(())) => {
                        if inner.degraded.swap(false, Ordering::SeqCst) {
                            tracing::info!(limiter = %inner.key, "shared rate limit reachable again");
                        }
                        return Ok(());
                    }
                    Ok(Err(wait)) => wait,
                    Err(error) => {
                        if !inner.degraded.swap(true, Ordering::SeqCst) {
                            tracing::warn!(limiter = %inner.key, %error, "shared rate limit unreachable; limiting this process alone");
                        }
                        let left = max_wait.map(|max| max.saturating_sub(started.elapsed()));
                        return inner.fallback.acquire(left).await;
                    }
                };
                if let Some(max) = max_wait
                    && started.elapsed() + wait > max
                {
                    return Err(wait);
                }
                // Up to 10 % later than due, so that replicas waiting for the same slot do not
                // all ask at the same instant.
                let jitter = wait.mul_f64(crate::backoff::random_fraction() / 10.0);
                tokio::time::sleep(wait + jitter).await;
            }
        })
    }
}

impl fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("server", &self.inner.connection.display())
            .field("key", &self.inner.key)
            .field("per_minute", &self.inner.per_minute)
            .finish()
    }
}
