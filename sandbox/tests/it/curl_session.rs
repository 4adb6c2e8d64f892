//! The README's curl session, request for request: health, a token in one request, one WxCC
//! call, one Search query, one Engage call (with a token, and the token endpoint with HTTP
//! Basic credentials), and the request log.

use base64::Engine as _;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use wxcc_sandbox::Sandbox;

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn the_readme_curl_session_works_as_written() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let http = reqwest::Client::new();

    let (status, health) = json_of(
        http.get(format!("{base}/_sandbox/health"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, health), (200, json!({"status": "ok"})));

    let (status, token) = json_of(
        http.post(format!("{base}/_sandbox/token"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{token}");
    let token = token["access_token"].as_str().unwrap().to_owned();

    let (status, subscriptions) = json_of(
        http.get(format!("{base}/wxcc/v1/subscriptions"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{subscriptions}");

    let to = chrono::Utc::now().timestamp_millis();
    let from = to - 3_600_000;
    let query = format!("{{ taskDetails(from: {from}, to: {to}) {{ tasks {{ id }} }} }}");
    let (status, found) = json_of(
        http.post(format!("{base}/wxcc/search"))
            .bearer_auth(&token)
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert!(found.get("errors").is_none(), "{found}");
    assert!(found["data"]["taskDetails"]["tasks"].is_array(), "{found}");

    let (status, engage) = json_of(
        http.post(format!("{base}/_sandbox/token?audience=engage"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{engage}");
    let engage_token = engage["access_token"].as_str().unwrap().to_owned();
    let (status, conversations) = json_of(
        http.get(format!(
            "{base}/engage/api/v1/conversations?channel=sms&customerAddress=%2B14155550100&bizAddress=%2B14155550199"
        ))
        .bearer_auth(&engage_token)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, conversations),
        (200, json!([])),
        "no conversation with them yet"
    );

    // The Engage token endpoint takes HTTP Basic client credentials too.
    let tenant = sandbox.credentials().engage;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        tenant.tenant_id,
        tenant.tenant_secret.expose_secret()
    ));
    let (status, by_basic) = json_of(
        http.post(sandbox.engage_token_url())
            .header("authorization", format!("Basic {basic}"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{by_basic}");
    assert!(by_basic["access_token"].is_string());

    let (status, log) = json_of(
        http.get(format!("{base}/_sandbox/requests"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let paths: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "/wxcc/v1/subscriptions",
            "/wxcc/search",
            "/engage/api/v1/conversations",
            "/engage/api/v1/oauth/token"
        ],
        "the control routes are not logged"
    );
    assert!(
        !log.to_string().contains(&token),
        "the log never holds a token"
    );
}

#[tokio::test]
async fn a_token_for_a_scope_the_sandbox_does_not_grant_is_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    let response = reqwest::Client::new()
        .post(format!(
            "{}/_sandbox/token?scope=cjp:config_read%20no:such",
            sandbox.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let limited = reqwest::Client::new()
        .post(format!(
            "{}/_sandbox/token?scope=cjp:config_read",
            sandbox.base_url()
        ))
        .send()
        .await
        .unwrap();
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["scope"], "cjp:config_read");
}
