//! Regression tests from the hardening audit: server values that used to panic, base URLs and
//! ids that used to leak or misroute, and webhook deliveries that used to be replayable.

use crate::common;

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
    let verifier = WebhookVerifier::new("s3cret").unwrap();
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

/// A v2 delivery whose signed `comciscotimestamp` is `at` (epoch milliseconds).
fn delivery(id: &str, at: chrono::DateTime<chrono::Utc>) -> (Vec<u8>, String) {
    let body = format!(
        r#"{{"id":"{id}","specversion":"1.0","type":"task:ended","source":"/wxcc","comciscoorgid":"org","comciscotimestamp":{},"data":{{"taskId":"t1"}}}}"#,
        at.timestamp_millis()
    );
    let signature = sign("s3cret", body.as_bytes());
    (body.into_bytes(), signature)
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new("s3cret").unwrap()
}

#[test]
fn a_delivery_replayed_after_the_id_window_is_refused_by_its_signed_timestamp() {
    let v = verifier();
    let sent = chrono::Utc::now();
    let (body, signature) = delivery("evt-r1", sent);
    let event = v.verify_at(&body, Some(&signature), None, sent).unwrap();
    assert_eq!(
        event.timestamp.map(|t| t.timestamp_millis()),
        Some(sent.timestamp_millis())
    );
    // Replayed within the window: the id is remembered.
    let soon = sent + chrono::TimeDelta::minutes(1);
    assert!(matches!(
        v.verify_at(&body, Some(&signature), None, soon),
        Err(WebhookError::Replayed(_))
    ));
    // Replayed after the window, when the id may be forgotten: the signed time is too old.
    let later = sent + chrono::TimeDelta::minutes(6);
    let result = v.verify_at(&body, Some(&signature), None, later);
    assert!(
        matches!(result, Err(WebhookError::Replayed(_))),
        "{result:?}"
    );
}

#[test]
fn an_unsigned_timestamp_header_cannot_freshen_a_stale_delivery() {
    let v = verifier();
    let now = chrono::Utc::now();
    let (body, signature) = delivery("evt-r2", now - chrono::TimeDelta::hours(1));
    let fresh_header = now.timestamp_millis().to_string();
    let result = v.verify_at(&body, Some(&signature), Some(&fresh_header), now);
    assert!(
        matches!(result, Err(WebhookError::Replayed(_))),
        "{result:?}"
    );
    // From the future is refused too.
    let (body, signature) = delivery("evt-r3", now + chrono::TimeDelta::hours(1));
    let result = v.verify_at(&body, Some(&signature), Some(&fresh_header), now);
    assert!(
        matches!(result, Err(WebhookError::Replayed(_))),
        "{result:?}"
    );
}

#[test]
fn a_delivery_without_a_signed_timestamp_is_refused_unless_allowed() {
    let body = br#"{"id":"evt-v1","specversion":"1.0","type":"task:new","data":{}}"#;
    let signature = sign("s3cret", body);
    let now = chrono::Utc::now();
    let fresh_header = now.timestamp_millis().to_string();
    let result = verifier().verify_at(body, Some(&signature), Some(&fresh_header), now);
    assert_eq!(result.unwrap_err(), WebhookError::MissingTimestamp);
    // An unreadable signed timestamp is no timestamp either.
    let garbled = br#"{"id":"evt-v1b","type":"task:new","comciscotimestamp":"soon","data":{}}"#;
    let result = verifier().verify_at(garbled, Some(&sign("s3cret", garbled)), None, now);
    assert!(
        matches!(result, Err(WebhookError::Malformed(_))),
        "{result:?}"
    );
    // Opting out (for deliveries that carry none) leaves the replay cache as the defence.
    let lenient = verifier().require_signed_timestamp(false);
    assert!(lenient.verify_at(body, Some(&signature), None, now).is_ok());
    assert!(matches!(
        lenient.verify_at(body, Some(&signature), None, now),
        Err(WebhookError::Replayed(_))
    ));
}

#[test]
fn an_empty_secret_is_refused_at_construction() {
    assert_eq!(
        WebhookVerifier::new("").unwrap_err(),
        WebhookError::EmptySecret
    );
    // With a secret, a delivery signed with the empty key is a forgery.
    let now = chrono::Utc::now();
    let body = format!(
        r#"{{"id":"evt-f","type":"task:new","comciscotimestamp":{},"data":{{}}}}"#,
        now.timestamp_millis()
    );
    let forged = sign("", body.as_bytes());
    assert_eq!(
        verifier()
            .verify_at(body.as_bytes(), Some(&forged), None, now)
            .unwrap_err(),
        WebhookError::BadSignature
    );
}

#[test]
fn the_replay_cache_is_bounded_and_forgets_ids_once_their_time_is_stale() {
    let v = verifier().capacity(2);
    let t0 = chrono::Utc::now();
    let (a, sig_a) = delivery("evt-a", t0);
    let (b, sig_b) = delivery("evt-b", t0);
    let (c, sig_c) = delivery("evt-c", t0 + chrono::TimeDelta::minutes(5));
    v.verify_at(&a, Some(&sig_a), None, t0).unwrap();
    v.verify_at(&b, Some(&sig_b), None, t0).unwrap();
    // Full: refused rather than forgetting an id whose replay would then pass.
    let full = v.verify_at(&c, Some(&sig_c), None, t0 + chrono::TimeDelta::minutes(1));
    assert!(matches!(full, Err(WebhookError::Replayed(_))), "{full:?}");
    // Once a and b are stale (their signed time beyond the tolerance), they make room.
    let later = t0 + chrono::TimeDelta::minutes(5) + chrono::TimeDelta::seconds(1);
    v.verify_at(&c, Some(&sig_c), None, later).unwrap();
    assert!(matches!(
        v.verify_at(&a, Some(&sig_a), None, later),
        Err(WebhookError::Replayed(_))
    ));
}

#[test]
fn the_verifier_reads_time_from_its_injected_clock() {
    let fixed = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let v = verifier().clock(move || fixed);
    let (body, signature) = delivery("evt-clock", fixed);
    assert!(v.verify(&body, Some(&signature), None).is_ok());
    let (body, signature) = delivery("evt-clock-old", fixed - chrono::TimeDelta::minutes(10));
    assert!(matches!(
        v.verify(&body, Some(&signature), None),
        Err(WebhookError::Replayed(_))
    ));
}

/// Whether a 503 is waited out per its `Retry-After` is the signer's decision (wxcc-auth); the
/// facade's part is to report the header on every error status, 503 included.
#[tokio::test]
async fn a_503_reports_its_retry_after() {
    let server = MockServer::start_async().await;
    let busy = server
        .mock_async(|when, then| {
            when.path("/v1/tasks");
            then.status(503).header("Retry-After", "7");
        })
        .await;
    let client = common::client(&server);
    let error = client
        .create_task(wxcc_sdk::NewTask::callback("+14085550123", "ep-1"))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 503);
    assert_eq!(api.retry_after, Some(Duration::from_secs(7)));
    busy.assert_calls_async(1).await;
}
