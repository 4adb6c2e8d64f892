//! Webex OAuth: authorize (auto-approved), code exchange, refresh with rotation, and
//! service-app tokens.
//!
//! Tokens are issued through the identity layer, where every service checks them; what this
//! service keeps itself is the authorization codes waiting to be exchanged.

mod authorize;
mod codes;
mod token;

use std::sync::Arc;

use axum::Router;
use axum::extract::Query;
use axum::http::Uri;
use axum::routing::{get, post};

pub(crate) use codes::Codes;

use crate::identity::Identity;

/// What the OAuth routes reach: the identity layer and the pending codes.
#[derive(Clone)]
struct RouterState {
    identity: Arc<Identity>,
    codes: Arc<Codes>,
}

/// The OAuth routes, under `/oauth/v1`.
pub(crate) fn router(identity: Arc<Identity>, codes: Arc<Codes>) -> Router {
    Router::new()
        .route("/oauth/v1/authorize", get(authorize::authorize))
        .route("/oauth/v1/access_token", post(token::access_token))
        .route(
            "/oauth/v1/applications/{id}/token",
            post(token::application_token),
        )
        .with_state(RouterState { identity, codes })
}

/// The query parameters of a request.
fn pairs(uri: &Uri) -> Vec<(String, String)> {
    Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|Query(pairs)| pairs)
        .unwrap_or_default()
}

/// A query or form field; an empty value counts as absent.
fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}
