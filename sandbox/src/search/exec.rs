//! Runs one root query: reads its arguments and selection, checks them against Cisco's rules,
//! runs the engine and renders the result for the selection (aliases, global variables by
//! name, activity pages).

use std::sync::Arc;

use async_graphql::context::SelectionField;
use async_graphql::dynamic::ResolverContext;
use async_graphql::{Name, Value};
use chrono::{DateTime, Months};

use super::engine::{
    self, AggField, AggSpec, AggregationType, GroupKey, IntervalType, Mode, RawPaging, Spec,
};
use super::facts;
use super::filter::{Compiler, Pred, join};
use super::record::{Access, Env, GvKind, Item, Source};
use super::render::{Out, arg_of, args_of, enum_text, page_info_value};
use super::schema::{Root, global_value_type};
use crate::data::DAY;
use crate::tz::Zone;

/// A rejection the HTTP layer answers with an `ApiErrorResponse` of this status instead of a
/// GraphQL error (the service checks windows and arguments before it runs a query).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HttpReject(pub u16);

pub(crate) fn reject(status: u16, message: impl Into<String>) -> async_graphql::Error {
    let mut error = async_graphql::Error::new(message);
    error.source = Some(Arc::new(HttpReject(status)));
    error
}

fn bad(message: impl Into<String>) -> async_graphql::Error {
    reject(400, message)
}

/// Page sizes and limits from Cisco's Search guide.
const RAW_TASK_PAGE: usize = 250;
const RAW_SESSION_PAGE: usize = 250;
const RAW_LEG_PAGE: usize = 500;
const AGGREGATION_PAGE: usize = 1_000;
const RAW_MAX_RECORDS: usize = 100_000;
const MAX_GROUP_BY: usize = 10;
/// `from` may reach back 36 months (the spec's description of `POST /search`).
const LOOKBACK_MONTHS: u32 = 36;
/// A window may span 13 months (the guide's restrictions).
const SPAN_MONTHS: u32 = 13;
/// Raw activity records (CAR, AAR): windows of at most 30 days.
const ACTIVITY_SPAN_DAYS: i64 = 30;

/// The data a query reads.
pub(crate) type SearchData = Env;

fn long(value: Option<&Value>, name: &str) -> async_graphql::Result<i64> {
    match value {
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| bad(format!("`{name}` is not a 64-bit integer"))),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| bad(format!("`{name}` is not epoch milliseconds"))),
        _ => Err(bad(format!("`{name}` is required"))),
    }
}

fn arg<'a>(ctx: &'a ResolverContext<'_>, name: &str) -> Option<&'a Value> {
    ctx.args
        .get(name)
        .map(|v| v.as_value())
        .filter(|v| **v != Value::Null)
}

/// `from`/`to` as the service reads them: `to` in the future means now.
fn window(from: i64, to: i64, now: i64) -> async_graphql::Result<(i64, i64)> {
    let to = to.min(now);
    let at = |ms: i64| {
        DateTime::from_timestamp_millis(ms).ok_or_else(|| bad("the window is out of range"))
    };
    let earliest = at(now)?
        .checked_sub_months(Months::new(LOOKBACK_MONTHS))
        .map_or(i64::MIN, |t| t.timestamp_millis());
    if from < earliest {
        return Err(bad(format!(
            "`from` may be at most {LOOKBACK_MONTHS} months in the past"
        )));
    }
    if from >= to {
        return Err(bad("`from` must be before `to` (and before now)"));
    }
    let latest = at(from)?
        .checked_add_months(Months::new(SPAN_MONTHS))
        .map_or(i64::MAX, |t| t.timestamp_millis());
    if to > latest {
        return Err(bad(format!(
            "a window may span at most {SPAN_MONTHS} months"
        )));
    }
    Ok((from, to))
}

