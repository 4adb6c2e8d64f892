//! Runs one Search query over records: window, filters, then either one page of raw records
//! (sorted) or groups with aggregations and intervals (one page of groups).

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, Datelike, TimeDelta};

use super::filter::{Op, Pred};
use super::record::{Access, Env, GvKind, Item, Val};
use crate::tz::{self, Zone};

/// Interval lengths for aggregations (`aggregationInterval.interval`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntervalType {
    FifteenMinutes,
    ThirtyMinutes,
    Hourly,
    Daily,
    Weekly,
    Monthly,
}

impl IntervalType {
    pub(crate) const NAMES: [&'static str; 6] = [
        "FIFTEEN_MINUTES",
        "THIRTY_MINUTES",
        "HOURLY",
        "DAILY",
        "WEEKLY",
        "MONTHLY",
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            IntervalType::FifteenMinutes => "FIFTEEN_MINUTES",
            IntervalType::ThirtyMinutes => "THIRTY_MINUTES",
            IntervalType::Hourly => "HOURLY",
            IntervalType::Daily => "DAILY",
            IntervalType::Weekly => "WEEKLY",
            IntervalType::Monthly => "MONTHLY",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<IntervalType> {
        Some(match name {
            "FIFTEEN_MINUTES" => IntervalType::FifteenMinutes,
            "THIRTY_MINUTES" => IntervalType::ThirtyMinutes,
            "HOURLY" => IntervalType::Hourly,
            "DAILY" => IntervalType::Daily,
            "WEEKLY" => IntervalType::Weekly,
            "MONTHLY" => IntervalType::Monthly,
            _ => return None,
        })
    }

    /// Cisco's rule: windows up to a day take every interval, up to seven days
    /// `THIRTY_MINUTES` and longer, beyond that `DAILY`, `WEEKLY` and `MONTHLY`.
    pub(crate) fn allowed_for(self, span_ms: i64) -> bool {
        const DAY: i64 = 86_400_000;
        match self {
            IntervalType::FifteenMinutes => span_ms <= DAY,
            IntervalType::ThirtyMinutes | IntervalType::Hourly => span_ms <= 7 * DAY,
            _ => true,
        }
    }
}

/// Aggregation functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AggregationType {
    Count,
    Min,
    Max,
    Sum,
    Average,
    Cardinality,
}

impl AggregationType {
    pub(crate) const NAMES: [&'static str; 6] =
        ["count", "min", "max", "sum", "average", "cardinality"];

    pub(crate) fn parse(name: &str) -> Option<AggregationType> {
        Some(match name {
            "count" => AggregationType::Count,
            "min" => AggregationType::Min,
            "max" => AggregationType::Max,
            "sum" => AggregationType::Sum,
            "average" => AggregationType::Average,
            "cardinality" => AggregationType::Cardinality,
            _ => return None,
        })
    }
}

/// What an aggregation reads from a record.
#[derive(Clone, Debug)]
pub(crate) enum AggField {
    Field(Access),
    /// The value of the global variable of this kind whose name matches (the `predicate`).
    Global(GvKind, Vec<Op>),
}

/// One requested aggregation.
#[derive(Clone, Debug)]
pub(crate) struct AggSpec {
    pub name: String,
    pub kind: AggregationType,
    pub field: AggField,
    pub filter: Option<Pred>,
}

/// What records are grouped by, in the order the query selects them.
#[derive(Clone, Debug)]
pub(crate) enum GroupKey {
    /// A field (its dotted path names it in cursors).
    Field(String, Access),
    /// A global variable's value, by kind and name.
    Global(GvKind, String),
    /// The interval start (`intervalStartTime`).
    Interval,
}

impl GroupKey {
    fn name(&self) -> String {
        match self {
            GroupKey::Field(path, _) => path.clone(),
            GroupKey::Global(kind, name) => {
                let field = GvKind::ALL
                    .iter()
                    .find(|(k, _)| k == kind)
                    .map_or("globalVariables", |(_, f)| *f);
                format!("{field}({name})")
            }
            GroupKey::Interval => "intervalStartTime".to_owned(),
        }
    }
}

/// How raw records page.
#[derive(Clone, Debug)]
pub(crate) enum RawPaging {
    /// Page numbers as cursors (`"1"` is the second page), at most `max` records in all: tasks
    /// and task legs.
    Numbered {
        page: usize,
        size: usize,
        max: usize,
    },
    /// The id of the last record as the cursor, records ordered by id: agent sessions.
    AfterId { after: Option<String>, size: usize },
}

/// Everything a query asks for, validated.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    pub from: i64,
    pub to: i64,
    /// The time the window selects on (a root-record field).
    pub time: Access,
    pub filter: Option<Pred>,
    pub ext_filter: Option<Pred>,
    pub mode: Mode,
}

