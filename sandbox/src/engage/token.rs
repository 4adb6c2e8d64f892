//! `POST {engage_base}/oauth/token`: the client-credentials grant of the Engage tenant, with
//! tokens bound to the current generation of its secret so a rotation kills them.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use serde_json::json;

use super::RouterState;
use crate::identity::{Audience, ENGAGE_SCOPES};

/// Engage tokens last one hour (or the sandbox's access token lifetime, if shorter).
const ENGAGE_TOKEN_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({
            "error": error,
            "error_description": description,
            "code": status.as_u16(),
            "description": description,
            "transId": uuid::Uuid::new_v4().to_string(),
        })),
    )
        .into_response()
}

/// `POST {engage_base}/oauth/token`: client credentials (tenant id and secret).
pub(super) async fn token(
    State(engage): State<RouterState>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        );
    };
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let (Some(id), Some(secret), Some(grant_type)) = (
        field("client_id"),
        field("client_secret"),
        field("grant_type"),
    ) else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id, client_secret and grant_type are required",
        );
    };
    if grant_type != "client_credentials" {
        return token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only client_credentials is supported",
        );
    }
    let tenant = engage.identity.credentials().engage;
    if id != tenant.tenant_id || secret != tenant.tenant_secret.expose_secret() {
        return token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "the client id or secret is wrong, or was rotated",
        );
    }
    let lifetime = engage
        .identity
        .settings()
        .access_lifetime
        .min(ENGAGE_TOKEN_LIFETIME);
    let generation = engage.identity.engage_generation();
    let scopes: Vec<String> = ENGAGE_SCOPES.iter().map(|s| (*s).to_owned()).collect();
    let token = engage.identity.issue_access(
        id,
        scopes.clone(),
        Audience::Engage { generation },
        id,
        lifetime,
    );
    (
        StatusCode::OK,
        axum::Json(json!({
            "access_token": token,
            "expires_in": lifetime.as_secs(),
            "token_type": "Bearer",
            "scope": scopes,
        })),
    )
        .into_response()
}
