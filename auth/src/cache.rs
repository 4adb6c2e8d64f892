//! A token cache in front of any way of fetching tokens: one fetch in flight, refresh ahead of
//! expiry with jitter, backoff after failures, and an injectable clock.

use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, RwLock};
use std::task::Poll;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use secrecy::{ExposeSecret, SecretString};

use crate::backoff::{random_fraction, scale};
use crate::{AccessLevel, AccessToken, Clock, Error, SystemClock, TokenFuture, TokenSource};

/// Why the cache asks for a new token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchCause {
    /// The cache holds nothing yet. A fetcher may answer with a persisted token that is still
    /// good.
    Initial,
    /// The current token is about to expire.
    Expiring,
    /// The current token has expired.
    Expired,
    /// The server rejected the current token (`401`). A fetcher must not hand it out again.
    Rejected,
}

/// What the cache passes to a [`TokenFetcher`].
#[derive(Clone, Debug)]
pub struct FetchRequest {
    /// Why a token is needed.
    pub cause: FetchCause,
    /// The token the cache holds (or held, if it was rejected), if any.
    pub previous: Option<AccessToken>,
}

/// Gets a fresh token from somewhere: an OAuth endpoint, your own token server, a file.
///
/// Put a [`TokenCache`] in front of it to get a [`TokenSource`]. The cache calls
/// [`fetch`](TokenFetcher::fetch) only when it needs a token, and never twice at once.
///
/// ```
/// use wxcc_auth::{AccessToken, FetchRequest, TokenCache, TokenFetcher, TokenFuture};
///
/// #[derive(Debug)]
/// struct MyTokenServer;
///
/// impl TokenFetcher for MyTokenServer {
///     fn name(&self) -> &str { "my-token-server" }
///     fn fetch(&self, _request: FetchRequest) -> TokenFuture<'_> {
///         Box::pin(async { Ok(AccessToken::new("from-my-server")) })
///     }
/// }
///
/// let source = TokenCache::new(MyTokenServer);
/// ```
pub trait TokenFetcher: fmt::Debug + Send + Sync + 'static {
    /// A short name for logs and errors.
    fn name(&self) -> &str;

    /// Gets a new token.
    fn fetch(&self, request: FetchRequest) -> TokenFuture<'_>;

    /// What the tokens may be used for.
    fn access_level(&self) -> AccessLevel {
        AccessLevel::ReadWrite
    }
}

/// How a [`TokenCache`] times refreshes.
#[derive(Clone, Debug)]
pub struct CacheSettings {
    /// Refresh this long before a token expires.
    pub refresh_before: Duration,
    /// Up to this share of `refresh_before` is added at random, so that processes sharing one
    /// expiry do not all refresh at the same instant. Between 0 and 1: larger values count as 1,
    /// negative values and NaN as 0.
    pub jitter: f64,
    /// Give up on one fetch after this long.
    pub fetch_timeout: Duration,
    /// Wait this long after the first failed fetch before trying again; doubles each time.
    pub initial_backoff: Duration,
    /// The longest wait between failed fetches.
    pub max_backoff: Duration,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            refresh_before: Duration::from_secs(5 * 60),
            jitter: 0.5,
            fetch_timeout: Duration::from_secs(30),
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
        }
    }
}

/// A [`TokenSource`] that caches the tokens of a [`TokenFetcher`].
///
/// - While a token is valid and not close to expiry, every caller gets it under a read lock.
/// - When it nears expiry, is rejected, or is missing, exactly one fetch runs; every caller
///   that arrived meanwhile waits for it and gets its result, token or error.
/// - When a fetch fails while the old token is still valid, callers keep getting the old token
///   and the fetch is retried with exponential backoff. When there is no valid token, callers
///   get the failure at once until the backoff has passed: no retry storm against the token
///   endpoint. Every failure backs off, transient or not; a refusal of the credentials is not
///   served the old token meanwhile.
/// - A rejected token ([`TokenSource::invalidate`]) is replaced at once, and so is its
///   replacement; from the third token in a row rejected early in its life the same backoff
///   applies, and the rejected token is kept (so callers get the server's `401`) until it has
///   passed. A token rejected in the second half of its life counts as expired in flight (a
///   slow request, a clock ahead of the server's), not as one more bad token: it is always
///   replaced at once.
/// - A fetch that panics fails the callers waiting for it with [`Error::FetcherPanicked`]; the
///   cache stays usable.
/// - A token set or cleared while a fetch runs wins over that fetch's result.
///
/// Cloning is cheap and clones share the cache.
pub struct TokenCache<F> {
    inner: Arc<Inner<F>>,
}

