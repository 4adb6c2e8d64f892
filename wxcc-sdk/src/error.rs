//! The SDK's error type, and the parser for the error bodies WxCC services send.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use progenitor_client::ResponseValue;
use serde_json::Value;
use wxcc_auth::{CallError, ErrorKind, TransportError};

/// Everything a call through this SDK can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The service answered 200 with GraphQL errors (Search).
    #[error("the search failed: {}", join(.errors))]
    GraphQl {
        /// The errors, as the service sent them.
        errors: Vec<wxcc_api::types::GraphQlError>,
        /// The request's tracking id.
        tracking_id: Option<String>,
    },
    /// No token could be had, or the token source may not call this operation. Nothing was sent.
    /// [`Error::kind`] tells a refusal of a read-only source from a source that must be
    /// authorized again.
    #[error("{0}")]
    Auth(#[from] wxcc_auth::Error),
    /// The request is invalid; it was not sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The configured base URL cannot be used: it does not parse, is not `http` or `https`,
    /// or carries credentials, a query or a fragment. [`ClientBuilder::build`] refuses it, so
    /// nothing is ever sent to it; the message never repeats credentials.
    ///
    /// [`ClientBuilder::build`]: crate::ClientBuilder::build
    #[error("invalid base URL: {reason}")]
    InvalidBaseUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// The service could not be reached, or the connection broke.
    #[error("transport error: {message}")]
    Transport {
        /// What happened (without URLs).
        message: String,
    },
    /// The whole call, retries included, took longer than the configured overall timeout.
    #[error("no answer within {0:?} (overall timeout, retries included)")]
    Timeout(Duration),
    /// A success response whose body is not what the API describes.
    #[error("unexpected response body: {message}")]
    Decode {
        /// What did not fit.
        message: String,
        /// The body (at most 2 KiB of it).
        body: String,
    },
}

fn join(errors: &[wxcc_api::types::GraphQlError]) -> String {
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// Whether sending the same request later may succeed: throttling, a timeout, a gateway or
    /// availability error, a broken connection, or a passing token problem. The SDK already
    /// retried what its [`RetryPolicy`](wxcc_auth::RetryPolicy) allows.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Transport { .. } | Error::Timeout(_) => true,
            Error::Auth(e) => e.is_transient(),
            _ => false,
        }
    }

    /// The HTTP status, for [`Error::Api`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            _ => None,
        }
    }

    /// The tracking id of the failed request, when there was one: quote it to Cisco support.
    pub fn tracking_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.tracking_id.as_deref(),
            Error::GraphQl { tracking_id, .. } => tracking_id.as_deref(),
            _ => None,
        }
    }
}

impl Error {
    /// What kind of failure this is, in the vocabulary the whole family shares.
    ///
    /// ```
    /// use wxcc_sdk::{Error, ErrorKind};
    ///
    /// let e = Error::Auth(wxcc_auth::Error::ReauthorizationRequired {
    ///     source_name: "reporting".into(),
    ///     reason: "the refresh token was revoked".into(),
    /// });
    /// assert_eq!(e.kind(), ErrorKind::ReauthorizationRequired);
    /// assert!(e.requires_reauthorization());
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api(e) => ErrorKind::of_status(e.status),
            Error::GraphQl { .. } => ErrorKind::Api,
            Error::Auth(e) => e.kind(),
            Error::InvalidRequest(_) => ErrorKind::InvalidInput,
            Error::InvalidBaseUrl { .. } => ErrorKind::Config,
            Error::Transport { .. } => ErrorKind::Network,
            Error::Timeout(_) => ErrorKind::Timeout,
            Error::Decode { .. } => ErrorKind::Decode,
        }
    }

    /// Whether the token source must be authorized again before any call can succeed.
    pub fn requires_reauthorization(&self) -> bool {
        self.kind() == ErrorKind::ReauthorizationRequired
    }

    /// Whether a read-only token source refused a write; nothing was sent.
    pub fn is_read_only_refusal(&self) -> bool {
        self.kind() == ErrorKind::ReadOnlyRefusal
    }
}

impl From<CallError> for Error {
    fn from(error: CallError) -> Self {
        match error {
            CallError::Path(e) => Error::InvalidRequest(e.to_string()),
            CallError::Body(m) => Error::InvalidRequest(format!("cannot encode the body: {m}")),
            CallError::Request(m) => {
                Error::InvalidRequest(format!("cannot build the request: {m}"))
            }
            CallError::Transport(TransportError::Auth(e)) => Error::Auth(e),
            CallError::Transport(TransportError::Timeout(after)) => Error::Timeout(after),
            CallError::Transport(other) => Error::Transport {
                message: other.to_string(),
            },
            CallError::Status(response) => {
                let mut error = ApiError::parse(
                    response.status.as_u16(),
                    &response.body,
                    response.tracking_id,
                );
                error.retry_after = response.retry_after;
                Error::Api(Box::new(error))
            }
            CallError::Decode { message, body } => Error::Decode {
                message,
                body: truncate(&String::from_utf8_lossy(&body)),
            },
            // `CallError` may grow; a kind this version does not know is still a failure.
            other => Error::Transport {
                message: other.to_string(),
            },
        }
    }
}

