//! Webex Engage: the client-credentials token and the conversation state machine of
//! `specs/engage` (whose paths and bodies are the project's model of the Engage nodes).
//!
//! The service keeps the tenant's conversations; its token endpoint issues through the
//! identity layer, where the HTTP layer checks every conversation call.
//!
//! States: `queued` (created, reopened, transferred, or the last participant left) →
//! `active` (a participant was added) → `onhold` → `closed`; `reopen` brings a closed
//! conversation back to `queued` (never for live chat).

mod conversation;
mod conversations;
mod lifecycle;
mod routes;
mod seed;
mod token;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{any, post};
use serde_json::json;

pub(crate) use routes::served;
pub use seed::SeededConversation;
pub(crate) use token::ENGAGE_TOKEN_LIFETIME;

use crate::data::Dataset;
use crate::http::{self, AuthRules, Call, Fail, Handler, Reply, Shape, errors};
use crate::identity::{Audience, Identity};
use conversation::Conversation;
use routes::ROUTES;

/// What runs an Engage route.
type Op = Handler<EngageState>;

/// Every Engage route fails with an `EngageError`.
const E: Shape = Shape::Engage;

/// What the Engage API reads and writes.
#[derive(Debug)]
pub(crate) struct EngageState {
    /// The seeded organization: the teams conversations queue for, the agents who join them.
    data: Arc<Dataset>,
    tenant: Mutex<Tenant>,
}

impl EngageState {
    pub(crate) fn new(data: Arc<Dataset>) -> EngageState {
        EngageState {
            data,
            tenant: Mutex::default(),
        }
    }
}

/// Every conversation of the tenant.
#[derive(Debug, Default)]
struct Tenant {
    conversations: Vec<Conversation>,
    /// How many conversations [`EngageState::seed_conversation`] created.
    seeded: usize,
}

impl Tenant {
    fn get_mut(&mut self, id: &str) -> Result<&mut Conversation, Fail> {
        self.conversations
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| Fail::not_found(format!("no conversation `{id}`")))
    }
}

/// The `202` an accepted Engage write answers, with its transaction id.
fn receipt() -> Reply {
    Reply::Json(
        StatusCode::ACCEPTED,
        json!({ "transId": uuid::Uuid::new_v4().to_string() }),
    )
}

const RULES: AuthRules = AuthRules {
    malformed: StatusCode::UNAUTHORIZED,
    audience: |a| matches!(a, Audience::Engage { .. }),
};

/// What the Engage routes reach: the identity layer (tokens, admission) and the API's state.
#[derive(Clone)]
struct RouterState {
    identity: Arc<Identity>,
    state: Arc<EngageState>,
}

/// The Engage routes, under `/engage/api/v1`.
pub(crate) fn router(identity: Arc<Identity>, state: Arc<EngageState>) -> Router {
    Router::new()
        .route("/engage/api/v1/oauth/token", post(token::token))
        .route("/engage/api/v1/{*rest}", any(dispatch))
        .with_state(RouterState { identity, state })
}

/// `{engage_base}/**`.
async fn dispatch(
    State(engage): State<RouterState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let full = uri.path();
    let path = full.strip_prefix("/engage/api/v1").unwrap_or(full);
    let (route, params) = match http::find(ROUTES, method.as_str(), path) {
        Ok(found) => found,
        Err(status) => {
            return errors::respond(E, status, None, &format!("no operation {method} {path}"));
        }
    };
    let grant = match http::admit(&engage.identity, route, &headers, &RULES) {
        Ok(grant) => grant,
        Err(response) => return *response,
    };
    let call = Call {
        state: &*engage.state,
        params,
        query: http::query_pairs(&uri),
        body: &body,
        grant,
    };
    http::render((route.op)(&call), E, &headers)
}
