//! The client: configuration, and the one path every call takes to Engage.

use std::fmt;
use std::sync::Arc;

use wxcc_auth::{
    Call, CallError, NodeAuthorization, RetryPolicy, Signer, Status, TokenSource, Transport,
};

use crate::EngageRegion;
use crate::error::{Error, Result, truncate};
use crate::outcome::Operation;

/// Timeouts of a [`Client`] (shared with the other crates of the family). `None` means no
/// limit.
pub use wxcc_auth::Timeouts;

/// A Webex Engage client. Cheap to clone (an `Arc` inside); clones share connections and
/// tokens.
///
/// ```no_run
/// use engage_sdk::{Client, EngageRegion};
/// use wxcc_auth::{Credentials, NodeAuthorizations};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let region = EngageRegion::UsOregon;
/// let registry = NodeAuthorizations::builder(region.token_url()).build()?;
/// let engage = registry.add("engage-us", Credentials::client_credentials("tenant-id", "tenant-secret"))?;
/// let client = Client::builder().region(region).node_authorization(engage).build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base: String,
    transport: Transport,
    api: engage_api::Client,
    node: Option<NodeAuthorization>,
    timeouts: Timeouts,
}

/// Builds a [`Client`].
#[must_use]
pub struct ClientBuilder {
    base: Option<String>,
    source: Option<Arc<dyn TokenSource>>,
    node: Option<NodeAuthorization>,
    timeouts: Timeouts,
    retry: RetryPolicy,
    user_agent: String,
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            base: None,
            source: None,
            node: None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            user_agent: format!("engage-sdk-rust/{}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// The generated client for every operation of the API, signed and retried like this
    /// client's own calls. Its errors are progenitor's.
    pub fn api(&self) -> &engage_api::Client {
        &self.inner.api
    }

    /// The base URL, `/api/v1` included for the published regions.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The node authorization the client signs with, when it was built with one.
    pub fn node_authorization(&self) -> Option<&NodeAuthorization> {
        self.inner.node.as_ref()
    }

    /// Sends one call of `operation` through the runtime; error statuses become
    /// [`Error::Api`].
    pub(crate) async fn send(&self, operation: Operation, call: Call<'_>) -> Result<Reply> {
        let inner = &self.inner;
        match inner.transport.call(&inner.base, call).await {
            Ok(reply) => Ok(Reply {
                body: reply.body,
                tracking_id: reply.tracking_id,
            }),
            Err(error) => Err(self.error(operation, error)),
        }
    }

    /// The facade's error for a failed call, with the node authorization's state when Engage
    /// refused the token.
    fn error(&self, operation: Operation, error: CallError) -> Error {
        let mut error = Error::from_call(operation, error);
        if let Error::Api(api) = &mut error
            && api.status == 401
            && let Some(node) = &self.inner.node
            && let Status::ReauthorizationRequired { reason } = node.status()
        {
            api.reauthorization_required = Some(reason);
        }
        if let Error::Api(api) = &error {
            tracing::debug!(
                operation = operation.operation_id(),
                status = api.status,
                tracking_id = ?api.tracking_id,
                outcome = %api.outcome(),
                "error response"
            );
        }
        error
    }
}

/// A success response.
pub(crate) struct Reply {
    pub body: bytes::Bytes,
    /// The `TrackingId` the request carried.
    pub tracking_id: String,
}

impl Reply {
    /// Decodes the JSON body.
    pub fn decode<T: serde::de::DeserializeOwned>(&self, operation: Operation) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Decode {
            operation,
            message: e.to_string(),
            body: truncate(&String::from_utf8_lossy(&self.body)),
        })
    }
}

impl ClientBuilder {
    /// The Engage region of the tenant. Either this or [`ClientBuilder::base_url`] is required.
    pub fn region(mut self, region: EngageRegion) -> Self {
        self.base = Some(region.base_url().to_owned());
        self
    }

