//! Table-driven routing shared by the WxCC and Engage APIs: match a route, authenticate,
//! rate-limit, check scopes, run a small handler, render its error in the group's shape.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::errors::{self, Shape};
use crate::state::{Audience, Grant, Shared};

/// A handler's failure: a status and a message, rendered in the route's error shape.
#[derive(Debug)]
pub(crate) struct Fail {
    pub status: StatusCode,
    pub message: String,
}

impl Fail {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Fail {
        Fail {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn bad(message: impl Into<String>) -> Fail {
        Fail::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Fail {
        Fail::new(StatusCode::NOT_FOUND, message)
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Fail {
        Fail::new(StatusCode::CONFLICT, message)
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Fail {
        Fail::new(StatusCode::FORBIDDEN, message)
    }
}

/// A handler's success.
pub(crate) enum Reply {
    Json(StatusCode, serde_json::Value),
    Empty(StatusCode),
}

/// One request as a handler sees it.
pub(crate) struct Call<'a> {
    pub shared: &'a Shared,
    pub params: Vec<(&'static str, String)>,
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
    pub grant: Grant,
}

impl Call<'_> {
    /// A path parameter (empty if the route has none of that name).
    pub(crate) fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// A query parameter (the first, if repeated; `None` when empty).
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// A list query parameter, repeated (`a=1&a=2`) or comma-separated (`a=1,2`).
    pub(crate) fn query_list(&self, name: &str) -> Vec<String> {
        self.query
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// An integer query parameter; a present but unparsable value is a 400.
    pub(crate) fn query_i64(&self, name: &str) -> Result<Option<i64>, Fail> {
        self.query(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| Fail::bad(format!("`{name}` must be an integer")))
            })
            .transpose()
    }

    /// A boolean query parameter.
    pub(crate) fn query_bool(&self, name: &str) -> Result<Option<bool>, Fail> {
        self.query(name)
            .map(|v| match v {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(Fail::bad(format!("`{name}` must be true or false"))),
            })
            .transpose()
    }

    /// The JSON body.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Fail> {
        serde_json::from_slice(self.body)
            .map_err(|e| Fail::bad(format!("the request body is invalid: {e}")))
    }
}

/// Path parameters by name.
pub(crate) type Params = Vec<(&'static str, String)>;

/// A synchronous handler.
pub(crate) type Handler = fn(&Call<'_>) -> Result<Reply, Fail>;

/// What runs a route.
#[derive(Clone, Copy)]
pub(crate) enum Op {
    Sync(Handler),
    /// The asynchronous GraphQL search.
    Search,
}

/// One route of an API table.
pub(crate) struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub scopes: &'static [&'static str],
    pub shape: Shape,
    pub op: Op,
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Matches a path against a pattern with `{name}` segments.
pub(crate) fn match_path(pattern: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let want: Vec<&'static str> = pattern.trim_end_matches('/').split('/').collect();
    let have: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if want.len() != have.len() {
        return None;
    }
    let mut params = Vec::new();
    for (w, h) in want.iter().zip(&have) {
        if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            if h.is_empty() {
                return None;
            }
            params.push((name, percent_decode(h)));
        } else if w != h {
            return None;
        }
    }
    Some(params)
}

/// The route for a method and path, or the error to answer.
pub(crate) fn find<'r>(
    routes: &'r [Route],
    method: &str,
    path: &str,
) -> Result<(&'r Route, Params), StatusCode> {
    let mut path_known = false;
    for route in routes {
        if let Some(params) = match_path(route.path, path) {
            if route.method == method {
                return Ok((route, params));
            }
            path_known = true;
        }
    }
    Err(if path_known {
        StatusCode::METHOD_NOT_ALLOWED
    } else {
        StatusCode::NOT_FOUND
    })
}

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
pub(crate) fn admit(
    shared: &Shared,
    route: &Route,
    headers: &HeaderMap,
    rules: &AuthRules,
) -> Result<Grant, Box<Response>> {
    let tracking = crate::server::tracking_of(headers);
    let tracking = tracking.as_deref();
    let token = bearer(headers).map_err(|message| {
        Box::new(errors::respond(
            route.shape,
            rules.malformed,
            tracking,
            message,
        ))
    })?;
    let grant = shared
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
    shared
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

/// Renders a handler's result.
pub(crate) fn render(result: Result<Reply, Fail>, shape: Shape, headers: &HeaderMap) -> Response {
    match result {
        Ok(Reply::Json(status, body)) => (status, axum::Json(body)).into_response(),
        Ok(Reply::Empty(status)) => status.into_response(),
        Err(fail) => {
            let tracking = crate::server::tracking_of(headers);
            let mut response =
                errors::respond(shape, fail.status, tracking.as_deref(), &fail.message);
            if fail.status == StatusCode::METHOD_NOT_ALLOWED {
                response.headers_mut().insert(
                    header::ALLOW,
                    HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE"),
                );
            }
            response
        }
    }
}

/// Parses a query string into pairs.
pub(crate) fn query_pairs(uri: &axum::http::Uri) -> Vec<(String, String)> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_params() {
        let params = match_path(
            "/organization/{orgid}/team/{id}",
            "/organization/o1/team/t%201",
        );
        assert_eq!(
            params,
            Some(vec![("orgid", "o1".to_owned()), ("id", "t 1".to_owned())])
        );
        assert_eq!(match_path("/v1/tasks", "/v1/tasks/"), Some(vec![]));
        assert_eq!(match_path("/v1/tasks", "/v1/tasks/x"), None);
    }

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
