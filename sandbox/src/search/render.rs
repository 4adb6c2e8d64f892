//! Renders Search results for a query's selection: aliases, global variables by name,
//! activity pages and aggregated groups, each field as GraphQL writes its type.

use async_graphql::context::SelectionField;
use async_graphql::{Name, Value};

use super::facts::{self, Ty};
use super::filter::{Pred, join};
use super::record::{Env, GvKind, Item, Source, Val};
use super::schema::{Root, global_value_type};

/// Renders records for a selection.
pub(super) struct Out<'q> {
    pub root: &'static Root,
    pub env: &'q Env,
    /// The `extFilter`: raw queries return only the activities that match it.
    pub ext: Option<&'q Pred>,
}

pub(super) type Aggregated<'g> = (Option<i64>, &'g Vec<(String, Option<f64>)>);

impl Out<'_> {
    pub(super) fn record(
        &self,
        item: Option<&Item<'_>>,
        agg: Option<Aggregated<'_>>,
        sel: &SelectionField<'_>,
    ) -> Value {
        let mut map = async_graphql::indexmap::IndexMap::new();
        for s in sel.selection_set() {
            let key = Name::new(s.alias().unwrap_or(s.name()));
            let value = match s.name() {
                "aggregation" => match agg {
                    Some((_, values)) => Value::List(
                        values
                            .iter()
                            .map(|(name, value)| {
                                let mut m = async_graphql::indexmap::IndexMap::new();
                                for f in s.selection_set() {
                                    let k = Name::new(f.alias().unwrap_or(f.name()));
                                    m.insert(
                                        k,
                                        match f.name() {
                                            "name" => Value::String(name.clone()),
                                            "value" => value
                                                .and_then(serde_json::Number::from_f64)
                                                .map_or(Value::Null, Value::Number),
                                            _ => Value::Null,
                                        },
                                    );
                                }
                                Value::Object(m)
                            })
                            .collect(),
                    ),
                    None => Value::Null,
                },
                "intervalStartTime" => agg
                    .and_then(|(i, _)| i)
                    .map_or(Value::Null, |i| Value::Number(i.into())),
                name => match GvKind::of_field(name) {
                    Some(kind) => self.global(item, kind, &s),
                    None => self.field(item, "", &s),
                },
            };
            map.insert(key, value);
        }
        Value::Object(map)
    }

    fn global(&self, item: Option<&Item<'_>>, kind: GvKind, sel: &SelectionField<'_>) -> Value {
        let args = args_of(sel);
        let wanted = arg_of(&args, "name")
            .and_then(enum_text)
            .unwrap_or_default();
        let found = item.and_then(|i| {
            i.globals(kind, self.env)
                .into_iter()
                .find(|(n, _)| *n == wanted)
        });
        let mut map = async_graphql::indexmap::IndexMap::new();
        for f in sel.selection_set() {
            let key = Name::new(f.alias().unwrap_or(f.name()));
            let value = match (f.name(), &found) {
                ("name", Some((n, _))) => Value::String((*n).to_owned()),
                ("value", Some((_, v))) => convert(v, global_value_type(kind)),
                _ => Value::Null,
            };
            map.insert(key, value);
        }
        Value::Object(map)
    }

    /// One field at `base` (a dotted path) of `item`.
    fn field(&self, item: Option<&Item<'_>>, base: &str, sel: &SelectionField<'_>) -> Value {
        let name = sel.name();
        let path = join(base, name);
        if name == "__typename" {
            return Value::String(self.root.record_type.to_owned());
        }
        let Some(item) = item else {
            return Value::Null;
        };
        if sel.selection_set().next().is_none() {
            let Some(fact) = facts::find(self.root.recs, &path) else {
                return Value::Null;
            };
            if fact.ty == Ty::Json {
                return self.json(item, &path);
            }
            let (_, access) = self.root.source.access(&path);
            return convert(&item.get(access, self.env), fact.ty);
        }
        let prefix = format!("{path}.");
        match (self.root.source, path.as_str()) {
            (Source::Tasks, "activities") => self.activities(item, &prefix, 1, sel),
            (Source::Sessions, "channelInfo.activities") => self.activities(item, &prefix, 2, sel),
            (Source::Sessions, "channelInfo") => {
                let channels = if item.depth() >= 1 {
                    vec![item.clone()]
                } else {
                    item.children(self.env)
                };
                Value::List(
                    channels
                        .iter()
                        .map(|c| self.object(c, &path, sel))
                        .collect(),
                )
            }
            (Source::Tasks, "queue") if self.root.field == "task" => self.queues(item, sel),
            _ => self.object(item, &path, sel),
        }
    }

    fn object(&self, item: &Item<'_>, path: &str, sel: &SelectionField<'_>) -> Value {
        let mut map = async_graphql::indexmap::IndexMap::new();
        for s in sel.selection_set() {
            let key = Name::new(s.alias().unwrap_or(s.name()));
            map.insert(key, self.field(Some(item), path, &s));
        }
        Value::Object(map)
    }

    /// An activity connection: `first` (25 by default, at most 100) after the cursor (the
    /// start time of the last activity of the previous page), newest first unless a node field
    /// asks `sort: asc`.
    fn activities(
        &self,
        item: &Item<'_>,
        prefix: &str,
        depth: u8,
        sel: &SelectionField<'_>,
    ) -> Value {
        let args = args_of(sel);
        let first = match arg_of(&args, "first") {
            Some(Value::Number(n)) => n.as_i64().unwrap_or(25).clamp(1, 100) as usize,
            _ => 25,
        };
        let after = arg_of(&args, "after")
            .and_then(enum_text)
            .and_then(|a| a.trim().parse::<i64>().ok());
        let nodes_sel = sel.selection_set().find(|s| s.name() == "nodes");
        let ascending = nodes_sel.as_ref().is_some_and(|n| {
            n.selection_set()
                .any(|f| arg_of(&args_of(&f), "sort").and_then(enum_text) == Some("asc"))
        });
        let mut list: Vec<Item<'_>> = if item.depth() >= depth {
            vec![item.clone()]
        } else {
            item.children(self.env)
                .into_iter()
                .filter(|c| self.ext.is_none_or(|p| p.test(c, self.env)))
                .collect()
        };
        if ascending {
            list.reverse();
        }
        if let Some(after) = after {
            list.retain(|c| {
                if ascending {
                    c.start() > after
                } else {
                    c.start() < after
                }
            });
        }
        let total = list.len();
        let has_next = total > first;
        list.truncate(first);
        let end_cursor = has_next
            .then(|| list.last().map(|c| c.start().to_string()))
            .flatten();
        let mut map = async_graphql::indexmap::IndexMap::new();
        for s in sel.selection_set() {
            let key = Name::new(s.alias().unwrap_or(s.name()));
            let value = match s.name() {
                "totalCount" => Value::Number(total.into()),
                "pageInfo" => page_info_value(&s, has_next, end_cursor.clone()),
                "nodes" => {
                    let nodes = format!("{prefix}nodes");
                    Value::List(list.iter().map(|c| self.object(c, &nodes, &s)).collect())
                }
                _ => Value::Null,
            };
            map.insert(key, value);
        }
        Value::Object(map)
    }

    /// The legacy task's queues (the spec's example shows a list of `{id, name}`).
    fn queues(&self, item: &Item<'_>, sel: &SelectionField<'_>) -> Value {
        let (Item::Task(task) | Item::Activity(task, _)) = item else {
            return Value::Null;
        };
        let queues = [task.prev_queue, task.queue]
            .into_iter()
            .filter_map(|q| self.env.data.queue(q))
            .map(|q| {
                let mut map = async_graphql::indexmap::IndexMap::new();
                for s in sel.selection_set() {
                    let key = Name::new(s.alias().unwrap_or(s.name()));
                    map.insert(
                        key,
                        match s.name() {
                            "id" => Value::String(q.id.clone()),
                            "name" => Value::String(q.name.to_owned()),
                            _ => Value::Null,
                        },
                    );
                }
                Value::Object(map)
            })
            .collect();
        Value::List(queues)
    }

    /// JSON fields: an agent's skills; the others (matched and required skills, the raw
    /// global variables) are not modeled and read as `null`.
    fn json(&self, item: &Item<'_>, path: &str) -> Value {
        if path != "agentSkills" {
            return Value::Null;
        }
        Value::List(
            item.skills(self.env)
                .into_iter()
                .map(|(name, level)| {
                    let mut map = async_graphql::indexmap::IndexMap::new();
                    map.insert(Name::new("name"), Value::String(name.to_owned()));
                    map.insert(Name::new("intVal"), Value::Number(level.into()));
                    Value::Object(map)
                })
                .collect(),
        )
    }
}

