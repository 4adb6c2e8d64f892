//! The SDK's error type, with the node outcome of every failure.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use progenitor_client::ResponseValue;
use serde_json::Value;
use wxcc_auth::{CallError, ErrorKind, TransportError};

use crate::outcome::{HasOutcome, Operation, Outcome};

/// Everything a call through this SDK can fail with. Every variant answers
/// [`outcome()`](HasOutcome::outcome) with the node outcome a flow would take:
///
/// | What happened | Outcome |
/// |---|---|
/// | Input rejected before sending ([`Error::InvalidInput`], [`Error::Config`]) | `onInvalidData` |
/// | HTTP 400 (and 422) | `onInvalidData` |
/// | HTTP 401, 403; no token ([`Error::Auth`] for rejected credentials) | `onAuthorizationFailure` |
/// | HTTP 404, 409 and other statuses without a standard outcome | the operation's failure outcome ([`Operation::failure_outcome`]) |
/// | HTTP 408; [`Error::Timeout`]; an attempt that timed out | `onTimeout` |
/// | HTTP 429 and 5xx, once the retry policy gave up | `onError` |
/// | [`Error::Transport`], [`Error::Decode`] | `onError` |
/// | [`Error::UnexpectedStatus`] | `onInvalidChoice` |
/// | [`Error::Auth`]: refused or revoked authorization, read-only refusal; a slow token endpoint; bad credentials configuration | `onAuthorizationFailure`; `onTimeout`; `onInvalidData` (else `onError`) |
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is invalid; nothing was sent.
    #[error("invalid {}: {reason}", .field)]
    InvalidInput {
        /// The field, or the thing, that is wrong (`text`, `attachments[0].fileUrl`, ...).
        field: String,
        /// Why, in words.
        reason: String,
    },
    /// The client is not configured well enough to be built.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// Engage answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// No token could be had, or the token source may not call this operation. Nothing was
    /// sent. A node authorization whose credentials were rejected answers
    /// [`wxcc_auth::Error::ReauthorizationRequired`] until it is re-authorized.
    #[error("{operation}: {source}")]
    Auth {
        /// The operation.
        operation: Operation,
        /// What the token source reported.
        source: wxcc_auth::Error,
    },
    /// Engage could not be reached, or the connection broke.
    #[error("{operation}: transport error: {message}")]
    Transport {
        /// The operation.
        operation: Operation,
        /// What happened (without URLs).
        message: String,
        /// Whether an attempt ran into the client's per-attempt timeout.
        timed_out: bool,
    },
    /// The whole call, retries included, took longer than the client's overall timeout.
    #[error("{operation}: no answer within {after:?} (overall timeout, retries included)")]
    Timeout {
        /// The operation.
        operation: Operation,
        /// The limit.
        after: Duration,
    },
    /// A success response whose body is not what the API describes.
    #[error("{operation}: unexpected response body: {message}")]
    Decode {
        /// The operation.
        operation: Operation,
        /// What did not fit.
        message: String,
        /// The body (at most 2 KiB of it).
        body: String,
    },
    /// A search found a conversation in a status this crate has no outcome for (or none at all).
    #[error(
        "{operation}: conversation `{conversation_id}` has {}; no search outcome fits",
        .status.as_deref().map_or_else(|| "no status".to_owned(), |s| format!("status `{s}`"))
    )]
    UnexpectedStatus {
        /// The operation.
        operation: Operation,
        /// The conversation.
        conversation_id: String,
        /// The status Engage sent, if any.
        status: Option<String>,
    },
}

impl Error {
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The operation that failed; `None` for input and configuration errors caught before any
    /// operation started.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Error::Api(e) => Some(e.operation),
            Error::Auth { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Decode { operation, .. }
            | Error::UnexpectedStatus { operation, .. } => Some(*operation),
            Error::InvalidInput { .. } | Error::Config(_) => None,
        }
    }

    /// The HTTP status, for [`Error::Api`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            _ => None,
        }
    }

    /// The `TrackingId` of the failed request, for [`Error::Api`]: quote it to support, with
    /// [`Error::trans_id`] when there is one.
    pub fn tracking_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.tracking_id.as_deref(),
            _ => None,
        }
    }

    /// The request id Engage issued (`transId`), when the error body had one.
    pub fn trans_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.trans_id.as_deref(),
            _ => None,
        }
    }

    /// Whether the client's token source must be authorized again before any call can
    /// succeed: its credentials were rejected (a rotated tenant secret), its grant was revoked,
    /// or the authorization was removed. For a
    /// [`NodeAuthorization`](wxcc_auth::NodeAuthorization), call
    /// [`NodeAuthorizations::reauthorize`](wxcc_auth::NodeAuthorizations::reauthorize) with
    /// the new credentials; the same client then continues.
    pub fn requires_reauthorization(&self) -> bool {
        match self {
            Error::Auth { source, .. } => {
                matches!(source, wxcc_auth::Error::ReauthorizationRequired { .. })
            }
            Error::Api(e) => e.reauthorization_required.is_some(),
            _ => false,
        }
    }

    /// Whether sending the same request later may succeed: throttling, a timeout, an
    /// unavailable service, a broken connection or a passing token problem. The client already
    /// retried what its [`RetryPolicy`](wxcc_auth::RetryPolicy) allows.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Auth { source, .. } => source.is_transient(),
            _ => false,
        }
    }
}

