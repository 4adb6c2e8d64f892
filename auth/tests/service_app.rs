//! Service apps against a mocked Webex OAuth server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

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
