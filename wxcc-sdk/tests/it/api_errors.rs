//! One error world: calls through `client.api()` (the generated client) and path-only requests
//! fail with the same typed errors as the facade's own calls.

use crate::common;

use std::error::Error as _;
use std::sync::Arc;

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use reqwest::Method;
use wxcc_auth::{AccessLevel, Connector, MemoryStore, RetryPolicy, StaticToken};
use wxcc_sdk::{Client, Error, ErrorKind, Timeouts, TypedErrors};

fn read_only(server: &MockServer) -> Client {
    common::client_with(
        server,
        StaticToken::new("reporting", "token").read_only(),
        RetryPolicy::none(),
    )
}

#[tokio::test]
async fn a_read_only_refusal_on_a_generated_call_is_typed_and_sends_nothing() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(204);
        })
        .await;
    let client = read_only(&server);
    let error = client
        .api()
        .delete_webhook_subscription()
        .id("0a8b6c1e-3f2d-4e5a-9b7c-1d2e3f4a5b6c")
        .send()
        .typed()
        .await
        .unwrap_err();
    assert!(error.is_read_only_refusal(), "{error}");
    assert_eq!(error.kind(), ErrorKind::ReadOnlyRefusal);
    assert!(
        matches!(&error, Error::Auth(wxcc_auth::Error::AccessDenied { operation, .. }) if operation == "delete_webhook_subscription"),
        "{error:?}"
    );
    // The cause is kept, not flattened into text.
    let source = error.source().expect("the refusal is the cause");
    assert!(source.downcast_ref::<wxcc_auth::Error>().is_some());
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn a_source_that_must_be_authorized_again_is_typed_on_a_generated_call() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("[]");
        })
        .await;
    let connector = Connector::builder(
        "bot",
        "client-id",
        "client-secret",
        "https://bot.example.com/cb",
    )
    .access_level(AccessLevel::ReadWrite)
    .store(Arc::new(MemoryStore::new()))
    .build()
    .unwrap();
    let client = Client::builder()
        .base_url(server.base_url())
        .token_source(connector)
        .timeouts(Timeouts::none())
        .build()
        .unwrap();
    let error = client
        .api()
        .list_webhook_subscriptions()
        .send()
        .typed()
        .await
        .unwrap_err();
    assert!(error.requires_reauthorization(), "{error}");
    assert!(matches!(
        &error,
        Error::Auth(wxcc_auth::Error::ReauthorizationRequired { .. })
    ));
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn an_error_status_on_a_generated_call_is_the_facades_api_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/subscriptions");
            then.status(404)
                .header("content-type", "application/json")
                .header("TrackingId", "t-404")
                .body(r#"{"trackingId":"t-404","error":{"key":404,"message":[{"description":"no such organization"}]}}"#);
        })
        .await;
    let client = common::client(&server);
    let error = client
        .api()
        .list_webhook_subscriptions()
        .send()
        .typed()
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 404);
    assert_eq!(api.tracking_id.as_deref(), Some("t-404"));
    assert_eq!(api.messages, ["no such organization"]);
    assert_eq!(error.kind(), ErrorKind::Api);
}

#[tokio::test]
async fn a_path_only_request_is_access_checked_like_every_call() {
    let server = MockServer::start_async().await;
    let search = server
        .mock_async(|when, then| {
            when.method(POST).path("/search");
            then.status(200).body(r#"{"data":{}}"#);
        })
        .await;
    let other = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/not-in-the-spec")
                .query_param("page", "0");
            then.status(200).body(r#"{"items":[1]}"#);
        })
        .await;
    let client = read_only(&server);
    // A read the spec knows, although it is a POST.
    let data = client
        .request(Method::POST, "/search")
        .json(&serde_json::json!({"query": "{x}"}))
        .send()
        .await
        .unwrap();
    assert_eq!(data, serde_json::json!({"data": {}}));
    assert_eq!(search.calls_async().await, 1);
    // A path the spec lacks: GET is a read, anything else a write.
    let items = client
        .request(Method::GET, "/v1/not-in-the-spec")
        .query("page", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(items["items"][0], 1);
    let refused = client
        .request(Method::POST, "/v1/not-in-the-spec")
        .send()
        .await
        .unwrap_err();
    assert!(refused.is_read_only_refusal(), "{refused}");
    // Not a path: refused before anything is sent.
    for path in [
        "https://elsewhere.example.com/v1",
        "/v1/../admin",
        "/v1?x=1",
    ] {
        let error = client.request(Method::GET, path).send().await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{path}: {error:?}"
        );
    }
    assert_eq!(other.calls_async().await, 1);
}