#[derive(Clone, Debug)]
pub(crate) enum Mode {
    Raw {
        /// A field and whether descending; `None` for the source's own order.
        sort: Option<(Access, bool)>,
        paging: RawPaging,
    },
    Aggregate {
        /// How deep the aggregated records are (0 root records, 1 activities or channels, 2
        /// a channel's activities).
        depth: u8,
        aggregations: Vec<AggSpec>,
        interval: Option<(IntervalType, Zone)>,
        group_by: Vec<GroupKey>,
        /// The key of the last group of the previous page.
        after: Option<Vec<Part>>,
        /// Pages to skip (a numeric cursor).
        skip: usize,
        size: usize,
    },
}

/// One page of raw records.
pub(crate) struct RawPage<'r> {
    pub items: Vec<Item<'r>>,
    pub has_next: bool,
    pub end_cursor: Option<String>,
}

/// One group of an aggregation.
pub(crate) struct Group<'r> {
    /// A record of the group: every grouped field has the same value in all of them.
    pub rep: Option<Item<'r>>,
    pub interval: Option<i64>,
    pub values: Vec<(String, Option<f64>)>,
}

/// One page of groups.
pub(crate) struct GroupPage<'r> {
    pub groups: Vec<Group<'r>>,
    pub has_next: bool,
    pub end_cursor: Option<String>,
}

/// A hashable, ordered group-key part.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Part {
    Null,
    Bool(bool),
    Num(u64),
    Str(String),
}

impl Part {
    pub(crate) fn of(value: &Val<'_>) -> Part {
        match value {
            Val::Null => Part::Null,
            Val::Bool(b) => Part::Bool(*b),
            Val::Num(n) => Part::num(*n),
            Val::Str(s) => Part::Str(s.to_string()),
        }
    }

    /// The ordered bit pattern of a float (sign-flipped for negatives).
    pub(crate) fn num(n: f64) -> Part {
        let bits = n.to_bits();
        Part::Num(if n < 0.0 { !bits } else { bits | (1 << 63) })
    }

    fn number(&self) -> Option<f64> {
        match self {
            Part::Num(bits) => Some(if bits & (1 << 63) != 0 {
                f64::from_bits(bits & !(1 << 63))
            } else {
                f64::from_bits(!bits)
            }),
            _ => None,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Part::Null => 0,
            Part::Bool(_) => 1,
            Part::Num(_) => 2,
            Part::Str(_) => 3,
        }
    }

    /// As a cursor writes it.
    fn text(&self) -> String {
        match self {
            Part::Null => "null".to_owned(),
            Part::Bool(b) => b.to_string(),
            Part::Str(s) => s.clone(),
            Part::Num(_) => {
                let n = self.number().unwrap_or_default();
                if n.fract() == 0.0 && n.abs() < 9e15 {
                    format!("{}", n as i64)
                } else {
                    n.to_string()
                }
            }
        }
    }
}

