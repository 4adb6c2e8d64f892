//! Search queries: which records, which window, which filters, which fields.

use std::fmt::Write as _;
use std::marker::PhantomData;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value};

use super::filter::{Filter, Variables, check_name};
use super::records::{AgentSession, AggregateRow, Task, TaskLeg};
use super::window::Window;
use crate::error::{Error, Result};

/// The three Search roots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    TaskDetails,
    AgentSession,
    TaskLegDetails,
}

impl Kind {
    pub fn root(self) -> &'static str {
        match self {
            Kind::TaskDetails => "taskDetails",
            Kind::AgentSession => "agentSession",
            Kind::TaskLegDetails => "taskLegDetails",
        }
    }

    pub fn records(self) -> &'static str {
        match self {
            Kind::TaskDetails => "tasks",
            Kind::AgentSession => "agentSessions",
            Kind::TaskLegDetails => "taskLegs",
        }
    }

    fn default_fields(self) -> &'static [&'static str] {
        match self {
            Kind::TaskDetails => &[
                "id",
                "status",
                "channelType",
                "direction",
                "origin",
                "destination",
                "isActive",
                "createdTime",
                "endedTime",
                "terminationType",
                "lastAgent.id",
                "lastAgent.name",
                "lastQueue.id",
                "lastQueue.name",
                "lastTeam.id",
                "lastTeam.name",
                "lastEntryPoint.id",
                "lastEntryPoint.name",
            ],
            Kind::AgentSession => &[
                "agentSessionId",
                "agentId",
                "agentName",
                "teamId",
                "teamName",
                "siteId",
                "siteName",
                "startTime",
                "endTime",
                "isActive",
            ],
            Kind::TaskLegDetails => &[
                "id",
                "taskId",
                "channelType",
                "direction",
                "createdTime",
                "endedTime",
                "queue.id",
                "queue.name",
            ],
        }
    }
}

/// Which time the window applies to, for `taskDetails` and `taskLegDetails`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TimeComparator {
    /// When the task was created (the default).
    #[default]
    CreatedTime,
    /// When the task ended.
    EndedTime,
}

/// Order of raw records by `createdTime` (`startTime` for agent sessions is not sortable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortOrder {
    /// Oldest first.
    Ascending,
    /// Newest first (the service's default).
    Descending,
}

/// An aggregation function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    fn name(self) -> &'static str {
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
    kind: AggregationType,
    field: String,
    name: String,
    filter: Option<Filter>,
}

impl Aggregation {
    /// `kind` over `field`, reported as `name`.
    pub fn new(kind: AggregationType, field: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            kind,
            field: field.into(),
            name: name.into(),
            filter: None,
        }
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
    fn name(self) -> &'static str {
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

/// A Search query returning records of type `R`.
///
/// Build one with [`Query::task_details`], [`Query::agent_sessions`] or [`Query::task_legs`];
/// run it with [`Client::search`](crate::Client::search). Every value from the caller is sent
/// as a GraphQL variable; names (fields, enum values) are checked to be plain GraphQL names
/// before they are written into the query text.
///
/// ```
/// use chrono::TimeDelta;
/// use wxcc_sdk::search::{task, ChannelType, Filter, Query, SortOrder, Window};
///
/// let query = Query::task_details(Window::last(TimeDelta::days(7)))
///     .filter(Filter::and([
///         task::CHANNEL_TYPE.equals(ChannelType::Telephony),
///         task::ORIGIN.equals("+14085550123"),
///     ]))
///     .sort(SortOrder::Descending)
///     .fields(["id", "createdTime", "lastAgent.id", "lastAgent.name"]);
/// let (text, variables) = query.render(None).unwrap();
/// assert!(text.contains("origin: {equals: $v0}"));
/// assert_eq!(variables["v0"], "+14085550123");
/// ```
#[derive(Clone, Debug)]
pub struct Query<R> {
    kind: Kind,
    window: Window,
    comparator: Option<TimeComparator>,
    filter: Option<Filter>,
    ext_filter: Option<Filter>,
    fields: Vec<String>,
    sort: Option<SortOrder>,
    aggregations: Vec<Aggregation>,
    interval: Option<(Interval, String)>,
    record: PhantomData<fn() -> R>,
}

impl Query<Task> {
    /// Tasks (contact session records) in `window`.
    pub fn task_details(window: Window) -> Self {
        Self::new(Kind::TaskDetails, window)
    }

