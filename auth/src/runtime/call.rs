//! What a facade hands to the runtime: one call of an operation, and what comes back.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;

use super::{TRACKING_ID_HEADER, Transport, TransportError};
use crate::{Access, Operation};

/// One call: an operation (from a generated crate's `operations` module, or a path the spec
/// lacks), its path parameters, query and JSON body.
///
/// Path parameters are filled into the operation's template, each percent-encoded as exactly
/// one segment, so no caller builds a path by hand.
///
/// ```
/// use wxcc_auth::{Access, Call, Operation};
///
/// const GET_TASK: Operation = Operation {
///     id: "get_task", method: "GET", path: "/v1/tasks/{taskId}", access: Access::Read, scopes: &[],
/// };
/// let call = Call::new(&GET_TASK).path_param("taskId", "a b/c");
/// assert_eq!(call.path().unwrap(), "/v1/tasks/a%20b%2Fc");
/// assert!(Call::new(&GET_TASK).path_param("taskId", "..").path().is_err());
/// ```
#[derive(Debug)]
#[must_use]
pub struct Call<'a> {
    target: Target,
    params: Vec<(&'static str, &'a str)>,
    query: &'a [(&'a str, String)],
    body: Option<Result<Vec<u8>, String>>,
}

#[derive(Debug)]
enum Target {
    Spec(&'static Operation),
    /// A path the spec lacks, classified by [`Call::raw`].
    Raw {
        method: Method,
        path: String,
        access: Access,
    },
}

impl<'a> Call<'a> {
    /// A call of a spec operation.
    pub fn new(operation: &'static Operation) -> Self {
        Self {
            target: Target::Spec(operation),
            params: Vec::new(),
            query: &[],
            body: None,
        }
    }

    /// A call of a path the spec may lack (`/v1/...`, relative to the base URL), as Flow
    /// Designer's HTTP connector takes one. When `table` has an operation whose method and
    /// template fit, the call is that operation (its id, its access class); otherwise `GET`,
    /// `HEAD` and `OPTIONS` are reads and every other method a write, so a read-only token
    /// source sends only what it can vouch for.
    ///
    /// ```
    /// use wxcc_auth::{Access, Call, Operation, OperationTable};
    /// use reqwest::Method;
    ///
    /// static OPS: OperationTable = OperationTable::new(&[Operation {
    ///     id: "search", method: "POST", path: "/search", access: Access::Read, scopes: &[],
    /// }]);
    /// assert_eq!(Call::raw(&OPS, Method::POST, "/search").unwrap().access(), Access::Read);
    /// assert_eq!(Call::raw(&OPS, Method::POST, "/v1/other").unwrap().access(), Access::Write);
    /// assert_eq!(Call::raw(&OPS, Method::GET, "/v1/other").unwrap().access(), Access::Read);
    /// assert!(Call::raw(&OPS, Method::GET, "https://elsewhere.example.com/v1").is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`PathError`] for a path that does not start with `/`, carries a query or fragment, or
    /// has a segment the URL parser would resolve away (`.`, `..`, empty).
    pub fn raw(
        table: &crate::OperationTable,
        method: Method,
        path: &str,
    ) -> Result<Self, PathError> {
        let refuse = |reason: &str| PathError {
            parameter: "path".to_owned(),
            value: path.to_owned(),
            reason: reason.to_owned(),
        };
        if !path.starts_with('/') {
            return Err(refuse("must be a path starting with `/`, not a URL"));
        }
        if path.contains(['?', '#']) {
            return Err(refuse(
                "must not carry a query or fragment; pass query parameters separately",
            ));
        }
        if path.chars().any(|c| c.is_control() || c == ' ') {
            return Err(refuse("must not contain spaces or control characters"));
        }
        let segments: Vec<&str> = path[1..].split('/').collect();
        let last = segments.len() - 1;
        for (i, segment) in segments.iter().enumerate() {
            // One trailing slash is harmless; anything else a URL parser would resolve or
            // collapse retargets the request.
            let dot = matches!(*segment, "." | "..")
                || segment.eq_ignore_ascii_case("%2e")
                || segment.eq_ignore_ascii_case("%2e%2e")
                || segment.eq_ignore_ascii_case(".%2e")
                || segment.eq_ignore_ascii_case("%2e.");
            if dot || (segment.is_empty() && i != last) {
                return Err(refuse(
                    "has an empty, `.` or `..` segment, which would send the request elsewhere",
                ));
            }
        }
        let target = match table.find(method.as_str(), path) {
            Some(operation) => Target::Spec(operation),
            None => {
                let access = if matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
                    Access::Read
                } else {
                    Access::Write
                };
                Target::Raw {
                    method,
                    path: path.to_owned(),
                    access,
                }
            }
        };
        Ok(Self {
            target,
            params: Vec::new(),
            query: &[],
            body: None,
        })
    }

