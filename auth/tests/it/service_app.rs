//! Service apps against a mocked Webex OAuth server.

use std::sync::Arc;

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use wxcc_auth::{
    Error, ExposeSecret, MemoryStore, ServiceApp, StaticToken, Status, TokenSource, TokenStore,
};

#[tokio::test]
async fn a_portal_refresh_token_is_used_then_the_stored_one() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/access_token")
                .form_urlencoded_tuple("grant_type", "refresh_token")
                .form_urlencoded_tuple("refresh_token", "from-portal");
            then.status(200).json_body(json!({"access_token": "acc-1", "expires_in": 3600, "refresh_token": "ref-2", "refresh_token_expires_in": 7_776_000}));
        })
        .await;
    let store = Arc::new(MemoryStore::new());
    let app = ServiceApp::builder("wallboard", "app-1", "cid", "csecret", "org-1")
        .oauth_base(server.url("/v1"))
        .refresh_token("from-portal")
        .store(store.clone())
        .build()
        .unwrap();
    assert_eq!(app.token().await.unwrap().secret().expose_secret(), "acc-1");
    first.assert_calls_async(1).await;
    let stored = store.load(app.store_key()).await.unwrap().unwrap();
    assert_eq!(stored.refresh_token.unwrap().expose_secret(), "ref-2");
    assert_eq!(app.status(), Status::Authorized);
}

#[tokio::test]
async fn without_a_refresh_token_the_app_mints_with_the_authorizing_source() {
    let server = MockServer::start_async().await;
    let mint = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/applications/app-1/token")
                .header("authorization", "Bearer admin-token")
                .json_body(
                    json!({"clientId": "cid", "clientSecret": "csecret", "targetOrgId": "org-1"}),
                );
            then.status(200).json_body(
                json!({"access_token": "minted", "expires_in": 3600, "refresh_token": "ref-1"}),
            );
        })
        .await;
    let app = ServiceApp::builder("wallboard", "app-1", "cid", "csecret", "org-1")
        .oauth_base(server.url("/v1"))
        .minted_with(Arc::new(StaticToken::new("admin", "admin-token")))
        .build()
        .unwrap();
    assert_eq!(
        app.token().await.unwrap().secret().expose_secret(),
        "minted"
    );
    mint.assert_calls_async(1).await;
    assert!(!format!("{app:?}").contains("csecret"));
}

#[tokio::test]
async fn a_refused_refresh_without_a_minter_requires_reauthorization_and_fails_fast() {
    let server = MockServer::start_async().await;
    let refused = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/access_token");
            then.status(400)
                .json_body(json!({"error": "invalid_grant"}));
        })
        .await;
    let app = ServiceApp::builder("wallboard", "app-1", "cid", "csecret", "org-1")
        .oauth_base(server.url("/v1"))
        .refresh_token("revoked")
        .build()
        .unwrap();
    for _ in 0..3 {
        assert!(matches!(
            app.token().await,
            Err(Error::ReauthorizationRequired { .. })
        ));
    }
    refused.assert_calls_async(1).await;
}

/// A minting source whose token goes stale: it hands out `admin-N` until told that one was
/// rejected, then `admin-N+1`.
#[derive(Debug, Default)]
struct Rotating {
    current: std::sync::Mutex<u32>,
    invalidated: std::sync::Mutex<u32>,
}

impl TokenSource for Rotating {
    fn name(&self) -> &str {
        "admin"
    }
    fn token(&self) -> wxcc_auth::TokenFuture<'_> {
        let n = *self.current.lock().unwrap();
        Box::pin(async move { Ok(wxcc_auth::AccessToken::new(format!("admin-{n}"))) })
    }
    fn invalidate(&self, rejected: &wxcc_auth::SecretString) {
        let mut current = self.current.lock().unwrap();
        if rejected.expose_secret() == format!("admin-{current}") {
            *current += 1;
            *self.invalidated.lock().unwrap() += 1;
        }
    }
}

#[tokio::test]
async fn a_mint_refused_for_the_minters_stale_token_is_retried_once_with_a_fresh_one() {
    let server = MockServer::start_async().await;
    let stale = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/applications/app-1/token")
                .header("authorization", "Bearer admin-0");
            then.status(401)
                .json_body(json!({"message": "The request requires a valid access token set in the Authorization request header."}));
        })
        .await;
    let fresh = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/applications/app-1/token")
                .header("authorization", "Bearer admin-1");
            then.status(200).json_body(
                json!({"access_token": "minted", "expires_in": 3600, "refresh_token": "ref-1"}),
            );
        })
        .await;
    let minter = Arc::new(Rotating::default());
    let app = ServiceApp::builder("wallboard", "app-1", "cid", "csecret", "org-1")
        .oauth_base(server.url("/v1"))
        .minted_with(minter.clone())
        .build()
        .unwrap();
    assert_eq!(
        app.token().await.unwrap().secret().expose_secret(),
        "minted"
    );
    assert_eq!(app.status(), Status::Authorized);
    assert_eq!(*minter.invalidated.lock().unwrap(), 1);
    stale.assert_calls_async(1).await;
    fresh.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_service_app_is_reauthorized_with_a_new_refresh_token_and_bad_ones_change_nothing() {
    let server = MockServer::start_async().await;
    let good = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/access_token")
                .form_urlencoded_tuple("refresh_token", "from-portal-2");
            then.status(200).json_body(
                json!({"access_token": "acc-2", "expires_in": 3600, "refresh_token": "ref-3"}),
            );
        })
        .await;
    let refused = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/access_token");
            then.status(400)
                .json_body(json!({"error": "invalid_grant"}));
        })
        .await;
    let store = Arc::new(MemoryStore::new());
    let app = ServiceApp::builder("wallboard", "app-1", "cid", "csecret", "org-1")
        .oauth_base(server.url("/v1"))
        .refresh_token("revoked-portal-token")
        .store(store.clone())
        .build()
        .unwrap();
    assert!(matches!(
        app.token().await,
        Err(Error::ReauthorizationRequired { .. })
    ));
    refused.assert_calls_async(1).await;

    // A refresh token that Webex refuses as well: an error, and nothing changes.
    let error = app
        .reauthorize(Some("also-revoked".into()))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::ReauthorizationRequired { .. }),
        "{error:?}"
    );
    refused.assert_calls_async(2).await;
    assert!(matches!(
        app.status(),
        Status::ReauthorizationRequired { .. }
    ));
    assert!(app.token().await.is_err());
    refused.assert_calls_async(2).await;

    // A good one: proven, persisted, and every clone of the app recovers.
    let clone = app.clone();
    app.reauthorize(Some("from-portal-2".into())).await.unwrap();
    good.assert_calls_async(1).await;
    assert_eq!(clone.status(), Status::Authorized);
    assert_eq!(
        clone.token().await.unwrap().secret().expose_secret(),
        "acc-2"
    );
    good.assert_calls_async(1).await;
    let stored = store.load(app.store_key()).await.unwrap().unwrap();
    assert_eq!(stored.refresh_token.unwrap().expose_secret(), "ref-3");
}
