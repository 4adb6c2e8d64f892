//! Where the current time comes from, so expiry can be tested without waiting.

use std::fmt;

use chrono::{DateTime, Utc};

/// A source of wall-clock time.
///
/// Token expiries are wall-clock instants (they are persisted and compared across restarts),
/// so the cache asks a clock instead of calling `Utc::now()` itself. Tests use [`TokioClock`]
/// under `tokio::time::pause()` to move time forward instantly.
pub trait Clock: fmt::Debug + Send + Sync {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's wall clock. The default.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Wall-clock time that advances with tokio's clock: the wall time at creation plus the tokio
/// time elapsed since. Under `tokio::time::pause()`, `tokio::time::advance` moves it.
///
/// ```
/// use wxcc_auth::{Clock, TokioClock};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let clock = TokioClock::new();
/// let before = clock.now();
/// tokio::time::advance(std::time::Duration::from_secs(3600)).await;
/// assert_eq!((clock.now() - before).num_seconds(), 3600);
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TokioClock {
    wall: DateTime<Utc>,
    start: tokio::time::Instant,
}

impl TokioClock {
    /// A clock anchored at the current wall time.
    pub fn new() -> Self {
        Self::starting_at(Utc::now())
    }

    /// A clock that reads `wall` now and advances with tokio's clock.
    pub fn starting_at(wall: DateTime<Utc>) -> Self {
        Self {
            wall,
            start: tokio::time::Instant::now(),
        }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = tokio::time::Instant::now().saturating_duration_since(self.start);
        chrono::TimeDelta::from_std(elapsed)
            .ok()
            .and_then(|d| self.wall.checked_add_signed(d))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}
