//! Webex OAuth: authorize (auto-approved), code exchange, refresh with rotation, and
//! service-app tokens.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use secrecy::ExposeSecret;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use crate::errors;
use crate::state::{Audience, Code, Shared, lock, random_token};

/// How long an authorization code stays valid.
const CODE_LIFETIME: Duration = Duration::from_secs(600);

fn pairs(uri: &Uri) -> Vec<(String, String)> {
    Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|Query(pairs)| pairs)
        .unwrap_or_default()
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Percent-encodes a query component.
pub(crate) fn encode(value: &str) -> String {
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
pub(crate) async fn authorize(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let query = pairs(&uri);
    let integration = lock(&shared.credentials).integration.clone();
    if get(&query, "client_id") != Some(integration.client_id.as_str()) {
        return errors::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "unknown client_id",
        );
    }
    let Some(redirect_uri) = get(&query, "redirect_uri") else {
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
    let state = get(&query, "state");
    let fail = |error: &str, description: &str| {
        let mut params = vec![("error", error), ("error_description", description)];
        if let Some(state) = state {
            params.push(("state", state));
        }
        redirect(redirect_uri, &params)
    };
    if get(&query, "response_type") != Some("code") {
        return fail("unsupported_response_type", "response_type must be `code`");
    }
    let scopes: Vec<String> = get(&query, "scope")
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
    let challenge = get(&query, "code_challenge").map(str::to_owned);
    if let Some(challenge) = &challenge {
        if get(&query, "code_challenge_method") != Some("S256") {
            return fail("invalid_request", "code_challenge_method must be S256");
        }
        if !(43..=128).contains(&challenge.len()) {
            return fail("invalid_request", "code_challenge has the wrong length");
        }
    }
    let code = random_token();
    {
        let now = Instant::now();
        let mut tokens = lock(&shared.tokens);
        tokens.sweep(now);
        tokens.codes.insert(
            code.clone(),
            Code {
                client_id: integration.client_id.clone(),
                redirect_uri: redirect_uri.to_owned(),
                scopes,
                challenge,
                expires_at: now + CODE_LIFETIME,
            },
        );
    }
    let mut params = vec![("code", code.as_str())];
    if let Some(state) = state {
        params.push(("state", state));
    }
    redirect(redirect_uri, &params)
}

/// Which client a client id and secret authenticate, with its scopes and subject.
struct Client {
    id: String,
    subject: String,
}

fn authenticate(shared: &Shared, form: &[(String, String)]) -> Result<Client, Box<Response>> {
    let credentials = lock(&shared.credentials).clone();
    let id = get(form, "client_id").unwrap_or_default();
    let secret = get(form, "client_secret").unwrap_or_default();
    let integration = &credentials.integration;
    let app = &credentials.service_app;
    let known = if id == integration.client_id {
        Some((
            integration.client_secret.expose_secret(),
            credentials.admin_email.clone(),
        ))
    } else if id == app.client_id {
        Some((
            app.client_secret.expose_secret(),
            service_app_subject(shared),
        ))
    } else {
        None
    };
    match known {
        Some((expected, subject)) if secret == expected => Ok(Client {
            id: id.to_owned(),
            subject,
        }),
        _ => Err(Box::new(errors::oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        ))),
    }
}

fn service_app_subject(shared: &Shared) -> String {
    format!(
        "service-app@{}.sandbox.example.com",
        &shared.data.org_id[..8]
    )
}

fn invalid_grant(description: &str) -> Response {
    errors::oauth(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

/// Issues an access and a refresh token and answers with them.
fn token_response(shared: &Shared, client: &str, scopes: Vec<String>, subject: &str) -> Response {
    let settings = lock(&shared.settings).clone();
    let access = shared.issue_access(
        client,
        scopes.clone(),
        Audience::Webex,
        subject,
        settings.access_lifetime,
    );
    let refresh = shared.issue_refresh(client, scopes.clone(), subject);
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": access,
            "expires_in": settings.access_lifetime.as_secs(),
            "refresh_token": refresh,
            "refresh_token_expires_in": settings.refresh_lifetime.as_secs(),
            "token_type": "Bearer",
            "scope": scopes.join(" "),
        })),
    )
        .into_response()
}

