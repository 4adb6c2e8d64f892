//! A tenant secret rotated while a client is in use: the node authorization needs
//! re-authorization, and the same client carries on once it has it.

use crate::common;

use common::{API, CONVERSATION, NODE};
use engage_sdk::{Customer, Error, HasOutcome, Outcome};
use httpmock::{Method, MockServer};
use serde_json::json;
use wxcc_auth::{Credentials, RetryPolicy, Status};

#[tokio::test]
async fn a_rotated_secret_fails_the_next_call_and_reauthorize_lets_the_same_client_continue() {
    let server = MockServer::start_async().await;
    let old_secret = common::token_accepts(&server, "secret-1", "tok-1").await;
    let new_secret = common::token_accepts(&server, "secret-2", "tok-2").await;
    let token_refused = common::token_rejects_the_rest(&server).await;
    let old_token = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path(format!("{API}/conversations"))
                .header("authorization", "Bearer tok-1");
            then.status(200)
                .json_body(json!([{"id": CONVERSATION, "status": "queued"}]));
        })
        .await;
    let new_token = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path(format!("{API}/conversations"))
                .header("authorization", "Bearer tok-2");
            then.status(200)
                .json_body(json!([{"id": CONVERSATION, "status": "active", "userId": "ada"}]));
        })
        .await;
    let revoked = server
        .mock_async(|when, then| {
            when.path_prefix(format!("{API}/conversations"));
            then.status(401)
                .json_body(json!({"description": "invalid or expired token"}));
        })
        .await;
    let (registry, node, client) = common::node_client(&server, "secret-1", RetryPolicy::default());
    let customer = Customer::whatsapp("+447700900123", "+447700900000");

    // Before the rotation.
    let found = client.search(&customer).await.unwrap();
    assert_eq!(found.outcome(), Outcome::ConversationInQueue);
    assert_eq!(node.status(), Status::Authorized);

    // The tenant secret is rotated in Engage: the old secret and its tokens stop working.
    old_secret.delete_async().await;
    old_token.delete_async().await;

    // The next call: the token is refused, a new one cannot be had with the old secret.
    let error = client.search(&customer).await.unwrap_err();
    assert_eq!(error.outcome(), Outcome::OnAuthorizationFailure);
    assert_eq!(error.outcome().to_string(), "onAuthorizationFailure");
    assert!(error.requires_reauthorization(), "{error}");
    assert!(matches!(
        node.status(),
        Status::ReauthorizationRequired { .. }
    ));
    assert_eq!(token_refused.calls_async().await, 1);

    // Until someone re-authorizes, calls fail at once: no retry storm against Engage or its
    // token endpoint.
    for _ in 0..3 {
        let error = client.close(CONVERSATION).await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert_eq!(error.outcome(), Outcome::OnAuthorizationFailure);
    }
    assert_eq!(token_refused.calls_async().await, 1);
    assert_eq!(revoked.calls_async().await, 1);

    // A wrong new secret changes nothing.
    assert!(
        registry
            .reauthorize(
                NODE,
                Credentials::client_credentials(common::TENANT, "secret-x")
            )
            .await
            .is_err()
    );
    assert!(matches!(
        node.status(),
        Status::ReauthorizationRequired { .. }
    ));

    // Re-authorized with the new secret: the same client continues.
    registry
        .reauthorize(
            NODE,
            Credentials::client_credentials(common::TENANT, "secret-2"),
        )
        .await
        .unwrap();
    assert_eq!(node.status(), Status::Authorized);
    let found = client.search(&customer).await.unwrap();
    assert_eq!(found.outcome(), Outcome::ConversationActive);
    assert_eq!(
        found.conversation().unwrap().assignee.as_deref(),
        Some("ada")
    );
    new_secret.assert_calls_async(1).await;
    new_token.assert_calls_async(1).await;
    assert_eq!(revoked.calls_async().await, 1);
}
