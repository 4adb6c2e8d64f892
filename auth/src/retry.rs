//! When a failed request is sent again, and how long to wait first.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::Access;

/// How the [`Signer`](crate::Signer) retries.
///
/// - `429 Too Many Requests`: the request was not processed, so any operation is sent again
///   after the server's `Retry-After` (seconds or an HTTP date) plus up to a quarter of it at
///   random, or after a jittered backoff when the header is missing, as long as the wait fits
///   `max_retry_after` and the deadline.
/// - `502`, `503`, `504` and transport errors: sent again with jittered exponential backoff, but
///   only for operations classified read or sent with an idempotent method (`GET`, `HEAD`,
///   `PUT`, `DELETE`, `OPTIONS`). A write is never replayed blindly, except after a connection
///   failure, when nothing reached the server.
/// - Everything stops at `max_attempts` or when `deadline` has passed since the first attempt;
///   the last response (or error) is then returned as is.
///
/// ```
/// use std::time::Duration;
/// use wxcc_auth::RetryPolicy;
///
/// let patient = RetryPolicy { max_attempts: 6, deadline: Some(Duration::from_secs(300)), ..RetryPolicy::default() };
/// assert!(RetryPolicy::none().max_attempts == 1);
/// # let _ = patient;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included. `1` disables retries.
    pub max_attempts: u32,
    /// The first backoff; it doubles with every retry.
    pub initial_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client is willing to wait for one retry.
    pub max_retry_after: Duration,
    /// No retry starts after this long since the first attempt.
    pub deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            deadline: Some(Duration::from_secs(120)),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The jittered exponential backoff before retry number `retry` (1-based).
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(16);
        let base = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        base.mul_f64(0.5 + 0.5 * crate::cache::random_fraction())
    }
}

/// What to do about one outcome.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Return it to the caller.
    Done,
    /// Send again after this long.
    RetryAfter(Duration),
}

/// Whether a request may be replayed after a failure the server may have acted on.
pub(crate) fn replayable(access: Access, method: &reqwest::Method) -> bool {
    use reqwest::Method;
    access == Access::Read
        || [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ]
        .contains(method)
}

/// The verdict for a response to attempt `attempt` (1-based).
pub(crate) fn for_status(
    policy: &RetryPolicy,
    status: StatusCode,
    headers: &HeaderMap,
    replayable: bool,
    attempt: u32,
) -> Verdict {
    if attempt >= policy.max_attempts {
        return Verdict::Done;
    }
    match status.as_u16() {
        429 => match retry_after(headers, SystemTime::now()) {
            Some(wait) if wait > policy.max_retry_after => Verdict::Done,
            // Never earlier than asked; up to a quarter later, so that callers throttled at the
            // same moment do not all come back at the same instant.
            Some(wait) => {
                Verdict::RetryAfter(wait + wait.mul_f64(0.25 * crate::cache::random_fraction()))
            }
            None => Verdict::RetryAfter(policy.backoff(attempt)),
        },
        502..=504 if replayable => Verdict::RetryAfter(policy.backoff(attempt)),
        _ => Verdict::Done,
    }
}

/// The verdict for a transport error on attempt `attempt`.
pub(crate) fn for_error(
    policy: &RetryPolicy,
    error: &reqwest::Error,
    replayable: bool,
    attempt: u32,
) -> Verdict {
    if attempt >= policy.max_attempts {
        return Verdict::Done;
    }
    if error.is_connect() || (replayable && (error.is_timeout() || error.is_request())) {
        Verdict::RetryAfter(policy.backoff(attempt))
    } else {
        Verdict::Done
    }
}

/// Parses `Retry-After`: delta seconds, or an HTTP date (RFC 9110), relative to `now`.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::from(at.with_timezone(&chrono::Utc));
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, value.parse().unwrap());
        h
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&headers("4"), now),
            Some(Duration::from_secs(4))
        );
        // 1_700_000_010 is Tue, 14 Nov 2023 22:13:30 GMT.
        assert_eq!(
            retry_after(&headers("Tue, 14 Nov 2023 22:13:30 GMT"), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after(&headers("Tue, 14 Nov 2023 22:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn writes_are_not_replayed_after_a_5xx_but_429_is_always_retried() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        let post = reqwest::Method::POST;
        assert!(!replayable(Access::Write, &post));
        assert!(replayable(Access::Read, &post), "POST /search is a read");
        assert!(replayable(Access::Write, &reqwest::Method::PUT));
        assert_eq!(
            for_status(&policy, StatusCode::SERVICE_UNAVAILABLE, &none, false, 1),
            Verdict::Done
        );
        assert!(matches!(
            for_status(&policy, StatusCode::SERVICE_UNAVAILABLE, &none, true, 1),
            Verdict::RetryAfter(_)
        ));
        let Verdict::RetryAfter(wait) = for_status(
            &policy,
            StatusCode::TOO_MANY_REQUESTS,
            &headers("2"),
            false,
            1,
        ) else {
            panic!("a 429 is retried, even for a write")
        };
        assert!(
            wait >= Duration::from_secs(2) && wait <= Duration::from_millis(2500),
            "{wait:?}"
        );
        assert_eq!(
            for_status(
                &policy,
                StatusCode::TOO_MANY_REQUESTS,
                &headers("600"),
                true,
                1
            ),
            Verdict::Done
        );
        assert_eq!(
            for_status(
                &policy,
                StatusCode::TOO_MANY_REQUESTS,
                &headers("2"),
                true,
                4
            ),
            Verdict::Done
        );
        assert_eq!(
            for_status(&policy, StatusCode::INTERNAL_SERVER_ERROR, &none, true, 1),
            Verdict::Done
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default();
        assert!(policy.backoff(1) <= Duration::from_millis(500));
        assert!(policy.backoff(3) >= Duration::from_secs(1));
        assert!(policy.backoff(30) <= Duration::from_secs(10));
    }
}