impl PartialOrd for Part {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Part {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Part::Bool(a), Part::Bool(b)) => a.cmp(b),
            (Part::Num(a), Part::Num(b)) => a.cmp(b),
            (Part::Str(a), Part::Str(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// An aggregation cursor, as the service writes them: `path=value` per grouped field in
/// selection order, joined by `::` (`intervalStartTime=1700784000000::queue.id=null`).
pub(crate) fn group_cursor(keys: &[GroupKey], parts: &[Part]) -> String {
    keys.iter()
        .zip(parts)
        .map(|(key, part)| format!("{}={}", key.name(), part.text()))
        .collect::<Vec<_>>()
        .join("::")
}

/// Reads an aggregation cursor back into a group key; `numeric` tells, per key, whether its
/// values are numbers. Every grouped field must be named, in order.
pub(crate) fn parse_group_cursor(
    cursor: &str,
    keys: &[GroupKey],
    numeric: &[bool],
) -> Result<Vec<Part>, String> {
    let pieces: Vec<&str> = cursor.split("::").collect();
    if pieces.len() != keys.len() {
        return Err(format!(
            "the cursor `{cursor}` does not name the {} grouped fields of this query",
            keys.len()
        ));
    }
    keys.iter()
        .zip(pieces)
        .zip(numeric)
        .map(|((key, piece), numeric)| {
            let (name, value) = piece
                .split_once('=')
                .ok_or_else(|| format!("`{piece}` is not `field=value`"))?;
            if name != key.name() {
                return Err(format!(
                    "the cursor names `{name}` where this query groups by `{}`",
                    key.name()
                ));
            }
            Ok(match value {
                "null" => Part::Null,
                "true" => Part::Bool(true),
                "false" => Part::Bool(false),
                v if *numeric => v
                    .parse::<f64>()
                    .map(Part::num)
                    .map_err(|_| format!("`{v}` is not a number"))?,
                v => Part::Str(v.to_owned()),
            })
        })
        .collect()
}

/// Start of the interval holding `ms`, epoch milliseconds.
pub(crate) fn bucket(ms: i64, interval: IntervalType, zone: &Zone) -> i64 {
    let Some(at) = DateTime::from_timestamp_millis(ms) else {
        return ms;
    };
    let local = zone.local(at);
    let start = match interval {
        IntervalType::FifteenMinutes => tz::truncate_minutes(local, 15),
        IntervalType::ThirtyMinutes => tz::truncate_minutes(local, 30),
        IntervalType::Hourly => tz::truncate_minutes(local, 60),
        IntervalType::Daily => tz::start_of_day(local),
        IntervalType::Weekly => {
            let back = i64::from(local.weekday().num_days_from_monday());
            tz::start_of_day(local) - TimeDelta::days(back)
        }
        IntervalType::Monthly => {
            let day = tz::start_of_day(local);
            day.with_day(1).unwrap_or(day)
        }
    };
    zone.instant(start).timestamp_millis()
}

fn number(value: &Val<'_>) -> Option<f64> {
    match value {
        Val::Num(n) => Some(*n),
        _ => None,
    }
}

fn agg_value<'v>(item: &'v Item<'_>, field: &AggField, env: &'v Env) -> Val<'v> {
    match field {
        AggField::Field(access) => item.get(*access, env),
        AggField::Global(kind, names) => item
            .globals(*kind, env)
            .into_iter()
            .find(|(n, _)| {
                let n = Val::Str((*n).into());
                names.iter().all(|op| op.test(&n))
            })
            .map_or(Val::Null, |(_, v)| v),
    }
}

fn aggregate(rows: &[Item<'_>], agg: &AggSpec, env: &Env) -> Option<f64> {
    let rows: Vec<&Item<'_>> = rows
        .iter()
        .filter(|r| agg.filter.as_ref().is_none_or(|p| p.test(r, env)))
        .collect();
    let values: Vec<Val<'_>> = rows.iter().map(|r| agg_value(r, &agg.field, env)).collect();
    match agg.kind {
        AggregationType::Count => {
            Some(values.iter().filter(|v| !matches!(v, Val::Null)).count() as f64)
        }
        AggregationType::Cardinality => {
            let mut seen: Vec<Part> = values
                .iter()
                .map(Part::of)
                .filter(|p| *p != Part::Null)
                .collect();
            seen.sort();
            seen.dedup();
            Some(seen.len() as f64)
        }
        kind => {
            let numbers: Vec<f64> = values.iter().filter_map(number).collect();
            match kind {
                AggregationType::Sum => Some(numbers.iter().sum()),
                AggregationType::Min => numbers.iter().copied().reduce(f64::min),
                AggregationType::Max => numbers.iter().copied().reduce(f64::max),
                AggregationType::Average => (!numbers.is_empty())
                    .then(|| numbers.iter().sum::<f64>() / numbers.len() as f64),
                AggregationType::Count | AggregationType::Cardinality => None,
            }
        }
    }
}

/// The root records inside the window that match the filters.
fn matched<'r>(records: Vec<Item<'r>>, spec: &Spec, env: &Env) -> Vec<Item<'r>> {
    records
        .into_iter()
        .filter(|r| {
            number(&r.get(spec.time, env))
                .is_some_and(|t| t >= spec.from as f64 && t < spec.to as f64)
        })
        .filter(|r| spec.filter.as_ref().is_none_or(|p| p.test(r, env)))
        .filter(|r| spec.ext_filter.as_ref().is_none_or(|p| p.test(r, env)))
        .collect()
}

