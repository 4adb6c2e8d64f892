//! The WxCC API: the route table and its dispatcher, and the state the API creates.

mod config;
mod ops;
mod subscriptions;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::api::{self, AuthRules, Call, Op, Route};
use crate::data::{Dataset, Task};
use crate::errors::{self, Shape};
use crate::search;
use crate::state::{Audience, Shared};

pub(crate) use subscriptions::Subscription;

const CONFIG_READ: &[&str] = &["cjp:config", "cjp:config_read"];
const USER: &[&str] = &["cjp:user"];
const USER_OR_CONFIG: &[&str] = &["cjp:user", "cjp:config", "cjp:config_read"];
const CONFIG_OR_USER: &[&str] = &["cjp:config", "cjp:config_read", "cjp:user"];
const SUBSCRIPTIONS_READ: &[&str] = &["cjp:config_read"];
const SUBSCRIPTIONS_WRITE: &[&str] = &["cjp:config_write"];

const fn route(
    method: &'static str,
    path: &'static str,
    scopes: &'static [&'static str],
    shape: Shape,
    op: Op,
) -> Route {
    Route {
        method,
        path,
        scopes,
        shape,
        op,
    }
}

const A: Shape = Shape::Api;
const S: Shape = Shape::Subscription;
const CALLBACKS: &str = "/v1/callbacks/organization/{orgId}/scheduled-callback";
const CALLBACK: &str = "/v1/callbacks/organization/{orgId}/scheduled-callback/{id}";

/// Every WxCC route (paths relative to the WxCC base), with the scopes of `specs/wxcc`.
/// More specific paths come first: the first match wins.
static ROUTES: &[Route] = &[
    route("POST", "/search", CONFIG_READ, A, Op::Search),
    route("POST", "/v1/tasks", USER, A, Op::Sync(ops::create_task)),
    route(
        "GET",
        "/v1/tasks",
        USER_OR_CONFIG,
        A,
        Op::Sync(ops::list_tasks),
    ),
    route(
        "GET",
        "/v1/ewt",
        CONFIG_OR_USER,
        A,
        Op::Sync(ops::estimated_wait_time),
    ),
    route(
        "GET",
        "/v1/queues/statistics",
        CONFIG_READ,
        A,
        Op::Sync(ops::queue_statistics),
    ),
    route(
        "GET",
        "/v1/agents/statistics",
        CONFIG_READ,
        A,
        Op::Sync(ops::agent_statistics),
    ),
    route(
        "POST",
        "/v1/captures/query",
        CONFIG_OR_USER,
        A,
        Op::Sync(ops::query_captures),
    ),
    route("GET", CALLBACKS, USER, A, Op::Sync(ops::list_callbacks)),
    route("POST", CALLBACKS, USER, A, Op::Sync(ops::create_callback)),
    route("GET", CALLBACK, USER, A, Op::Sync(ops::get_callback)),
    route("PUT", CALLBACK, USER, A, Op::Sync(ops::update_callback)),
    route("DELETE", CALLBACK, USER, A, Op::Sync(ops::delete_callback)),
    route(
        "GET",
        "/v1/subscriptions",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::list_v1),
    ),
    route(
        "POST",
        "/v1/subscriptions",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::create_v1),
    ),
    route(
        "GET",
        "/v1/subscriptions/{id}",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::get_v1),
    ),
    route(
        "PATCH",
        "/v1/subscriptions/{id}",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::update_v1),
    ),
    route(
        "DELETE",
        "/v1/subscriptions/{id}",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::delete_v1),
    ),
    route(
        "GET",
        "/v1/event-types",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::event_types_v1),
    ),
    route(
        "GET",
        "/v2/subscriptions",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::list_v2),
    ),
    route(
        "POST",
        "/v2/subscriptions",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::create_v2),
    ),
    route(
        "GET",
        "/v2/subscriptions/{id}",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::get_v2),
    ),
    route(
        "PATCH",
        "/v2/subscriptions/{id}",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::update_v2),
    ),
    route(
        "DELETE",
        "/v2/subscriptions/{id}",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::delete_v2),
    ),
    route(
        "GET",
        "/v2/event-types",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::event_types_v2),
    ),
    route(
        "GET",
        "/organization/{orgid}/user/by-ci-user-id/{id}",
        CONFIG_READ,
        A,
        Op::Sync(config::get_user_by_ci_id),
    ),
    route(
        "GET",
        "/organization/{orgid}/v2/{resource}",
        CONFIG_READ,
        A,
        Op::Sync(config::list_v2),
    ),
    route(
        "GET",
        "/organization/{orgid}/{resource}/{id}",
        CONFIG_READ,
        A,
        Op::Sync(config::get_one),
    ),
    route(
        "GET",
        "/organization/{orgid}/{resource}",
        CONFIG_READ,
        A,
        Op::Sync(config::list_v1),
    ),
];

