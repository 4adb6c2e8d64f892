//! `POST /search`: GraphQL over the seeded data set, with the schema Cisco's Search material
//! documents (see `facts.tsv`).

mod engine;
mod exec;
mod facts;
mod filter;
mod record;
mod render;
mod schema;

#[cfg(test)]
pub(crate) mod fixtures;

use std::sync::Arc;

use serde::Deserialize;

pub(crate) use schema::{SearchSchema, build};

use crate::data::{Dataset, Task};

/// The request body.
#[derive(Deserialize)]
struct SearchRequest {
    query: Option<String>,
    #[serde(default)]
    variables: Option<serde_json::Value>,
    #[serde(default, rename = "operationName")]
    operation_name: Option<String>,
}

/// How a search ended.
pub(crate) enum Outcome {
    /// 200 with this GraphQL envelope (data, or GraphQL errors).
    Ok(serde_json::Value),
    /// A validation failure the service answers with an error status.
    Rejected(u16, String),
}

/// Runs one search request body.
pub(crate) async fn run(
    schema: &SearchSchema,
    body: &[u8],
    data: Arc<Dataset>,
    created: Vec<Task>,
    now: i64,
) -> Outcome {
    let request: SearchRequest = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(e) => return Outcome::Rejected(400, format!("the body is not a search request: {e}")),
    };
    let Some(query) = request.query.filter(|q| !q.trim().is_empty()) else {
        return Outcome::Rejected(400, "`query` is required".to_owned());
    };
    let mut gql = async_graphql::Request::new(query);
    match request.variables {
        None | Some(serde_json::Value::Null) => {}
        Some(vars @ serde_json::Value::Object(_)) => {
            gql = gql.variables(async_graphql::Variables::from_json(vars));
        }
        Some(_) => return Outcome::Rejected(400, "`variables` must be an object".to_owned()),
    }
    if let Some(name) = request.operation_name {
        gql = gql.operation_name(name);
    }
    gql = gql.data(exec::SearchData { data, created, now });
    let response = schema.execute(gql).await;
    if let Some((status, message)) = response.errors.iter().find_map(|e| {
        e.source
            .as_ref()
            .and_then(|s| s.downcast_ref::<exec::HttpReject>())
            .map(|r| (r.0, e.message.clone()))
    }) {
        return Outcome::Rejected(status, message);
    }
    match serde_json::to_value(&response) {
        Ok(value) => Outcome::Ok(value),
        Err(e) => Outcome::Rejected(500, format!("could not encode the result: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, LazyLock};

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::{Outcome, SearchSchema, build, run};
    use crate::data::Dataset;

    const NOW: i64 = 1_780_000_000_000;

    static SETUP: LazyLock<(SearchSchema, Arc<Dataset>, tokio::runtime::Runtime)> =
        LazyLock::new(|| {
            let schema = build().unwrap_or_else(|e| panic!("{e}"));
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap_or_else(|e| panic!("{e}"));
            (schema, Arc::new(Dataset::generate(3, NOW)), runtime)
        });

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            "\\PC{0,12}".prop_map(Value::from),
            Just(Value::from("(")),
            Just(Value::from("+1.*")),
            Just(Value::from("1700000000000")),
        ]
    }

    /// A filterable field of the root (by index) and an operator its type takes (by index).
    fn leaf_for(root: &str, field: usize, op: usize) -> (&'static str, &'static str) {
        use super::facts::{Rec, Ty};
        let recs: &[Rec] = match root {
            "agentSession" => &[Rec::Asr],
            "taskLegDetails" => &[Rec::Clr],
            _ => &[Rec::Csr],
        };
        let fields: Vec<&super::facts::Fact> = super::facts::of(recs)
            .filter(|f| {
                f.filter
                    && f.ty != Ty::Json
                    && !f.path.contains("GlobalVariables")
                    && !f.path.starts_with("agentSkills")
            })
            .collect();
        let Some(fact) = fields.get(field % fields.len().max(1)) else {
            return ("id", "equals");
        };
        let ops: &[&str] = match fact.ty {
            Ty::String => &["equals", "notequals", "match", "contains"],
            Ty::Long | Ty::Int | Ty::Float => &["equals", "notequals", "gt", "gte", "lt", "lte"],
            _ => &["equals", "notequals"],
        };
        (fact.path, ops[op % ops.len()])
    }

    /// `{a: {b: {op: value}}}` for a dotted path.
    fn nest(path: &str, op: &str, value: Value) -> Value {
        let mut inner = json!({ op: value });
        for segment in path.rsplit('.') {
            inner = json!({ segment: inner });
        }
        inner
    }

    /// Every filterable field of every root, with every operator its type takes, runs through
    /// to data: the schema and the filter compiler agree on the whole fact table.
    #[test]
    fn every_filterable_field_and_operator_runs() {
        use super::facts::Ty;
        let (schema, data, runtime) = &*SETUP;
        let mut ran = 0;
        for root in ["task", "taskDetails", "agentSession", "taskLegDetails"] {
            let recs: &[super::facts::Rec] = match root {
                "agentSession" => &[super::facts::Rec::Asr],
                "taskLegDetails" => &[super::facts::Rec::Clr],
                _ => &[super::facts::Rec::Csr],
            };
            let count = super::facts::of(recs).count();
            for field in 0..count {
                for op in 0..6 {
                    let (path, op_name) = leaf_for(root, field, op);
                    let ty = super::facts::find(recs, path).map_or(Ty::String, |f| f.ty);
                    let value = match ty {
                        Ty::String => json!("x"),
                        Ty::Long | Ty::Int => json!(1),
                        Ty::Float => json!(1.5),
                        Ty::Boolean => json!(true),
                        Ty::Enum(name) => json!(
                            super::facts::ENUMS
                                .iter()
                                .find(|(n, _)| *n == name)
                                .and_then(|(_, v)| v.first())
                                .copied()
                                .unwrap_or_default()
                        ),
                        Ty::Json => continue,
                    };
                    let body = query_body(
                        root,
                        vec![nest(path, op_name, value)],
                        json!(NOW - 86_400_000),
                        NOW,
                        Value::Null,
                        None,
                    );
                    match runtime.block_on(run(schema, &body, Arc::clone(data), Vec::new(), NOW)) {
                        Outcome::Ok(v) => assert!(
                            v["data"].is_object() && v.get("errors").is_none(),
                            "{root} {path} {op_name}: {v}"
                        ),
                        Outcome::Rejected(status, message) => {
                            panic!("{root} {path} {op_name}: {status} {message}")
                        }
                    }
                    ran += 1;
                }
            }
        }
        assert!(ran > 1_000, "{ran}");
    }

    /// A search request body for `root` with the given filter conditions, window, cursor and
    /// optional aggregation (field, type).
    fn query_body(
        root: &str,
        filter: Vec<Value>,
        from: Value,
        to: i64,
        cursor: Value,
        aggregate: Option<(&str, &str)>,
    ) -> Vec<u8> {
        let mut args = String::from(
            "from: $from, to: $to, filter: {and: $filter}, pagination: {cursor: $cursor}",
        );
        let mut vars = json!({ "from": from, "to": to, "filter": filter, "cursor": cursor });
        let mut declared = String::new();
        if let Some((field, kind)) = aggregate {
            declared.push_str(", $agg: String!");
            args.push_str(&format!(
                ", aggregations: [{{field: $agg, type: {kind}, name: \"x\"}}]"
            ));
            vars["agg"] = Value::from(field);
        }
        let records = match root {
            "agentSession" => {
                "agentSessions { agentId channelInfo { channelType } aggregation { name value } }"
            }
            "taskLegDetails" => "taskLegs { id queue { id } aggregation { name value } }",
            _ => "tasks { id lastAgent { id } aggregation { name value } }",
        };
        let filter_type = match root {
            "task" => "TaskFilters",
            "taskDetails" => "TaskDetailsFilters",
            "agentSession" => "AgentSessionFilters",
            _ => "TaskLegDetailsFilters",
        };
        let query = format!(
            "query($from: Long!, $to: Long!, $filter: [{filter_type}], $cursor: String{declared}) \
             {{ {root}({args}) {{ {records} pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        serde_json::to_vec(&json!({"query": query, "variables": vars})).unwrap_or_default()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever filter values, cursors, windows and aggregation fields a caller sends, a
        /// search answers (data, GraphQL errors or a rejection) and never panics.
        #[test]
        fn searches_never_panic(
            root in prop::sample::select(vec!["task", "taskDetails", "agentSession", "taskLegDetails"]),
            leaves in proptest::collection::vec((any::<usize>(), any::<usize>(), value()), 0..3),
            from in prop_oneof![3 => Just(Value::from(NOW - 86_400_000)), 1 => any::<i64>().prop_map(Value::from), 1 => value()],
            span in any::<i64>(),
            cursor in value(),
            aggregate in proptest::option::of((prop::sample::select(vec!["id", "totalDuration", "channelInfo.idleCount", "queueCount", "origin", "activities.nodes.duration", "nope"]), prop::sample::select(vec!["count", "min", "max", "sum", "average", "cardinality"]))),
        ) {
            let (schema, data, runtime) = &*SETUP;
            let filter: Vec<Value> = leaves
                .into_iter()
                .map(|(f, o, v)| {
                    let (path, op) = leaf_for(root, f, o);
                    nest(path, op, v)
                })
                .collect();
            let body = query_body(root, filter, from, NOW.saturating_sub(span.rem_euclid(86_400_000)), cursor, aggregate);
            let outcome = runtime.block_on(run(schema, &body, Arc::clone(data), Vec::new(), NOW));
            match outcome {
                Outcome::Ok(value) => prop_assert!(value.is_object()),
                Outcome::Rejected(status, message) => {
                    prop_assert!((400..500).contains(&status), "{status} {message}");
                }
            }
        }
    }
}
