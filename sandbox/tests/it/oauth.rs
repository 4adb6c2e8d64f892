//! Webex OAuth as the connector and service apps use it.

use crate::common;

use std::time::Duration;

use common::*;
use secrecy::ExposeSecret;
use serde_json::json;
use wxcc_sandbox::{RefreshTokens, Sandbox};

#[tokio::test]
async fn code_flow_with_pkce_then_refresh_rotates() {
    let sandbox = Sandbox::builder()
        .refresh_tokens(RefreshTokens::Rotated)
        .start()
        .await
        .unwrap();
    let verifier = "a-long-random-verifier-string-that-is-at-least-43-characters";
    let code = authorize(
        &sandbox,
        "cjp:config_read cjds:admin_org_read",
        Some(verifier),
    )
    .await;
    let (status, tokens) = exchange(&sandbox, &code, Some(verifier)).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 43_200);
    assert_eq!(tokens["refresh_token_expires_in"], 60 * 24 * 3600);
    assert_eq!(tokens["scope"], "cjp:config_read cjds:admin_org_read");
    let access = tokens["access_token"].as_str().unwrap();
    let org = sandbox.credentials().org_id;
    assert!(
        access.ends_with(&org),
        "tokens end in the org id, as Webex tokens do"
    );

    // The code is single-use.
    let (status, body) = exchange(&sandbox, &code, Some(verifier)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // Refresh rotates: a new refresh token each time, the old one is spent.
    let first = tokens["refresh_token"].as_str().unwrap();
    let (status, renewed) = refresh(&sandbox, first).await;
    assert_eq!(status, 200, "{renewed}");
    let second = renewed["refresh_token"].as_str().unwrap();
    assert_ne!(first, second);
    assert_ne!(renewed["access_token"], tokens["access_token"]);
    assert_eq!(renewed["scope"], tokens["scope"]);
    let (status, third) = refresh(&sandbox, second).await;
    assert_eq!(status, 200);
    let latest_access = third["access_token"].as_str().unwrap().to_owned();
    let latest_refresh = third["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(wxcc_status(&sandbox, &latest_access).await, 200);

    // Presenting a spent refresh token again is reuse: the whole grant is revoked, the
    // newest tokens included, as strict OAuth servers do.
    let (status, body) = refresh(&sandbox, first).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("revoked")),
        "{body}"
    );
    let (status, _) = refresh(&sandbox, &latest_refresh).await;
    assert_eq!(status, 400, "the newest refresh token is revoked too");
    assert_eq!(wxcc_status(&sandbox, &latest_access).await, 401);
}

#[tokio::test]
async fn by_default_a_refresh_answers_with_the_same_refresh_token_and_its_remaining_lifetime() {
    let sandbox = Sandbox::start().await.unwrap();
    let code = authorize(&sandbox, "cjp:config_read", None).await;
    let (status, tokens) = exchange(&sandbox, &code, None).await;
    assert_eq!(status, 200, "{tokens}");
    let first = tokens["refresh_token"].as_str().unwrap();
    for _ in 0..2 {
        let (status, renewed) = refresh(&sandbox, first).await;
        assert_eq!(status, 200, "{renewed}");
        assert_eq!(renewed["refresh_token"].as_str(), Some(first));
        assert_ne!(renewed["access_token"], tokens["access_token"]);
        let left = renewed["refresh_token_expires_in"].as_u64().unwrap();
        assert!(
            left <= 60 * 24 * 3600 && left > 60 * 24 * 3600 - 60,
            "{left}"
        );
    }
    // Switched at run time: the next refresh rotates.
    sandbox.set_refresh_tokens(RefreshTokens::Rotated);
    let (status, renewed) = refresh(&sandbox, first).await;
    assert_eq!(status, 200, "{renewed}");
    assert_ne!(renewed["refresh_token"].as_str(), Some(first));
}

/// The status of one Search query with `token`.
async fn wxcc_status(sandbox: &Sandbox, token: &str) -> u16 {
    let query =
        "query Q($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to) { tasks { id } } }";
    let to = now_ms();
    search(sandbox, token, query, json!({ "from": to - DAY, "to": to }))
        .await
        .0
}

