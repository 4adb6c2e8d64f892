//! The gate every request passes before any service: the request log, then injected faults.
//! Faults act before authentication and rate limiting, as a failing gateway or network
//! would, so they live here and not in any service.

use std::sync::{Arc, Mutex};

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::listener::ConnHandle;
use super::request_log::{RequestLog, RequestRecord};
use crate::faults::{self, Fault, FaultKind, Faults, Fired};
use crate::http::{errors, shape_for, tracking_of};
use crate::rng::Rng;
use crate::sync::lock;

/// The faults to inject and the log of what passed.
#[derive(Debug)]
pub(crate) struct Gate {
    faults: Mutex<Faults>,
    log: Mutex<RequestLog>,
    /// Randomness for fault probabilities (seeded, so a test run is repeatable).
    rng: Mutex<Rng>,
}

impl Gate {
    pub(crate) fn new(rng: Rng) -> Gate {
        Gate {
            faults: Mutex::default(),
            log: Mutex::default(),
            rng: Mutex::new(rng),
        }
    }

    pub(crate) fn inject(&self, fault: Fault) {
        lock(&self.faults).add(fault);
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    /// The requests logged, in order of arrival.
    pub(crate) fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.log).iter().cloned().collect()
    }

    /// How many logged requests have this method (`*`: any) and match this path pattern.
    pub(crate) fn count_requests(&self, method: &str, path: &str) -> usize {
        lock(&self.log)
            .iter()
            .filter(|r| {
                (method == "*" || r.method.eq_ignore_ascii_case(method))
                    && faults::path_matches(path, &r.path)
            })
            .count()
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.log).clear();
    }
}

/// Every request passes here: the log first, then injected faults, then the handler, then
/// the answered status into the log. Logging on arrival matters: when a client gives up during
/// a delay fault, the server cancels this future, and a request logged only once answered
/// would be missing from the count.
pub(super) async fn pass(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let tracking_id = tracking_of(request.headers());
    let sequence = lock(&gate.log).push(RequestRecord {
        method: method.clone(),
        path: path.clone(),
        query: request.uri().query().map(str::to_owned),
        status: None,
        authorization: request.headers().contains_key(header::AUTHORIZATION),
        tracking_id: tracking_id.clone(),
    });
    let conn = request
        .extensions()
        .get::<ConnectInfo<ConnHandle>>()
        .map(|c| c.0.clone());
    let fired = {
        let mut rng = lock(&gate.rng);
        lock(&gate.faults).take(&method, &path, &mut rng)
    };
    let mut dropped = false;
    let response = match fired {
        None => next.run(request).await,
        Some(Fired { kind, headers }) => match kind {
            FaultKind::Delay(duration) => {
                tokio::time::sleep(duration).await;
                next.run(request).await
            }
            FaultKind::Status { code, body } => {
                let status =
                    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut response = match body {
                    Some(body) => {
                        let json = serde_json::from_str::<serde_json::Value>(&body).is_ok();
                        let kind = if json {
                            "application/json"
                        } else {
                            "text/plain"
                        };
                        (status, [(header::CONTENT_TYPE, kind)], body).into_response()
                    }
                    None => errors::respond(
                        shape_for(&path),
                        status,
                        tracking_id.as_deref(),
                        "injected fault",
                    ),
                };
                for (name, value) in headers {
                    if let (Ok(name), Ok(value)) = (
                        HeaderName::from_bytes(name.as_bytes()),
                        HeaderValue::from_str(&value),
                    ) {
                        response.headers_mut().insert(name, value);
                    }
                }
                response
            }
            FaultKind::MalformedJson => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"data\": {\"items\": [{\"id\": \"trunc",
            )
                .into_response(),
            FaultKind::DropConnection => {
                dropped = true;
                if let Some(conn) = &conn {
                    conn.abort();
                }
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
    };
    if !dropped {
        lock(&gate.log).set_status(sequence, response.status().as_u16());
    }
    response
}
