//! `POST {engage_base}/oauth/token`: the client-credentials grant of the Engage tenant, with
//! tokens bound to the current generation of its secret so a rotation kills them.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use serde_json::json;

use super::RouterState;
use crate::http::percent_decode;
use crate::identity::{Audience, ENGAGE_SCOPES};

/// Engage tokens last one hour (or the sandbox's access token lifetime, if shorter).
pub(crate) const ENGAGE_TOKEN_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

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

/// `POST {engage_base}/oauth/token`: client credentials (tenant id and secret), in the form
/// body or as HTTP Basic credentials. Cisco documents the form fields only (our notes,
/// `reference/engage-api.md`), and that is what `wxcc-auth` sends, so no SDK test relies on
/// Basic; it is accepted because RFC 6749 section 2.3.1 requires an OAuth server to accept it,
/// and tools in other languages send it by default. Whether the real endpoint does is not
/// known.
pub(super) async fn token(
    State(engage): State<RouterState>,
    headers: HeaderMap,
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
    let basic = basic_credentials(&headers);
    let (Some(id), Some(secret), Some(grant_type)) = (
        field("client_id").or(basic.as_ref().map(|(id, _)| id.as_str())),
        field("client_secret").or(basic.as_ref().map(|(_, secret)| secret.as_str())),
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
        None,
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

/// The client id and secret of an `Authorization: Basic` header (each percent-encoded before
/// base64, as RFC 6749 asks; plain values decode the same).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine as _;
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((percent_decode(id), percent_decode(secret)))
}