/// Runs a root query.
pub(crate) fn run(root: &'static Root, ctx: &ResolverContext<'_>) -> async_graphql::Result<Value> {
    let env = ctx.data::<SearchData>()?;
    let (from, to) = window(
        long(arg(ctx, "from"), "from")?,
        long(arg(ctx, "to"), "to")?,
        env.now,
    )?;
    let source = root.source;
    let time_path = match (source, arg(ctx, "timeComparator")) {
        (Source::Sessions, _) => "startTime",
        (_, Some(Value::Enum(name))) if name.as_str() == "endedTime" => "endedTime",
        (_, Some(Value::String(name))) if name == "endedTime" => "endedTime",
        _ => "createdTime",
    };
    let mut compiler = Compiler::new(source, root.recs);
    let filter = compiler.compile(arg(ctx, "filter")).map_err(bad)?;
    let ext_filter = compiler.compile(arg(ctx, "extFilter")).map_err(bad)?;

    let field = ctx.ctx.field();
    let records_sel: Option<SelectionField<'_>> =
        field.selection_set().find(|s| s.name() == root.records);
    let aggregations = aggregations(ctx, root, &mut compiler)?;
    let interval = match arg(ctx, "aggregationInterval") {
        Some(Value::Object(obj)) => {
            let name = match obj.get("interval") {
                Some(Value::Enum(n)) => n.to_string(),
                Some(Value::String(s)) => s.clone(),
                _ => return Err(bad("`aggregationInterval.interval` is required")),
            };
            let kind = IntervalType::parse(&name)
                .ok_or_else(|| bad(format!("`{name}` is not an interval")))?;
            if !kind.allowed_for(to - from) {
                return Err(bad(format!(
                    "a {name} interval is not allowed for this window: windows up to a day take any interval, \
                     up to 7 days THIRTY_MINUTES or longer, beyond that DAILY, WEEKLY or MONTHLY"
                )));
            }
            let zone = match obj.get("timezone") {
                Some(Value::String(tz)) => {
                    Zone::parse(tz).ok_or_else(|| bad(format!("`{tz}` is not a time zone")))?
                }
                _ => Zone::utc(),
            };
            Some((kind, zone))
        }
        _ => None,
    };
    let cursor = match arg(ctx, "pagination") {
        Some(Value::Object(obj)) => match obj.get("cursor") {
            Some(Value::String(c)) if !c.trim().is_empty() && c.trim() != "NA" => {
                Some(c.trim().to_owned())
            }
            _ => None,
        },
        _ => None,
    };

    let (_, time) = source.access(time_path);
    let mode = if aggregations.is_empty() {
        if interval.is_some() {
            return Err(bad("`aggregationInterval` needs `aggregations`"));
        }
        let selects_activities = records_sel.as_ref().is_some_and(selects_activities);
        if (selects_activities || ext_filter.is_some()) && to - from > ACTIVITY_SPAN_DAYS * DAY {
            return Err(bad(format!(
                "raw activity records can be fetched for windows of at most {ACTIVITY_SPAN_DAYS} days"
            )));
        }
        let sort = records_sel
            .as_ref()
            .map(|s| sort_of(s, "", root))
            .transpose()?
            .flatten();
        let paging = match source {
            // A session cursor is the last session's id; clients that page by number (Cisco's
            // Power BI sample sends "0", "1", ...) get pages by number.
            Source::Sessions => match cursor.as_deref().map(str::parse::<usize>) {
                Some(Ok(page)) => RawPaging::Numbered {
                    page,
                    size: RAW_SESSION_PAGE,
                    max: usize::MAX,
                },
                _ => RawPaging::AfterId {
                    after: cursor,
                    size: RAW_SESSION_PAGE,
                },
            },
            Source::Tasks | Source::Legs => RawPaging::Numbered {
                page: match cursor {
                    None => 0,
                    Some(c) => c
                        .parse()
                        .map_err(|_| bad(format!("`{c}` is not a cursor of this query")))?,
                },
                size: if source == Source::Legs {
                    RAW_LEG_PAGE
                } else {
                    RAW_TASK_PAGE
                },
                max: RAW_MAX_RECORDS,
            },
        };
        Mode::Raw { sort, paging }
    } else {
        let mut group_by = Vec::new();
        if let Some(sel) = &records_sel {
            group_keys(sel, "", root, &mut group_by)?;
        }
        let fields = group_by
            .iter()
            .filter(|k| !matches!(k, GroupKey::Interval))
            .count();
        if fields > MAX_GROUP_BY {
            return Err(bad(format!(
                "an aggregation may group by at most {MAX_GROUP_BY} fields"
            )));
        }
        if interval.is_none() && group_by.iter().any(|k| matches!(k, GroupKey::Interval)) {
            group_by.retain(|k| !matches!(k, GroupKey::Interval));
        }
        let depth = group_by
            .iter()
            .filter_map(|k| match k {
                GroupKey::Field(path, _) => Some(source.access(path).0),
                _ => None,
            })
            .chain(aggregations.iter().map(|(depth, _)| *depth))
            .max()
            .unwrap_or(0);
        let mut skip = 0;
        let after = match cursor {
            None => None,
            // Page numbers, as Cisco's Power BI sample pages aggregations ("0", "1", ...).
            Some(c) if c.bytes().all(|b| b.is_ascii_digit()) => {
                skip = c
                    .parse::<usize>()
                    .map_err(|_| bad(format!("`{c}` is not a page")))?;
                None
            }
            Some(c) => {
                let numeric: Vec<bool> = group_by.iter().map(|k| key_numeric(k, root)).collect();
                Some(engine::parse_group_cursor(&c, &group_by, &numeric).map_err(bad)?)
            }
        };
        Mode::Aggregate {
            depth,
            aggregations: aggregations.into_iter().map(|(_, a)| a).collect(),
            interval,
            group_by,
            after,
            skip,
            size: AGGREGATION_PAGE,
        }
    };
    let spec = Spec {
        from,
        to,
        time,
        filter,
        ext_filter,
        mode,
    };

    let records: Vec<Item<'_>> = match source {
        Source::Tasks => env
            .data
            .tasks
            .iter()
            .chain(&env.created)
            .map(Item::Task)
            .collect(),
        Source::Sessions => env.data.sessions.iter().map(Item::Session).collect(),
        Source::Legs => env.data.legs().iter().map(Item::Leg).collect(),
    };
    let out = Out {
        root,
        env,
        ext: spec.ext_filter.as_ref(),
    };
    let (items, page_info) = match &spec.mode {
        Mode::Raw { sort, paging } => {
            let page = engine::raw(records, &spec, *sort, paging, env);
            let items: Vec<Value> = match &records_sel {
                Some(sel) => page
                    .items
                    .iter()
                    .map(|item| out.record(Some(item), None, sel))
                    .collect(),
                None => Vec::new(),
            };
            (items, (page.has_next, page.end_cursor))
        }
        Mode::Aggregate {
            depth,
            aggregations,
            interval,
            group_by,
            after,
            skip,
            size,
        } => {
            let page = engine::aggregate_page(
                records,
                &spec,
                *depth,
                aggregations,
                interval.as_ref(),
                group_by,
                after.as_deref(),
                *skip,
                *size,
                env,
            );
            let items = match &records_sel {
                Some(sel) => page
                    .groups
                    .iter()
                    .map(|g| out.record(g.rep.as_ref(), Some((g.interval, &g.values)), sel))
                    .collect(),
                None => Vec::new(),
            };
            (items, (page.has_next, page.end_cursor))
        }
    };
    let mut result = async_graphql::indexmap::IndexMap::new();
    for sel in field.selection_set() {
        let key = Name::new(sel.alias().unwrap_or(sel.name()));
        let value = match sel.name() {
            name if name == root.records => Value::List(items.clone()),
            "pageInfo" => page_info_value(&sel, page_info.0, page_info.1.clone()),
            "intervalInfo" => match &spec.mode {
                Mode::Aggregate {
                    interval: Some((kind, zone)),
                    ..
                } => {
                    let mut map = async_graphql::indexmap::IndexMap::new();
                    for s in sel.selection_set() {
                        let key = Name::new(s.alias().unwrap_or(s.name()));
                        map.insert(
                            key,
                            match s.name() {
                                "interval" => Value::Enum(Name::new(kind.name())),
                                "timezone" => Value::String(zone.name.clone()),
                                _ => Value::Null,
                            },
                        );
                    }
                    Value::Object(map)
                }
                _ => Value::Null,
            },
            "__typename" => Value::String(root.list_type.to_owned()),
            _ => Value::Null,
        };
        result.insert(key, value);
    }
    Ok(Value::Object(result))
}