impl<F> Clone for TokenCache<F> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

struct Inner<F> {
    fetcher: F,
    clock: Arc<dyn Clock>,
    settings: CacheSettings,
    state: RwLock<State>,
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    /// Set when the current token was rejected; the next fetch says so.
    rejected: Option<AccessToken>,
    /// Completed fetches, successful or not.
    epoch: u64,
    /// Tokens installed or dropped from outside (`set`, `clear`). A fetch that started before
    /// one of those has its result dropped: it was made with what was true before (old
    /// credentials, a removed authorization) and must not replace what came after.
    installs: u64,
    last_error: Option<Error>,
    failures: u32,
    retry_not_before: Option<DateTime<Utc>>,
    /// Tokens rejected in a row, each fetched to replace the one before; reset by a token
    /// that lives to its refresh time or is rejected late in its life, or by `set`.
    rejections: u32,
}

/// From this many rejected tokens in a row, the next fetch waits a backoff. The first
/// rejection of a token that worked is refreshed at once (it expired or was revoked early),
/// and so is the second (a concurrent refresh elsewhere may have revoked its replacement);
/// past that the server rejects every token (a missing scope, a wrong organization), and a
/// fetch per request would only add a token call to each.
const REJECTIONS_BEFORE_BACKOFF: u32 = 3;

/// How one look at the cache ended.
enum Attempt {
    Done(Result<AccessToken, Error>),
    /// A fetch ran, and a token was installed or dropped from outside meanwhile.
    Superseded(Result<AccessToken, Error>),
}

struct Cached {
    token: AccessToken,
    /// When the cache took the token in.
    cached_at: DateTime<Utc>,
    refresh_at: Option<DateTime<Utc>>,
    /// Its rejection started a backoff: the next rejection after the backoff drops it.
    backed_off: bool,
}

impl Cached {
    fn valid_at(&self, now: DateTime<Utc>) -> bool {
        self.token.expires_at().is_none_or(|at| now < at)
    }

    fn fresh_at(&self, now: DateTime<Utc>) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }

    /// Whether `now` is in the second half of the token's life as the cache saw it. A token
    /// the server refuses that late most likely expired on its way (the request queued for
    /// seconds, or the server's clock runs ahead); a token refused at its first use is the
    /// case the rejection backoff is for (a missing scope, another organization). Tokens
    /// without an expiry, or already expired when they came in (a fetcher's clock far off),
    /// are never late: they keep counting toward the backoff.
    fn late_at(&self, now: DateTime<Utc>) -> bool {
        self.token.expires_at().is_some_and(|expires_at| {
            if expires_at <= self.cached_at {
                return false;
            }
            let half = (expires_at - self.cached_at) / 2;
            self.cached_at
                .checked_add_signed(half)
                .is_some_and(|middle| now >= middle)
        })
    }
}

impl<F: TokenFetcher> TokenCache<F> {
    /// A cache with default settings and the system clock.
    pub fn new(fetcher: F) -> Self {
        Self::with_settings(fetcher, CacheSettings::default(), Arc::new(SystemClock))
    }

