//! The WxCC API: its state (what the API created, the configuration it serves, the Search
//! schema), its router and the dispatcher that runs the route table.
//!
//! Handlers see only this state through [`Call`]; tokens are checked by the HTTP layer
//! against the identity layer before a handler runs.

mod callbacks;
mod captures;
mod config;
mod deliveries;
mod notifications;
mod routes;
mod socket;
mod statistics;
mod subscriptions;
mod tasks;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Value, json};

use crate::data::{Dataset, Task, now_ms};
use crate::http::{self, AuthRules, Call, Fail, Handler, Shape, errors};
use crate::identity::{Audience, Identity};
use crate::search::{self, SearchSchema};
use crate::sync::lock;

pub use deliveries::WebhookDelivery;
pub(crate) use notifications::SOCKET_PATH as NOTIFICATION_SOCKET_PATH;
use routes::ROUTES;
pub(crate) use routes::served;
use subscriptions::Subscription;

/// What runs a WxCC route.
#[derive(Clone, Copy)]
enum Op {
    Sync(Handler<WxccState>),
    /// The asynchronous GraphQL search.
    Search,
}

const RULES: AuthRules = AuthRules {
    malformed: StatusCode::BAD_REQUEST,
    audience: |a| *a == Audience::Webex,
};

/// What the WxCC API reads and writes.
pub(crate) struct WxccState {
    data: Arc<Dataset>,
    schema: SearchSchema,
    /// The sandbox's base URL (capture file paths point at it).
    base: String,
    runtime: Mutex<Runtime>,
    /// Notification sessions and their sockets.
    notifications: Arc<notifications::Hub>,
    /// Webhook deliveries to the subscriptions.
    outbox: Arc<deliveries::Outbox>,
}

impl WxccState {
    pub(crate) fn new(data: Arc<Dataset>, schema: SearchSchema, base: String) -> WxccState {
        let runtime = Mutex::new(Runtime::new(&data));
        let outbox = deliveries::Outbox::new(
            data.org_id.clone(),
            crate::rng::Rng::new(data.seed).fork(77),
        );
        WxccState {
            outbox: Arc::new(outbox),
            data,
            schema,
            base,
            runtime,
            notifications: Arc::default(),
        }
    }

    /// Drops the open notification sockets whose path (`/notifs/v1/{id}`) passes `matches`,
    /// without a close frame; returns how many.
    pub(crate) fn drop_notification_sockets(&self, matches: impl Fn(&str) -> bool) -> usize {
        socket::drop_matching(&self.notifications, matches)
    }

    /// Silences the open notification sockets (no frames, no keepalives); returns how many.
    pub(crate) fn stall_notification_sockets(&self) -> usize {
        self.notifications.stall_sockets()
    }

    /// Every webhook delivery attempt so far (the last 10,000), in order.
    pub(crate) fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.outbox.deliveries()
    }

    /// How often deliveries are duplicated, and how long each may be delayed.
    pub(crate) fn set_webhook_chaos(&self, duplicates: f64, max_delay: std::time::Duration) {
        self.outbox.set_chaos(duplicates, max_delay);
    }

    /// How many notification sockets are open.
    pub(crate) fn open_notification_sockets(&self) -> usize {
        self.notifications.open_sockets()
    }

    /// Tasks created through `POST /v1/tasks` so far.
    fn created_tasks(&self) -> Vec<Task> {
        lock(&self.runtime).tasks.clone()
    }
}

/// State the WxCC API creates and the configuration it serves.
#[derive(Debug)]
struct Runtime {
    /// Tasks created through `POST /v1/tasks` (searchable with the seeded ones).
    tasks: Vec<Task>,
    /// Scheduled callbacks, in creation order.
    callbacks: Vec<serde_json::Value>,
    /// Webhook subscriptions of both versions.
    subscriptions: Vec<Subscription>,
    /// Configuration records per resource path segment (`team`, `user`, ...).
    config: HashMap<&'static str, Vec<serde_json::Value>>,
}

impl Runtime {
    fn new(data: &Dataset) -> Runtime {
        Runtime {
            tasks: Vec::new(),
            callbacks: Vec::new(),
            subscriptions: Vec::new(),
            config: config::build(data),
        }
    }
}

/// What the WxCC routes reach: the identity layer (admission) and the API's state.
#[derive(Clone)]
struct RouterState {
    identity: Arc<Identity>,
    state: Arc<WxccState>,
}

/// The WxCC routes, under `/wxcc`.
pub(crate) fn router(identity: Arc<Identity>, state: Arc<WxccState>) -> Router {
    Router::new()
        .route("/wxcc/{*rest}", any(dispatch))
        .route(notifications::SOCKET_PATH, get(socket::upgrade))
        .with_state(RouterState { identity, state })
}

/// `/wxcc/**`: finds the route, admits the request and runs the handler.
async fn dispatch(
    State(wxcc): State<RouterState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let full = uri.path();
    let path = full.strip_prefix("/wxcc").unwrap_or(full);
    let tracking = http::tracking_of(&headers);
    let (route, params) = match http::find(ROUTES, method.as_str(), path) {
        Ok(found) => found,
        Err(status) => {
            return errors::respond(
                http::shape_for(full),
                status,
                tracking.as_deref(),
                &format!("no operation {method} {path}"),
            );
        }
    };
    let grant = match http::admit(&wxcc.identity, route, &headers, &RULES) {
        Ok(grant) => grant,
        Err(response) => return *response,
    };
    let state = &*wxcc.state;
    let call = Call {
        state,
        params,
        query: http::query_pairs(&uri),
        body: &body,
        grant,
    };
    if call
        .query("orgId")
        .is_some_and(|org| org != state.data.org_id)
    {
        return errors::respond(
            route.shape,
            StatusCode::FORBIDDEN,
            tracking.as_deref(),
            "the token is not authorized for that organization",
        );
    }
    match route.op {
        Op::Sync(handler) => http::render(handler(&call), route.shape, &headers),
        Op::Search => {
            let outcome = search::run(
                &state.schema,
                &body,
                Arc::clone(&state.data),
                state.created_tasks(),
                now_ms(),
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
fn same_org(call: &Call<'_, WxccState>, name: &str) -> Result<(), Fail> {
    if call.param(name) == call.state.data.org_id {
        Ok(())
    } else {
        Err(Fail::forbidden(
            "the token is not authorized for that organization",
        ))
    }
}

/// The `meta` block of a WxCC answer.
fn meta(call: &Call<'_, WxccState>) -> Value {
    json!({ "orgId": call.state.data.org_id })
}

/// Every task: the seeded ones and those created through the API.
fn with_tasks<T>(
    call: &Call<'_, WxccState>,
    f: impl FnOnce(&mut dyn Iterator<Item = &Task>) -> T,
) -> T {
    let created = call.state.created_tasks();
    let mut all = call.state.data.tasks.iter().chain(created.iter());
    f(&mut all)
}