fn selects_activities(sel: &SelectionField<'_>) -> bool {
    sel.selection_set().any(|s| {
        s.name() == "activities" || (s.selection_set().next().is_some() && selects_activities(&s))
    })
}

/// The first field of the records (nested ones too) with a `sort` argument.
fn sort_of(
    sel: &SelectionField<'_>,
    base: &str,
    root: &Root,
) -> async_graphql::Result<Option<(Access, bool)>> {
    for s in sel.selection_set() {
        if matches!(s.name(), "activities" | "channelInfo" | "intervalStartTime") {
            continue;
        }
        let path = join(base, s.name());
        if s.selection_set().next().is_some() {
            if let Some(found) = sort_of(&s, &path, root)? {
                return Ok(Some(found));
            }
            continue;
        }
        if let Some(order) = arg_of(&args_of(&s), "sort").and_then(enum_text) {
            let (_, access) = root.source.access(&path);
            return Ok(Some((access, order == "desc")));
        }
    }
    Ok(None)
}

/// The grouped fields: every field the aggregation query selects besides `aggregation`, in
/// selection order (`intervalStartTime` where it stands).
fn group_keys(
    sel: &SelectionField<'_>,
    base: &str,
    root: &Root,
    out: &mut Vec<GroupKey>,
) -> async_graphql::Result<()> {
    for s in sel.selection_set() {
        let name = s.name();
        match name {
            "aggregation" | "__typename" => continue,
            "intervalStartTime" if base.is_empty() => {
                out.push(GroupKey::Interval);
                continue;
            }
            "totalCount" | "pageInfo" => continue,
            _ => {}
        }
        if base.is_empty()
            && let Some(kind) = GvKind::of_field(name)
        {
            let args = args_of(&s);
            let gv = arg_of(&args, "name")
                .and_then(enum_text)
                .ok_or_else(|| bad(format!("`{name}` needs a `name`")))?;
            out.push(GroupKey::Global(kind, gv.to_owned()));
            continue;
        }
        let path = join(base, name);
        if s.selection_set().next().is_some() {
            group_keys(&s, &path, root, out)?;
            continue;
        }
        let fact =
            facts::find(root.recs, &path).ok_or_else(|| bad(format!("`{path}` is not a field")))?;
        if !fact.group {
            return Err(bad(format!("`{path}` cannot be grouped by")));
        }
        let (_, access) = root.source.access(&path);
        out.push(GroupKey::Field(path, access));
    }
    Ok(())
}