    /// A cache with the given settings and clock.
    pub fn with_settings(fetcher: F, settings: CacheSettings, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner: Arc::new(Inner {
                fetcher,
                clock,
                settings,
                state: RwLock::new(State::default()),
                fetching: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The fetcher behind the cache.
    pub fn fetcher(&self) -> &F {
        &self.inner.fetcher
    }

    /// The clock the cache reads.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Installs a token obtained outside the cache (after an authorize step, say) and forgets
    /// earlier failures.
    pub fn set(&self, token: AccessToken) {
        let now = self.inner.clock.now();
        let cached = self.cached(token, now);
        let mut state = write(&self.inner.state);
        state.current = Some(cached);
        state.rejected = None;
        state.last_error = None;
        state.failures = 0;
        state.retry_not_before = None;
        state.rejections = 0;
        state.epoch += 1;
        state.installs += 1;
    }

    /// Drops the cached token and any backoff, so the next call fetches.
    pub fn clear(&self) {
        let mut state = write(&self.inner.state);
        state.current = None;
        state.last_error = None;
        state.failures = 0;
        state.retry_not_before = None;
        state.rejections = 0;
        state.installs += 1;
    }

    /// A valid token: the cached one, or a fresh one from the fetcher.
    ///
    /// # Errors
    ///
    /// The fetcher's error, or [`Error::Timeout`] when it takes longer than the fetch timeout.
    pub async fn get(&self) -> Result<AccessToken, Error> {
        // A token installed from outside while a fetch ran supersedes the fetch: look again.
        // Bounded, so that a caller racing endless installs still gets an answer.
        let mut superseded = 0;
        loop {
            match self.get_once().await {
                Attempt::Done(result) => return result,
                Attempt::Superseded(result) => {
                    superseded += 1;
                    if superseded >= 3 {
                        return result;
                    }
                }
            }
        }
    }

    async fn get_once(&self) -> Attempt {
        use Attempt::Done;
        let inner = &self.inner;
        let observed = {
            let now = inner.clock.now();
            let state = read(&inner.state);
            if let Some(token) = state.fresh(now) {
                return Done(Ok(token));
            }
            if let Some(answer) = state.during_backoff(now) {
                return Done(answer);
            }
            state.epoch
        };

        let _fetching = inner.fetching.lock().await;
        let now = inner.clock.now();
        let (request, installs) = {
            let state = read(&inner.state);
            if state.epoch != observed {
                // A fetch finished while this caller waited: share its outcome.
                if let Some(cached) = state.current.as_ref().filter(|c| c.valid_at(now)) {
                    return Done(Ok(cached.token.clone()));
                }
                if let Some(error) = &state.last_error {
                    return Done(Err(error.clone()));
                }
            }
            if let Some(token) = state.fresh(now) {
                return Done(Ok(token));
            }
            let (cause, previous) = match (&state.current, &state.rejected) {
                (Some(c), _) if c.valid_at(now) => (FetchCause::Expiring, Some(c.token.clone())),
                (Some(c), _) => (FetchCause::Expired, Some(c.token.clone())),
                (None, Some(rejected)) => (FetchCause::Rejected, Some(rejected.clone())),
                (None, None) => (FetchCause::Initial, None),
            };
            (FetchRequest { cause, previous }, state.installs)
        };
        let cause = request.cause;

        tracing::debug!(source = inner.fetcher.name(), cause = ?request.cause, "fetching a token");
        let timeout = inner.settings.fetch_timeout;
        let result = match tokio::time::timeout(timeout, unwind_safe(&inner.fetcher, request)).await
        {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                source_name: inner.fetcher.name().to_owned(),
                after: timeout,
            }),
        };

        let now = inner.clock.now();
        let mut state = write(&inner.state);
        if state.installs != installs {
            tracing::debug!(
                source = inner.fetcher.name(),
                "a token was installed or dropped while fetching; the fetched result is dropped"
            );
            return Attempt::Superseded(result);
        }
        state.epoch += 1;
        Done(match result {
            Ok(token) => {
                state.current = Some(self.cached(token.clone(), now));
                state.rejected = None;
                state.last_error = None;
                // A token fetched because the last one was rejected has not proven itself yet:
                // if it is rejected too, the count of rejections and the backoff go on.
                if cause != FetchCause::Rejected {
                    state.failures = 0;
                    state.rejections = 0;
                }
                state.retry_not_before = None;
                tracing::debug!(source = inner.fetcher.name(), expires_at = ?token.expires_at(), "token fetched");
                Ok(token)
            }
            Err(error) => {
                tracing::warn!(source = inner.fetcher.name(), %error, "token fetch failed");
                state.last_error = Some(error.clone());
                // Every failure backs off, transient or not: an endpoint that keeps refusing
                // (or a fetcher that keeps failing) gets one call per backoff, not one per
                // request. Setting a token, clearing the cache or re-authorizing ends it.
                state.back_off(&inner.settings, now);
                if error.is_transient()
                    && let Some(cached) = state.current.as_ref().filter(|c| c.valid_at(now))
                {
                    return Done(Ok(cached.token.clone()));
                }
                Err(error)
            }
        })
    }

    fn cached(&self, token: AccessToken, now: DateTime<Utc>) -> Cached {
        let settings = &self.inner.settings;
        let refresh_at = token.expires_at().map(|expires_at| {
            let lifetime = (expires_at - now).to_std().unwrap_or_default();
            // Never plan to refresh more than half a lifetime early: short-lived tokens (as in
            // tests and sandboxes) would otherwise be refreshed on every call.
            let lead = settings.refresh_before.min(lifetime / 2);
            let share = if settings.jitter.is_nan() {
                0.0
            } else {
                settings.jitter.clamp(0.0, 1.0)
            };
            let jitter = scale(lead, share * random_fraction());
            let lead =
                TimeDelta::from_std(lead.saturating_add(jitter)).unwrap_or(TimeDelta::zero());
            expires_at - lead.min(TimeDelta::from_std(lifetime).unwrap_or(TimeDelta::zero()))
        });
        Cached {
            token,
            cached_at: now,
            refresh_at,
            backed_off: false,
        }
    }
}

/// Runs one fetch, turning a panic in the fetcher into an error. Every caller waiting for this
/// fetch shares its outcome, so a panic that unwound through here would fail them all one after
/// another, each starting a fetch of its own that panics again; as an error it is shared once
/// and backed off like any failure.
async fn unwind_safe<F: TokenFetcher>(
    fetcher: &F,
    request: FetchRequest,
) -> Result<AccessToken, Error> {
    let panicked = || {
        // The payload is not logged: it is the fetcher's text and could hold anything.
        tracing::error!(source = fetcher.name(), "the token fetcher panicked");
        Error::FetcherPanicked {
            source_name: fetcher.name().to_owned(),
        }
    };
    let mut future = match std::panic::catch_unwind(AssertUnwindSafe(|| fetcher.fetch(request))) {
        Ok(future) => future,
        Err(_) => return Err(panicked()),
    };
    // The cache's state is only written after the fetch returns, so a panic inside it cannot
    // leave the state half-updated: asserting unwind safety is sound here.
    std::future::poll_fn(|cx| {
        match std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(_) => Poll::Ready(Err(panicked())),
        }
    })
    .await
}

