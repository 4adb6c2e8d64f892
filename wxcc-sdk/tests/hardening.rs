//! Regression tests from the hardening audit: server values that used to panic, base URLs and
//! ids that used to leak or misroute, and webhook deliveries that used to be replayable.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use std::time::Duration;

use httpmock::Method::GET;
use httpmock::MockServer;
use wxcc_sdk::Error;
use wxcc_sdk::webhooks::{WebhookError, WebhookVerifier};

#[tokio::test]
async fn an_estimated_wait_time_of_1e300_ms_is_a_decode_error_not_a_panic() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/ewt");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"estimatedWaitTime": 1e300}"#);
        })
        .await;
    let client = common::client(&server);
    let result = client
        .estimated_wait_time("q-1", Duration::from_secs(3600))
        .await;
    assert!(
        matches!(&result, Err(Error::Decode { message, .. }) if message.contains("estimatedWaitTime")),
        "{result:?}"
    );
}

/// Signs `body` as WxCC does: hex HMAC-SHA256 keyed with the subscription secret.
fn sign(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_webhook_timestamp_of_i64_min_is_refused_not_a_panic() {
    let verifier = WebhookVerifier::new("s3cret");
    let now = chrono::Utc::now();
    // In the (unsigned) header.
    let body = br#"{"id":"evt-min-1","type":"task:new","data":{}}"#;
    let result = verifier.verify_at(
        body,
        Some(&sign("s3cret", body)),
        Some(&i64::MIN.to_string()),
        now,
    );
    assert!(
        matches!(result, Err(WebhookError::Replayed(_))),
        "{result:?}"
    );
    // In the signed body.
    let body = format!(
        r#"{{"id":"evt-min-2","type":"task:new","comciscotimestamp":{},"data":{{}}}}"#,
        i64::MIN
    );
    let result = verifier.verify_at(
        body.as_bytes(),
        Some(&sign("s3cret", body.as_bytes())),
        None,
        now,
    );
    // Refused, or at least no made-up time: an epoch chrono cannot represent is no time.
    assert!(
        result.as_ref().map_or(true, |e| e.timestamp.is_none()),
        "{result:?}"
    );
}

fn build_with_base(base: &str) -> wxcc_sdk::Result<wxcc_sdk::Client> {
    wxcc_sdk::Client::builder()
        .base_url(base)
        .token_source(wxcc_auth::StaticToken::new("test", "token"))
        .build()
}

#[test]
fn a_base_url_with_userinfo_is_refused_and_its_password_never_shown() {
    for base in [
        "https://bot:hunter2@api.example.com",
        "https://bot:hunter2@api.example.com/wxcc/",
        "https://:hunter2@api.example.com",
        "https://hunter2@api.example.com",
    ] {
        let result = build_with_base(base);
        let Err(error) = &result else {
            panic!("{base} was accepted: {result:?}");
        };
        assert!(
            matches!(error, Error::InvalidBaseUrl { .. }),
            "{base}: {error:?}"
        );
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("credentials"), "{shown}");
    }
    // Even a URL that does not parse is never echoed (it may hold a password).
    let error = build_with_base("https://bot:hunter2@exa mple.com").unwrap_err();
    assert!(!format!("{error} {error:?}").contains("hunter2"), "{error}");
}

#[test]
fn a_base_url_with_a_query_or_fragment_or_another_scheme_is_refused() {
    for base in [
        "https://api.example.com/?orgId=1",
        "https://api.example.com?",
        "https://api.example.com/#top",
        "ftp://api.example.com",
        "file:///tmp/wxcc",
        "mailto:bot@example.com",
        "ws://api.example.com",
    ] {
        let result = build_with_base(base);
        assert!(
            matches!(result, Err(Error::InvalidBaseUrl { .. })),
            "{base}: {result:?}"
        );
    }
    // What stays allowed: http(s), a port, a path prefix, a trailing slash, spaces around.
    for (base, kept) in [
        (
            "https://api.wxcc-us1.cisco.com",
            "\"https://api.wxcc-us1.cisco.com\"",
        ),
        (
            "http://127.0.0.1:8080/wxcc/",
            "\"http://127.0.0.1:8080/wxcc\"",
        ),
        (
            " https://proxy.example.com/wxcc ",
            "\"https://proxy.example.com/wxcc\"",
        ),
    ] {
        let client = build_with_base(base).unwrap();
        let shown = format!("{client:?}");
        assert!(shown.contains(kept), "{shown}");
    }
}

