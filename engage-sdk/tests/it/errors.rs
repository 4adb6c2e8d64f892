//! Every error class, for every operation, answers the node outcome a flow author expects.

use crate::common;

use std::time::Duration;

use common::{API, CONVERSATION, Op, outcome_of};
use engage_sdk::{
    Attachment, ConversationUpdate, Customer, Error, HasOutcome, Message, NewConversation, Outcome,
    Queue, Timeouts,
};
use futures_util::TryStreamExt;
use httpmock::MockServer;
use serde_json::json;
use wxcc_auth::{RetryPolicy, Status, TokenSource};

/// Runs `op` against a mock answering `status` with an Engage error body; returns the outcome,
/// the error, and how many requests reached the mock.
async fn answer(op: Op, status: u16, retry: RetryPolicy) -> (Outcome, Option<Error>, usize) {
    let server = MockServer::start_async().await;
    common::token_accepts(&server, "secret-1", "tok-1").await;
    let mock = op
        .mock(
            &server,
            status,
            json!({"code": 1000 + u32::from(status), "description": "refused", "transId": "t-err"}),
        )
        .await;
    let (_registry, _node, client) = common::node_client(&server, "secret-1", retry);
    let result = op.run(&client).await;
    let calls = mock.calls_async().await;
    (outcome_of(&result), result.err(), calls)
}

#[tokio::test]
async fn http_400_is_on_invalid_data_for_every_operation() {
    for op in Op::ALL {
        let (outcome, error, calls) = answer(op, 400, RetryPolicy::default()).await;
        assert_eq!(outcome, Outcome::OnInvalidData, "{op:?}");
        let error = error.unwrap();
        assert_eq!(error.status(), Some(400));
        assert_eq!(error.trans_id(), Some("t-err"), "{op:?}");
        assert!(error.tracking_id().is_some());
        assert!(!error.is_retryable());
        assert_eq!(calls, 1, "{op:?}: a 400 is not retried");
    }
}

#[tokio::test]
async fn http_403_is_on_authorization_failure_without_retries() {
    for op in Op::ALL {
        let (outcome, error, calls) = answer(op, 403, RetryPolicy::default()).await;
        assert_eq!(outcome, Outcome::OnAuthorizationFailure, "{op:?}");
        assert!(!error.unwrap().requires_reauthorization(), "{op:?}");
        assert_eq!(calls, 1, "{op:?}");
    }
}

#[tokio::test]
async fn http_404_is_the_operations_failure_outcome_and_no_conversation_found_for_search() {
    for op in Op::ALL {
        let (outcome, error, _) = answer(op, 404, RetryPolicy::default()).await;
        assert_eq!(outcome, op.not_found_outcome(), "{op:?}");
        assert_eq!(error.is_none(), op == Op::Search, "{op:?}: {error:?}");
    }
}

#[tokio::test]
async fn http_409_is_the_operations_failure_outcome() {
    let (outcome, _, _) = answer(Op::Create, 409, RetryPolicy::default()).await;
    assert_eq!(outcome.to_string(), "onConversationFailed");
    let (outcome, _, _) = answer(Op::Reopen, 409, RetryPolicy::default()).await;
    assert_eq!(outcome.to_string(), "conversationReopenFailed");
    let (outcome, _, _) = answer(Op::Close, 409, RetryPolicy::default()).await;
    assert_eq!(outcome.to_string(), "onCloseConversationFailure");
}

#[tokio::test]
async fn http_408_is_on_timeout() {
    for op in Op::ALL {
        let (outcome, error, _) = answer(op, 408, RetryPolicy::none()).await;
        assert_eq!(outcome, Outcome::OnTimeout, "{op:?}");
        assert!(error.unwrap().is_retryable());
    }
}

#[tokio::test]
async fn http_5xx_is_on_error_and_only_reads_are_replayed() {
    let retry = RetryPolicy::default()
        .with_max_attempts(2)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(1));
    for op in Op::ALL {
        let (outcome, _, calls) = answer(op, 500, retry.clone()).await;
        assert_eq!(outcome, Outcome::OnError, "{op:?}");
        assert_eq!(calls, 1, "{op:?}: a 500 is never replayed");

        let (outcome, error, calls) = answer(op, 503, retry.clone()).await;
        assert_eq!(outcome, Outcome::OnError, "{op:?}");
        assert!(error.unwrap().is_retryable());
        let expected = if op.replayable() { 2 } else { 1 };
        assert_eq!(calls, expected, "{op:?}: 503 retried only for reads");
    }
}

