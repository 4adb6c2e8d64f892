//! Signing and sending the requests of a generated client.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

use crate::retry::{self, Verdict};
use crate::{Access, Error, OperationTable, RetryPolicy, TokenSource};

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
            }),
        }
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
    /// read-only source never sends something it cannot vouch for.
    pub fn access_of(&self, operation_id: &str) -> Access {
        self.inner
            .operations
            .access(operation_id)
            .unwrap_or(Access::Write)
    }

    /// Checks the access level, then adds `Authorization` and, when the caller set none, a
    /// `TrackingId` header.
    ///
    /// # Errors
    ///
    /// [`Error::AccessDenied`] when a read-only source meets a write operation (the request is
    /// left untouched), or whatever the token source reports.
    pub async fn authorize(&self, request: &mut Request, operation_id: &str) -> Result<(), Error> {
        let source = &self.inner.source;
        let access = self.access_of(operation_id);
        let level = source.access_level();
        if !level.allows(access) {
            return Err(Error::AccessDenied {
                operation: operation_id.to_owned(),
                access,
                level,
                source_name: source.name().to_owned(),
            });
        }
        // Getting the token counts against the overall deadline (the retry policy's, which a
        // `Transport` caps at its overall timeout), so a hanging token endpoint cannot hold a
        // call made through the generated clients longer than the call itself may take.
        let token = match self.inner.retry.deadline {
            Some(limit) => tokio::time::timeout(limit, source.token())
                .await
                .map_err(|_| Error::Timeout {
                    source_name: source.name().to_owned(),
                    after: limit,
                })??,
            None => source.token().await?,
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

    /// Sends a request signed by [`Signer::authorize`], following the signer's
    /// [`RetryPolicy`]. When the server answers `401` and the request can be replayed, the
    /// rejected token is invalidated and the request is sent once more with a fresh token; if
    /// no different token can be had, the `401` is returned.
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
        let tracking_id = request
            .headers()
            .get(TRACKING_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let span = tracing::debug_span!(
            "wxcc.request",
            operation = operation_id,
            tracking_id = %tracking_id,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let replayable = retry::replayable(self.access_of(operation_id), request.method());
        self.send_with_policy(client, request, replayable)
            .instrument(span)
            .await
    }

    async fn send_with_policy(
        &self,
        client: &reqwest::Client,
        request: Request,
        replayable: bool,
    ) -> reqwest::Result<Response> {
        let policy = &self.inner.retry;
        let started = tokio::time::Instant::now();
        let mut refreshed = false;
        let mut attempt = 1;
        let mut current = request;
        loop {
            let spare = current.try_clone();
            let result = attempt_once(client, current, attempt).await;
            if let Ok(response) = &result
                && response.status() == StatusCode::UNAUTHORIZED
            {
                if refreshed {
                    return result;
                }
                refreshed = true;
                let Some(mut replay) = spare else {
                    return result;
                };
                if !self.sign_with_fresh_token(&mut replay).await {
                    return result;
                }
                current = replay;
                attempt += 1;
                continue;
            }
            let verdict = match &result {
                Ok(response) => retry::for_status(
                    policy,
                    response.status(),
                    response.headers(),
                    replayable,
                    attempt,
                ),
                Err(error) => retry::for_error(policy, error, replayable, attempt),
            };
            let (Verdict::RetryAfter(wait), Some(next)) = (verdict, spare) else {
                return result;
            };
            if policy
                .deadline
                .is_some_and(|deadline| started.elapsed().saturating_add(wait) > deadline)
            {
                tracing::debug!(?wait, "no retry: the deadline would pass");
                return result;
            }
            tracing::debug!(?wait, attempt, "retrying");
            tokio::time::sleep(wait).await;
            current = next;
            attempt += 1;
        }
    }

    /// Invalidates the token `request` carries and signs it with a different, fresh one.
    async fn sign_with_fresh_token(&self, request: &mut Request) -> bool {
        let Some(rejected) = presented_token(request) else {
            return false;
        };
        let source = &self.inner.source;
        source.invalidate(&rejected);
        let fresh = match source.token().await {
            Ok(token) => token,
            Err(error) => {
                tracing::debug!(%error, "no fresh token after 401");
                return false;
            }
        };
        if fresh.secret().expose_secret() == rejected.expose_secret() {
            return false;
        }
        let Ok(value) = bearer(source.name(), fresh.secret()) else {
            return false;
        };
        request.headers_mut().insert(AUTHORIZATION, value);
        true
    }
}

async fn attempt_once(
    client: &reqwest::Client,
    request: Request,
    n: u32,
) -> reqwest::Result<Response> {
    let span = tracing::Span::current();
    span.record("attempt", n);
    let result = client.execute(request).await;
    match &result {
        Ok(response) => {
            span.record("status", response.status().as_u16());
            tracing::debug!(status = response.status().as_u16(), attempt = n, "response");
        }
        Err(error) => {
            tracing::debug!(error = %crate::transport::describe(error), attempt = n, "transport error")
        }
    }
    result
}

fn bearer(source_name: &str, token: &SecretString) -> Result<HeaderValue, Error> {
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

fn presented_token(request: &Request) -> Option<SecretString> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(SecretString::from)
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
