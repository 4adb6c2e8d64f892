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