#[tokio::test]
async fn http_401_after_rejected_credentials_is_on_authorization_failure_with_reauthorization_required()
 {
    for op in Op::ALL {
        let server = MockServer::start_async().await;
        let accepts = common::token_accepts(&server, "secret-1", "tok-1").await;
        common::token_rejects_the_rest(&server).await;
        let api = op
            .mock(&server, 401, json!({"description": "token revoked"}))
            .await;
        let (_registry, node, client) =
            common::node_client(&server, "secret-1", RetryPolicy::default());
        // The token was issued; then the tenant's credentials stopped working.
        node.token().await.unwrap();
        accepts.delete_async().await;

        let error = op.run(&client).await.unwrap_err();
        assert_eq!(error.outcome(), Outcome::OnAuthorizationFailure, "{op:?}");
        assert_eq!(error.status(), Some(401), "{op:?}");
        assert!(error.requires_reauthorization(), "{op:?}: {error}");
        assert!(error.to_string().contains("re-authorized"), "{error}");
        assert!(
            matches!(node.status(), Status::ReauthorizationRequired { .. }),
            "{op:?}"
        );
        api.assert_calls_async(1).await;

        // From now on calls fail at once, before anything is sent.
        let error = op.run(&client).await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{op:?}: {error:?}");
        assert_eq!(error.outcome(), Outcome::OnAuthorizationFailure);
        assert!(error.requires_reauthorization());
        api.assert_calls_async(1).await;
    }
}

#[tokio::test(start_paused = true)]
async fn http_429_waits_out_retry_after_then_is_on_error() {
    let retry = RetryPolicy::default().with_max_attempts(2);
    for op in Op::ALL {
        let server = MockServer::start_async().await;
        let (method, path) = (op.method(), op.path());
        let throttled = server
            .mock_async(|when, then| {
                when.method(method).path(path);
                then.status(429)
                    .header("Retry-After", "7")
                    .json_body(json!({"description": "slow down"}));
            })
            .await;
        let client = common::static_client(&server, retry.clone(), Timeouts::none());
        let started = tokio::time::Instant::now();
        let result = op.run(&client).await;
        assert_eq!(outcome_of(&result), Outcome::OnError, "{op:?}");
        let error = result.unwrap_err();
        assert_eq!(error.status(), Some(429));
        assert!(error.is_retryable());
        assert!(started.elapsed() >= Duration::from_secs(7), "{op:?}");
        throttled.assert_calls_async(2).await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_429_then_success_is_the_success_outcome() {
    let server = MockServer::start_async().await;
    let op = Op::Append;
    let (method, path) = (op.method(), op.path());
    let throttled = server
        .mock_async(|when, then| {
            when.method(method).path(path);
            then.status(429).header("Retry-After", "3").up_to_n_times(1);
        })
        .await;
    let ok = op.mock_success(&server).await;
    let client = common::static_client(&server, RetryPolicy::default(), Timeouts::none());
    let started = tokio::time::Instant::now();
    assert_eq!(
        op.run(&client).await.unwrap(),
        Outcome::OnAppendMessageSuccess
    );
    assert!(started.elapsed() >= Duration::from_secs(3));
    throttled.assert_calls_async(1).await;
    ok.assert_calls_async(1).await;
}

#[tokio::test(start_paused = true)]
async fn the_overall_timeout_is_on_timeout() {
    let timeouts = Timeouts::none().with_overall(Some(Duration::from_secs(5)));
    for op in Op::ALL {
        let server = MockServer::start_async().await;
        let (method, path) = (op.method(), op.path());
        let (status, body) = op.success();
        let slow = server
            .mock_async(|when, then| {
                when.method(method).path(path);
                then.status(status)
                    .json_body(body)
                    .delay(Duration::from_secs(60));
            })
            .await;
        let client = common::static_client(&server, RetryPolicy::none(), timeouts);
        let started = tokio::time::Instant::now();
        let error = op.run(&client).await.unwrap_err();
        assert!(matches!(error, Error::Timeout { .. }), "{op:?}: {error:?}");
        assert_eq!(error.outcome(), Outcome::OnTimeout, "{op:?}");
        assert_eq!(started.elapsed(), Duration::from_secs(5), "{op:?}");
        common::wait_for_calls(&slow, 1).await;
    }
}

#[tokio::test(start_paused = true)]
async fn an_attempt_timeout_is_on_timeout() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.path(format!("{API}/conversations/{CONVERSATION}/close"));
            then.status(202)
                .json_body(json!({"transId": "t"}))
                .delay(Duration::from_secs(60));
        })
        .await;
    let timeouts = Timeouts::none().with_attempt(Some(Duration::from_secs(2)));
    let client = common::static_client(&server, RetryPolicy::none(), timeouts);
    let error = client.close(CONVERSATION).await.unwrap_err();
    common::wait_for_calls(&slow, 1).await;
    assert!(
        matches!(
            error,
            Error::Transport {
                timed_out: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.outcome(), Outcome::OnTimeout);
}

#[tokio::test]
async fn an_unreachable_service_is_on_error() {
    // Nothing listens on a port the OS just gave out and took back.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = engage_sdk::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}/api/v1"))
        .token_source(wxcc_auth::StaticToken::new("static", "tok"))
        .timeouts(Timeouts::none())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.hold(CONVERSATION).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                timed_out: false,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.outcome(), Outcome::OnError);
    assert!(!error.to_string().contains("127.0.0.1"), "{error}");
}

