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
