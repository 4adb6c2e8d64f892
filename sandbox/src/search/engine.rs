//! Runs one Search query over records: window, filters, sorting or grouping with
//! aggregations and intervals, then one page.

use std::cmp::Ordering;
use std::collections::HashMap;

use base64::Engine as _;
use chrono::{DateTime, Datelike, TimeDelta};

use super::filter::Pred;
use super::record::{Env, GvKind, Record, Val};
use crate::tz::{self, Zone};

/// Interval lengths for aggregations.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub(crate) enum IntervalType {
    /// 15 minutes (windows up to one day).
    FifteenMinutes,
    /// 30 minutes (windows up to seven days).
    ThirtyMinutes,
    /// One hour (windows up to seven days).
    Hourly,
    /// One day.
    Daily,
    /// One week, starting Monday.
    Weekly,
    /// One calendar month.
    Monthly,
}

/// Aggregation functions.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub(crate) enum AggregationType {
    /// Number of records with a value.
    Count,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Sum of the values.
    Sum,
    /// Mean of the values.
    Average,
    /// Number of distinct values.
    Cardinality,
}

/// What records are grouped by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GroupKey {
    Field(usize),
    Global(GvKind, String),
}

/// One requested aggregation.
#[derive(Clone, Debug)]
pub(crate) struct AggSpec {
    pub name: String,
    pub kind: AggregationType,
    /// `None` counts records.
    pub field: Option<usize>,
    pub filter: Option<Pred>,
}

/// Everything a query asks for, validated.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    pub from: i64,
    pub to: i64,
    pub time_field: usize,
    pub filter: Option<Pred>,
    pub aggregations: Vec<AggSpec>,
    pub interval: Option<(IntervalType, Zone)>,
    pub group_by: Vec<GroupKey>,
    /// Sort field and whether descending (raw queries).
    pub sort: (usize, bool),
    pub offset: usize,
    pub page_size: usize,
    /// The most records a raw query may page through.
    pub max_records: Option<usize>,
}

/// One result record.
pub(crate) enum Item<'r, R> {
    Raw(&'r R),
    Group {
        /// Any record of the group (every grouped field has the same value in all of them).
        rep: Option<&'r R>,
        interval: Option<i64>,
        values: Vec<(String, Option<f64>)>,
    },
}

/// One page of results.
pub(crate) struct Page<'r, R> {
    pub items: Vec<Item<'r, R>>,
    pub has_next: bool,
    pub end_cursor: Option<String>,
}

const CURSOR_PREFIX: &str = "sbx1:";

/// An opaque cursor for a record offset.
pub(crate) fn encode_cursor(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{offset}"))
}

/// The offset of a cursor; `None` or `"NA"` (or the older `"0"`) start at the beginning.
pub(crate) fn decode_cursor(cursor: Option<&str>) -> Result<usize, String> {
    let Some(cursor) = cursor.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(0);
    };
    if cursor == "NA" || cursor == "0" {
        return Ok(0);
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(CURSOR_PREFIX)?.parse().ok())
        .ok_or_else(|| format!("`{cursor}` is not a cursor returned by this query"))
}

/// A hashable, ordered group-key part.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Part {
    Null,
    Bool(bool),
    Num(u64),
    Str(String),
}