impl Error {
    /// The facade's error for a failed call of `operation`.
    pub(crate) fn from_call(operation: Operation, error: CallError) -> Self {
        match error {
            CallError::Path(e) => Error::InvalidInput {
                field: e.parameter,
                reason: e.reason,
            },
            CallError::Body(m) => Error::invalid("body", format!("cannot be encoded: {m}")),
            CallError::Request(m) => Error::invalid("request", format!("cannot be built: {m}")),
            CallError::Transport(TransportError::Auth(source)) => Error::Auth { operation, source },
            CallError::Transport(TransportError::Timeout(after)) => {
                Error::Timeout { operation, after }
            }
            CallError::Transport(TransportError::Network { message, timed_out }) => {
                Error::Transport {
                    operation,
                    message,
                    timed_out,
                }
            }
            CallError::Status(response) => {
                let mut error = ApiError::parse(
                    operation,
                    response.status.as_u16(),
                    &response.body,
                    response.tracking_id,
                );
                error.retry_after = response.retry_after;
                Error::Api(Box::new(error))
            }
            CallError::Decode { message, body } => Error::Decode {
                operation,
                message,
                body: truncate(&String::from_utf8_lossy(&body)),
            },
            // Both enums may grow; a failure this version cannot name is still a failure.
            other => Error::Transport {
                operation,
                message: other.to_string(),
                timed_out: false,
            },
        }
    }

    /// What kind of failure this is, in the vocabulary the whole family shares.
    ///
    /// ```
    /// use engage_sdk::{Error, ErrorKind};
    ///
    /// let e = Error::Config("no token source".into());
    /// assert_eq!(e.kind(), ErrorKind::Config);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Config(_) => ErrorKind::Config,
            Error::Api(e) if e.reauthorization_required.is_some() => {
                ErrorKind::ReauthorizationRequired
            }
            Error::Api(e) => ErrorKind::of_status(e.status),
            Error::Auth { source, .. } => source.kind(),
            Error::Transport {
                timed_out: true, ..
            }
            | Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Transport { .. } => ErrorKind::Network,
            Error::Decode { .. } | Error::UnexpectedStatus { .. } => ErrorKind::Decode,
        }
    }

    /// Whether a read-only token source refused a write; nothing was sent.
    pub fn is_read_only_refusal(&self) -> bool {
        self.kind() == ErrorKind::ReadOnlyRefusal
    }
}

/// Typed errors for the generated client's calls ([`Client::api`](crate::Client::api)): the
/// same [`Error`] the facade's own calls return (the operation is reported as the facade
/// operation sending the same spec operation, when there is one).
///
/// ```no_run
/// use engage_sdk::{Client, TypedErrors};
///
/// # async fn demo(client: Client) -> Result<(), engage_sdk::Error> {
/// let conversation = client.api().get_conversation().conversation_id("c-1").send().typed().await?;
/// # let _ = conversation; Ok(()) }
/// ```
pub trait TypedErrors<T>: Sized {
    /// Runs the call; its value on success, an [`Error`] otherwise.
    fn typed(self) -> impl Future<Output = Result<T>> + Send
    where
        Self: Send,
        T: Send;
}

impl<T, E, F> TypedErrors<T> for F
where
    F: Future<Output = std::result::Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    E: serde::Serialize + Send,
{
    async fn typed(self) -> Result<T>
    where
        Self: Send,
        T: Send,
    {
        wxcc_auth::runtime::generated_call(self)
            .await
            .map(ResponseValue::into_inner)
            .map_err(|e| Error::from_call(Operation::Api, e))
    }
}

