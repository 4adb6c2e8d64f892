//! `POST /oauth/v1/access_token` (the authorization-code and refresh-token grants, with PKCE
//! and rotation) and `POST /oauth/v1/applications/{id}/token` (service-app tokens): the
//! client authentication and the token answers, issuing through the identity layer.

use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use secrecy::ExposeSecret;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use super::{RouterState, field};
use crate::http::errors;
use crate::identity::{Audience, Identity, RefreshGrant, RefreshRefusal, RefreshTokens};

/// Which client a client id and secret authenticate, with its scopes and subject.
struct Client {
    id: String,
    subject: String,
}

fn authenticate(identity: &Identity, form: &[(String, String)]) -> Result<Client, Box<Response>> {
    let credentials = identity.credentials();
    let id = field(form, "client_id").unwrap_or_default();
    let secret = field(form, "client_secret").unwrap_or_default();
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
            identity.service_app_subject(),
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

fn invalid_grant(description: &str) -> Response {
    errors::oauth(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

/// The refresh token a token response carries.
enum Refresh {
    /// A new one, in this family.
    Issue(u64),
    /// The one presented, kept with what is left of its lifetime.
    Keep(String, RefreshGrant),
}

/// Issues an access token (and a refresh token, or the one presented) and answers with them.
fn token_response(
    identity: &Identity,
    client: &str,
    scopes: Vec<String>,
    subject: &str,
    refresh: Refresh,
) -> Response {
    let settings = identity.settings();
    let family = match &refresh {
        Refresh::Issue(family) => *family,
        Refresh::Keep(_, grant) => grant.family,
    };
    let access = identity.issue_access(
        client,
        scopes.clone(),
        Audience::Webex,
        subject,
        settings.access_lifetime,
        Some(family),
    );
    let (refresh, refresh_left) = match refresh {
        Refresh::Issue(family) => (
            identity.issue_refresh(client, scopes.clone(), subject, family),
            settings.refresh_lifetime,
        ),
        Refresh::Keep(token, grant) => (
            token,
            grant.expires_at.saturating_duration_since(Instant::now()),
        ),
    };
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": access,
            "expires_in": settings.access_lifetime.as_secs(),
            "refresh_token": refresh,
            "refresh_token_expires_in": refresh_left.as_secs(),
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
pub(super) async fn access_token(
    State(oauth): State<RouterState>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return errors::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        );
    };
    let grant_type = field(&form, "grant_type").unwrap_or_default().to_owned();
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
    let client = match authenticate(&oauth.identity, &form) {
        Ok(client) => client,
        Err(response) => return *response,
    };
    let now = Instant::now();
    if grant_type == "authorization_code" {
        let Some(code) = field(&form, "code") else {
            return errors::oauth(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "code is required",
            );
        };
        // Codes are single-use: taken out whatever happens next.
        let Some(grant) = oauth.codes.take(code) else {
            return invalid_grant("the code is unknown or was already used");
        };
        if grant.expires_at <= now {
            return invalid_grant("the code expired");
        }
        if grant.client_id != client.id {
            return invalid_grant("the code was issued to another client");
        }
        if field(&form, "redirect_uri") != Some(grant.redirect_uri.as_str()) {
            return invalid_grant("redirect_uri does not match the authorize request");
        }
        if let Some(challenge) = &grant.challenge {
            let Some(verifier) = field(&form, "code_verifier") else {
                return invalid_grant("code_verifier is required (PKCE)");
            };
            if s256(verifier) != *challenge {
                return invalid_grant("code_verifier does not match the code_challenge");
            }
        }
        let family = oauth.identity.new_family();
        oauth.identity.count(|s| s.codes_exchanged += 1);
        return token_response(
            &oauth.identity,
            &client.id,
            grant.scopes,
            &client.subject,
            Refresh::Issue(family),
        );
    }
    let Some(refresh) = field(&form, "refresh_token") else {
        return errors::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "refresh_token is required",
        );
    };
    let refuse = |description: &str| {
        oauth.identity.count(|s| s.refused_refreshes += 1);
        invalid_grant(description)
    };
    // Under rotation the presented refresh token is spent whatever happens next.
    let grant = match oauth.identity.use_refresh(refresh) {
        Ok(grant) => grant,
        Err(RefreshRefusal::Reused) => {
            oauth.identity.count(|s| s.reuses += 1);
            return refuse(
                "the refresh token was already used; every token of this grant is revoked",
            );
        }
        Err(RefreshRefusal::Unknown) => {
            return refuse("the refresh token is unknown or revoked");
        }
    };
    if grant.expires_at <= now {
        return refuse("the refresh token expired");
    }
    if grant.client_id != client.id {
        return refuse("the refresh token was issued to another client");
    }
    oauth.identity.count(|s| s.refreshes += 1);
    let next = match oauth.identity.settings().refresh_tokens {
        RefreshTokens::Rotated => Refresh::Issue(grant.family),
        _ => Refresh::Keep(refresh.to_owned(), grant.clone()),
    };
    token_response(
        &oauth.identity,
        &client.id,
        grant.scopes.clone(),
        &grant.subject,
        next,
    )
}

/// `POST /oauth/v1/applications/{id}/token`: mints a service app's tokens.
pub(super) async fn application_token(
    State(oauth): State<RouterState>,
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
    let Some(grant) = bearer.and_then(|token| oauth.identity.grant(token)) else {
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
    let app = oauth.identity.credentials().service_app;
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
    let subject = oauth.identity.service_app_subject();
    let family = oauth.identity.new_family();
    token_response(
        &oauth.identity,
        &app.client_id,
        app.scopes.clone(),
        &subject,
        Refresh::Issue(family),
    )
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
}