/// A field value as GraphQL writes it for the field's type.
fn convert(value: &Val<'_>, ty: Ty) -> Value {
    match value {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Boolean(*b),
        Val::Str(s) => Value::String(s.to_string()),
        Val::Num(n) => match ty {
            Ty::Float => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
            _ if n.is_finite() => Value::Number((*n as i64).into()),
            _ => Value::Null,
        },
    }
}

pub(super) fn page_info_value(
    sel: &SelectionField<'_>,
    has_next: bool,
    end_cursor: Option<String>,
) -> Value {
    let mut map = async_graphql::indexmap::IndexMap::new();
    for s in sel.selection_set() {
        let key = Name::new(s.alias().unwrap_or(s.name()));
        let value = match s.name() {
            "hasNextPage" => Value::Boolean(has_next),
            "endCursor" => end_cursor.clone().map_or(Value::Null, Value::String),
            "__typename" => Value::String("PageInfo".into()),
            _ => Value::Null,
        };
        map.insert(key, value);
    }
    Value::Object(map)
}

pub(super) fn args_of(sel: &SelectionField<'_>) -> Vec<(Name, Value)> {
    sel.arguments().unwrap_or_default()
}

pub(super) fn arg_of<'v>(args: &'v [(Name, Value)], name: &str) -> Option<&'v Value> {
    args.iter()
        .find(|(n, _)| n.as_str() == name)
        .map(|(_, v)| v)
        .filter(|v| **v != Value::Null)
}

pub(super) fn enum_text(value: &Value) -> Option<&str> {
    match value {
        Value::Enum(n) => Some(n.as_str()),
        Value::String(s) => Some(s),
        _ => None,
    }
}
