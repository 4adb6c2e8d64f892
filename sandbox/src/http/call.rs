//! One request as a handler sees it (`Call`: its service's state, path and query parameters,
//! body and grant) and what a handler answers (`Reply` or `Fail`), rendered in the route's
//! error shape. Handlers stay small synchronous functions over their own service's state.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::errors::{self, Shape};
use super::routing::Params;
use super::tracking_of;
use crate::identity::Grant;

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

/// One admitted request for a service whose state is `S`.
pub(crate) struct Call<'a, S> {
    /// The service's own state.
    pub state: &'a S,
    pub params: Params,
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
    pub grant: Grant,
}

impl<S> Call<'_, S> {
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

/// A synchronous handler of a service whose state is `S`.
pub(crate) type Handler<S> = fn(&Call<'_, S>) -> Result<Reply, Fail>;

/// Renders a handler's result.
pub(crate) fn render(result: Result<Reply, Fail>, shape: Shape, headers: &HeaderMap) -> Response {
    match result {
        Ok(Reply::Json(status, body)) => (status, axum::Json(body)).into_response(),
        Ok(Reply::Empty(status)) => status.into_response(),
        Err(fail) => {
            let tracking = tracking_of(headers);
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
