//! The client: configuration, and the one path every facade call takes to the service.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use wxcc_auth::{Call, RateLimit, RateLimiter, Reply, RetryPolicy, Signer, TokenSource, Transport};

use crate::Region;
use crate::error::{Error, Result, truncate};

/// Timeouts of a [`Client`] (shared with the other crates of the family). `None` means no
/// limit.
pub use wxcc_auth::Timeouts;

/// A WxCC client. Cheap to clone (an `Arc` inside); clones share connections and tokens.
///
/// ```no_run
/// use wxcc_auth::StaticToken;
/// use wxcc_sdk::{Client, Region};
///
/// # fn main() -> Result<(), wxcc_sdk::Error> {
/// let client = Client::builder()
///     .region(Region::Us1)
///     .token_source(StaticToken::new("bot", "MTIz..."))
///     .org_id("c1a4fcef-aee2-4dea-8977-29f594760552")
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base: String,
    transport: Transport,
    api: wxcc_api::Client,
    org_id: Option<String>,
    timeouts: Timeouts,
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    base: Option<String>,
    source: Option<Arc<dyn TokenSource>>,
    org_id: Option<String>,
    timeouts: Timeouts,
    retry: RetryPolicy,
    user_agent: String,
    rate_limit: Option<Arc<dyn RateLimit>>,
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            base: None,
            source: None,
            org_id: None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            user_agent: format!("wxcc-sdk-rust/{}", env!("CARGO_PKG_VERSION")),
            rate_limit: Some(Arc::new(RateLimiter::wxcc_default())),
        }
    }

    /// The generated client for every operation of the API, signed and retried like the
    /// facade's own calls. Its errors are progenitor's.
    pub fn api(&self) -> &wxcc_api::Client {
        &self.inner.api
    }

    /// The organization id configured on the client, if any.
    pub fn org_id(&self) -> Option<&str> {
        self.inner.org_id.as_deref()
    }

    pub(crate) fn require_org_id(&self) -> Result<&str> {
        self.org_id().ok_or_else(|| {
            Error::InvalidRequest(
                "this call needs an organization id; set it with ClientBuilder::org_id".into(),
            )
        })
    }

    /// Sends one call through the runtime and returns the success reply; error statuses
    /// become [`Error::Api`].
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<Reply> {
        let inner = &self.inner;
        inner
            .transport
            .call(&inner.base, call)
            .await
            .map_err(Error::from)
    }

    /// Like [`Client::send`], decoding a JSON body.
    pub(crate) async fn call<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        let reply = self.send(call).await?;
        decode(&reply.body)
    }
}

pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| Error::Decode {
        message: e.to_string(),
        body: truncate(&String::from_utf8_lossy(bytes)),
    })
}

impl ClientBuilder {
    /// The region of the organization. Either this or [`ClientBuilder::base_url`] is required.
    #[must_use]
    pub fn region(mut self, region: Region) -> Self {
        self.base = Some(region.base_url());
        self
    }

