//! Control routes for tools outside Rust (curl, another language's tests): a health check, a
//! ready token in one request, and the request log. They live under `/_sandbox/`, a prefix no
//! Cisco API uses, and outside the fault gate, so an injected fault never hides them and they
//! never show in the log they serve.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use super::Gate;
use crate::engage::ENGAGE_TOKEN_LIFETIME;
use crate::http::errors;
use crate::identity::{Audience, ENGAGE_SCOPES, Identity, WEBEX_SCOPES};

#[derive(Clone)]
struct Control {
    identity: Arc<Identity>,
    gate: Arc<Gate>,
}

pub(super) fn router(identity: Arc<Identity>, gate: Arc<Gate>) -> Router {
    Router::new()
        .route("/_sandbox/health", get(health))
        .route("/_sandbox/token", post(token))
        .route("/_sandbox/requests", get(requests))
        .with_state(Control { identity, gate })
}

async fn health() -> Response {
    (StatusCode::OK, axum::Json(json!({"status": "ok"}))).into_response()
}

#[derive(Deserialize)]
struct TokenQuery {
    /// `webex` (default: for WxCC) or `engage`.
    audience: Option<String>,
    /// Space-separated scopes (WxCC only); default every scope the integration may have.
    scope: Option<String>,
}

/// A token as the OAuth flow would end with, without the flow: for the seeded integration
/// (WxCC) or the seeded Engage tenant.
async fn token(State(control): State<Control>, Query(query): Query<TokenQuery>) -> Response {
    let identity = &control.identity;
    let credentials = identity.credentials();
    let settings = identity.settings();
    let (client_id, scopes, audience, subject, lifetime) =
        match query.audience.as_deref().unwrap_or("webex") {
            "webex" | "wxcc" => {
                let scopes: Vec<String> = match &query.scope {
                    Some(asked) => asked.split_whitespace().map(str::to_owned).collect(),
                    None => WEBEX_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
                };
                if let Some(unknown) = scopes.iter().find(|s| !WEBEX_SCOPES.contains(&s.as_str())) {
                    return errors::oauth(
                        StatusCode::BAD_REQUEST,
                        "invalid_scope",
                        &format!("`{unknown}` is not a scope the sandbox grants; see the banner"),
                    );
                }
                (
                    credentials.integration.client_id.clone(),
                    scopes,
                    Audience::Webex,
                    credentials.admin_email.clone(),
                    settings.access_lifetime,
                )
            }
            "engage" => (
                credentials.engage.tenant_id.clone(),
                ENGAGE_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
                Audience::Engage {
                    generation: identity.engage_generation(),
                },
                credentials.engage.tenant_id.clone(),
                settings.access_lifetime.min(ENGAGE_TOKEN_LIFETIME),
            ),
            other => {
                return errors::oauth(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    &format!("audience `{other}` is not `webex` or `engage`"),
                );
            }
        };
    let access_token = identity.issue_access(
        &client_id,
        scopes.clone(),
        audience,
        &subject,
        lifetime,
        None,
    );
    (
        StatusCode::OK,
        axum::Json(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": lifetime.as_secs(),
            "scope": scopes.join(" "),
        })),
    )
        .into_response()
}

/// The request log, oldest first: method, path, query, status, whether a token was sent, the
/// tracking id (never the token itself).
async fn requests(State(control): State<Control>) -> Response {
    let records: Vec<_> = control
        .gate
        .requests()
        .into_iter()
        .map(|r| {
            json!({
                "method": r.method,
                "path": r.path,
                "query": r.query,
                "status": r.status,
                "authorization": r.authorization,
                "trackingId": r.tracking_id,
            })
        })
        .collect();
    (StatusCode::OK, axum::Json(records)).into_response()
}