impl State {
    /// The current token, unless it is due for a refresh.
    fn fresh(&self, now: DateTime<Utc>) -> Option<AccessToken> {
        self.current
            .as_ref()
            .filter(|c| c.fresh_at(now) && c.valid_at(now))
            .map(|c| c.token.clone())
    }

    /// While backing off after a failed fetch or repeated rejections: the still-valid token
    /// (unless the failure was not transient, such as a refusal of the credentials), or the
    /// failure.
    fn during_backoff(&self, now: DateTime<Utc>) -> Option<Result<AccessToken, Error>> {
        let until = self.retry_not_before?;
        if now >= until {
            return None;
        }
        let serve = self.last_error.as_ref().is_none_or(Error::is_transient);
        if serve && let Some(cached) = self.current.as_ref().filter(|c| c.valid_at(now)) {
            return Some(Ok(cached.token.clone()));
        }
        self.last_error.clone().map(Err)
    }

    /// Counts one more failure and waits the backoff for it before the next fetch.
    fn back_off(&mut self, settings: &CacheSettings, now: DateTime<Utc>) {
        self.failures = self.failures.saturating_add(1);
        let wait = backoff(settings, self.failures);
        self.retry_not_before = TimeDelta::from_std(wait)
            .ok()
            .and_then(|d| now.checked_add_signed(d));
    }
}