    /// A filter on the task's activities (`extFilter`, CAR records), such as parked events.
    #[must_use]
    pub fn ext_filter(mut self, filter: Filter) -> Self {
        self.ext_filter = Some(filter);
        self
    }
}

impl Query<AgentSession> {
    /// Agent sessions that started in `window`.
    pub fn agent_sessions(window: Window) -> Self {
        Self::new(Kind::AgentSession, window)
    }
}

impl Query<TaskLeg> {
    /// Task legs in `window` (early access in WxCC).
    pub fn task_legs(window: Window) -> Self {
        Self::new(Kind::TaskLegDetails, window)
    }
}

impl<R> Query<R> {
    fn new(kind: Kind, window: Window) -> Self {
        Self {
            kind,
            window,
            comparator: None,
            filter: None,
            ext_filter: None,
            fields: kind
                .default_fields()
                .iter()
                .map(|f| (*f).to_owned())
                .collect(),
            sort: None,
            aggregations: Vec::new(),
            interval: None,
            record: PhantomData,
        }
    }

    /// The root query and the records field of its result (`taskDetails`, `tasks`).
    pub(crate) fn root(&self) -> (&'static str, &'static str) {
        (self.kind.root(), self.kind.records())
    }

    /// The window.
    pub fn window(&self) -> Window {
        self.window
    }

    /// Filters the records.
    #[must_use]
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Which time the window applies to (tasks and task legs).
    #[must_use]
    pub fn time_comparator(mut self, comparator: TimeComparator) -> Self {
        self.comparator = Some(comparator);
        self
    }

    /// Replaces the selected fields with these dotted paths (`lastAgent.id`).
    #[must_use]
    pub fn fields<I: IntoIterator<Item = S>, S: Into<String>>(mut self, fields: I) -> Self {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Adds dotted paths to the selected fields.
    #[must_use]
    pub fn also_select<I: IntoIterator<Item = S>, S: Into<String>>(mut self, fields: I) -> Self {
        self.fields.extend(fields.into_iter().map(Into::into));
        self
    }

    /// Decodes the records into your own type instead, for fields the typed records do not
    /// name (global variables selected with [`Query::also_select`], fields added to the API).
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// use wxcc_sdk::search::{Query, Window};
    ///
    /// #[derive(serde::Deserialize)]
    /// #[serde(rename_all = "camelCase")]
    /// struct WithSurvey { id: String, csat_score: Option<f64> }
    ///
    /// let query = Query::task_details(Window::last(TimeDelta::days(1)))
    ///     .fields(["id", "csatScore"])
    ///     .records_as::<WithSurvey>();
    /// # let _ = query;
    /// ```
    pub fn records_as<T>(self) -> Query<T> {
        Query {
            kind: self.kind,
            window: self.window,
            comparator: self.comparator,
            filter: self.filter,
            ext_filter: self.ext_filter,
            fields: self.fields,
            sort: self.sort,
            aggregations: self.aggregations,
            interval: self.interval,
            record: PhantomData,
        }
    }

    /// Orders raw records by `createdTime`.
    #[must_use]
    pub fn sort(mut self, order: SortOrder) -> Self {
        self.sort = Some(order);
        self
    }

    /// Turns the query into an aggregation grouped by `group_by` (dotted paths; empty for one
    /// row over everything).
    pub fn aggregate<I, S>(
        self,
        aggregations: impl IntoIterator<Item = Aggregation>,
        group_by: I,
    ) -> Query<AggregateRow>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Query {
            kind: self.kind,
            window: self.window,
            comparator: self.comparator,
            filter: self.filter,
            ext_filter: self.ext_filter,
            fields: group_by.into_iter().map(Into::into).collect(),
            sort: None,
            aggregations: aggregations.into_iter().collect(),
            interval: self.interval,
            record: PhantomData,
        }
    }
}

impl<R> Query<R> {
    /// The interval and time zone this query asks for, as a page reports them.
    pub(crate) fn interval_info(&self) -> Option<super::records::IntervalInfo> {
        self.interval
            .as_ref()
            .map(|(interval, tz)| super::records::IntervalInfo {
                interval: Some(interval.name().to_owned()),
                timezone: Some(tz.clone()),
            })
    }
}

impl Query<AggregateRow> {
    /// Buckets the aggregation by `interval` in `timezone` (IANA, such as `America/New_York`;
    /// the service's default is UTC).
    #[must_use]
    pub fn interval(mut self, interval: Interval, timezone: impl Into<String>) -> Self {
        self.interval = Some((interval, timezone.into()));
        self
    }
}

impl<R> Query<R> {
    /// The GraphQL text and variables of the page after `cursor` (the first page for `None`),
    /// checked against the service's limits as of now.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a window, interval, filter or field the service would
    /// refuse.
    pub fn render(&self, cursor: Option<&str>) -> Result<(String, Map<String, Value>)> {
        self.render_at(cursor, Utc::now())
    }

