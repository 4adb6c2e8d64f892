//! Retries, timeouts and typed errors through the facade.

use crate::common;

use std::time::Duration;

use chrono::TimeDelta;
use httpmock::MockServer;
use serde_json::json;
use wxcc_auth::{RetryPolicy, StaticToken};
use wxcc_sdk::search::{Query, Window};
use wxcc_sdk::{Error, ErrorShape, NewTask};

#[tokio::test(start_paused = true)]
async fn a_429_with_retry_after_2_is_waited_out_and_succeeds() {
    let server = MockServer::start_async().await;
    let throttled = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(429).header("Retry-After", "2").up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(200).json_body(
                json!({"data": {"taskDetails": {"tasks": [], "pageInfo": {"hasNextPage": false}}}}),
            );
        })
        .await;
    let client = common::client(&server);
    let started = tokio::time::Instant::now();
    client
        .search(Query::task_details(Window::last(TimeDelta::hours(1))))
        .first_page()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(2));
    throttled.assert_calls_async(1).await;
    ok.assert_calls_async(1).await;
}

#[tokio::test(start_paused = true)]
async fn a_503_on_a_write_is_not_retried_but_on_a_read_it_is() {
    let server = MockServer::start_async().await;
    let tasks = server
        .mock_async(|when, then| {
            when.path("/v1/tasks");
            then.status(503).json_body(json!({"trackingId": "ROUTER_1", "error": {"key": "503", "message": [{"description": "busy"}]}}));
        })
        .await;
    let search = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(503);
        })
        .await;
    let client = common::client_with(
        &server,
        StaticToken::new("t", "tok"),
        RetryPolicy::default().with_max_attempts(3),
    );
    let error = client
        .create_task(NewTask::callback("+14085550123", "ep-1"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.tracking_id(), Some("ROUTER_1"));
    assert!(
        error.is_retryable(),
        "retrying later may help, but the SDK did not replay the write"
    );
    tasks.assert_calls_async(1).await;

    client
        .search(Query::task_details(Window::last(TimeDelta::hours(1))))
        .first_page()
        .await
        .unwrap_err();
    search.assert_calls_async(3).await;
}

#[tokio::test]
async fn a_read_only_source_gets_a_typed_refusal_and_nothing_is_sent() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(201);
        })
        .await;
    let client = common::client_with(
        &server,
        StaticToken::new("reports", "tok").read_only(),
        RetryPolicy::default(),
    );
    let error = client
        .create_task(NewTask::callback("+14085550123", "ep-1"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Auth(wxcc_auth::Error::AccessDenied { .. })),
        "{error:?}"
    );
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn every_error_shape_parses_with_its_tracking_id() {
    let cases = [
        (
            400,
            json!({"trackingId": "ccconfig_1", "error": {"key": "400", "message": [{"description": "bad field"}]}}),
            ErrorShape::ApiErrorResponse,
            "ccconfig_1",
            "bad field",
        ),
        (
            404,
            json!({"trackingId": "NOTIFS_2", "error": {"key": 404, "message": [{"description": "no subscription"}]}}),
            ErrorShape::Subscription,
            "NOTIFS_2",
            "no subscription",
        ),
        (
            409,
            json!({"status": "409 CONFLICT", "message": "exists", "errors": ["id taken"], "timestamp": "2026-01-01T00:00:00Z", "trackingId": "jds-3"}),
            ErrorShape::Journey,
            "jds-3",
            "id taken",
        ),
        (
            400,
            json!({"code": 1001, "message": "Source should not be empty", "trackingId": "GTWY_4"}),
            ErrorShape::Gateway,
            "GTWY_4",
            "Source should not be empty",
        ),
        (
            400,
            json!({"code": "InvalidRequest", "message": "bad list"}),
            ErrorShape::ContactList,
            "sent",
            "bad list",
        ),
        (
            401,
            json!({"errors": [{"key": "401", "description": "token expired"}], "trackingId": "x-6"}),
            ErrorShape::ErrorsArray,
            "x-6",
            "token expired",
        ),
    ];
    for (status, body, shape, tracking, message) in cases {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.path("/v1/tasks");
                then.status(status).json_body(body.clone());
            })
            .await;
        let client = common::client(&server);
        let error = client
            .create_task(NewTask::callback("+14085550123", "ep-1"))
            .await
            .unwrap_err();
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api.status, status);
        assert_eq!(api.shape, shape, "{body}");
        assert!(
            api.messages.iter().any(|m| m.contains(message)),
            "{body}: {:?}",
            api.messages
        );
        if tracking == "sent" {
            // No tracking id in the body: the one the request carried is reported.
            assert!(uuid::Uuid::parse_str(api.tracking_id.as_deref().unwrap()).is_ok());
        } else {
            assert_eq!(api.tracking_id.as_deref(), Some(tracking));
        }
        assert!(error.to_string().contains(&format!("HTTP {status}")));
    }
}

#[tokio::test]
async fn bodies_in_no_known_format_are_kept_raw() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v1/tasks");
            then.status(502).body("<html>Bad gateway</html>");
        })
        .await;
    let client = common::client_with(&server, StaticToken::new("t", "tok"), RetryPolicy::none());
    let error = client
        .create_task(NewTask::callback("+14085550123", "ep-1"))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.shape, ErrorShape::Unknown);
    assert_eq!(api.raw.as_deref(), Some("<html>Bad gateway</html>"));
    assert!(api.tracking_id.is_some());
}

#[tokio::test(start_paused = true)]
async fn a_call_that_would_wait_past_its_deadline_for_a_rate_limit_slot_is_not_sent() {
    use std::num::NonZeroU32;
    use std::sync::Arc;
    use wxcc_auth::RateLimiter;

    let server = MockServer::start_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(200).json_body(
                json!({"data": {"taskDetails": {"tasks": [], "pageInfo": {"hasNextPage": false}}}}),
            );
        })
        .await;
    // One call a minute, and calls that may take 10 s at most.
    let limit = RateLimiter::per_minute(NonZeroU32::new(1).unwrap());
    let client = wxcc_sdk::Client::builder()
        .base_url(server.base_url())
        .token_source(StaticToken::new("test", "token"))
        .org_id(common::ORG)
        .timeouts(wxcc_sdk::Timeouts::none())
        .retry_policy(RetryPolicy::default().with_deadline(Some(Duration::from_secs(10))))
        .rate_limit(Some(Arc::new(limit)))
        .build()
        .unwrap();
    let query = || Query::task_details(Window::last(TimeDelta::hours(1)));
    client.search(query()).first_page().await.unwrap();
    let refused = client.search(query()).first_page().await.unwrap_err();
    assert_eq!(
        refused.kind(),
        wxcc_sdk::ErrorKind::RateLimited,
        "{refused}"
    );
    assert!(refused.to_string().contains("rate limit"), "{refused}");
    ok.assert_calls_async(1).await;
    // A minute later the slot is back.
    tokio::time::advance(Duration::from_secs(60)).await;
    client.search(query()).first_page().await.unwrap();
    ok.assert_calls_async(2).await;
}
