//! Aggregations: functions over a field, and the intervals rows are grouped into.

use chrono::TimeDelta;

use super::filter::{Filter, GlobalVariableType};

/// An aggregation function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AggregationType {
    /// `count`
    Count,
    /// `min`
    Min,
    /// `max`
    Max,
    /// `sum`
    Sum,
    /// `average`
    Average,
    /// `cardinality` (distinct values)
    Cardinality,
}

impl AggregationType {
    pub(super) fn name(self) -> &'static str {
        match self {
            AggregationType::Count => "count",
            AggregationType::Min => "min",
            AggregationType::Max => "max",
            AggregationType::Sum => "sum",
            AggregationType::Average => "average",
            AggregationType::Cardinality => "cardinality",
        }
    }
}

/// One aggregation: a function over a field, under a name, optionally over a subset.
///
/// ```
/// use wxcc_sdk::search::{task, Aggregation, AggregationType};
///
/// let longest = Aggregation::new(AggregationType::Max, "totalDuration", "longest")
///     .filter(task::IS_CONTACT_HANDLED.equals(true));
/// # let _ = longest;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregation {
    pub(super) kind: AggregationType,
    pub(super) field: String,
    pub(super) name: String,
    pub(super) filter: Option<Filter>,
    pub(super) ext_filter: Option<Filter>,
    /// The global variable an aggregation of `...GlobalVariables.value` reads.
    pub(super) predicate: Option<(GlobalVariableType, String)>,
}

impl Aggregation {
    /// `kind` over `field`, reported as `name`.
    pub fn new(kind: AggregationType, field: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            kind,
            field: field.into(),
            name: name.into(),
            filter: None,
            ext_filter: None,
            predicate: None,
        }
    }

    /// `kind` over the values of the global variable `variable` (a `predicate` names it, as
    /// Cisco's guide shows), reported as `name`.
    ///
    /// ```
    /// use wxcc_sdk::search::{Aggregation, AggregationType, GlobalVariableType};
    ///
    /// let total = Aggregation::global(AggregationType::Sum, GlobalVariableType::Integer, "GV2", "Sum of GV2");
    /// # let _ = total;
    /// ```
    pub fn global(
        kind: AggregationType,
        variable_type: GlobalVariableType,
        variable: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        let mut aggregation = Self::new(kind, format!("{}.value", variable_type.root()), name);
        aggregation.predicate = Some((variable_type, variable.into()));
        aggregation
    }

    /// Restricts the aggregation to records whose activities match `filter` (`extFilter`).
    #[must_use]
    pub fn ext_filter(mut self, filter: Filter) -> Self {
        self.ext_filter = Some(filter);
        self
    }

    /// A count of records, reported as `name`.
    pub fn count(name: impl Into<String>) -> Self {
        Self::new(AggregationType::Count, "id", name)
    }

    /// Restricts the aggregation to records matching `filter`.
    #[must_use]
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(filter);
        self
    }
}

/// Bucket size of an interval query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Interval {
    /// 15 minutes (windows up to a day).
    FifteenMinutes,
    /// 30 minutes (windows up to 7 days).
    ThirtyMinutes,
    /// An hour (windows up to 7 days).
    Hourly,
    /// A day.
    Daily,
    /// A week.
    Weekly,
    /// A month.
    Monthly,
}

impl Interval {
    pub(super) fn name(self) -> &'static str {
        match self {
            Interval::FifteenMinutes => "FIFTEEN_MINUTES",
            Interval::ThirtyMinutes => "THIRTY_MINUTES",
            Interval::Hourly => "HOURLY",
            Interval::Daily => "DAILY",
            Interval::Weekly => "WEEKLY",
            Interval::Monthly => "MONTHLY",
        }
    }

    /// Whether the service accepts this interval for a window of `span`.
    pub fn allowed_for(self, span: TimeDelta) -> bool {
        if span <= TimeDelta::days(1) {
            true
        } else if span <= TimeDelta::days(7) {
            self != Interval::FifteenMinutes
        } else {
            matches!(self, Interval::Daily | Interval::Weekly | Interval::Monthly)
        }
    }
}
