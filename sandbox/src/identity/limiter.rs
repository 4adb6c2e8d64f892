//! The rate limit: token buckets per client id, so one test's burst cannot starve another
//! client, as the real services limit per integration.

use std::collections::HashMap;

use tokio::time::Instant;

/// Token buckets per client id: `limit` requests per minute, refilled continuously, with a
/// burst of `limit`.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    buckets: HashMap<String, (f64, Instant)>,
}

impl Limiter {
    /// Takes one request from the client's bucket, or says how many seconds to wait.
    pub(crate) fn take(&mut self, client: &str, limit: u32, now: Instant) -> Result<(), u64> {
        let capacity = f64::from(limit.max(1));
        let per_second = capacity / 60.0;
        let (tokens, last) = self
            .buckets
            .entry(client.to_owned())
            .or_insert((capacity, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * per_second).min(capacity);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - *tokens) / per_second;
            Err(wait.ceil().max(1.0) as u64)
        }
    }

    pub(crate) fn reset(&mut self) {
        self.buckets.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_bucket_allows_a_burst_then_asks_to_wait() {
        let mut limiter = Limiter::default();
        let now = Instant::now();
        for _ in 0..60 {
            assert!(limiter.take("c", 60, now).is_ok());
        }
        assert_eq!(limiter.take("c", 60, now), Err(1));
        assert!(limiter.take("other", 60, now).is_ok(), "per client");
        let later = now + Duration::from_secs(2);
        assert!(limiter.take("c", 60, later).is_ok(), "refilled");
    }
}
