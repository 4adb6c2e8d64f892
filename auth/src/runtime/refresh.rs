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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::{AccessToken, StaticToken, TokenFuture};

    /// Hands out `t1`, then `t2` once `t1` was invalidated.
    #[derive(Debug, Default)]
    struct Rotating {
        invalidated: Mutex<Vec<String>>,
    }

    impl TokenSource for Rotating {
        fn name(&self) -> &str {
            "rotating"
        }

        fn token(&self) -> TokenFuture<'_> {
            let rotated = !self.invalidated.lock().unwrap().is_empty();
            Box::pin(async move { Ok(AccessToken::new(if rotated { "t2" } else { "t1" })) })
        }

        fn invalidate(&self, rejected: &SecretString) {
            self.invalidated
                .lock()
                .unwrap()
                .push(rejected.expose_secret().to_owned());
        }
    }

    fn signed(token: &str) -> Request {
        let mut request = Request::new(
            reqwest::Method::GET,
            "http://127.0.0.1:9/x".parse().unwrap(),
        );
        request
            .headers_mut()
            .insert(AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
        request
    }

    fn bearer_of(request: &Request) -> &str {
        request.headers()[AUTHORIZATION].to_str().unwrap()
    }

    #[tokio::test]
    async fn a_401_is_answered_once_with_a_fresh_different_token() {
        let source = Rotating::default();
        let mut stage = RefreshOn401::new(&source);
        let replay = stage.replay(Some(signed("t1"))).await.unwrap();
        assert_eq!(bearer_of(&replay), "Bearer t2");
        assert_eq!(*source.invalidated.lock().unwrap(), ["t1"]);
        // Once per call: a second 401 goes to the caller.
        assert!(stage.replay(Some(signed("t2"))).await.is_none());
    }

    #[tokio::test]
    async fn the_same_token_again_or_no_copy_of_the_request_ends_the_stage() {
        let source = StaticToken::new("static", "t1");
        assert!(
            RefreshOn401::new(&source)
                .replay(Some(signed("t1")))
                .await
                .is_none()
        );
        let rotating = Rotating::default();
        assert!(RefreshOn401::new(&rotating).replay(None).await.is_none());
    }

    #[test]
    fn only_a_401_applies() {
        let source = Rotating::default();
        let stage = RefreshOn401::new(&source);
        let answer = |status: u16| {
            Ok(reqwest::Response::from(
                http::Response::builder()
                    .status(status)
                    .body(Vec::<u8>::new())
                    .unwrap(),
            ))
        };
        assert!(stage.applies(&answer(401)));
        assert!(!stage.applies(&answer(403)));
        assert!(!stage.applies(&answer(200)));
    }
}
