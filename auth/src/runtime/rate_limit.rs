//! The rate-limit stage: every attempt takes a slot first, waiting for one within the call's
//! deadline, so a burst is spread out here instead of being sent to be refused with `429`.
//!
//! WxCC allows 300 requests a minute per client id by default (Cisco's rate-limiting page; an
//! older version said 50, and tokens made on the developer portal get less), so that is the
//! default of the WxCC client. The limit is a GCRA (generic cell rate algorithm, the
//! `governor` crate's): a burst of up to the per-minute count, then one slot every
//! `60 s / count`, the shape of the bucket the service is documented to have. `429` answers
//! are still waited out by the retry stage: the limit is a courtesy, the server decides.

use std::fmt;
use std::future::Future;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock as GovernorClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter as Gcra};

/// The future returned by [`RateLimit::acquire`]: `Ok` once a slot is taken, or `Err` with the
/// time until the next one when it would come after `max_wait` (nothing is taken then).
pub type LimitFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Duration>> + Send + 'a>>;

/// A source of send slots: the stage before every attempt.
///
/// [`RateLimiter`] limits one process; `RedisRateLimiter` (feature `redis`) limits every
/// replica sharing a Redis server. Implement it to plug in another.
pub trait RateLimit: fmt::Debug + Send + Sync {
    /// Takes a slot, waiting up to `max_wait` for one (`None`: as long as it takes).
    fn acquire(&self, max_wait: Option<Duration>) -> LimitFuture<'_>;
}

/// A rate limit in one process, shared by everything holding a clone: the WxCC client's
/// default, at 300 calls a minute.
///
/// Waits use tokio's clock, so a test on a paused clock does not sleep.
///
/// ```
/// use std::num::NonZeroU32;
/// use wxcc_auth::RateLimiter;
///
/// let limit = RateLimiter::per_minute(NonZeroU32::new(300).unwrap());
/// assert_eq!(limit.per_minute_count(), 300);
/// // Clones share one budget: hand one to every client built with the same integration.
/// let for_another_client = limit.clone();
/// # let _ = for_another_client;
/// ```
#[derive(Clone)]
pub struct RateLimiter {
    gcra: Arc<Gcra<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<std::time::Instant>>>,
    per_minute: NonZeroU32,
    burst: NonZeroU32,
}

impl RateLimiter {
    /// `count` calls a minute, all of them at once if they come at once (the burst), then
    /// evenly spread.
    pub fn per_minute(count: NonZeroU32) -> Self {
        Self::with_burst(count, count)
    }

    /// `count` calls a minute evenly spread, with at most `burst` at once.
    pub fn with_burst(count: NonZeroU32, burst: NonZeroU32) -> Self {
        let quota = Quota::per_minute(count).allow_burst(burst);
        Self {
            gcra: Arc::new(Gcra::direct_with_clock(quota, TokioClock)),
            per_minute: count,
            burst,
        }
    }

    /// The WxCC default: 300 calls a minute.
    pub fn wxcc_default() -> Self {
        Self::per_minute(NonZeroU32::new(300).unwrap_or(NonZeroU32::MIN))
    }

    /// Calls allowed per minute.
    pub fn per_minute_count(&self) -> u32 {
        self.per_minute.get()
    }

    /// Takes a slot if one is free now; otherwise says how long until one is.
    pub fn try_acquire(&self) -> Result<(), Duration> {
        self.gcra
            .check()
            .map_err(|not_until| not_until.wait_time_from(TokioClock.now()))
    }
}

impl RateLimit for RateLimiter {
    fn acquire(&self, max_wait: Option<Duration>) -> LimitFuture<'_> {
        Box::pin(async move {
            let started = tokio::time::Instant::now();
            loop {
                let wait = match self.try_acquire() {
                    Ok(()) => return Ok(()),
                    Err(wait) => wait,
                };
                // Waiters do not queue: each checks again when its slot was due. Under a
                // steady overload the order is not first come, first served, but every
                // caller is bounded by its deadline.
                if let Some(max) = max_wait
                    && started.elapsed() + wait > max
                {
                    return Err(wait);
                }
                tokio::time::sleep(wait).await;
            }
        })
    }
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("per_minute", &self.per_minute)
            .field("burst", &self.burst)
            .finish()
    }
}

/// Tokio's clock for `governor`: paused in tests, the real monotonic clock otherwise.
#[derive(Clone, Copy, Debug, Default)]
struct TokioClock;

impl GovernorClock for TokioClock {
    type Instant = std::time::Instant;

    fn now(&self) -> Self::Instant {
        tokio::time::Instant::now().into_std()
    }
}

// `Reference` is what governor needs of an instant; std's implements it.
const _: fn() = || {
    fn is_reference<T: Reference>() {}
    is_reference::<std::time::Instant>();
};

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(count: u32, burst: u32) -> RateLimiter {
        RateLimiter::with_burst(
            NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN),
            NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_at_once_then_slots_come_evenly() {
        let limit = limiter(60, 3);
        for _ in 0..3 {
            assert_eq!(limit.try_acquire(), Ok(()));
        }
        let wait = limit.try_acquire().err();
        assert!(
            wait.is_some_and(|w| w > Duration::from_millis(900) && w <= Duration::from_secs(1)),
            "{wait:?}"
        );
        let started = tokio::time::Instant::now();
        for _ in 0..5 {
            assert_eq!(limit.acquire(None).await, Ok(()));
        }
        // One a second at 60 a minute.
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_millis(4_900) && elapsed <= Duration::from_millis(5_100),
            "{elapsed:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_deadline_takes_nothing_and_says_how_long() {
        let limit = limiter(60, 1);
        assert_eq!(limit.acquire(Some(Duration::ZERO)).await, Ok(()));
        let refused = limit.acquire(Some(Duration::from_millis(100))).await;
        assert!(refused.is_err_and(|w| w > Duration::from_millis(100)));
        // The refused caller took nothing: the next slot is still due in about a second.
        assert_eq!(limit.acquire(Some(Duration::from_secs(1))).await, Ok(()));
    }

    #[tokio::test(start_paused = true)]
    async fn clones_share_one_budget() {
        let limit = limiter(60, 2);
        let clone = limit.clone();
        assert_eq!(limit.try_acquire(), Ok(()));
        assert_eq!(clone.try_acquire(), Ok(()));
        assert!(limit.try_acquire().is_err());
    }
}
