//! Search queries: which records, which window, which filters, which fields.

use std::fmt::Write as _;
use std::marker::PhantomData;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value};

use super::aggregation::{Aggregation, Interval};
use super::filter::{Filter, GlobalVariableType, Variables, check_name};
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
    /// Global variables read by name, with the alias each comes back under.
    globals: Vec<(GlobalVariableType, String, String)>,
    /// The field raw records are ordered by, and how.
    sort: Option<(String, SortOrder)>,
    /// How many activities per record, and after which activity cursor.
    activities: Option<(u8, Option<String>)>,
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

    /// A filter on the sessions' agent activities (`extFilter`, AAR records), such as
    /// `channelInfo.activities.nodes.state` equal to `connected`.
    #[must_use]
    pub fn ext_filter(mut self, filter: Filter) -> Self {
        self.ext_filter = Some(filter);
        self
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
            globals: Vec::new(),
            sort: None,
            activities: None,
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
            globals: self.globals,
            sort: self.sort,
            activities: self.activities,
            aggregations: self.aggregations,
            interval: self.interval,
            record: PhantomData,
        }
    }

    /// Orders raw records by `createdTime`.
    #[must_use]
    pub fn sort(self, order: SortOrder) -> Self {
        self.sort_by("createdTime", order)
    }

    /// Orders raw records by any sortable field, nested ones too (`lastQueue.name`); the field
    /// is selected if it is not already. Cisco's dictionaries say which fields sort (task and
    /// task-leg fields mostly do; agent-session fields do not).
    #[must_use]
    pub fn sort_by(mut self, field: impl Into<String>, order: SortOrder) -> Self {
        let field = field.into();
        if !self.fields.contains(&field) {
            self.fields.push(field.clone());
        }
        self.sort = Some((field, order));
        self
    }

    /// Pages the activities of each record (`activities(first:, after:)`): `first` of them (1
    /// to 100; the service's default is 25) after the `endCursor` of a record's previous
    /// activity page. Cisco recommends filtering to one record when paging its activities.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for `first` outside 1 to 100.
    pub fn activities_page(mut self, first: u8, after: Option<&str>) -> Result<Self> {
        if !(1..=100).contains(&first) {
            return Err(Error::InvalidRequest(format!(
                "an activity page holds 1 to 100 activities, not {first}"
            )));
        }
        self.activities = Some((first, after.map(str::to_owned)));
        Ok(self)
    }

    /// Reads a global variable by name, under `alias` in each record (several variables of
    /// one type need different aliases). In an aggregation the variable's value is grouped by,
    /// as Cisco's guide describes. Decode it with [`Query::records_as`] or from
    /// [`AggregateRow::group`](super::AggregateRow::group).
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// use wxcc_sdk::search::{GlobalVariableType, Query, Window};
    ///
    /// let query = Query::task_details(Window::last(TimeDelta::days(1)))
    ///     .global_variable(GlobalVariableType::String, "Global_Language", "language")
    ///     .global_variable(GlobalVariableType::String, "Location", "location");
    /// let (text, _) = query.render(None).unwrap();
    /// assert!(text.contains("language: stringGlobalVariables(name: $v0) { name value }"));
    /// ```
    #[must_use]
    pub fn global_variable(
        mut self,
        kind: GlobalVariableType,
        name: impl Into<String>,
        alias: impl Into<String>,
    ) -> Self {
        self.globals.push((kind, name.into(), alias.into()));
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
            globals: self.globals,
            sort: None,
            activities: None,
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
                if let Some(filter) = &aggregation.ext_filter {
                    if self.kind == Kind::TaskLegDetails {
                        return Err(Error::InvalidRequest(
                            "task legs have no extFilter (Cisco's guide)".into(),
                        ));
                    }
                    args.push_str(", extFilter: ");
                    filter.render(&mut vars, &mut args)?;
                }
                if let Some((kind, variable)) = &aggregation.predicate {
                    let name = vars.add("String!", Value::String(variable.clone()));
                    let _ = write!(
                        args,
                        ", predicate: {{{}: {{name: {{equals: ${name}}}}}}}",
                        kind.root()
                    );
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
        let raw_activities = self.aggregations.is_empty()
            && (self.ext_filter.is_some()
                || self.fields.iter().any(|f| {
                    f.starts_with("activities") || f.starts_with("channelInfo.activities")
                }));
        if raw_activities && self.window.span() > TimeDelta::days(30) {
            return Err(Error::InvalidRequest(format!(
                "raw activity records (activities, extFilter) can be fetched for windows of at most 30 days; \
                 this window is {} days (aggregate instead, or split it)",
                self.window.span().num_days()
            )));
        }
        let selection = self.selection(&mut vars)?;
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
    fn selection(&self, vars: &mut Variables) -> Result<String> {
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
            // The interval start is a grouped field: first unless the group-by list places it
            // (the service's aggregation cursors name grouped fields in selection order).
            if self.interval.is_some() && !root.0.iter().any(|(n, _)| n == "intervalStartTime") {
                root.0
                    .insert(0, ("intervalStartTime".into(), Node::default()));
            }
            root.0.push((
                "aggregation".into(),
                Node(vec![
                    ("name".into(), Node::default()),
                    ("value".into(), Node::default()),
                ]),
            ));
        }
        if root.0.is_empty() && self.globals.is_empty() {
            return Err(Error::InvalidRequest("select at least one field".into()));
        }
        let sort = self.sort.as_ref().map(|(f, o)| (f.as_str(), *o));
        let activities = match &self.activities {
            Some((first, after)) => {
                let mut args = format!("(first: {first}");
                if let Some(after) = after {
                    let name = vars.add("String!", Value::String(after.clone()));
                    let _ = write!(args, ", after: ${name}");
                }
                args.push(')');
                Some(args)
            }
            None => None,
        };
        let activities = activities.as_deref();
        fn write(
            node: &Node,
            out: &mut String,
            sort: Option<(&str, SortOrder)>,
            activities: Option<&str>,
            base: &str,
        ) {
            for (name, child) in &node.0 {
                let path = if base.is_empty() {
                    name.clone()
                } else {
                    format!("{base}.{name}")
                };
                out.push(' ');
                out.push_str(name);
                if name == "activities"
                    && let Some(args) = activities
                {
                    out.push_str(args);
                }
                if let Some((field, order)) = sort
                    && field == path
                {
                    out.push_str(match order {
                        SortOrder::Ascending => "(sort: asc)",
                        SortOrder::Descending => "(sort: desc)",
                    });
                }
                if !child.0.is_empty() {
                    out.push_str(" {");
                    write(child, out, sort, activities, &path);
                    out.push_str(" }");
                }
            }
        }
        let mut out = String::from("{");
        write(&root, &mut out, sort, activities, "");
        for (kind, name, alias) in &self.globals {
            check_name(alias, "alias")?;
            let variable = vars.add("String!", Value::String(name.clone()));
            let _ = write!(
                out,
                " {alias}: {}(name: ${variable}) {{ name value }}",
                kind.root()
            );
        }
        out.push_str(" }");
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::AggregationType;
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
            // The interval start first, as Cisco's samples select it (cursors name the
            // grouped fields in selection order).
            text.contains(
                "tasks { intervalStartTime lastQueue { id } aggregation { name value } }"
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
    fn raw_activity_queries_are_limited_to_thirty_days() {
        let month = Window::new(now() - TimeDelta::days(31), now());
        let activities = Query::task_details(month).fields(["id", "activities.nodes.eventName"]);
        assert!(matches!(
            activities.render_at(None, now()),
            Err(Error::InvalidRequest(_))
        ));
        let state = crate::search::Field::new(
            "channelInfo.activities.nodes.state",
            crate::search::FieldType::String,
        );
        let ext = Query::agent_sessions(month).ext_filter(state.equals("idle"));
        assert!(ext.render_at(None, now()).is_err());
        // Aggregating activities over the same window is fine.
        let aggregated = Query::task_details(month).aggregate(
            [Aggregation::new(
                AggregationType::Average,
                "activities.nodes.duration",
                "d",
            )],
            ["activities.nodes.queueId"],
        );
        assert!(aggregated.render_at(None, now()).is_ok());
        let paged = Query::task_details(day())
            .fields(["id", "activities.nodes.id"])
            .activities_page(5, Some("1700"))
            .unwrap();
        let (text, vars) = paged.render_at(None, now()).unwrap();
        assert!(
            text.contains("activities(first: 5, after: $v0) { nodes { id } }"),
            "{text}"
        );
        assert_eq!(vars["v0"], "1700");
        assert!(Query::task_details(day()).activities_page(0, None).is_err());
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