#[tokio::test]
async fn an_empty_org_id_is_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.path_prefix("/");
            then.status(200).body("{}");
        })
        .await;
    for org in ["", "   "] {
        let result = wxcc_sdk::Client::builder()
            .base_url(server.base_url())
            .token_source(wxcc_auth::StaticToken::new("test", "token"))
            .org_id(org)
            .build();
        assert!(
            matches!(&result, Err(Error::InvalidRequest(m)) if m.contains("organization id")),
            "{org:?}: {result:?}"
        );
    }
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn an_out_of_range_page_size_is_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.path_prefix("/");
            then.status(200).body("{}");
        })
        .await;
    let client = common::client(&server);
    for size in [0, 101, u32::MAX] {
        let result = client.scheduled_callbacks(None, 0, size).await;
        assert!(
            matches!(&result, Err(Error::InvalidRequest(m)) if m.contains("page size")),
            "{size}: {result:?}"
        );
    }
    any.assert_calls_async(0).await;
}

/// A mock that answers everything, to count what reached the server.
async fn catch_all(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.path_prefix("/");
            then.status(200)
                .header("content-type", "application/json")
                .body("{}");
        })
        .await
}

#[tokio::test]
async fn dot_and_empty_ids_are_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let client = common::client(&server);
    for id in ["..", ".", ""] {
        let refused = |result: &wxcc_sdk::Result<()>| matches!(result, Err(Error::InvalidRequest(m)) if m.contains("path segment"));
        let result = client.delete_subscription(id).await;
        assert!(refused(&result), "{id:?}: {result:?}");
        let result = client.delete_subscription_v2(id).await;
        assert!(refused(&result), "{id:?}: {result:?}");
        let result = client.cancel_scheduled_callback(id).await;
        assert!(refused(&result), "{id:?}: {result:?}");
        let result = client.scheduled_callback(id).await.map(|_| ());
        assert!(refused(&result), "{id:?}: {result:?}");
    }
    // An organization id of `..` would climb out of `/organization/{orgId}` just the same.
    let climbing = wxcc_sdk::Client::builder()
        .base_url(server.base_url())
        .token_source(wxcc_auth::StaticToken::new("test", "token"))
        .org_id("..")
        .build()
        .unwrap();
    let result = climbing.scheduled_callbacks(None, 0, 50).await;
    assert!(
        matches!(&result, Err(Error::InvalidRequest(m)) if m.contains("path segment")),
        "{result:?}"
    );
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn ids_travel_as_exactly_one_path_segment() {
    let server = MockServer::start_async().await;
    let encoded = server
        .mock_async(|when, then| {
            when.method(httpmock::Method::DELETE)
                .path("/v1/subscriptions/a%2F..%2Fb%3Fc%23d%25e%20f.");
            then.status(204);
        })
        .await;
    let client = common::client(&server);
    client.delete_subscription("a/../b?c#d%e f.").await.unwrap();
    // Dots inside an id are just characters.
    let dotted = server
        .mock_async(|when, then| {
            when.method(httpmock::Method::DELETE)
                .path("/v2/subscriptions/...");
            then.status(204);
        })
        .await;
    client.delete_subscription_v2("...").await.unwrap();
    encoded.assert_calls_async(1).await;
    dotted.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_generated_client_refuses_dot_and_empty_path_parameters() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let client = common::client(&server);
    for id in ["..", ".", ""] {
        let result = client
            .api()
            .get_scheduled_callback()
            .org_id(common::ORG)
            .id(id)
            .send()
            .await;
        let Err(wxcc_sdk::api::Error::InvalidRequest(message)) = &result else {
            panic!("{id:?}: {result:?}");
        };
        assert!(message.contains("path segment"), "{message}");
        let result = client
            .api()
            .list_scheduled_callbacks()
            .org_id(id)
            .send()
            .await;
        assert!(
            matches!(result, Err(wxcc_sdk::api::Error::InvalidRequest(_))),
            "{id:?}: {result:?}"
        );
    }
    any.assert_calls_async(0).await;
    any.delete_async().await;
    // Ordinary ids still go through, percent-encoded by the generated code.
    let fine = server
        .mock_async(|when, then| {
            when.path(format!(
                "/v1/callbacks/organization/{}/scheduled-callback/a%2Fb..",
                common::ORG
            ));
            then.status(404);
        })
        .await;
    let _ = client
        .api()
        .get_scheduled_callback()
        .org_id(common::ORG)
        .id("a/b..")
        .send()
        .await;
    fine.assert_calls_async(1).await;
}
