//! The Engage client's operation table and signing.

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

/// The id every generated operation reports to the hooks is in the table, so the signer never
/// has to guess an operation's access class (an unknown id would count as a write).
#[test]
fn every_id_the_hooks_see_is_in_the_table() {
    let generated = include_str!("../../src/generated.rs");
    let ids: Vec<&str> = generated
        .split("operation_id: \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(
        ids.len(),
        engage_api::OPERATIONS.len(),
        "one id per operation"
    );
    let unknown: Vec<&&str> = ids
        .iter()
        .filter(|id| engage_api::OPERATIONS.get(id).is_none())
        .collect();
    assert!(
        unknown.is_empty(),
        "ids the signer does not know: {unknown:?}"
    );
}