/// Every route as (method, path template, scopes), the generic configuration routes once per
/// resource they serve.
pub(crate) fn served() -> impl Iterator<Item = (&'static str, String, &'static [&'static str])> {
    ROUTES.iter().flat_map(|route| {
        let paths: Vec<String> = if route.path.contains("{resource}") {
            config::RESOURCES
                .iter()
                .map(|resource| route.path.replace("{resource}", resource))
                .collect()
        } else {
            vec![route.path.to_owned()]
        };
        paths
            .into_iter()
            .map(|path| (route.method, path, route.scopes))
    })
}

const RULES: AuthRules = AuthRules {
    malformed: StatusCode::BAD_REQUEST,
    audience: |a| *a == Audience::Webex,
};

/// State the WxCC API creates and the configuration it serves.
#[derive(Debug)]
pub(crate) struct Runtime {
    /// Tasks created through `POST /v1/tasks` (searchable with the seeded ones).
    pub tasks: Vec<Task>,
    /// Scheduled callbacks, in creation order.
    pub callbacks: Vec<serde_json::Value>,
    /// Webhook subscriptions of both versions.
    pub subscriptions: Vec<Subscription>,
    /// Configuration records per resource path segment (`team`, `user`, ...).
    pub config: HashMap<&'static str, Vec<serde_json::Value>>,
}

impl Runtime {
    pub(crate) fn new(data: &Dataset) -> Runtime {
        Runtime {
            tasks: Vec::new(),
            callbacks: Vec::new(),
            subscriptions: Vec::new(),
            config: config::build(data),
        }
    }
}

/// `/wxcc/**`: finds the route, admits the request and runs the handler.
pub(crate) async fn dispatch(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let full = uri.path();
    let path = full.strip_prefix("/wxcc").unwrap_or(full);
    let tracking = crate::server::tracking_of(&headers);
    let (route, params) = match api::find(ROUTES, method.as_str(), path) {
        Ok(found) => found,
        Err(status) => {
            return errors::respond(
                crate::server::shape_for(full),
                status,
                tracking.as_deref(),
                &format!("no operation {method} {path}"),
            );
        }
    };
    let grant = match api::admit(&shared, route, &headers, &RULES) {
        Ok(grant) => grant,
        Err(response) => return *response,
    };
    let call = Call {
        shared: &shared,
        params,
        query: api::query_pairs(&uri),
        body: &body,
        grant,
    };
    if call
        .query("orgId")
        .is_some_and(|org| org != shared.data.org_id)
    {
        return errors::respond(
            route.shape,
            StatusCode::FORBIDDEN,
            tracking.as_deref(),
            "the token is not authorized for that organization",
        );
    }
    match route.op {
        Op::Sync(handler) => api::render(handler(&call), route.shape, &headers),
        Op::Search => {
            let outcome = search::run(
                &shared.schema,
                &body,
                Arc::clone(&shared.data),
                shared.created_tasks(),
                Shared::now_ms(),
            )
            .await;
            match outcome {
                search::Outcome::Ok(value) => (StatusCode::OK, axum::Json(value)).into_response(),
                search::Outcome::Rejected(status, message) => errors::respond(
                    Shape::Api,
                    StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
                    tracking.as_deref(),
                    &message,
                ),
            }
        }
    }
}

/// Checks a path's organization id.
pub(crate) fn same_org(call: &Call<'_>, name: &str) -> Result<(), api::Fail> {
    if call.param(name) == call.shared.data.org_id {
        Ok(())
    } else {
        Err(api::Fail::forbidden(
            "the token is not authorized for that organization",
        ))
    }
}
