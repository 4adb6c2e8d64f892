//! The one adapter from a generated client's errors to the runtime's.

use std::future::Future;

use progenitor_client::{Error as GeneratedError, ResponseValue};
use serde::Serialize;

use super::refusal::capture_refusals;
use super::{CallError, ErrorResponse, TRACKING_ID_HEADER, TransportError, transport::network};

/// Runs a generated operation's `send()` future and reports its failure as a [`CallError`],
/// the same error a facade's own call has: a refusal by the signer is the typed
/// [`crate::Error`] (re-authorization required, read-only refusal, ...), not text; an error
/// status keeps its status, headers, tracking id and body. Facades wrap this in their own
/// error type (`wxcc_sdk::TypedErrors`, `engage_sdk::TypedErrors`).
///
/// # Errors
///
/// A [`CallError`].
pub async fn generated_call<T, E, F>(call: F) -> Result<ResponseValue<T>, CallError>
where
    F: Future<Output = Result<ResponseValue<T>, GeneratedError<E>>>,
    E: Serialize,
{
    let (result, refused) = capture_refusals(call).await;
    let error = match result {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    Err(match error {
        GeneratedError::Custom(message) => match refused.0 {
            Some(auth) => CallError::Transport(TransportError::Auth(auth)),
            None => CallError::Request(message),
        },
        GeneratedError::InvalidRequest(message) => CallError::Request(message),
        GeneratedError::CommunicationError(e)
        | GeneratedError::InvalidUpgrade(e)
        | GeneratedError::ResponseBodyError(e) => CallError::Transport(network(e)),
        GeneratedError::ErrorResponse(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            // The generated error types serialize back to what they were decoded from, so the
            // facade parses one body format whichever way the call went.
            let body = serde_json::to_vec(&value.into_inner()).unwrap_or_default();
            status_error(status, headers, body.into())
        }
        GeneratedError::InvalidResponsePayload(body, error) => CallError::Decode {
            message: error.to_string(),
            body,
        },
        GeneratedError::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = match super::body(response).await {
                Ok(body) => body,
                Err(e) => return Err(CallError::Transport(e)),
            };
            if status.is_success() {
                CallError::Decode {
                    message: format!("status {status} is not one the spec describes"),
                    body,
                }
            } else {
                status_error(status, headers, body)
            }
        }
    })
}

fn status_error(
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: bytes::Bytes,
) -> CallError {
    let tracking_id = headers
        .get(TRACKING_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let retry_after = super::retry_after(&headers, std::time::SystemTime::now());
    CallError::Status(Box::new(ErrorResponse {
        status,
        headers,
        body,
        tracking_id,
        retry_after,
    }))
}