fn key_numeric(key: &GroupKey, root: &Root) -> bool {
    match key {
        GroupKey::Interval => true,
        GroupKey::Global(kind, _) => global_value_type(*kind).is_numeric(),
        GroupKey::Field(path, _) => facts::find(root.recs, path).is_some_and(|f| f.ty.is_numeric()),
    }
}

/// The `aggregations` (and the deprecated `aggregation`) argument, each with its depth.
fn aggregations(
    ctx: &ResolverContext<'_>,
    root: &Root,
    compiler: &mut Compiler,
) -> async_graphql::Result<Vec<(u8, AggSpec)>> {
    let mut list: Vec<Value> = match arg(ctx, "aggregations") {
        Some(Value::List(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    };
    if let Some(Value::Object(legacy)) = arg(ctx, "aggregation") {
        match legacy.get("aggr") {
            Some(Value::List(items)) => list.extend(items.iter().cloned()),
            Some(one @ Value::Object(_)) => list.push(one.clone()),
            _ => {}
        }
    }
    let mut out = Vec::with_capacity(list.len());
    let mut depths = Vec::new();
    for item in &list {
        let Value::Object(obj) = item else {
            return Err(bad("each aggregation is an object"));
        };
        let field = obj
            .get("field")
            .and_then(enum_text)
            .ok_or_else(|| bad("an aggregation needs a `field`"))?;
        let kind = obj
            .get("type")
            .and_then(enum_text)
            .and_then(AggregationType::parse)
            .ok_or_else(|| bad(format!("the aggregation of `{field}` needs a `type`")))?;
        let name = obj
            .get("name")
            .and_then(enum_text)
            .unwrap_or(field)
            .to_owned();
        let sub = compiler.compile(obj.get("filter")).map_err(bad)?;
        let sub_ext = compiler.compile(obj.get("extFilter")).map_err(bad)?;
        let filter = match (sub, sub_ext) {
            (Some(a), Some(b)) => Some(Pred::All(vec![a, b])),
            (a, b) => a.or(b),
        };
        let (depth, agg_field, ty) = if let Some((gv, rest)) = field.split_once('.')
            && let Some(gv_kind) = GvKind::of_field(gv)
        {
            if rest != "value" {
                return Err(bad(format!(
                    "`{field}` cannot be aggregated; use `{gv}.value`"
                )));
            }
            let predicate = compiler.compile(obj.get("predicate")).map_err(bad)?;
            let names = predicate
                .as_ref()
                .and_then(|p| p.global_names(gv_kind))
                .ok_or_else(|| {
                    bad(format!(
                        "aggregating `{field}` needs a `predicate` naming the variable"
                    ))
                })?;
            (
                0,
                AggField::Global(gv_kind, names),
                global_value_type(gv_kind),
            )
        } else {
            let fact = facts::find(root.recs, field)
                .ok_or_else(|| bad(format!("`{field}` is not a field of {}", root.field)))?;
            if !fact.aggregate {
                return Err(bad(format!("`{field}` cannot be aggregated")));
            }
            let (depth, access) = root.source.access(field);
            (depth, AggField::Field(access), fact.ty)
        };
        if !ty.is_numeric()
            && !matches!(kind, AggregationType::Count | AggregationType::Cardinality)
        {
            return Err(bad(format!(
                "`{field}` is not a number: only count and cardinality apply"
            )));
        }
        depths.push(depth);
        out.push((
            depth,
            AggSpec {
                name,
                kind,
                field: agg_field,
                filter,
            },
        ));
    }
    // Cisco: parent fields are not aggregated beside activity fields.
    if depths.iter().any(|d| *d > 0) && depths.contains(&0) {
        return Err(bad(
            "aggregate either record fields or activity fields, not both in one query",
        ));
    }
    Ok(out)
}
