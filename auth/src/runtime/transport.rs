//! Sending signed requests with timeouts: what the facade crates share.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::{Access, Error, Signer};

/// Timeouts of a client. `None` means no limit.
///
/// ```
/// use std::time::Duration;
/// use wxcc_auth::Timeouts;
///
/// let patient = Timeouts::default().with_overall(Some(Duration::from_secs(600)));
/// assert_eq!(patient.attempt, Some(Duration::from_secs(30)));
/// assert_eq!(Timeouts::none().attempt, None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Establishing a connection.
    pub connect: Option<Duration>,
    /// One attempt, from sending the request to the end of the response body.
    pub attempt: Option<Duration>,
    /// One call, all retries and waits included.
    pub overall: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Some(Duration::from_secs(10)),
            attempt: Some(Duration::from_secs(30)),
            overall: Some(Duration::from_secs(120)),
        }
    }
}

impl Timeouts {
    /// Sets [`Timeouts::connect`].
    #[must_use]
    pub const fn with_connect(mut self, connect: Option<Duration>) -> Self {
        self.connect = connect;
        self
    }

    /// Sets [`Timeouts::attempt`].
    #[must_use]
    pub const fn with_attempt(mut self, attempt: Option<Duration>) -> Self {
        self.attempt = attempt;
        self
    }

    /// Sets [`Timeouts::overall`].
    #[must_use]
    pub const fn with_overall(mut self, overall: Option<Duration>) -> Self {
        self.overall = overall;
        self
    }

    /// No limits at all (for tests on a paused tokio clock, or callers with their own).
    pub const fn none() -> Self {
        Self {
            connect: None,
            attempt: None,
            overall: None,
        }
    }
}

/// Why a request got no response.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransportError {
    /// No token, or the source may not call this operation. Nothing was sent.
    Auth(Error),
    /// The overall timeout passed, retries included.
    Timeout(Duration),
    /// The connection failed or broke, or one attempt timed out, after the retries the policy
    /// allows.
    Network {
        /// What happened, without the URL.
        message: String,
        /// Whether one attempt timed out (as opposed to a connection failure).
        timed_out: bool,
    },
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Auth(e) => e.fmt(f),
            TransportError::Timeout(after) => write!(
                f,
                "no answer within {after:?} (overall timeout, retries included)"
            ),
            TransportError::Network { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for TransportError {}

impl From<Error> for TransportError {
    fn from(error: Error) -> Self {
        TransportError::Auth(error)
    }
}

/// An HTTP client with timeouts, a [`Signer`] and an overall deadline: the one path a facade's
/// calls take. Cloning is cheap.
#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    signer: Signer,
    overall: Option<Duration>,
}

impl Transport {
    /// Builds the HTTP client (no redirects; with the given timeouts and user agent) and caps the
    /// signer's retry deadline at the overall timeout.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a user agent that is not a header value, or when `reqwest` cannot
    /// build its client.
    pub fn new(signer: Signer, timeouts: Timeouts, user_agent: &str) -> Result<Self, Error> {
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| Error::Config("the user agent is not a valid header value".into()))?;
        let mut http = reqwest::Client::builder()
            .user_agent(user_agent)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(connect) = timeouts.connect {
            http = http.connect_timeout(connect);
        }
        if let Some(attempt) = timeouts.attempt {
            http = http.timeout(attempt);
        } else {
            // Without an attempt timeout, idle-pool timers would be the only timers left; keep
            // none, so a paused tokio clock only ever skips the retry waits.
            http = http.pool_idle_timeout(None);
        }
        let http = http.build().map_err(|e| {
            Error::Config(format!("cannot build the HTTP client: {}", e.without_url()))
        })?;
        let mut retry = signer.retry_policy().clone();
        retry.deadline = match (retry.deadline, timeouts.overall) {
            (Some(d), Some(o)) => Some(d.min(o)),
            (d, o) => d.or(o),
        };
        Ok(Self {
            http,
            signer: signer.with_retry_policy(retry),
            overall: timeouts.overall,
        })
    }

    /// The HTTP client (for building requests, or for the generated client).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The signer.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// Signs `request` for `operation` and sends it under the retry policy and the overall
    /// timeout, which covers getting the token too. Any status comes back as a response; only
    /// the absence of one is an error.
    ///
    /// # Errors
    ///
    /// A [`TransportError`].
    pub async fn execute(
        &self,
        request: reqwest::Request,
        operation: &str,
    ) -> Result<reqwest::Response, TransportError> {
        self.execute_as(request, operation, self.signer.access_of(operation))
            .await
    }

    /// Like [`Transport::execute`] for an operation classified by the caller (an operation
    /// constant, or a path-only request).
    ///
    /// # Errors
    ///
    /// A [`TransportError`].
    pub async fn execute_as(
        &self,
        mut request: reqwest::Request,
        operation: &str,
        access: Access,
    ) -> Result<reqwest::Response, TransportError> {
        // The deadline stage. Getting the token is part of the call: a hanging token endpoint
        // must not make a call take longer than its overall timeout.
        let call = async {
            self.signer
                .authorize_as(&mut request, operation, access)
                .await?;
            self.signer
                .send_as(&self.http, request, operation, access)
                .await
                .map_err(network)
        };
        match self.overall {
            Some(overall) => match tokio::time::timeout(overall, call).await {
                Err(_) => Err(TransportError::Timeout(overall)),
                // The signer bounds the token fetch by the same deadline: the call ran out of
                // its overall time either way.
                Ok(Err(TransportError::Auth(Error::Timeout { after, .. }))) if after == overall => {
                    Err(TransportError::Timeout(overall))
                }
                Ok(result) => result,
            },
            None => call.await,
        }
    }
}

/// Describes a transport error without the URL it carries (the request URL can hold query
/// values a log should not keep): what kind of failure, then its causes.
pub(crate) fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "connection failed"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "the response body could not be read"
    } else {
        "the request failed"
    };
    let mut message = kind.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

pub(crate) fn network(error: reqwest::Error) -> TransportError {
    TransportError::Network {
        message: describe(&error),
        timed_out: error.is_timeout(),
    }
}

/// Reads a response body, turning a broken body into a [`TransportError`].
///
/// # Errors
///
/// [`TransportError::Network`] when the body cannot be read to the end.
pub async fn body(response: reqwest::Response) -> Result<bytes::Bytes, TransportError> {
    response.bytes().await.map_err(network)
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("signer", &self.signer)
            .field("overall", &self.overall)
            .finish()
    }
}
