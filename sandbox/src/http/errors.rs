//! The error bodies of each API group, in one place so every route of a group fails alike:
//! handler failures, admission, unknown paths and injected faults.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Which error body an API group answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// WxCC `ApiErrorResponse`: `{trackingId, error: {key, reason, message: [{description}]}}`.
    Api,
    /// WxCC `SubscriptionError` (webhooks): `{trackingId, error: {key: <int>, message: [...]}}`.
    Subscription,
    /// `EngageError`: `{code, description, transId}`.
    Engage,
    /// OAuth: `{error, error_description}`.
    OAuth,
}

/// A generated tracking id for error bodies when the request carried none.
pub(crate) fn tracking_id(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4())
}

fn reason(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

/// The JSON body of an error in a shape.
pub(crate) fn body(
    shape: Shape,
    status: StatusCode,
    tracking: Option<&str>,
    message: &str,
) -> serde_json::Value {
    match shape {
        Shape::Api => json!({
            "trackingId": tracking.map_or_else(|| tracking_id("SANDBOX_"), str::to_owned),
            "error": {
                "key": status.as_u16().to_string(),
                "reason": reason(status),
                "message": [{ "description": message }],
            },
        }),
        Shape::Subscription => json!({
            "trackingId": tracking.map_or_else(|| tracking_id("NOTIFS_"), str::to_owned),
            "error": {
                "key": status.as_u16(),
                "message": [{ "description": message }],
            },
        }),
        Shape::Engage => json!({
            "code": status.as_u16(),
            "description": message,
            "transId": tracking.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned),
        }),
        Shape::OAuth => json!({
            "error": oauth_code(status),
            "error_description": message,
        }),
    }
}

fn oauth_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "invalid_request",
        401 => "invalid_client",
        403 => "access_denied",
        404 => "not_found",
        429 => "rate_limited",
        503 => "temporarily_unavailable",
        _ => "server_error",
    }
}

/// An error response in a shape.
pub(crate) fn respond(
    shape: Shape,
    status: StatusCode,
    tracking: Option<&str>,
    message: &str,
) -> Response {
    (status, axum::Json(body(shape, status, tracking, message))).into_response()
}

/// A 429 with `Retry-After` (seconds) and an error body.
pub(crate) fn too_many(shape: Shape, tracking: Option<&str>, retry_after: u64) -> Response {
    let mut response = respond(
        shape,
        StatusCode::TOO_MANY_REQUESTS,
        tracking,
        &format!("rate limit reached; retry after {retry_after} s"),
    );
    if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// An OAuth error with an explicit code.
pub(crate) fn oauth(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}