/// The standard outcome a Webex Connect node reports when its authorization fails this way.
///
/// ```
/// use engage_sdk::{Error, HasOutcome, Operation, Outcome};
///
/// let source = wxcc_auth::Error::ReauthorizationRequired { source_name: "engage".into(), reason: "secret rotated".into() };
/// let e = Error::Auth { operation: Operation::Create, source };
/// assert_eq!(e.outcome(), Outcome::OnAuthorizationFailure);
/// assert_eq!(e.outcome().to_string(), "onAuthorizationFailure");
/// ```
fn auth_outcome(source: &wxcc_auth::Error) -> Outcome {
    use wxcc_auth::Error as Auth;
    match source {
        Auth::AccessDenied { .. } | Auth::ReauthorizationRequired { .. } | Auth::StateMismatch => {
            Outcome::OnAuthorizationFailure
        }
        Auth::TokenEndpoint {
            status: 400 | 401 | 403,
            ..
        } => Outcome::OnAuthorizationFailure,
        Auth::TokenEndpoint { status: 408, .. } | Auth::Timeout { .. } => Outcome::OnTimeout,
        Auth::InvalidTokenValue { .. }
        | Auth::Config(_)
        | Auth::NameTaken { .. }
        | Auth::UnknownAuthorization { .. } => Outcome::OnInvalidData,
        _ => Outcome::OnError,
    }
}

impl HasOutcome for Error {
    fn outcome(&self) -> Outcome {
        match self {
            Error::InvalidInput { .. } | Error::Config(_) => Outcome::OnInvalidData,
            Error::Api(e) => e.outcome(),
            Error::Auth { source, .. } => auth_outcome(source),
            Error::Transport { timed_out, .. } => {
                if *timed_out {
                    Outcome::OnTimeout
                } else {
                    Outcome::OnError
                }
            }
            Error::Timeout { .. } => Outcome::OnTimeout,
            Error::Decode { .. } => Outcome::OnError,
            Error::UnexpectedStatus { .. } => Outcome::OnInvalidChoice,
        }
    }
}

/// An error response from Engage, parsed.
///
/// Engage's error body is modeled as `{code, description, transId}` (the outputs the Engage
/// nodes report); the numeric code table is not published, so branch on the
/// [`status`](ApiError::status) or, better, on [`outcome()`](HasOutcome::outcome).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation that failed.
    pub operation: Operation,
    /// HTTP status.
    pub status: u16,
    /// Engage's numeric result code, when the body had one.
    pub code: Option<i64>,
    /// The human-readable explanation, when the body had one.
    pub description: Option<String>,
    /// The request id Engage issued, when the body had one.
    pub trans_id: Option<String>,
    /// The `TrackingId` of the request (from the response headers, else the one sent).
    pub tracking_id: Option<String>,
    /// The body, when it was not in Engage's error format (at most 2 KiB).
    pub raw: Option<String>,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
    /// Set on a `401` when the token source then could not get another token because its
    /// credentials were rejected: the reason the source gave. See
    /// [`Error::requires_reauthorization`].
    pub reauthorization_required: Option<String>,
}

impl ApiError {
    /// The node outcome for this status (see [`Error`] for the table).
    pub fn outcome(&self) -> Outcome {
        match self.status {
            400 | 422 => Outcome::OnInvalidData,
            401 | 403 => Outcome::OnAuthorizationFailure,
            408 => Outcome::OnTimeout,
            429 | 500..=599 => Outcome::OnError,
            _ => self.operation.failure_outcome(),
        }
    }

    /// Whether sending the same request later may succeed (408, 429, 502, 503, 504).
    pub fn is_retryable(&self) -> bool {
        matches!(self.status, 408 | 429 | 502 | 503 | 504)
    }

    /// Parses an error body.
    pub(crate) fn parse(
        operation: Operation,
        status: u16,
        body: &[u8],
        tracking_id: Option<String>,
    ) -> ApiError {
        let mut error = ApiError {
            operation,
            status,
            code: None,
            description: None,
            trans_id: None,
            tracking_id,
            raw: None,
            retry_after: None,
            reauthorization_required: None,
        };
        let text = String::from_utf8_lossy(body);
        if text.trim().is_empty() {
            return error;
        }
        let mut known = false;
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            let str_of = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
            error.code = match map.get("code") {
                Some(Value::Number(n)) => n.as_i64(),
                Some(Value::String(s)) => s.trim().parse().ok(),
                _ => None,
            };
            error.description = str_of("description")
                .or_else(|| str_of("message"))
                .or_else(|| str_of("error_description"))
                .or_else(|| str_of("error"));
            error.trans_id = str_of("transId");
            known = error.code.is_some() || error.description.is_some() || error.trans_id.is_some();
        }
        if !known {
            error.raw = Some(truncate(&text));
        }
        error
    }
}