/// One page of raw records.
pub(crate) fn raw<'r>(
    records: Vec<Item<'r>>,
    spec: &Spec,
    sort: Option<(Access, bool)>,
    paging: &RawPaging,
    env: &Env,
) -> RawPage<'r> {
    let mut items = matched(records, spec, env);
    match sort {
        Some((access, desc)) => {
            let mut keyed: Vec<(Part, Item<'r>)> = items
                .into_iter()
                .map(|r| (Part::of(&r.get(access, env)), r))
                .collect();
            keyed.sort_by(|(a, ra), (b, rb)| {
                let by_value = if desc { b.cmp(a) } else { a.cmp(b) };
                by_value.then_with(|| ra.id().cmp(rb.id()))
            });
            items = keyed.into_iter().map(|(_, r)| r).collect();
        }
        None => match paging {
            // Sessions come in id order (Cisco's published session pages do), however paged.
            RawPaging::AfterId { .. } => items.sort_by(|a, b| a.id().cmp(b.id())),
            RawPaging::Numbered { .. } if matches!(items.first(), Some(Item::Session(_))) => {
                items.sort_by(|a, b| a.id().cmp(b.id()))
            }
            // Newest first, the service's default for tasks and legs.
            RawPaging::Numbered { .. } => {
                items.sort_by(|a, b| b.start().cmp(&a.start()).then_with(|| a.id().cmp(b.id())))
            }
        },
    }
    match paging {
        RawPaging::Numbered { page, size, max } => {
            let reachable = items.len().min(*max);
            let start = page.saturating_mul(*size).min(reachable);
            let end = start.saturating_add(*size).min(reachable);
            let has_next = end < reachable;
            let page_items = items.drain(start..end).collect();
            RawPage {
                items: page_items,
                has_next,
                end_cursor: has_next.then(|| (page + 1).to_string()),
            }
        }
        RawPaging::AfterId { after, size } => {
            let start = after
                .as_deref()
                .map_or(0, |id| items.partition_point(|r| r.id() <= id));
            let end = start.saturating_add(*size).min(items.len());
            let has_next = end < items.len();
            let page_items: Vec<Item<'r>> = items.drain(start..end).collect();
            let end_cursor = has_next
                .then(|| page_items.last().map(|r| r.id().to_owned()))
                .flatten();
            RawPage {
                items: page_items,
                has_next,
                end_cursor,
            }
        }
    }
}

/// The records an aggregation at `depth` runs over: the matched root records, or their
/// activities or channels that match the filters themselves.
fn rows<'r>(roots: Vec<Item<'r>>, depth: u8, spec: &Spec, env: &Env) -> Vec<Item<'r>> {
    let mut level = roots;
    for _ in 0..depth {
        level = level
            .iter()
            .flat_map(|r| r.children(env))
            .filter(|c| spec.filter.as_ref().is_none_or(|p| p.test(c, env)))
            .filter(|c| spec.ext_filter.as_ref().is_none_or(|p| p.test(c, env)))
            .collect();
    }
    level
}

/// Groups by key: each with its interval start and records.
type Grouped<'r> = Vec<(Vec<Part>, (Option<i64>, Vec<Item<'r>>))>;

