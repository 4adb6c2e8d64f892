//! Signing and sending the requests of a generated client.

use std::fmt;
use std::sync::Arc;
use std::task::Poll;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Request, Response};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

use super::attempt;
use super::rate_limit::RateLimit;
use super::refresh::RefreshOn401;
use super::retry::{self, Retry};
use crate::{Access, Clock, Error, OperationTable, RetryPolicy, SystemClock, TokenSource};

/// Name of the request header that correlates a call with the service's logs.
pub const TRACKING_ID_HEADER: &str = "TrackingId";

/// Progenitor adds this header, carrying the spec's `info.version`, to every request. The WxCC
/// API does not document it, so it is removed before sending.
const API_VERSION_HEADER: &str = "api-version";

/// Signs the requests of a generated client with tokens from a [`TokenSource`].
///
/// The generated crates call [`Signer::authorize`] from their `pre` hook and [`Signer::send`]
/// from their `exec` hook; applications only build one and hand it to the client. Cloning is
/// cheap (an `Arc` inside), so one signer can serve many clients.
///
/// ```
/// use wxcc_auth::{OperationTable, Signer, StaticToken};
///
/// let signer = Signer::new(StaticToken::new("ops", "MTIz..."), OperationTable::empty());
/// assert_eq!(signer.source_name(), "ops");
/// ```
#[derive(Clone)]
pub struct Signer {
    inner: Arc<Inner>,
}

struct Inner {
    source: Arc<dyn TokenSource>,
    operations: OperationTable,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    limit: Option<Arc<dyn RateLimit>>,
}

impl Signer {
    /// A signer for the operations in `operations`, using tokens from `source`.
    pub fn new(source: impl TokenSource + 'static, operations: OperationTable) -> Self {
        Self::from_shared(Arc::new(source), operations)
    }

    /// Like [`Signer::new`] for a source shared with other signers.
    pub fn from_shared(source: Arc<dyn TokenSource>, operations: OperationTable) -> Self {
        Self {
            inner: Arc::new(Inner {
                source,
                operations,
                retry: RetryPolicy::default(),
                clock: Arc::new(SystemClock),
                limit: None,
            }),
        }
    }