impl HasOutcome for ApiError {
    fn outcome(&self) -> Outcome {
        ApiError::outcome(self)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        if let Some(code) = self.code {
            write!(f, " (code {code})")?;
        }
        if let Some(description) = &self.description {
            write!(f, ": {description}")?;
        } else if let Some(raw) = &self.raw {
            write!(f, ": {raw}")?;
        }
        if let Some(id) = &self.trans_id {
            write!(f, " [transId {id}]")?;
        }
        if let Some(id) = &self.tracking_id {
            write!(f, " [TrackingId {id}]")?;
        }
        write!(f, " -> {}.", self.outcome())?;
        if let Some(reason) = &self.reauthorization_required {
            return write!(f, " The node authorization must be re-authorized: {reason}");
        }
        let hint = match self.status {
            400 | 422 => " Check the request data.",
            401 => " The token was rejected: check or re-authorize the node authorization.",
            403 => " The token lacks a scope, or the tenant lacks access; retrying cannot help.",
            404 => " No such conversation (or participant, or queue) in this tenant and region.",
            408 => " Engage timed out handling the request.",
            409 => " The conversation is not in a state that allows this.",
            429 => " Engage throttled the client; slow down.",
            500..=599 => " Engage failed or is unavailable; try again later.",
            _ => "",
        };
        f.write_str(hint)
    }
}

pub(crate) fn truncate(text: &str) -> String {
    const LIMIT: usize = 2048;
    if text.len() <= LIMIT {
        return text.to_owned();
    }
    let mut end = LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn api(operation: Operation, status: u16) -> Outcome {
        ApiError::parse(operation, status, b"", None).outcome()
    }

    #[test]
    fn statuses_map_to_node_outcomes() {
        assert_eq!(api(Operation::Append, 400), Outcome::OnInvalidData);
        assert_eq!(api(Operation::Append, 401), Outcome::OnAuthorizationFailure);
        assert_eq!(api(Operation::Append, 403), Outcome::OnAuthorizationFailure);
        assert_eq!(api(Operation::Append, 404), Outcome::OnAppendMessageFailure);
        assert_eq!(api(Operation::Search, 404), Outcome::NoConversationFound);
        assert_eq!(
            api(Operation::Close, 409),
            Outcome::OnCloseConversationFailure
        );
        assert_eq!(api(Operation::Append, 408), Outcome::OnTimeout);
        assert_eq!(api(Operation::Append, 429), Outcome::OnError);
        assert_eq!(api(Operation::Append, 500), Outcome::OnError);
        assert_eq!(api(Operation::Append, 503), Outcome::OnError);
    }

    #[test]
    fn engage_error_bodies_are_read_and_others_kept_raw() {
        let e = ApiError::parse(
            Operation::Create,
            409,
            br#"{"code": 4091, "description": "already open", "transId": "t-1"}"#,
            Some("trk".into()),
        );
        assert_eq!(e.code, Some(4091));
        assert_eq!(e.description.as_deref(), Some("already open"));
        assert_eq!(e.trans_id.as_deref(), Some("t-1"));
        assert!(e.raw.is_none());
        let text = e.to_string();
        assert!(text.contains("onConversationFailed"), "{text}");
        assert!(text.contains("t-1") && text.contains("trk"), "{text}");

        let e = ApiError::parse(Operation::Create, 502, b"<html>bad gateway</html>", None);
        assert_eq!(e.raw.as_deref(), Some("<html>bad gateway</html>"));
        let long = "x".repeat(5000);
        let e = ApiError::parse(Operation::Create, 500, long.as_bytes(), None);
        assert!(e.raw.unwrap().len() < 2100);
    }

    #[test]
    fn auth_errors_use_the_auth_crates_outcomes() {
        let e = Error::Auth {
            operation: Operation::Close,
            source: wxcc_auth::Error::ReauthorizationRequired {
                source_name: "engage".into(),
                reason: "rotated".into(),
            },
        };
        assert_eq!(e.outcome(), Outcome::OnAuthorizationFailure);
        assert!(e.requires_reauthorization());
        let e = Error::Auth {
            operation: Operation::Close,
            source: wxcc_auth::Error::Timeout {
                source_name: "engage".into(),
                after: Duration::from_secs(1),
            },
        };
        assert_eq!(e.outcome(), Outcome::OnTimeout);
    }
}