    /// A base URL instead of a region: a private deployment, an alternate host, a proxy or the
    /// sandbox. Include the `/api/v1` prefix if the host has one.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base = Some(url.into());
        self
    }

    /// Signs with a node authorization from [`wxcc_auth::NodeAuthorizations`] (the usual
    /// source). Besides handing out tokens, it lets errors say when the authorization must be
    /// re-authorized ([`Error::requires_reauthorization`]).
    pub fn node_authorization(mut self, authorization: NodeAuthorization) -> Self {
        self.source = Some(Arc::new(authorization.clone()));
        self.node = Some(authorization);
        self
    }

    /// Signs with any other token source (a static token, your own).
    pub fn token_source(mut self, source: impl TokenSource + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self.node = None;
        self
    }

    /// Like [`ClientBuilder::token_source`] for a source shared with other clients.
    pub fn shared_token_source(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.source = Some(source);
        self.node = None;
        self
    }

    /// Timeouts (default: 10 s connect, 30 s per attempt, 120 s overall).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The retry policy shared with the rest of the family (default:
    /// [`RetryPolicy::default`]: `429` waits out `Retry-After`, `502`–`504` and connection
    /// failures are retried for reads only, within a deadline). Its deadline is capped by the
    /// overall timeout.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The `User-Agent` header (default `engage-sdk-rust/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the region (or base URL) or the token source is missing, the base
    /// URL is not an http(s) URL or carries credentials (`user:password@`), a query or a
    /// fragment, or the HTTP client cannot be built. The error never repeats credentials.
    ///
    /// ```
    /// use engage_sdk::{Client, Error};
    /// use wxcc_auth::StaticToken;
    ///
    /// let refused = Client::builder()
    ///     .base_url("https://tenant:s3cret@engage.example.com/api/v1")
    ///     .token_source(StaticToken::new("engage", "tok"))
    ///     .build();
    /// let Err(Error::Config(reason)) = refused else { panic!("accepted") };
    /// assert!(!reason.contains("s3cret"));
    /// ```
    pub fn build(self) -> Result<Client> {
        let base = self.base.ok_or_else(|| {
            Error::Config("no region or base URL; call ClientBuilder::region or base_url".into())
        })?;
        let base = check_base_url(&base)?;
        let source = self.source.ok_or_else(|| {
            Error::Config(
                "no token source; call ClientBuilder::node_authorization or token_source".into(),
            )
        })?;
        let signer =
            Signer::from_shared(source, engage_api::OPERATIONS).with_retry_policy(self.retry);
        let transport = Transport::new(signer, self.timeouts, &self.user_agent)
            .map_err(|e| Error::Config(e.to_string()))?;
        let api = engage_api::Client::new_with_client(
            &base,
            transport.http().clone(),
            transport.signer().clone(),
        );
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                transport,
                api,
                node: self.node,
                timeouts: self.timeouts,
            }),
        })
    }
}

/// Checks a base URL and returns it without trailing slashes. Requests are built by appending
/// paths to it as text, so anything after the path would end up in the wrong place: a query
/// or fragment would swallow the path, and credentials would be sent to the host (and shown by
/// `Debug`). The raw text is never quoted in the error, as it may hold a password.
fn check_base_url(raw: &str) -> Result<String> {
    let base = raw.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(base)
        .map_err(|e| Error::Config(format!("the base URL is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(format!(
            "base URL `{}` carries credentials (user name or password); pass them through the node authorization, never in the URL",
            without_userinfo(&url)
        )));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "base URL `{url}` must be http or https"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL `{url}` has a query or fragment; a base URL ends with its path"
        )));
    }
    Ok(base.to_owned())
}

/// The URL with its user name and password removed, to name it in an error or in `Debug`.
fn without_userinfo(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    // Both fail only for URLs without a host, which have no credentials to remove.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

/// A base URL as `Debug` may show it: without credentials, and not at all when it does not
/// parse (the text may hold a password).
fn redacted(raw: &str) -> String {
    reqwest::Url::parse(raw.trim()).map_or_else(
        |_| "[unparsable URL]".to_owned(),
        |url| without_userinfo(&url),
    )
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base)
            .field("transport", &self.inner.transport)
            .field("timeouts", &self.inner.timeouts)
            .finish()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base", &self.base.as_deref().map(redacted))
            .field("source", &self.source)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .finish()
    }
}