/// Typed errors for the generated client's calls ([`Client::api`](crate::Client::api)): the
/// same [`Error`] the facade's own calls return, so a read-only refusal or a source that must
/// be authorized again can be matched, not read out of a string.
///
/// ```no_run
/// use wxcc_sdk::{Client, TypedErrors};
///
/// # async fn demo(client: Client) -> Result<(), wxcc_sdk::Error> {
/// let teams = client.api().list_teams().orgid("my-org").send().typed().await?;
/// println!("{} teams", teams.len());
/// # Ok(()) }
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
            .map_err(Error::from)
    }
}

/// Which error body format the service used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorShape {
    /// `{trackingId, error: {key: "400", reason?, message: [{description}]}}`: Search, tasks,
    /// agents, statistics, configuration.
    ApiErrorResponse,
    /// `{trackingId, error: {key: 400, message: [{description}]}}`: subscriptions.
    Subscription,
    /// `{status: "400 BAD_REQUEST", message, errors: [..], trackingId}`: Journey.
    Journey,
    /// `{code: 1001, message, trackingId}`: the API gateway.
    Gateway,
    /// `{code: "InvalidRequest", message}`: contact lists.
    ContactList,
    /// `{errors: [{key, description|message}]}`.
    ErrorsArray,
    /// A body in none of these formats; see [`ApiError::raw`].
    Unknown,
    /// No body.
    Empty,
}

/// An error response, parsed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The tracking id from the body, the response headers, or the request.
    pub tracking_id: Option<String>,
    /// The service's error key or code, when it sent one.
    pub key: Option<String>,
    /// The human-readable messages.
    pub messages: Vec<String>,
    /// Which format the body had.
    pub shape: ErrorShape,
    /// The body, when it was in none of the known formats (at most 2 KiB).
    pub raw: Option<String>,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Whether sending the same request later may succeed (408, 429, 502, 503, 504).
    pub fn is_retryable(&self) -> bool {
        matches!(self.status, 408 | 429 | 502 | 503 | 504)
    }

    /// Parses an error body. `fallback_tracking_id` is used when the body has none (the
    /// response header, else the one the request carried).
    pub fn parse(status: u16, body: &[u8], fallback_tracking_id: Option<String>) -> ApiError {
        let mut error = ApiError {
            status,
            tracking_id: None,
            key: None,
            messages: Vec::new(),
            shape: ErrorShape::Unknown,
            raw: None,
            retry_after: None,
        };
        let text = String::from_utf8_lossy(body);
        if text.trim().is_empty() {
            error.shape = ErrorShape::Empty;
        } else if let Ok(value) = serde_json::from_slice::<Value>(body) {
            error.read(&value);
        }
        if error.shape == ErrorShape::Unknown && !text.trim().is_empty() {
            error.raw = Some(truncate(&text));
        }
        if error.tracking_id.is_none() {
            error.tracking_id = fallback_tracking_id;
        }
        error
    }

    fn read(&mut self, v: &Value) {
        let str_of = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        self.tracking_id = str_of(v.get("trackingId")).or_else(|| str_of(v.get("trackingID")));
        let descriptions = |list: Option<&Value>| -> Vec<String> {
            list.and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|m| match m {
                            Value::String(s) => Some(s.clone()),
                            _ => str_of(m.get("description")).or_else(|| str_of(m.get("message"))),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        if let Some(inner) = v.get("error").filter(|e| e.is_object()) {
            match inner.get("key") {
                Some(Value::String(key)) => {
                    self.shape = ErrorShape::ApiErrorResponse;
                    self.key = Some(key.clone());
                }
                Some(Value::Number(key)) => {
                    self.shape = ErrorShape::Subscription;
                    self.key = Some(key.to_string());
                }
                _ => self.shape = ErrorShape::ApiErrorResponse,
            }
            self.messages = descriptions(inner.get("message"));
            if let Some(reason) = str_of(inner.get("reason")) {
                self.messages.insert(0, reason);
            }
        } else if let Some(status) = str_of(v.get("status")).filter(|s| s.contains(' ')) {
            self.shape = ErrorShape::Journey;
            self.key = status.split(' ').nth(1).map(str::to_owned);
            self.messages = str_of(v.get("message"))
                .into_iter()
                .chain(descriptions(v.get("errors")))
                .collect();
        } else if let Some(code) = v.get("code") {
            self.shape = if code.is_number() {
                ErrorShape::Gateway
            } else {
                ErrorShape::ContactList
            };
            self.key = Some(match code {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            self.messages = str_of(v.get("message")).into_iter().collect();
        } else if let Some(errors) = v.get("errors").and_then(Value::as_array) {
            self.shape = ErrorShape::ErrorsArray;
            self.key = errors.first().and_then(|e| e.get("key")).map(|k| match k {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            self.messages = descriptions(v.get("errors"));
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(key) = &self.key {
            write!(f, " ({key})")?;
        }
        if !self.messages.is_empty() {
            write!(f, ": {}", self.messages.join("; "))?;
        } else if let Some(raw) = &self.raw {
            write!(f, ": {raw}")?;
        }
        if let Some(id) = &self.tracking_id {
            write!(f, " [tracking id {id}]")?;
        }
        let hint = match self.status {
            400 | 422 => " Check the request against the API reference.",
            401 => " The token was rejected: re-authorize the token source.",
            403 => " The token lacks a scope or the user a role this operation needs.",
            404 => " The resource does not exist in this organization and region.",
            429 => " The client is throttled (300 requests a minute by default); slow down.",
            502..=504 => " The service is unavailable; try again later.",
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