    /// Fills the template's `{name}` with `value`.
    pub fn path_param(mut self, name: &'static str, value: &'a str) -> Self {
        self.params.push((name, value));
        self
    }

    /// Query parameters, in order.
    pub fn query(mut self, query: &'a [(&'a str, String)]) -> Self {
        self.query = query;
        self
    }

    /// A JSON body. An encoding failure is reported by [`Transport::call`], before anything is
    /// sent.
    pub fn json(mut self, body: &(impl Serialize + ?Sized)) -> Self {
        self.body = Some(serde_json::to_vec(body).map_err(|e| e.to_string()));
        self
    }

    /// The operation id the signer, the logs and the errors know the call by (`request` for a
    /// path the spec lacks).
    pub fn operation_id(&self) -> &'static str {
        match &self.target {
            Target::Spec(operation) => operation.id,
            Target::Raw { .. } => "request",
        }
    }

    /// Read or write.
    pub fn access(&self) -> Access {
        match &self.target {
            Target::Spec(operation) => operation.access,
            Target::Raw { access, .. } => *access,
        }
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        match &self.target {
            Target::Spec(operation) => {
                Method::from_bytes(operation.method.as_bytes()).unwrap_or(Method::GET)
            }
            Target::Raw { method, .. } => method.clone(),
        }
    }

    /// The path, relative to the base URL, with every parameter filled in.
    ///
    /// # Errors
    ///
    /// [`PathError`] for a parameter that is missing or cannot be one segment (empty, `.`,
    /// `..`).
    pub fn path(&self) -> Result<String, PathError> {
        let template = match &self.target {
            Target::Spec(operation) => operation.path,
            Target::Raw { path, .. } => return Ok(path.clone()),
        };
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + close];
            let value = self
                .params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
                .ok_or_else(|| PathError {
                    parameter: name.to_owned(),
                    value: String::new(),
                    reason: "is missing".to_owned(),
                })?;
            segment(name, value, &mut out)?;
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// Appends `value` percent-encoded as exactly one path segment: everything but RFC 3986's
/// unreserved characters is encoded (`/`, `?`, `#` and `%` included), and the values a URL
/// parser would not keep as a segment of their own are refused: `.` and `..` (which it would
/// resolve, sending `POST /conversations/../close` as `POST /close`) and the empty string.
fn segment(name: &str, value: &str, out: &mut String) -> Result<(), PathError> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(PathError {
            parameter: name.to_owned(),
            value: value.to_owned(),
            reason: "cannot be a path segment (empty, `.` and `..` are refused)".to_owned(),
        });
    }
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    Ok(())
}

/// A path that cannot be sent; nothing was.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the path parameter `{parameter}` (`{value}`) {reason}")]
pub struct PathError {
    /// The parameter's name in the template (`path` for a whole path).
    pub parameter: String,
    /// The refused value.
    pub value: String,
    /// Why, in words.
    pub reason: String,
}

/// A success response.
#[derive(Debug)]
pub struct Reply {
    /// The status (2xx).
    pub status: StatusCode,
    /// The body.
    pub body: bytes::Bytes,
    /// The `TrackingId` the request carried.
    pub tracking_id: String,
}

/// An error status, before a facade parses its body.
#[derive(Debug)]
pub struct ErrorResponse {
    /// The status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: bytes::Bytes,
    /// The `TrackingId` the response named, or else the one the request carried (unknown for
    /// a generated client's call whose response named none).
    pub tracking_id: Option<String>,
    /// The server's `Retry-After`, read on the signer's clock.
    pub retry_after: Option<Duration>,
}

/// Why a [`Call`] brought no success response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// A path parameter cannot be sent; nothing was.
    #[error(transparent)]
    Path(#[from] PathError),
    /// The body cannot be encoded as JSON; nothing was sent.
    #[error("the request body cannot be encoded: {0}")]
    Body(String),
    /// The request cannot be built (the base URL and path do not make a URL); nothing was sent.
    #[error("the request cannot be built: {0}")]
    Request(String),
    /// No response: no token, a refusal, the overall timeout, or the network.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The service answered with an error status.
    #[error("{0}")]
    Status(Box<ErrorResponse>),
    /// A response the API does not describe: a body that does not decode, or a status the
    /// spec does not list.
    #[error("unexpected response: {message}")]
    Decode {
        /// What did not fit.
        message: String,
        /// The body.
        body: bytes::Bytes,
    },
}

