//! Time as the data set counts it: epoch milliseconds, and the wall clock "now" that data
//! timestamps and Search windows are measured from.

/// Milliseconds per unit.
pub(crate) const SECOND: i64 = 1_000;
pub(crate) const MINUTE: i64 = 60 * SECOND;
pub(crate) const HOUR: i64 = 60 * MINUTE;
pub(crate) const DAY: i64 = 24 * HOUR;

/// The wall clock, in epoch milliseconds (token expiry follows tokio's clock instead).
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