#[tokio::test]
async fn pkce_is_checked() {
    let sandbox = Sandbox::start().await.unwrap();
    let verifier = "the-right-verifier-0123456789-0123456789-0123456789";
    let code = authorize(&sandbox, "cjp:config", Some(verifier)).await;
    let (status, body) = exchange(
        &sandbox,
        &code,
        Some("the-wrong-verifier-0123456789-0123456789-01234"),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    let code = authorize(&sandbox, "cjp:config", Some(verifier)).await;
    let (status, body) = exchange(&sandbox, &code, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "verifier required"
    );
}

#[tokio::test]
async fn authorize_validates_client_redirect_and_scopes() {
    let sandbox = Sandbox::start().await.unwrap();
    let creds = sandbox.credentials();
    let url = format!("{}/authorize", sandbox.oauth_base());
    let base = |client: &str, redirect: &str, scope: &str| {
        vec![
            ("response_type", "code".to_owned()),
            ("client_id", client.to_owned()),
            ("redirect_uri", redirect.to_owned()),
            ("scope", scope.to_owned()),
            ("state", "s".to_owned()),
        ]
    };
    let client = creds.integration.client_id.as_str();
    let redirect = creds.integration.redirect_uri.as_str();

    let response = http()
        .get(&url)
        .query(&base("Cnope", redirect, "cjp:config"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let response = http()
        .get(&url)
        .query(&base(client, "https://evil.example.com/cb", "cjp:config"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    // Errors after the client is known go back to the redirect URI.
    let response = http()
        .get(&url)
        .query(&base(client, redirect, "cjp:everything"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let pairs = query_of(&location);
    assert_eq!(param(&pairs, "error").as_deref(), Some("invalid_scope"));
    assert_eq!(param(&pairs, "state").as_deref(), Some("s"));

    // The redirect URI is served, so a client that follows redirects lands on a page.
    let code = authorize(&sandbox, "cjp:config", None).await;
    let page = reqwest::get(format!("{redirect}?code={code}&state=x"))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
}

#[tokio::test]
async fn wrong_client_secret_is_invalid_client() {
    let sandbox = Sandbox::start().await.unwrap();
    let creds = sandbox.credentials();
    let response = http()
        .post(format!("{}/access_token", sandbox.oauth_base()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", creds.integration.client_id.as_str()),
            ("client_secret", "wrong"),
            ("refresh_token", "whatever"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert!(body["error_description"].is_string());
}

#[tokio::test]
async fn revoked_refresh_tokens_are_invalid_grant() {
    let sandbox = Sandbox::start().await.unwrap();
    let code = authorize(&sandbox, "cjp:config", None).await;
    let (_, tokens) = exchange(&sandbox, &code, None).await;
    sandbox.revoke_refresh_tokens();
    let (status, body) = refresh(&sandbox, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // A new authorization works again.
    let code = authorize(&sandbox, "cjp:config", None).await;
    let (_, tokens) = exchange(&sandbox, &code, None).await;
    let (status, _) = refresh(&sandbox, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn access_tokens_expire() {
    let sandbox = Sandbox::builder()
        // Long enough that a loaded machine's stall before the first call does not expire it.
        .token_lifetime(Duration::from_secs(3))
        .start()
        .await
        .unwrap();
    let token = admin_token(&sandbox).await;
    let url = format!(
        "{}/organization/{}/team",
        sandbox.wxcc_base(),
        sandbox.credentials().org_id
    );
    let (status, _) = call(reqwest::Method::GET, &url, &token, None).await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let (status, body) = call(reqwest::Method::GET, &url, &token, None).await;
    assert_eq!(status, 401, "{body}");

    sandbox.set_token_lifetime(Duration::from_secs(3600));
    let token = admin_token(&sandbox).await;
    let (status, _) = call(reqwest::Method::GET, &url, &token, None).await;
    assert_eq!(status, 200);
    sandbox.expire_access_tokens();
    let (status, body) = call(reqwest::Method::GET, &url, &token, None).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["key"], "401");
}

#[tokio::test]
async fn service_app_tokens_are_minted_then_refreshed() {
    let sandbox = Sandbox::start().await.unwrap();
    let creds = sandbox.credentials();
    let app = &creds.service_app;
    let url = format!(
        "{}/applications/{}/token",
        sandbox.oauth_base(),
        app.application_id
    );
    let body = json!({
        "clientId": app.client_id,
        "clientSecret": app.client_secret.expose_secret(),
        "targetOrgId": app.target_org_id,
    });

    // The minting bearer needs spark:applications_token.
    let weak = sandbox.mint_access_token(&["cjp:config"]);
    let response = http()
        .post(&url)
        .bearer_auth(&weak)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    let admin = admin_token(&sandbox).await;
    let response = http()
        .post(&url)
        .bearer_auth(&admin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let tokens: serde_json::Value = response.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");

    // The service app's token works on WxCC, and its refresh token with its own client.
    let teams = format!(
        "{}/organization/{}/v2/team",
        sandbox.wxcc_base(),
        creds.org_id
    );
    let (status, _) = call(
        reqwest::Method::GET,
        &teams,
        tokens["access_token"].as_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let response = http()
        .post(format!("{}/access_token", sandbox.oauth_base()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.expose_secret()),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // Wrong secret, wrong org.
    let mut wrong = body.clone();
    wrong["clientSecret"] = json!("nope");
    let response = http()
        .post(&url)
        .bearer_auth(&admin)
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let mut wrong = body.clone();
    wrong["targetOrgId"] = json!("another-org");
    let response = http()
        .post(&url)
        .bearer_auth(&admin)
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}
