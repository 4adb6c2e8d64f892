//! The Engage client's operation table and signing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use httpmock::Method::GET;
use httpmock::MockServer;
use serde_json::json;
use wxcc_auth::{Access, StaticToken};

use engage_api::{Client, OPERATIONS};

#[test]
fn every_operation_is_classified_and_sorted() {
    assert!(OPERATIONS.is_sorted());
    assert!(OPERATIONS.len() >= 13);
    assert_eq!(
        OPERATIONS.access("search_conversations"),
        Some(Access::Read)
    );
    assert_eq!(OPERATIONS.access("get_transcript"), Some(Access::Read));
    assert_eq!(OPERATIONS.access("close_conversation"), Some(Access::Write));
    assert_eq!(OPERATIONS.access("append_messages"), Some(Access::Write));
}

#[tokio::test]
async fn reads_are_signed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/conversations/c-1/messages")
                .query_param("limit", "500")
                .header("authorization", "Bearer engage-token")
                .header_missing("api-version");
            then.status(200)
                .json_body(json!({"totalCount": 0, "messages": []}));
        })
        .await;
    let client =
        Client::with_token_source(&server.base_url(), StaticToken::new("node", "engage-token"))
            .unwrap();
    let page = client
        .get_transcript()
        .conversation_id("c-1")
        .limit(std::num::NonZeroU32::new(500).unwrap())
        .send()
        .await
        .unwrap();
    assert!(page.messages.is_empty());
    mock.assert_calls_async(1).await;
}
