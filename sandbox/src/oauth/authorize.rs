//! `GET /oauth/v1/authorize`: the authorization step, auto-approved (there is no user to ask),
//! answered with a redirect to the registered URI carrying a code or the error.

use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;

use super::codes::{CODE_LIFETIME, Code};
use super::{RouterState, field, pairs};
use crate::http::errors;

/// Percent-encodes a query component.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn redirect(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let mut location = redirect_uri.to_owned();
    let mut separator = if location.contains('?') { '&' } else { '?' };
    for (name, value) in params {
        location.push(separator);
        location.push_str(name);
        location.push('=');
        location.push_str(&encode(value));
        separator = '&';
    }
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// `GET /oauth/v1/authorize`: approves at once and redirects with a code.
pub(super) async fn authorize(State(oauth): State<RouterState>, uri: Uri) -> Response {
    let query = pairs(&uri);
    let integration = oauth.identity.credentials().integration;
    if field(&query, "client_id") != Some(integration.client_id.as_str()) {
        return errors::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "unknown client_id",
        );
    }
    let Some(redirect_uri) = field(&query, "redirect_uri") else {
        return errors::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "redirect_uri is required",
        );
    };
    if redirect_uri != integration.redirect_uri {
        return errors::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "redirect_uri does not match the integration's registered redirect URI",
        );
    }
    let state = field(&query, "state");
    let fail = |error: &str, description: &str| {
        let mut params = vec![("error", error), ("error_description", description)];
        if let Some(state) = state {
            params.push(("state", state));
        }
        redirect(redirect_uri, &params)
    };
    if field(&query, "response_type") != Some("code") {
        return fail("unsupported_response_type", "response_type must be `code`");
    }
    let scopes: Vec<String> = field(&query, "scope")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if scopes.is_empty() {
        return fail("invalid_scope", "scope is required");
    }
    if let Some(unknown) = scopes.iter().find(|s| !integration.scopes.contains(s)) {
        return fail(
            "invalid_scope",
            &format!("the integration may not request `{unknown}`"),
        );
    }
    let challenge = field(&query, "code_challenge").map(str::to_owned);
    if let Some(challenge) = &challenge {
        if field(&query, "code_challenge_method") != Some("S256") {
            return fail("invalid_request", "code_challenge_method must be S256");
        }
        if !(43..=128).contains(&challenge.len()) {
            return fail("invalid_request", "code_challenge has the wrong length");
        }
    }
    let code = oauth.codes.issue(Code {
        client_id: integration.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        challenge,
        expires_at: Instant::now() + CODE_LIFETIME,
    });
    let mut params = vec![("code", code.as_str())];
    if let Some(state) = state {
        params.push(("state", state));
    }
    redirect(redirect_uri, &params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding() {
        assert_eq!(encode("a b&c"), "a%20b%26c");
    }
}