impl Part {
    fn of(value: &Val<'_>) -> Part {
        match value {
            Val::Null => Part::Null,
            Val::Bool(b) => Part::Bool(*b),
            // Ordered bit pattern of the float (sign-flipped for negatives).
            Val::Num(n) => {
                let bits = n.to_bits();
                Part::Num(if *n < 0.0 { !bits } else { bits | (1 << 63) })
            }
            Val::Str(s) => Part::Str(s.to_string()),
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

fn group_value<R: Record>(record: &R, key: &GroupKey, env: &Env) -> Part {
    match key {
        GroupKey::Field(index) => Part::of(&record.get(*index, env)),
        GroupKey::Global(kind, name) => record
            .globals(*kind)
            .iter()
            .find(|(n, _)| n == name)
            .map_or(Part::Null, |(_, v)| Part::of(v)),
    }
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

fn aggregate<R: Record>(rows: &[&R], agg: &AggSpec, env: &Env) -> Option<f64> {
    let rows: Vec<&R> = match &agg.filter {
        Some(pred) => rows
            .iter()
            .copied()
            .filter(|r| pred.test(*r, env))
            .collect(),
        None => rows.to_vec(),
    };
    let Some(field) = agg.field else {
        return Some(rows.len() as f64);
    };
    match agg.kind {
        AggregationType::Count => Some(
            rows.iter()
                .filter(|r| !matches!(r.get(field, env), Val::Null))
                .count() as f64,
        ),
        AggregationType::Cardinality => {
            let mut seen: Vec<Part> = rows
                .iter()
                .map(|r| Part::of(&r.get(field, env)))
                .filter(|p| *p != Part::Null)
                .collect();
            seen.sort();
            seen.dedup();
            Some(seen.len() as f64)
        }
        kind => {
            let values: Vec<f64> = rows
                .iter()
                .filter_map(|r| match r.get(field, env) {
                    Val::Num(n) => Some(n),
                    _ => None,
                })
                .collect();
            match kind {
                AggregationType::Sum => Some(values.iter().sum()),
                AggregationType::Min => values.iter().copied().reduce(f64::min),
                AggregationType::Max => values.iter().copied().reduce(f64::max),
                AggregationType::Average => {
                    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
                }
                AggregationType::Count | AggregationType::Cardinality => None,
            }
        }
    }
}

fn number_of<R: Record>(record: &R, field: usize, env: &Env) -> Option<f64> {
    match record.get(field, env) {
        Val::Num(n) => Some(n),
        _ => None,
    }
}

/// A group: its interval start and grouped values.
type GroupId = (Option<i64>, Vec<Part>);

/// Runs the query over `records`.
pub(crate) fn run<'r, R: Record + 'r>(
    records: impl Iterator<Item = &'r R>,
    spec: &Spec,
    env: &Env,
) -> Page<'r, R> {
    let matched: Vec<&R> = records
        .filter(|r| {
            number_of(*r, spec.time_field, env)
                .is_some_and(|t| t >= spec.from as f64 && t < spec.to as f64)
        })
        .filter(|r| spec.filter.as_ref().is_none_or(|p| p.test(*r, env)))
        .collect();

    if spec.aggregations.is_empty() {
        let (field, desc) = spec.sort;
        let mut keyed: Vec<(Option<f64>, &R)> = matched
            .into_iter()
            .map(|r| (number_of(r, field, env), r))
            .collect();
        keyed.sort_by(|(a, ra), (b, rb)| {
            let by_value = match (a, b) {
                (Some(a), Some(b)) if desc => b.total_cmp(a),
                (Some(a), Some(b)) => a.total_cmp(b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            by_value.then_with(|| ra.id().cmp(rb.id()))
        });
        let reachable = spec
            .max_records
            .map_or(keyed.len(), |max| keyed.len().min(max));
        let end = spec.offset.saturating_add(spec.page_size).min(reachable);
        let items = keyed
            .get(spec.offset.min(end)..end)
            .unwrap_or_default()
            .iter()
            .map(|(_, r)| Item::Raw(*r))
            .collect();
        return Page {
            items,
            has_next: end < reachable,
            end_cursor: Some(encode_cursor(end)),
        };
    }

    // Aggregations: group by the selected fields (and the interval), then aggregate each group.
    let mut groups: HashMap<GroupId, Vec<&R>> = HashMap::new();
    for record in &matched {
        let interval = spec.interval.as_ref().and_then(|(kind, zone)| {
            number_of(*record, spec.time_field, env).map(|t| bucket(t as i64, *kind, zone))
        });
        let key: Vec<Part> = spec
            .group_by
            .iter()
            .map(|k| group_value(*record, k, env))
            .collect();
        groups.entry((interval, key)).or_default().push(*record);
    }
    let mut groups: Vec<(GroupId, Vec<&R>)> = groups.into_iter().collect();
    if groups.is_empty() && spec.group_by.is_empty() && spec.interval.is_none() {
        groups.push(((None, Vec::new()), Vec::new()));
    }
    groups.sort_by(|((ia, ka), ra), ((ib, kb), rb)| {
        ia.cmp(ib)
            .then_with(|| rb.len().cmp(&ra.len()))
            .then_with(|| ka.cmp(kb))
    });
    let total = groups.len();
    let end = spec.offset.saturating_add(spec.page_size).min(total);
    let items = groups
        .get(spec.offset.min(end)..end)
        .unwrap_or_default()
        .iter()
        .map(|((interval, _), rows)| Item::Group {
            rep: rows.first().copied(),
            interval: *interval,
            values: spec
                .aggregations
                .iter()
                .map(|agg| (agg.name.clone(), aggregate(rows, agg, env)))
                .collect(),
        })
        .collect();
    Page {
        items,
        has_next: end < total,
        end_cursor: Some(encode_cursor(end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(decode_cursor(None), Ok(0));
        assert_eq!(decode_cursor(Some("NA")), Ok(0));
        assert_eq!(decode_cursor(Some(&encode_cursor(750))), Ok(750));
        assert!(decode_cursor(Some("bogus")).is_err());
    }

    #[test]
    fn daily_buckets_follow_the_zone() {
        let zone = Zone::parse("America/New_York").unwrap_or_else(Zone::utc);
        // 2026-01-15T03:00Z is still the 14th in New York.
        let ms = 1_768_446_000_000;
        let start = bucket(ms, IntervalType::Daily, &zone);
        assert_eq!(start, 1_768_366_800_000); // 2026-01-14T05:00Z
    }
}
