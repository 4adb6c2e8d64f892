//! Regression tests from the hardening audit: base URLs that used to leak credentials or
//! misroute, and ids that used to escape their path segment.

use crate::common;

use engage_sdk::{Client, Error};
use wxcc_auth::StaticToken;

fn builder(base: &str) -> engage_sdk::ClientBuilder {
    Client::builder()
        .base_url(base)
        .token_source(StaticToken::new("static", "tok-static"))
}

#[test]
fn a_base_url_with_userinfo_is_refused_and_its_password_never_shown() {
    for base in [
        "https://tenant:hunter2@api-us-site-1.imiengage.io/api/v1",
        "https://:hunter2@api-us-site-1.imiengage.io/api/v1",
        "https://hunter2@api-us-site-1.imiengage.io",
    ] {
        let builder = builder(base);
        let shown = format!("{builder:?}");
        assert!(!shown.contains("hunter2"), "the builder shows it: {shown}");
        let result = builder.build();
        let Err(error) = &result else {
            panic!("{base} was accepted: {result:?}");
        };
        assert!(matches!(error, Error::Config(_)), "{base}: {error:?}");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("credentials"), "{shown}");
    }
    // Even a URL that does not parse is never echoed (it may hold a password).
    let error = builder("https://tenant:hunter2@exa mple.com")
        .build()
        .unwrap_err();
    assert!(!format!("{error} {error:?}").contains("hunter2"), "{error}");
}

#[test]
fn a_base_url_with_a_query_or_fragment_or_another_scheme_is_refused() {
    for base in [
        "https://api-us-site-1.imiengage.io/api/v1?tenant=1",
        "https://api-us-site-1.imiengage.io/api/v1?",
        "https://api-us-site-1.imiengage.io/api/v1#x",
        "ftp://api-us-site-1.imiengage.io/api/v1",
    ] {
        let result = builder(base).build();
        assert!(
            matches!(result, Err(Error::Config(_))),
            "{base}: {result:?}"
        );
    }
    let client = builder(" http://127.0.0.1:9/api/v1/ ").build().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9/api/v1");
}

/// A mock that answers everything, to count what reached the server.
async fn catch_all(server: &httpmock::MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.path_prefix("/");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"transId": "t-1"}"#);
        })
        .await
}

fn refused(result: &Result<impl std::fmt::Debug, Error>, field: &str) -> bool {
    matches!(result, Err(Error::InvalidInput { field: f, reason }) if f == field && reason.contains("path segment"))
}

#[tokio::test]
async fn dot_ids_are_refused_before_anything_is_sent() {
    let server = httpmock::MockServer::start_async().await;
    let any = catch_all(&server).await;
    let client = common::static_client(
        &server,
        wxcc_auth::RetryPolicy::none(),
        engage_sdk::Timeouts::none(),
    );
    for id in ["..", "."] {
        let result = client.close(id).await;
        assert!(refused(&result, "conversationId"), "{id:?}: {result:?}");
        let result = client.reopen(id).await;
        assert!(refused(&result, "conversationId"), "{id:?}: {result:?}");
        let result = client.transcript_page(id, 0, 10).await;
        assert!(refused(&result, "conversationId"), "{id:?}: {result:?}");
        let result = client.remove_participant(common::CONVERSATION, id).await;
        assert!(refused(&result, "participantId"), "{id:?}: {result:?}");
    }
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn ids_travel_as_exactly_one_path_segment() {
    let server = httpmock::MockServer::start_async().await;
    let close = server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST)
                .path("/api/v1/conversations/a%2F..%2Fb%3Fc%23d%25e%20f./close");
            then.status(200).body(r#"{"transId": "t-1"}"#);
        })
        .await;
    let client = common::static_client(
        &server,
        wxcc_auth::RetryPolicy::none(),
        engage_sdk::Timeouts::none(),
    );
    let receipt = client.close("a/../b?c#d%e f.").await.unwrap();
    assert_eq!(receipt.trans_id.as_deref(), Some("t-1"));
    close.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_generated_client_refuses_dot_and_empty_path_parameters() {
    let server = httpmock::MockServer::start_async().await;
    let any = catch_all(&server).await;
    let client = common::static_client(
        &server,
        wxcc_auth::RetryPolicy::none(),
        engage_sdk::Timeouts::none(),
    );
    for id in ["..", ".", ""] {
        let result = client
            .api()
            .close_conversation()
            .conversation_id(id)
            .send()
            .await;
        let Err(engage_sdk::api::Error::InvalidRequest(message)) = &result else {
            panic!("{id:?}: {result:?}");
        };
        assert!(message.contains("path segment"), "{message}");
    }
    any.assert_calls_async(0).await;
}
