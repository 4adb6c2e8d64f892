//! The retry stage: when a failed request is sent again, and how long to wait first.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::{Access, Clock};

/// How the [`Signer`](crate::Signer) retries.
///
/// - `429 Too Many Requests`: the request was not processed, so any operation is sent again
///   after the server's `Retry-After` (seconds or an HTTP date) plus up to a quarter of it at
///   random, or after a jittered backoff when the header is missing, as long as the wait fits
///   `max_retry_after` and the deadline.
/// - `502`, `503`, `504` and transport errors: sent again with jittered exponential backoff (a
///   `503`'s `Retry-After` is honoured as a `429`'s), but only for operations classified read
///   or sent with an idempotent method (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`). A write is never replayed blindly, except after a connection
///   failure, when nothing reached the server.
/// - Everything stops at `max_attempts` or when `deadline` has passed since the first attempt;
///   the last response (or error) is then returned as is.
///
/// ```
/// use std::time::Duration;
/// use wxcc_auth::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .with_max_attempts(6)
///     .with_deadline(Some(Duration::from_secs(300)));
/// assert_eq!(patient.max_attempts, 6);
/// assert!(RetryPolicy::none().max_attempts == 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    /// Sets [`RetryPolicy::max_attempts`].
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets [`RetryPolicy::initial_backoff`].
    #[must_use]
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sets [`RetryPolicy::max_backoff`].
    #[must_use]
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Sets [`RetryPolicy::max_retry_after`].
    #[must_use]
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// Sets [`RetryPolicy::deadline`] (`None`: no deadline).
    #[must_use]
    pub fn with_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The jittered exponential backoff before retry number `retry` (1-based).
    pub fn backoff(&self, retry: u32) -> Duration {
        crate::backoff::jittered(self.initial_backoff, self.max_backoff, retry)
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
    now: SystemTime,
) -> Verdict {
    if attempt >= policy.max_attempts {
        return Verdict::Done;
    }
    match status.as_u16() {
        429 => as_asked(policy, headers, attempt, now),
        // A 503 may say when the service expects to be back, as a 429 says when the limit
        // resets: waiting less is a wasted attempt.
        503 if replayable => as_asked(policy, headers, attempt, now),
        502 | 504 if replayable => Verdict::RetryAfter(policy.backoff(attempt)),
        _ => Verdict::Done,
    }
}

