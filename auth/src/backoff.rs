//! The one backoff of the family: exponential, capped, with jitter. The token cache waits it
//! between failed fetches, the retry stage between attempts.

use std::time::Duration;

/// The wait before try number `n` after a failure (1-based): `initial` doubled `n - 1` times,
/// capped at `max`, then scaled by a random factor in `[0.5, 1)`. Jitter in the upper half keeps
/// many processes that failed at the same moment from coming back at the same moment, without
/// ever waiting much less than asked. The token cache, the retry stage and the notification
/// stream's reconnects all wait this; re-exported as `runtime::jittered_backoff`.
///
/// ```
/// use std::time::Duration;
/// use wxcc_auth::runtime::jittered_backoff;
///
/// let third = jittered_backoff(Duration::from_millis(100), Duration::from_secs(1), 3);
/// assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
/// ```
pub fn jittered(initial: Duration, max: Duration, n: u32) -> Duration {
    let exponent = n.saturating_sub(1).min(16);
    let base = initial.saturating_mul(1 << exponent).min(max);
    scale(base, 0.5 + 0.5 * random_fraction())
}

/// `duration * factor`, saturating instead of panicking as `Duration::mul_f64` does on NaN,
/// negative or overflowing results (settings and server values reach here unchecked).
pub(crate) fn scale(duration: Duration, factor: f64) -> Duration {
    if factor.is_nan() || factor <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(duration.as_secs_f64() * factor).unwrap_or(Duration::MAX)
}

/// A uniformly distributed number in `[0, 1)`.
pub(crate) fn random_fraction() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_is_capped_and_never_below_half() {
        let (initial, max) = (Duration::from_millis(100), Duration::from_secs(1));
        for n in 1..=40 {
            let expected = (initial * 2u32.pow(n.min(16) - 1)).min(max);
            let wait = jittered(initial, max, n);
            assert!(
                wait >= expected / 2 && wait <= expected,
                "try {n}: {wait:?}"
            );
        }
        // Settings at the extremes saturate instead of overflowing.
        assert!(jittered(Duration::MAX, Duration::MAX, u32::MAX) >= Duration::MAX / 2);
    }

    #[test]
    fn scaling_saturates_instead_of_panicking() {
        assert_eq!(scale(Duration::from_secs(2), f64::NAN), Duration::ZERO);
        assert_eq!(scale(Duration::from_secs(2), -1.0), Duration::ZERO);
        assert_eq!(scale(Duration::MAX, 4.0), Duration::MAX);
        assert_eq!(scale(Duration::from_secs(2), 0.5), Duration::from_secs(1));
    }
}