fn backoff(settings: &CacheSettings, failures: u32) -> Duration {
    crate::backoff::jittered(settings.initial_backoff, settings.max_backoff, failures)
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    // A panic while holding the lock cannot leave the state half-updated (every update is a
    // few field writes), so a poisoned lock is still safe to use.
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<F: TokenFetcher> TokenSource for TokenCache<F> {
    fn name(&self) -> &str {
        self.inner.fetcher.name()
    }

    fn token(&self) -> TokenFuture<'_> {
        // The hot path, a fresh cached token, answers without building the fetch's state
        // machine (which carries the whole fetch path and costs more than the read itself).
        let fresh = {
            let inner = &self.inner;
            read(&inner.state).fresh(inner.clock.now())
        };
        match fresh {
            Some(token) => Box::pin(std::future::ready(Ok(token))),
            None => Box::pin(self.get()),
        }
    }

    fn invalidate(&self, rejected: &SecretString) {
        let inner = &self.inner;
        let now = inner.clock.now();
        let mut state = write(&inner.state);
        let backing_off = state.retry_not_before.is_some_and(|until| now < until);
        let Some((backed_off, late)) = state
            .current
            .as_ref()
            .filter(|c| c.token.secret().expose_secret() == rejected.expose_secret())
            .map(|c| (c.backed_off, c.late_at(now)))
        else {
            return;
        };
        if late {
            // Expired in flight, not refused for what it is: the run of rejections ends here.
            state.rejections = 0;
        }
        if backing_off {
            // Backing off: the token stays until the backoff ends, so the caller gets the
            // server's 401 instead of starting another fetch.
            tracing::debug!(
                source = inner.fetcher.name(),
                "token rejected while backing off; kept until the backoff ends"
            );
            return;
        }
        if !backed_off {
            state.rejections = state.rejections.saturating_add(1);
            if state.rejections >= REJECTIONS_BEFORE_BACKOFF {
                // Back off as after a failed fetch, keeping the token meanwhile.
                if let Some(current) = state.current.as_mut() {
                    current.backed_off = true;
                }
                state.back_off(&inner.settings, now);
                tracing::warn!(
                    source = inner.fetcher.name(),
                    failures = state.failures,
                    "freshly fetched tokens keep being rejected; backing off before the next fetch"
                );
                return;
            }
        }
        state.rejected = state.current.take().map(|c| c.token);
        tracing::debug!(
            source = inner.fetcher.name(),
            "token rejected by the server; dropped"
        );
    }

    fn access_level(&self) -> AccessLevel {
        self.inner.fetcher.access_level()
    }
}

impl<F: fmt::Debug> fmt::Debug for TokenCache<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = read(&self.inner.state);
        f.debug_struct("TokenCache")
            .field("fetcher", &self.inner.fetcher)
            .field("has_token", &state.current.is_some())
            .field(
                "expires_at",
                &state.current.as_ref().and_then(|c| c.token.expires_at()),
            )
            .field("failures", &state.failures)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

    use proptest::prelude::*;

    use super::*;

    #[derive(Debug)]
    struct Never;

    impl TokenFetcher for Never {
        fn name(&self) -> &str {
            "never"
        }
        fn fetch(&self, _: FetchRequest) -> TokenFuture<'_> {
            Box::pin(std::future::pending())
        }
    }

    fn duration() -> impl Strategy<Value = Duration> {
        prop_oneof![
            Just(Duration::ZERO),
            Just(Duration::MAX),
            (any::<u64>(), 0..1_000_000_000u32).prop_map(|(s, n)| Duration::new(s, n)),
            (0..100_000u64).prop_map(Duration::from_secs),
        ]
    }

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        prop_oneof![
            Just(DateTime::<Utc>::MIN_UTC),
            Just(DateTime::<Utc>::MAX_UTC),
            (DateTime::<Utc>::MIN_UTC.timestamp()..=DateTime::<Utc>::MAX_UTC.timestamp())
                .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn refresh_planning_and_backoff_never_panic_whatever_the_settings(
            refresh_before in duration(),
            jitter in prop_oneof![any::<f64>(), Just(f64::NAN), Just(f64::INFINITY), Just(-1.0)],
            initial_backoff in duration(),
            max_backoff in duration(),
            failures in any::<u32>(),
            now in instant(),
            expires_at in instant(),
            later in instant(),
        ) {
            let settings = CacheSettings {
                refresh_before,
                jitter,
                initial_backoff,
                max_backoff,
                ..CacheSettings::default()
            };
            let _ = backoff(&settings, failures);
            let cache = TokenCache::with_settings(Never, settings, Arc::new(SystemClock));
            let cached = cache.cached(AccessToken::new("t").with_expiry(expires_at), now);
            if let Some(refresh_at) = cached.refresh_at {
                prop_assert!(refresh_at <= expires_at);
            }
            // Late only after the middle of a life that had begun when the token came in.
            if cached.late_at(later) {
                prop_assert!(expires_at > now && later > now);
            }
        }

        #[test]
        fn scaling_any_duration_by_any_factor_saturates(d in duration(), factor in any::<f64>()) {
            let scaled = scale(d, factor);
            if factor.is_nan() || factor <= 0.0 {
                prop_assert_eq!(scaled, Duration::ZERO);
            }
        }
    }
}