    pub(crate) fn render_at(
        &self,
        cursor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(String, Map<String, Value>)> {
        self.window.validate(now)?;
        let mut vars = Variables::default();
        vars.declare(
            "from",
            "Long!",
            Value::from(self.window.from.timestamp_millis()),
        );
        vars.declare(
            "to",
            "Long!",
            Value::from(self.window.to.timestamp_millis()),
        );
        if self.sort.is_some() && self.kind == Kind::AgentSession {
            return Err(Error::InvalidRequest(
                "agent sessions cannot be sorted (Cisco's ASR dictionary marks no field sortable); \
                 they come in session-id order"
                    .into(),
            ));
        }
        let mut args = String::from("from: $from, to: $to");
        if let Some(comparator) = self.comparator {
            if self.kind == Kind::AgentSession {
                return Err(Error::InvalidRequest(
                    "agent sessions have no time comparator".into(),
                ));
            }
            let name = match comparator {
                TimeComparator::CreatedTime => "createdTime",
                TimeComparator::EndedTime => "endedTime",
            };
            let _ = write!(args, ", timeComparator: {name}");
        }
        if let Some(filter) = &self.filter {
            args.push_str(", filter: ");
            filter.render(&mut vars, &mut args)?;
        }
        if let Some(filter) = &self.ext_filter {
            args.push_str(", extFilter: ");
            filter.render(&mut vars, &mut args)?;
        }
        if !self.aggregations.is_empty() {
            args.push_str(", aggregations: [");
            for (i, aggregation) in self.aggregations.iter().enumerate() {
                if i > 0 {
                    args.push_str(", ");
                }
                let field = vars.add("String!", Value::String(aggregation.field.clone()));
                let name = vars.add("String!", Value::String(aggregation.name.clone()));
                let _ = write!(
                    args,
                    "{{field: ${field}, type: {}, name: ${name}",
                    aggregation.kind.name()
                );
                if let Some(filter) = &aggregation.filter {
                    args.push_str(", filter: ");
                    filter.render(&mut vars, &mut args)?;
                }
                args.push('}');
            }
            args.push(']');
        }
        if let Some((interval, timezone)) = &self.interval {
            if !interval.allowed_for(self.window.span()) {
                return Err(Error::InvalidRequest(format!(
                    "a {interval:?} interval is not allowed for a {}-hour window; windows up to a day \
                     take any interval, up to 7 days THIRTY_MINUTES or longer, beyond that DAILY, \
                     WEEKLY or MONTHLY",
                    self.window.span().num_hours()
                )));
            }
            let tz = vars.add("String!", Value::String(timezone.clone()));
            let _ = write!(
                args,
                ", aggregationInterval: {{interval: {}, timezone: ${tz}}}",
                interval.name()
            );
        }
        if let Some(cursor) = cursor {
            vars.declare("cursor", "String!", Value::String(cursor.to_owned()));
            args.push_str(", pagination: {cursor: $cursor}");
        }
        let selection = self.selection()?;
        let mut text = format!(
            "query {}{} {{ {}({args}) {{ {} {selection} pageInfo {{ hasNextPage endCursor }}",
            match self.kind {
                Kind::TaskDetails => "TaskDetails",
                Kind::AgentSession => "AgentSessions",
                Kind::TaskLegDetails => "TaskLegs",
            },
            vars.signature(),
            self.kind.root(),
            self.kind.records(),
        );
        text.push_str(" } }");
        Ok((text, vars.into_values()))
    }

    /// `{ id lastAgent { id name } ... }` from the dotted paths.
    fn selection(&self) -> Result<String> {
        #[derive(Default)]
        struct Node(Vec<(String, Node)>);
        let mut root = Node::default();
        for path in &self.fields {
            let mut node = &mut root;
            for segment in path.split('.') {
                check_name(segment, "field name")?;
                let index = match node.0.iter().position(|(name, _)| name == segment) {
                    Some(i) => i,
                    None => {
                        node.0.push((segment.to_owned(), Node::default()));
                        node.0.len() - 1
                    }
                };
                node = &mut node.0[index].1;
            }
        }
        if !self.aggregations.is_empty() {
            root.0.push((
                "aggregation".into(),
                Node(vec![
                    ("name".into(), Node::default()),
                    ("value".into(), Node::default()),
                ]),
            ));
            if self.interval.is_some() {
                root.0.push(("intervalStartTime".into(), Node::default()));
            }
        }
        if root.0.is_empty() {
            return Err(Error::InvalidRequest("select at least one field".into()));
        }
        let sort = self.sort;
        fn write(node: &Node, out: &mut String, sort: Option<SortOrder>, top: bool) {
            out.push('{');
            for (name, child) in &node.0 {
                out.push(' ');
                out.push_str(name);
                if top
                    && name == "createdTime"
                    && let Some(order) = sort
                {
                    out.push_str(match order {
                        SortOrder::Ascending => "(sort: asc)",
                        SortOrder::Descending => "(sort: desc)",
                    });
                }
                if !child.0.is_empty() {
                    out.push(' ');
                    write(child, out, sort, false);
                }
            }
            out.push_str(" }");
        }
        let mut out = String::new();
        write(&root, &mut out, sort, true);
        if sort.is_some() && !self.fields.iter().any(|f| f == "createdTime") {
            return Err(Error::InvalidRequest(
                "sorting needs `createdTime` among the selected fields".into(),
            ));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{ChannelType, task};

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day() -> Window {
        Window::new(now() - TimeDelta::days(1), now())
    }

    #[test]
    fn a_query_renders_its_window_filter_fields_and_cursor() {
        let query = Query::task_details(day())
            .filter(Filter::and([
                task::CHANNEL_TYPE.equals(ChannelType::Telephony),
                task::ORIGIN.equals("+1408"),
            ]))
            .fields(["id", "createdTime", "lastAgent.id", "lastAgent.name"])
            .sort(SortOrder::Descending);
        let (text, vars) = query.render_at(Some("c2"), now()).unwrap();
        assert_eq!(
            text,
            "query TaskDetails($from: Long!, $to: Long!, $v0: String!, $cursor: String!) { taskDetails(from: $from, \
             to: $to, filter: {and: [{channelType: {equals: telephony}}, {origin: {equals: $v0}}]}, \
             pagination: {cursor: $cursor}) { tasks { id createdTime(sort: desc) lastAgent { id name } } \
             pageInfo { hasNextPage endCursor } } }"
        );
        assert_eq!(vars["from"], now().timestamp_millis() - 86_400_000);
        assert_eq!(vars["v0"], "+1408");
        assert_eq!(vars["cursor"], "c2");
    }

    #[test]
    fn aggregations_and_intervals_render_and_are_checked() {
        let query = Query::task_details(day())
            .aggregate([Aggregation::count("tasks")], ["lastQueue.id"])
            .interval(Interval::Hourly, "America/New_York");
        let (text, vars) = query.render_at(None, now()).unwrap();
        assert!(
            text.contains("aggregations: [{field: $v0, type: count, name: $v1}]"),
            "{text}"
        );
        assert!(
            text.contains("aggregationInterval: {interval: HOURLY, timezone: $v2}"),
            "{text}"
        );
        assert!(
            text.contains(
                "tasks { lastQueue { id } aggregation { name value } intervalStartTime }"
            ),
            "{text}"
        );
        assert_eq!(vars["v2"], "America/New_York");

        let month = Window::new(now() - TimeDelta::days(30), now());
        let refused = Query::task_details(month)
            .aggregate([Aggregation::count("n")], ["id"])
            .interval(Interval::Hourly, "UTC");
        assert!(refused.render_at(None, now()).is_err());
    }

    #[test]
    fn windows_beyond_the_limits_are_refused() {
        // Cisco's guide: at most 13 months (366 days is within them).
        let long = Window::new(now() - TimeDelta::days(400), now());
        assert!(Query::task_details(long).render_at(None, now()).is_err());
        let year = Window::new(now() - TimeDelta::days(366), now());
        assert!(Query::task_details(year).render_at(None, now()).is_ok());
        // No panic on the largest spans.
        assert!(
            Query::task_details(Window::last(TimeDelta::MAX))
                .render_at(None, now())
                .is_err()
        );
        let old = Window::new(now() - TimeDelta::days(1200), now() - TimeDelta::days(1190));
        assert!(Query::task_details(old).render_at(None, now()).is_err());
        let backwards = Window::new(now(), now() - TimeDelta::hours(1));
        assert!(
            Query::task_details(backwards)
                .render_at(None, now())
                .is_err()
        );
    }

    #[test]
    fn field_names_from_callers_cannot_change_the_query() {
        let query = Query::task_details(day()).fields(["id } evil { x"]);
        assert!(matches!(
            query.render_at(None, now()),
            Err(Error::InvalidRequest(_))
        ));
    }
}
