//! The refresh stage: a `401` gets one more attempt, with a fresh token.

use reqwest::header::AUTHORIZATION;
use reqwest::{Request, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};

use super::signer::bearer;
use crate::TokenSource;

/// One call's refresh stage. A `401` means the token was refused (revoked, expired early, or
/// rotated by another process): the token is invalidated in its source and the request is sent
/// once more with a fresh one. Only once per call, and only with a token different from the
/// refused one, so a source that keeps handing out a refused token cannot loop.
pub(crate) struct RefreshOn401<'a> {
    source: &'a dyn TokenSource,
    used: bool,
}

impl<'a> RefreshOn401<'a> {
    pub(crate) fn new(source: &'a dyn TokenSource) -> Self {
        Self {
            source,
            used: false,
        }
    }

    /// Whether `result` is a `401` this stage answers.
    pub(crate) fn applies(&self, result: &reqwest::Result<Response>) -> bool {
        matches!(result, Ok(response) if response.status() == StatusCode::UNAUTHORIZED)
    }

    /// The request to send instead of returning the `401`: `spare` (a copy of the refused
    /// request) signed with a fresh token. `None` when the stage was used already, the request
    /// cannot be copied (a streamed body), or no different token can be had; the `401` then
    /// goes to the caller.
    pub(crate) async fn replay(&mut self, spare: Option<Request>) -> Option<Request> {
        if std::mem::replace(&mut self.used, true) {
            return None;
        }
        let mut request = spare?;
        let rejected = presented_token(&request)?;
        self.source.invalidate(&rejected);
        let fresh = match self.source.token().await {
            Ok(token) => token,
            Err(error) => {
                tracing::debug!(%error, "no fresh token after 401");
                return None;
            }
        };
        if fresh.secret().expose_secret() == rejected.expose_secret() {
            return None;
        }
        let value = bearer(self.source.name(), fresh.secret()).ok()?;
        request.headers_mut().insert(AUTHORIZATION, value);
        Some(request)
    }
}

fn presented_token(request: &Request) -> Option<SecretString> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(SecretString::from)
}