impl Transport {
    /// Sends `call` to `base` (a checked base URL without a trailing slash): fills in the path,
    /// adds `Accept`, the JSON body and a fresh `TrackingId`, and takes it through every stage
    /// of the runtime. Error statuses come back as [`CallError::Status`].
    ///
    /// # Errors
    ///
    /// A [`CallError`].
    pub async fn call(&self, base: &str, call: Call<'_>) -> Result<Reply, CallError> {
        let path = call.path()?;
        let method = call.method();
        let operation = call.operation_id();
        let access = call.access();
        let url = format!("{base}{path}");
        let mut builder = self
            .http()
            .request(method, &url)
            .header("accept", "application/json");
        if !call.query.is_empty() {
            builder = builder.query(call.query);
        }
        if let Some(body) = call.body {
            builder = builder
                .header("content-type", "application/json")
                .body(body.map_err(CallError::Body)?);
        }
        let tracking_id = uuid::Uuid::new_v4().to_string();
        if let Ok(value) = HeaderValue::from_str(&tracking_id) {
            builder = builder.header(TRACKING_ID_HEADER, value);
        }
        let request = builder
            .build()
            .map_err(|e| CallError::Request(e.without_url().to_string()))?;
        let response = self.execute_as(request, operation, access).await?;
        let status = response.status();
        if status.is_success() {
            let body = super::body(response).await?;
            return Ok(Reply {
                status,
                body,
                tracking_id,
            });
        }
        let headers = response.headers().clone();
        let body = super::body(response).await?;
        let tracking_id = Some(
            headers
                .get(TRACKING_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .map_or(tracking_id, str::to_owned),
        );
        let now = std::time::SystemTime::from(self.signer().clock().now());
        let retry_after = super::retry_after(&headers, now);
        tracing::debug!(
            operation,
            status = status.as_u16(),
            tracking_id = ?tracking_id,
            "error response"
        );
        Err(CallError::Status(Box::new(ErrorResponse {
            status,
            headers,
            body,
            tracking_id,
            retry_after,
        })))
    }
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(id) = &self.tracking_id {
            write!(f, " (tracking id {id})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const OP: Operation = Operation {
        id: "delete_callback",
        method: "DELETE",
        path: "/v1/callbacks/organization/{orgId}/scheduled-callback/{id}",
        access: Access::Write,
        scopes: &[],
    };

    #[test]
    fn parameters_are_encoded_as_one_segment_each() {
        let call = Call::new(&OP)
            .path_param("orgId", "org 1")
            .path_param("id", "../x");
        assert_eq!(
            call.path().unwrap(),
            "/v1/callbacks/organization/org%201/scheduled-callback/..%2Fx"
        );
        let mut out = String::new();
        segment("id", "#%", &mut out).unwrap();
        assert_eq!(out, "%23%25");
        let mut out = String::new();
        segment("id", "...", &mut out).unwrap();
        assert_eq!(out, "...");
    }

    #[test]
    fn dot_segments_empty_and_missing_parameters_are_refused() {
        for value in ["", ".", ".."] {
            let error = Call::new(&OP)
                .path_param("orgId", "o")
                .path_param("id", value)
                .path()
                .unwrap_err();
            assert_eq!(error.parameter, "id");
            assert!(error.to_string().contains("path segment"), "{error}");
        }
        let error = Call::new(&OP).path_param("orgId", "o").path().unwrap_err();
        assert_eq!(
            (error.parameter.as_str(), error.reason.as_str()),
            ("id", "is missing")
        );
    }

    #[test]
    fn raw_paths_that_would_retarget_the_request_are_refused() {
        let table = crate::OperationTable::empty();
        for path in [
            "v1/x",
            "/v1/../x",
            "/v1/./x",
            "/v1//x",
            "/v1/%2E%2E/x",
            "/v1?x=1",
            "/v1#f",
            "/v1/a b",
        ] {
            assert!(Call::raw(&table, Method::GET, path).is_err(), "{path}");
        }
        assert!(Call::raw(&table, Method::GET, "/v1/x/").is_ok());
    }

    proptest! {
        #[test]
        fn any_value_fills_exactly_one_segment_or_is_refused(value in "\\PC{0,24}") {
            const ONE: Operation = Operation { id: "x", method: "GET", path: "/a/{v}/b", access: Access::Read, scopes: &[] };
            match Call::new(&ONE).path_param("v", &value).path() {
                Ok(path) => {
                    let segments: Vec<&str> = path.split('/').collect();
                    prop_assert_eq!(segments.len(), 4);
                    prop_assert!(!matches!(segments[2], "" | "." | ".."));
                }
                Err(error) => prop_assert!(matches!(value.as_str(), "" | "." | "..") , "{}", error),
            }
        }
    }
}