    /// Replaces the retry policy (default: [`RetryPolicy::default`]).
    #[must_use]
    pub fn with_retry_policy(self, retry: RetryPolicy) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                source: Arc::clone(&inner.source),
                operations: inner.operations,
                retry,
                clock: Arc::clone(&inner.clock),
                limit: inner.limit.clone(),
            }),
        }
    }

    /// Replaces the wall clock the retry stage reads an HTTP-date `Retry-After` against
    /// (default: [`SystemClock`]); the same clock a [`TokenCache`](crate::TokenCache) takes.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use wxcc_auth::{OperationTable, Signer, StaticToken, TokioClock};
    ///
    /// let signer = Signer::new(StaticToken::new("ops", "MTIz..."), OperationTable::empty())
    ///     .with_clock(Arc::new(TokioClock::new()));
    /// # let _ = signer;
    /// ```
    #[must_use]
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                source: Arc::clone(&inner.source),
                operations: inner.operations,
                retry: inner.retry.clone(),
                clock,
                limit: inner.limit.clone(),
            }),
        }
    }

    /// Puts a rate limit before every attempt (default: none here; the WxCC client sets 300 a
    /// minute). The first attempt waits for a slot within the retry deadline, or fails with
    /// [`Error::RateLimited`] without sending; a retry that gets no slot in time is not sent
    /// and the last answer stands.
    ///
    /// ```
    /// use std::num::NonZeroU32;
    /// use std::sync::Arc;
    /// use wxcc_auth::{OperationTable, RateLimiter, Signer, StaticToken};
    ///
    /// let limit = RateLimiter::per_minute(NonZeroU32::new(300).unwrap());
    /// let signer = Signer::new(StaticToken::new("ops", "MTIz..."), OperationTable::empty())
    ///     .with_rate_limit(Some(Arc::new(limit)));
    /// assert!(signer.rate_limit().is_some());
    /// ```
    #[must_use]
    pub fn with_rate_limit(self, limit: Option<Arc<dyn RateLimit>>) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                source: Arc::clone(&inner.source),
                operations: inner.operations,
                retry: inner.retry.clone(),
                clock: Arc::clone(&inner.clock),
                limit,
            }),
        }
    }

    /// The rate limit, if any.
    pub fn rate_limit(&self) -> Option<&Arc<dyn RateLimit>> {
        self.inner.limit.as_ref()
    }

    /// The wall clock of the retry stage.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The token source's name.
    pub fn source_name(&self) -> &str {
        self.inner.source.name()
    }

    /// The token source.
    pub fn source(&self) -> &Arc<dyn TokenSource> {
        &self.inner.source
    }

    /// The operations this signer knows.
    pub fn operations(&self) -> OperationTable {
        self.inner.operations
    }

    /// How an operation is classified. Operations missing from the table count as writes, so a
    /// read-only source never sends something it cannot vouch for; the generated hooks and the
    /// facades never pass an id the table lacks (a test per crate proves it), so this is logged
    /// as a bug when it happens.
    pub fn access_of(&self, operation_id: &str) -> Access {
        self.inner
            .operations
            .access(operation_id)
            .unwrap_or_else(|| {
                tracing::warn!(
                    operation = operation_id,
                    "operation id not in the signer's table; treated as a write"
                );
                Access::Write
            })
    }

    /// Checks the access level, then adds `Authorization` and, when the caller set none, a
    /// `TrackingId` header.
    ///
    /// # Errors
    ///
    /// [`Error::AccessDenied`] when a read-only source meets a write operation (the request is
    /// left untouched), or whatever the token source reports.
    pub async fn authorize(&self, request: &mut Request, operation_id: &str) -> Result<(), Error> {
        self.authorize_as(request, operation_id, self.access_of(operation_id))
            .await
    }

    /// Like [`Signer::authorize`] for an operation classified by the caller (a facade's
    /// operation constant, or a path-only request), not looked up in the table.
    ///
    /// # Errors
    ///
    /// As [`Signer::authorize`].
    pub async fn authorize_as(
        &self,
        request: &mut Request,
        operation_id: &str,
        access: Access,
    ) -> Result<(), Error> {
        let source = &self.inner.source;
        let level = source.access_level();
        if !level.allows(access) {
            return Err(Error::AccessDenied {
                operation: operation_id.to_owned(),
                access,
                level,
                source_name: source.name().to_owned(),
            });
        }
        // The rate-limit stage, before the token: a call that waited for its slot sends a token
        // fetched after the wait, not one that may have neared its expiry meanwhile.
        if let Some(limit) = &self.inner.limit {
            limit
                .acquire(self.inner.retry.deadline)
                .await
                .map_err(|wait| Error::RateLimited {
                    source_name: source.name().to_owned(),
                    wait,
                })?;
        }
        // Getting the token counts against the overall deadline (the retry policy's, which a
        // `Transport` caps at its overall timeout), so a hanging token endpoint cannot hold a
        // call made through the generated clients longer than the call itself may take.
        let mut pending = source.token();
        // A cached token is ready at the first poll; only a fetch needs the timer (registering
        // one per request would cost more than reading the token).
        let first = std::future::poll_fn(|cx| Poll::Ready(pending.as_mut().poll(cx))).await;
        let token =
            match (first, self.inner.retry.deadline) {
                (Poll::Ready(token), _) => token?,
                (Poll::Pending, Some(limit)) => tokio::time::timeout(limit, pending)
                    .await
                    .map_err(|_| Error::Timeout {
                        source_name: source.name().to_owned(),
                        after: limit,
                    })??,
                (Poll::Pending, None) => pending.await?,
            };
        let headers = request.headers_mut();
        headers.remove(API_VERSION_HEADER);
        if !headers.contains_key(TRACKING_ID_HEADER) {
            let id = uuid::Uuid::new_v4().to_string();
            if let Ok(value) = HeaderValue::from_str(&id) {
                headers.insert(TRACKING_ID_HEADER, value);
            }
        }
        headers.insert(AUTHORIZATION, bearer(source.name(), token.secret())?);
        Ok(())
    }

    /// Sends a request signed by [`Signer::authorize`] through the refresh and retry stages:
    /// when the server answers `401` and the request can be replayed, the rejected token is
    /// invalidated and the request is sent once more with a fresh token (if no different token
    /// can be had, the `401` is returned); other failures are retried as the signer's
    /// [`RetryPolicy`] allows, waiting out `Retry-After` as read on the signer's clock.
    ///
    /// # Errors
    ///
    /// The last transport error from `reqwest`, once retries are exhausted or not allowed.
    pub async fn send(
        &self,
        client: &reqwest::Client,
        request: Request,
        operation_id: &str,
    ) -> reqwest::Result<Response> {
        self.send_as(client, request, operation_id, self.access_of(operation_id))
            .await
    }

    /// Like [`Signer::send`] for an operation classified by the caller.
    ///
    /// # Errors
    ///
    /// As [`Signer::send`].
    pub async fn send_as(
        &self,
        client: &reqwest::Client,
        request: Request,
        operation_id: &str,
        access: Access,
    ) -> reqwest::Result<Response> {
        let tracking_id = request
            .headers()
            .get(TRACKING_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let span = tracing::debug_span!(
            "wxcc.request",
            operation = operation_id,
            tracking_id = %tracking_id,
            http.request.method = %request.method(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let replayable = retry::replayable(access, request.method());
        self.send_through_stages(client, request, replayable)
            .instrument(span)
            .await
    }

    /// A rate-limit slot for a retry, within what is left of the deadline; without one the retry
    /// is not sent.
    async fn slot_for_retry(&self, retry: &Retry<'_>) -> bool {
        let Some(limit) = &self.inner.limit else {
            return true;
        };
        match limit.acquire(retry.remaining()).await {
            Ok(()) => true,
            Err(wait) => {
                tracing::debug!(
                    ?wait,
                    "no retry: the rate limit has no slot before the deadline"
                );
                false
            }
        }
    }

    /// The stages in order: each attempt goes to the transport; a `401` goes to the refresh
    /// stage; anything else to the retry stage, which waits and sends a copy or gives up.
    async fn send_through_stages(
        &self,
        client: &reqwest::Client,
        request: Request,
        replayable: bool,
    ) -> reqwest::Result<Response> {
        let inner = &*self.inner;
        let mut refresh = RefreshOn401::new(&*inner.source);
        let retry = Retry::start(&inner.retry, &*inner.clock, replayable);
        let mut attempt = 1;
        let mut current = request;
        let mut reason = None;
        loop {
            let spare = current.try_clone();
            let result = attempt::send(client, current, attempt, reason).await;
            let next = if refresh.applies(&result) {
                refresh
                    .replay(spare)
                    .await
                    .map(|next| (next, "token refused (401); fresh token"))
            } else {
                match (retry.wait_after(&result, attempt), spare) {
                    (Some((wait, why)), Some(next)) => {
                        tracing::debug!(?wait, attempt, reason = why, "retrying");
                        tokio::time::sleep(wait).await;
                        self.slot_for_retry(&retry).await.then_some((next, why))
                    }
                    _ => None,
                }
            };
            let Some((next, why)) = next else {
                return result;
            };
            current = next;
            reason = Some(why);
            attempt += 1;
        }
    }
}

pub(crate) fn bearer(source_name: &str, token: &SecretString) -> Result<HeaderValue, Error> {
    let invalid = || Error::InvalidTokenValue {
        source_name: source_name.to_owned(),
    };
    let secret = token.expose_secret();
    if secret.is_empty() {
        return Err(invalid());
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {secret}")).map_err(|_| invalid())?;
    value.set_sensitive(true);
    Ok(value)
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("source", &self.inner.source)
            .field("operations", &self.inner.operations.len())
            .field("retry", &self.inner.retry)
            .finish()
    }
}