/// PKCE S256: BASE64URL-NOPAD(SHA-256(verifier)).
fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `POST /oauth/v1/access_token`: the authorization-code and refresh-token grants.
pub(crate) async fn access_token(
    State(shared): State<Arc<Shared>>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return errors::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        );
    };
    let grant_type = get(&form, "grant_type").unwrap_or_default().to_owned();
    if !matches!(grant_type.as_str(), "authorization_code" | "refresh_token") {
        return errors::oauth(
            StatusCode::BAD_REQUEST,
            if grant_type.is_empty() {
                "invalid_request"
            } else {
                "unsupported_grant_type"
            },
            "grant_type must be authorization_code or refresh_token",
        );
    }
    let client = match authenticate(&shared, &form) {
        Ok(client) => client,
        Err(response) => return *response,
    };
    let now = Instant::now();
    if grant_type == "authorization_code" {
        let Some(code) = get(&form, "code") else {
            return errors::oauth(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "code is required",
            );
        };
        // Codes are single-use: taken out whatever happens next.
        let Some(grant) = lock(&shared.tokens).codes.remove(code) else {
            return invalid_grant("the code is unknown or was already used");
        };
        if grant.expires_at <= now {
            return invalid_grant("the code expired");
        }
        if grant.client_id != client.id {
            return invalid_grant("the code was issued to another client");
        }
        if get(&form, "redirect_uri") != Some(grant.redirect_uri.as_str()) {
            return invalid_grant("redirect_uri does not match the authorize request");
        }
        if let Some(challenge) = &grant.challenge {
            let Some(verifier) = get(&form, "code_verifier") else {
                return invalid_grant("code_verifier is required (PKCE)");
            };
            if s256(verifier) != *challenge {
                return invalid_grant("code_verifier does not match the code_challenge");
            }
        }
        return token_response(&shared, &client.id, grant.scopes, &client.subject);
    }
    let Some(refresh) = get(&form, "refresh_token") else {
        return errors::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "refresh_token is required",
        );
    };
    // Rotation: the presented refresh token is spent whatever happens next.
    let Some(grant) = lock(&shared.tokens).refresh.remove(refresh) else {
        return invalid_grant("the refresh token is unknown, revoked or already used");
    };
    if grant.expires_at <= now {
        return invalid_grant("the refresh token expired");
    }
    if grant.client_id != client.id {
        return invalid_grant("the refresh token was issued to another client");
    }
    token_response(&shared, &client.id, grant.scopes, &grant.subject)
}

/// `POST /oauth/v1/applications/{id}/token`: mints a service app's tokens.
pub(crate) async fn application_token(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let Some(grant) = bearer.and_then(|token| shared.grant(token)) else {
        return errors::oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "a valid bearer token is required",
        );
    };
    if grant.audience != Audience::Webex || !grant.has_any(&["spark:applications_token"]) {
        return errors::oauth(
            StatusCode::FORBIDDEN,
            "access_denied",
            "the bearer token lacks the spark:applications_token scope",
        );
    }
    let app = lock(&shared.credentials).service_app.clone();
    if id != app.application_id {
        return errors::oauth(StatusCode::NOT_FOUND, "not_found", "unknown application");
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct MintRequest {
        client_id: Option<String>,
        client_secret: Option<String>,
        target_org_id: Option<String>,
    }
    let Ok(request) = serde_json::from_slice::<MintRequest>(&body) else {
        return errors::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be JSON {clientId, clientSecret, targetOrgId}",
        );
    };
    if request.client_id.as_deref() != Some(app.client_id.as_str())
        || request.client_secret.as_deref() != Some(app.client_secret.expose_secret())
    {
        return errors::oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        );
    }
    if request.target_org_id.as_deref() != Some(app.target_org_id.as_str()) {
        return errors::oauth(
            StatusCode::FORBIDDEN,
            "access_denied",
            "the application is not authorized in that organization",
        );
    }
    let subject = service_app_subject(&shared);
    token_response(&shared, &app.client_id, app.scopes.clone(), &subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_the_rfc_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn encoding() {
        assert_eq!(encode("a b&c"), "a%20b%26c");
    }
}