/// One page of groups.
#[allow(clippy::too_many_arguments)]
pub(crate) fn aggregate_page<'r>(
    records: Vec<Item<'r>>,
    spec: &Spec,
    depth: u8,
    aggregations: &[AggSpec],
    interval: Option<&(IntervalType, Zone)>,
    group_by: &[GroupKey],
    after: Option<&[Part]>,
    skip: usize,
    size: usize,
    env: &Env,
) -> GroupPage<'r> {
    let roots = matched(records, spec, env);
    let rows = rows(roots, depth, spec, env);
    let mut groups: HashMap<Vec<Part>, (Option<i64>, Vec<Item<'r>>)> = HashMap::new();
    for row in rows {
        let at = if row.depth() == 0 {
            number(&row.get(spec.time, env)).map(|t| t as i64)
        } else {
            Some(row.start())
        };
        let start = interval.and_then(|(kind, zone)| at.map(|t| bucket(t, *kind, zone)));
        let key: Vec<Part> = group_by
            .iter()
            .map(|k| match k {
                GroupKey::Field(_, access) => Part::of(&row.get(*access, env)),
                GroupKey::Global(kind, name) => row
                    .globals(*kind, env)
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(Part::Null, |(_, v)| Part::of(v)),
                GroupKey::Interval => start.map_or(Part::Null, |s| Part::num(s as f64)),
            })
            .collect();
        groups
            .entry(key)
            .or_insert_with(|| (start, Vec::new()))
            .1
            .push(row);
    }
    let mut groups: Grouped<'r> = groups.into_iter().collect();
    if groups.is_empty() && group_by.is_empty() {
        // No group-by: one row over everything, even over nothing.
        groups.push((Vec::new(), (None, Vec::new())));
    }
    groups.sort_by(|(a, _), (b, _)| a.cmp(b));
    let start = after
        .map_or(0, |after| {
            groups.partition_point(|(k, _)| k.as_slice() <= after)
        })
        .saturating_add(skip.saturating_mul(size))
        .min(groups.len());
    let end = start.saturating_add(size).min(groups.len());
    let has_next = end < groups.len();
    let page: Grouped<'r> = groups.drain(start..end).collect();
    let end_cursor = has_next
        .then(|| page.last().map(|(key, _)| group_cursor(group_by, key)))
        .flatten();
    GroupPage {
        groups: page
            .into_iter()
            .map(|(_, (interval, rows))| Group {
                values: aggregations
                    .iter()
                    .map(|agg| (agg.name.clone(), aggregate(&rows, agg, env)))
                    .collect(),
                rep: rows.into_iter().next(),
                interval,
            })
            .collect(),
        has_next,
        end_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_cursors_round_trip() {
        let keys = [
            GroupKey::Interval,
            GroupKey::Global(GvKind::String, "Lang".into()),
        ];
        let parts = [Part::num(1_700_784_000_000.0), Part::Null];
        let cursor = group_cursor(&keys, &parts);
        assert_eq!(
            cursor,
            "intervalStartTime=1700784000000::stringGlobalVariables(Lang)=null"
        );
        assert_eq!(
            parse_group_cursor(&cursor, &keys, &[true, false]),
            Ok(parts.to_vec())
        );
        assert!(parse_group_cursor("bogus", &keys, &[true, false]).is_err());
    }

    #[test]
    fn daily_buckets_follow_the_zone() {
        let zone = Zone::parse("America/New_York").unwrap_or_else(Zone::utc);
        // 2026-01-15T03:00Z is still the 14th in New York.
        let ms = 1_768_446_000_000;
        let start = bucket(ms, IntervalType::Daily, &zone);
        assert_eq!(start, 1_768_366_800_000); // 2026-01-14T05:00Z
    }

    #[test]
    fn interval_rules_follow_the_span() {
        let day = 86_400_000;
        assert!(IntervalType::FifteenMinutes.allowed_for(day));
        assert!(!IntervalType::FifteenMinutes.allowed_for(day + 1));
        assert!(IntervalType::Hourly.allowed_for(7 * day));
        assert!(!IntervalType::Hourly.allowed_for(7 * day + 1));
        assert!(IntervalType::Monthly.allowed_for(400 * day));
    }
}