/// After the server's `Retry-After` when it sent one (given up when it is past the policy's
/// budget), after a backoff otherwise.
fn as_asked(policy: &RetryPolicy, headers: &HeaderMap, attempt: u32, now: SystemTime) -> Verdict {
    match retry_after(headers, now) {
        Some(wait) if wait > policy.max_retry_after => Verdict::Done,
        // Never earlier than asked; up to a quarter later, so that callers throttled at the
        // same moment do not all come back at the same instant.
        Some(wait) => Verdict::RetryAfter(wait.saturating_add(crate::backoff::scale(
            wait,
            0.25 * crate::backoff::random_fraction(),
        ))),
        None => Verdict::RetryAfter(policy.backoff(attempt)),
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

/// The longest `Retry-After` taken from a server: one day. A longer one (up to `u64::MAX`
/// seconds) is read as a day, so that arithmetic on it can never overflow; whether a day is
/// worth waiting is the [`RetryPolicy`]'s call.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Parses `Retry-After`: delta seconds, or an HTTP date (RFC 9110), relative to `now`. The
/// result is at most one day: a longer wait (up to `u64::MAX` seconds) is read as a day.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still "a very long time", not "no header".
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::from(at.with_timezone(&chrono::Utc));
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// The retry stage of one call: after each attempt, whether to send again and after how long.
/// It reads the policy, the server's `Retry-After` against the injected clock, and the
/// deadline since the first attempt (on tokio's clock, so a paused test clock skips waits).
pub(crate) struct Retry<'a> {
    policy: &'a RetryPolicy,
    clock: &'a dyn Clock,
    replayable: bool,
    started: tokio::time::Instant,
}

impl<'a> Retry<'a> {
    /// The stage for a call that starts now; `replayable` says whether a failure the server
    /// may have acted on can be sent again (see [`replayable`]).
    pub(crate) fn start(policy: &'a RetryPolicy, clock: &'a dyn Clock, replayable: bool) -> Self {
        Self {
            policy,
            clock,
            replayable,
            started: tokio::time::Instant::now(),
        }
    }

    /// How long to wait before sending again after `result` of attempt `attempt` (1-based),
    /// and why (for the next attempt's span), or `None` to hand `result` to the caller.
    pub(crate) fn wait_after(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        attempt: u32,
    ) -> Option<(Duration, &'static str)> {
        let verdict = match result {
            Ok(response) => for_status(
                self.policy,
                response.status(),
                response.headers(),
                self.replayable,
                attempt,
                SystemTime::from(self.clock.now()),
            ),
            Err(error) => for_error(self.policy, error, self.replayable, attempt),
        };
        let Verdict::RetryAfter(wait) = verdict else {
            return None;
        };
        if self
            .policy
            .deadline
            .is_some_and(|deadline| self.started.elapsed().saturating_add(wait) > deadline)
        {
            tracing::debug!(?wait, "no retry: the deadline would pass");
            return None;
        }
        Some((wait, reason(result)))
    }

    /// What is left of the deadline (`None`: no deadline).
    pub(crate) fn remaining(&self) -> Option<Duration> {
        self.policy
            .deadline
            .map(|deadline| deadline.saturating_sub(self.started.elapsed()))
    }
}

/// Why a failed attempt is sent again, in words a log reader knows.
fn reason(result: &reqwest::Result<reqwest::Response>) -> &'static str {
    match result {
        Ok(response) => match response.status().as_u16() {
            429 => "rate limited (429)",
            502 => "bad gateway (502)",
            503 => "service unavailable (503)",
            504 => "gateway timeout (504)",
            _ => "error status",
        },
        Err(error) if error.is_connect() => "connection failed",
        Err(error) if error.is_timeout() => "attempt timed out",
        Err(_) => "request failed",
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

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
            for_status(
                &policy,
                StatusCode::SERVICE_UNAVAILABLE,
                &none,
                false,
                1,
                SystemTime::now()
            ),
            Verdict::Done
        );
        assert!(matches!(
            for_status(
                &policy,
                StatusCode::SERVICE_UNAVAILABLE,
                &none,
                true,
                1,
                SystemTime::now()
            ),
            Verdict::RetryAfter(_)
        ));
        let Verdict::RetryAfter(wait) = for_status(
            &policy,
            StatusCode::TOO_MANY_REQUESTS,
            &headers("2"),
            false,
            1,
            SystemTime::now(),
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
                1,
                SystemTime::now(),
            ),
            Verdict::Done
        );
        assert_eq!(
            for_status(
                &policy,
                StatusCode::TOO_MANY_REQUESTS,
                &headers("2"),
                true,
                4,
                SystemTime::now(),
            ),
            Verdict::Done
        );
        assert_eq!(
            for_status(
                &policy,
                StatusCode::INTERNAL_SERVER_ERROR,
                &none,
                true,
                1,
                SystemTime::now()
            ),
            Verdict::Done
        );
    }

    fn duration() -> impl Strategy<Value = Duration> {
        prop_oneof![
            Just(Duration::ZERO),
            Just(Duration::MAX),
            (any::<u64>(), 0..1_000_000_000u32).prop_map(|(s, n)| Duration::new(s, n)),
            (0..100_000u64).prop_map(Duration::from_millis),
        ]
    }

    fn policy() -> impl Strategy<Value = RetryPolicy> {
        (
            any::<u32>(),
            duration(),
            duration(),
            duration(),
            proptest::option::of(duration()),
        )
            .prop_map(
                |(max_attempts, initial_backoff, max_backoff, max_retry_after, deadline)| {
                    RetryPolicy {
                        max_attempts,
                        initial_backoff,
                        max_backoff,
                        max_retry_after,
                        deadline,
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn retry_after_of_any_value_at_any_time_never_panics_and_stays_within_a_day(
            value in prop_oneof![
                "[0-9]{0,40}",
                "[ -~]{0,40}",
                "(Mon|Tue|Sun), [0-9]{1,2} (Jan|Feb|Dec) [0-9]{1,6} [0-9]{2}:[0-9]{2}:[0-9]{2} (GMT|[+-][0-9]{4})",
            ],
            now_secs in any::<u64>(),
        ) {
            let Ok(header) = value.parse::<reqwest::header::HeaderValue>() else {
                return Ok(());
            };
            let mut h = HeaderMap::new();
            h.insert(RETRY_AFTER, header);
            let now = SystemTime::UNIX_EPOCH
                .checked_add(Duration::from_secs(now_secs))
                .unwrap_or(SystemTime::UNIX_EPOCH);
            if let Some(wait) = retry_after(&h, now) {
                prop_assert!(wait <= MAX_RETRY_AFTER);
            }
        }

        #[test]
        fn any_policy_any_status_and_any_attempt_give_a_verdict_without_panicking(
            policy in policy(),
            status in 100u16..600,
            seconds in "[0-9]{1,30}",
            attempt in any::<u32>(),
            retry in any::<u32>(),
        ) {
            let _ = policy.backoff(retry);
            let status = StatusCode::from_u16(status).unwrap();
            for h in [headers(&seconds), HeaderMap::new()] {
                for replayable in [true, false] {
                    let _ = for_status(&policy, status, &h, replayable, attempt, SystemTime::now());
                }
            }
        }
    }

    /// A clock stopped at one instant, to read an HTTP-date `Retry-After` against.
    #[derive(Debug)]
    struct Stopped(chrono::DateTime<chrono::Utc>);

    impl Clock for Stopped {
        fn now(&self) -> chrono::DateTime<chrono::Utc> {
            self.0
        }
    }

    fn response(status: u16, retry_after: &str) -> reqwest::Result<reqwest::Response> {
        let mut response = http::Response::builder().status(status);
        if !retry_after.is_empty() {
            response = response.header(RETRY_AFTER, retry_after);
        }
        Ok(reqwest::Response::from(
            response.body(Vec::<u8>::new()).unwrap(),
        ))
    }

    #[tokio::test]
    async fn the_retry_stage_reads_an_http_date_on_the_injected_clock() {
        // Tue, 14 Nov 2023 22:13:20 GMT is 1_700_000_000.
        let clock = Stopped(chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap());
        let policy = RetryPolicy::default();
        let stage = Retry::start(&policy, &clock, false);
        let (wait, reason) = stage
            .wait_after(&response(429, "Tue, 14 Nov 2023 22:13:30 GMT"), 1)
            .unwrap();
        assert_eq!(reason, "rate limited (429)");
        // Ten seconds on the injected clock (plus up to a quarter of jitter), whatever the
        // system clock says.
        assert!(
            wait >= Duration::from_secs(10) && wait <= Duration::from_millis(12_500),
            "{wait:?}"
        );
        assert_eq!(stage.wait_after(&response(200, ""), 1), None);
        assert_eq!(
            stage.wait_after(&response(503, ""), 1),
            None,
            "a write is not replayed"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_retry_stage_gives_up_when_the_wait_would_pass_the_deadline() {
        let clock = Stopped(chrono::Utc::now());
        let policy = RetryPolicy {
            deadline: Some(Duration::from_secs(5)),
            ..RetryPolicy::default()
        };
        let stage = Retry::start(&policy, &clock, true);
        assert!(stage.wait_after(&response(429, "4"), 1).is_some());
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(stage.wait_after(&response(429, "4"), 1), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default();
        assert!(policy.backoff(1) <= Duration::from_millis(500));
        assert!(policy.backoff(3) >= Duration::from_secs(1));
        assert!(policy.backoff(30) <= Duration::from_secs(10));
    }
}