    /// A base URL instead of a region (a sandbox, a proxy, a region not listed yet).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base = Some(url.into());
        self
    }

    /// Where tokens come from (required): a connector, a service app, a static token, ...
    #[must_use]
    pub fn token_source(mut self, source: impl TokenSource + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Like [`ClientBuilder::token_source`] for a source shared with other clients.
    #[must_use]
    pub fn shared_token_source(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.source = Some(source);
        self
    }

    /// The organization id, needed by calls whose paths name it (callbacks, configuration).
    #[must_use]
    pub fn org_id(mut self, org_id: impl Into<String>) -> Self {
        self.org_id = Some(org_id.into());
        self
    }

    /// Timeouts (default: 10 s connect, 30 s per attempt, 120 s overall).
    #[must_use]
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]). Its deadline is capped by the
    /// overall timeout.
    #[must_use]
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The client-side rate limit every attempt waits for (default: 300 calls a minute with a
    /// burst of 300, WxCC's documented default per client id; `None` turns it off). The
    /// default is shared by the client's clones only: clients built separately for the same
    /// integration should be given one [`RateLimiter`] (clone it), and replicas one
    /// `RedisRateLimiter` (wxcc-auth's `redis` feature). A call that cannot get a slot before
    /// its deadline fails with [`ErrorKind::RateLimited`](wxcc_auth::ErrorKind) without being
    /// sent; `429` answers are still waited out.
    ///
    /// ```
    /// use std::num::NonZeroU32;
    /// use std::sync::Arc;
    /// use wxcc_auth::{RateLimiter, StaticToken};
    /// use wxcc_sdk::{Client, Region};
    ///
    /// // A portal token gets less than an integration: limit it lower.
    /// let limit = RateLimiter::per_minute(NonZeroU32::new(60).unwrap());
    /// let client = Client::builder()
    ///     .region(Region::Us1)
    ///     .token_source(StaticToken::new("portal", "MTIz..."))
    ///     .rate_limit(Some(Arc::new(limit)))
    ///     .build()?;
    /// # let _ = client; Ok::<(), wxcc_sdk::Error>(())
    /// ```
    #[must_use]
    pub fn rate_limit(mut self, limit: Option<Arc<dyn RateLimit>>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// The `User-Agent` header (default `wxcc-sdk-rust/<version>`).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the region (or base URL) or the token source is missing,
    /// or the organization id is blank; [`Error::InvalidBaseUrl`] when the base URL does not
    /// parse, is not `http` or `https`, or carries credentials (`user:password@`), a query or a
    /// fragment; [`Error::Transport`] if the HTTP client cannot be built.
    ///
    /// ```
    /// use wxcc_auth::StaticToken;
    /// use wxcc_sdk::{Client, Error};
    ///
    /// let refused = Client::builder()
    ///     .base_url("https://bot:s3cret@proxy.example.com")
    ///     .token_source(StaticToken::new("bot", "MTIz..."))
    ///     .build();
    /// let Err(Error::InvalidBaseUrl { reason }) = refused else { panic!("accepted") };
    /// assert!(!reason.contains("s3cret"));
    /// ```
    pub fn build(self) -> Result<Client> {
        let base = self.base.ok_or_else(|| {
            Error::InvalidRequest(
                "no region or base URL; call ClientBuilder::region or base_url".into(),
            )
        })?;
        let base = check_base_url(&base)?;
        let org_id = match self.org_id {
            Some(org) if org.trim().is_empty() => {
                return Err(Error::InvalidRequest(
                    "the organization id is empty; pass the organization's id to ClientBuilder::org_id or leave it unset".into(),
                ));
            }
            other => other,
        };
        let source = self.source.ok_or_else(|| {
            Error::InvalidRequest("no token source; call ClientBuilder::token_source".into())
        })?;
        let signer = Signer::from_shared(source, wxcc_api::OPERATIONS)
            .with_retry_policy(self.retry)
            .with_rate_limit(self.rate_limit);
        let transport = Transport::new(signer, self.timeouts, &self.user_agent)
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let api = wxcc_api::Client::new_with_client(
            &base,
            transport.http().clone(),
            transport.signer().clone(),
        );
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                transport,
                api,
                org_id,
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
    let invalid = |reason: String| Error::InvalidBaseUrl { reason };
    let base = raw.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(base).map_err(|e| invalid(format!("it is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(format!(
            "`{}` carries credentials (user name or password); pass them through a token source, never in the URL",
            without_userinfo(&url)
        )));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "`{url}` must be http or https, not {}",
            url.scheme()
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(format!(
            "`{url}` has a query or fragment; a base URL ends with its path"
        )));
    }
    Ok(base.to_owned())
}

/// The URL with its user name and password removed, to name it in an error.
fn without_userinfo(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    // Both fail only for URLs without a host, which have no credentials to remove.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base)
            .field("org_id", &self.inner.org_id)
            .field("transport", &self.inner.transport)
            .field("timeouts", &self.inner.timeouts)
            .finish()
    }
}

impl fmt::Debug for ClientBuilder {
    /// The base URL without credentials (and not at all when it does not parse: the text may
    /// hold a password); the token source shows itself without secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = self.base.as_deref().map(|raw| {
            reqwest::Url::parse(raw.trim()).map_or_else(
                |_| "[unparsable URL]".to_owned(),
                |url| without_userinfo(&url),
            )
        });
        f.debug_struct("ClientBuilder")
            .field("base", &base)
            .field("source", &self.source)
            .field("org_id", &self.org_id)
            .field("timeouts", &self.timeouts)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}
