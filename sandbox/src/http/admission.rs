//! Admission: the bearer token checked against the identity layer, the client's rate limit,
//! then the route's scopes, each failure answered in the route's error shape. Every API
//! group admits in this order, as the real services do (an unknown token is 401 before any
//! 429, a rate-limited client is 429 before any 403).

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::errors;
use super::routing::Route;
use super::tracking_of;
use crate::identity::{Audience, Grant, Identity};

/// The bearer token of a request, or why there is none.
pub(crate) fn bearer(headers: &HeaderMap) -> Result<String, &'static str> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or("the Authorization header is missing")?;
    let value = value
        .to_str()
        .map_err(|_| "the Authorization header is malformed")?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or("the Authorization header is malformed; expected `Bearer <token>`")?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err("the Authorization header is malformed; expected `Bearer <token>`");
    }
    Ok(token.to_owned())
}

/// How a group treats a request without a usable token.
pub(crate) struct AuthRules {
    /// Status for a missing or malformed header (WxCC 400, Engage 401).
    pub malformed: StatusCode,
    /// Which tokens the group accepts.
    pub audience: fn(&Audience) -> bool,
}

/// Authenticates, rate-limits and scope-checks a request for a route.
pub(crate) fn admit<O>(
    identity: &Identity,
    route: &Route<O>,
    headers: &HeaderMap,
    rules: &AuthRules,
) -> Result<Grant, Box<Response>> {
    let tracking = tracking_of(headers);
    let tracking = tracking.as_deref();
    let token = bearer(headers).map_err(|message| {
        Box::new(errors::respond(
            route.shape,
            rules.malformed,
            tracking,
            message,
        ))
    })?;
    let grant = identity
        .grant(&token)
        .filter(|g| (rules.audience)(&g.audience))
        .ok_or_else(|| {
            Box::new(errors::respond(
                route.shape,
                StatusCode::UNAUTHORIZED,
                tracking,
                "the access token is invalid or expired",
            ))
        })?;
    identity
        .rate_limit(&grant.client_id)
        .map_err(|retry_after| Box::new(errors::too_many(route.shape, tracking, retry_after)))?;
    if !grant.has_any(route.scopes) {
        return Err(Box::new(errors::respond(
            route.shape,
            StatusCode::FORBIDDEN,
            tracking,
            &format!(
                "the access token lacks the scope this operation needs (one of: {})",
                route.scopes.join(", ")
            ),
        )));
    }
    Ok(grant)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn bearer_headers() {
        let mut headers = HeaderMap::new();
        assert!(bearer(&headers).is_err());
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(bearer(&headers).is_err());
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer(&headers), Ok("abc".to_owned()));
    }
}
