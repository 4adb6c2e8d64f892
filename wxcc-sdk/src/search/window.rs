//! Search time windows and their limits.

use chrono::{DateTime, Months, TimeDelta, Utc};

use crate::error::{Error, Result};

/// How many months one query may cover (Cisco's Search guide: a window spans at most 13
/// months).
pub const MAX_SPAN_MONTHS: u32 = 13;
/// The longest window any query may cover: 13 months of 31 days. A window is checked against
/// the calendar months after its start ([`Window::validate`]); this bound is for sizing.
pub const MAX_SPAN: TimeDelta = TimeDelta::days(403);
/// How far back a window may start, in months.
pub const MAX_AGE_MONTHS: u32 = 36;

/// The time range a Search query covers: `from` inclusive, `to` exclusive.
///
/// ```
/// use chrono::{TimeDelta, Utc};
/// use wxcc_sdk::search::Window;
///
/// let today = Window::last(TimeDelta::days(1));
/// assert!(today.validate(Utc::now()).is_ok());
/// let too_long = Window::last(TimeDelta::days(420));
/// assert!(too_long.validate(Utc::now()).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Start.
    pub from: DateTime<Utc>,
    /// End.
    pub to: DateTime<Utc>,
}

impl Window {
    /// The window from `from` to `to`.
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        Self { from, to }
    }

    /// The last `span` up to now. A span reaching before the earliest representable time
    /// starts there (and fails [`Window::validate`]); it never panics.
    pub fn last(span: TimeDelta) -> Self {
        let to = Utc::now();
        Self {
            from: to
                .checked_sub_signed(span)
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
            to,
        }
    }

    /// How long the window is.
    pub fn span(&self) -> TimeDelta {
        self.to - self.from
    }

    /// Checks the service's limits: `from` before `to`, at most 13 months long, starting at
    /// most 36 months before `now`. (A `to` in the future is allowed; the service reads it as now.)
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] saying which limit the window breaks.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<()> {
        if self.from >= self.to {
            return Err(Error::InvalidRequest(format!(
                "the search window must end after it starts (from {} to {})",
                self.from, self.to
            )));
        }
        let latest = self
            .from
            .checked_add_months(Months::new(MAX_SPAN_MONTHS))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        if self.to > latest {
            return Err(Error::InvalidRequest(format!(
                "the search window is {} days long; Search allows at most {MAX_SPAN_MONTHS} months per query, so split it",
                self.span().num_days()
            )));
        }
        let oldest = now
            .checked_sub_months(Months::new(MAX_AGE_MONTHS))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        if self.from < oldest {
            return Err(Error::InvalidRequest(format!(
                "the search window starts {}; Search keeps data for 36 months (from {oldest} on)",
                self.from
            )));
        }
        Ok(())
    }
}
