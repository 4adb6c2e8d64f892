//! Routes as data: a service's table of method, path template, scopes, error shape and
//! operation, and the matching that finds a request's route and path parameters. Tables stay
//! data so the routes served can be compared with the spec's operations.

use axum::http::StatusCode;

use super::errors::Shape;

/// Path parameters by name.
pub(crate) type Params = Vec<(&'static str, String)>;

/// One route of an API table; `O` is what the service runs for it.
pub(crate) struct Route<O> {
    pub method: &'static str,
    pub path: &'static str,
    pub scopes: &'static [&'static str],
    pub shape: Shape,
    pub op: O,
}

pub(crate) fn percent_decode(segment: &str) -> String {
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
pub(crate) fn match_path(pattern: &'static str, path: &str) -> Option<Params> {
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
pub(crate) fn find<'r, O>(
    routes: &'r [Route<O>],
    method: &str,
    path: &str,
) -> Result<(&'r Route<O>, Params), StatusCode> {
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
}