#[tokio::test]
async fn unusable_success_bodies_are_on_error_and_unknown_statuses_on_invalid_choice() {
    let server = MockServer::start_async().await;
    let client = common::static_client(&server, RetryPolicy::none(), Timeouts::none());
    let search = Op::Search
        .mock(&server, 200, json!([{"id": "c-9", "status": "archived"}]))
        .await;
    let customer = Customer::sms("+14155550100", "+14155550199");
    let error = client.search(&customer).await.unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedStatus { status: Some(s), .. } if s == "archived"),
        "{error:?}"
    );
    assert_eq!(error.outcome(), Outcome::OnInvalidChoice);
    search.delete_async().await;

    let search = Op::Search.mock(&server, 200, json!([{"id": "c-9"}])).await;
    let error = client.search(&customer).await.unwrap_err();
    assert_eq!(error.outcome(), Outcome::OnInvalidChoice, "{error:?}");
    search.delete_async().await;

    Op::Search
        .mock(&server, 200, json!({"not": "a list"}))
        .await;
    let error = client.search(&customer).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.outcome(), Outcome::OnError);

    Op::Close
        .mock(&server, 202, json!({"unexpected": true}))
        .await;
    let error = client.close(CONVERSATION).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.outcome(), Outcome::OnError);
}

#[tokio::test]
async fn invalid_input_is_on_invalid_data_and_nothing_is_sent() {
    let server = MockServer::start_async().await;
    let everything = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(202).json_body(json!({"transId": "t"}));
        })
        .await;
    let client = common::static_client(&server, RetryPolicy::none(), Timeouts::none());
    let ok = || Message::inbound_text("hi").unwrap();
    let mut dropped_with_url = serde_json::to_value(
        Message::inbound()
            .attachment(Attachment::dropped("a.png", "image/png"))
            .build()
            .unwrap(),
    )
    .unwrap();
    dropped_with_url["attachments"][0]["fileUrl"] = json!("https://x.example/a.png");
    let dropped_with_url: Message = serde_json::from_value(dropped_with_url).unwrap();
    let results = [
        client
            .search(&Customer::sms("", "+14155550199"))
            .await
            .outcome(),
        client
            .search(&Customer::email("not-an-address", "help@example.com"))
            .await
            .outcome(),
        client
            .create(NewConversation::new(Customer::api("u", "b")).message(dropped_with_url.clone()))
            .await
            .outcome(),
        client.append(CONVERSATION, []).await.outcome(),
        client
            .append(CONVERSATION, [dropped_with_url])
            .await
            .outcome(),
        client.append(" ", [ok()]).await.outcome(),
        client
            .update(CONVERSATION, ConversationUpdate::new())
            .await
            .outcome(),
        client.add_participant(CONVERSATION, "").await.outcome(),
        client.remove_participant(CONVERSATION, " ").await.outcome(),
        client.close("").await.outcome(),
        client.reopen("").await.outcome(),
        client.hold("").await.outcome(),
        client
            .transfer(CONVERSATION, Queue::team(""))
            .await
            .outcome(),
        client.transcript_page(CONVERSATION, 0, 501).await.outcome(),
        client.transcript_page(CONVERSATION, 0, 0).await.outcome(),
    ];
    for (i, outcome) in results.iter().enumerate() {
        assert_eq!(*outcome, Outcome::OnInvalidData, "case {i}");
    }
    let error = client
        .transcript(CONVERSATION)
        .limit(1000)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::InvalidInput { field, .. } if field == "limit"));
    everything.assert_calls_async(0).await;
}

#[tokio::test]
async fn generated_calls_fail_with_the_facades_typed_errors() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let client = engage_sdk::Client::builder()
        .base_url(server.url(API))
        .token_source(wxcc_auth::StaticToken::new("engage", "tok").read_only())
        .timeouts(Timeouts::none())
        .build()
        .unwrap();
    let error = engage_sdk::TypedErrors::typed(
        client
            .api()
            .close_conversation()
            .conversation_id("c-1")
            .send(),
    )
    .await
    .unwrap_err();
    assert!(error.is_read_only_refusal(), "{error}");
    assert_eq!(error.operation(), Some(engage_sdk::Operation::Api));
    assert_eq!(error.outcome(), Outcome::OnAuthorizationFailure);
    assert!(std::error::Error::source(&error).is_some());
    any.assert_calls_async(0).await;
}
