//! Helpers shared by the sandbox's integration tests: plain reqwest and serde_json, as any
//! client would talk to the sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use base64::Engine as _;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wxcc_sandbox::Sandbox;

/// A client that does not follow redirects (the authorize step answers 302).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The query parameters of a URL.
pub fn query_of(url: &str) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(url).unwrap();
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

pub fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Runs the authorize step with these scopes (and PKCE when `verifier` is given) and returns
/// the code.
pub async fn authorize(sandbox: &Sandbox, scopes: &str, verifier: Option<&str>) -> String {
    let creds = sandbox.credentials();
    let mut query = vec![
        ("response_type", "code".to_owned()),
        ("client_id", creds.integration.client_id.clone()),
        ("redirect_uri", creds.integration.redirect_uri.clone()),
        ("scope", scopes.to_owned()),
        ("state", "state-123".to_owned()),
    ];
    if let Some(verifier) = verifier {
        query.push(("code_challenge", challenge(verifier)));
        query.push(("code_challenge_method", "S256".to_owned()));
    }
    let response = http()
        .get(format!("{}/authorize", sandbox.oauth_base()))
        .query(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&creds.integration.redirect_uri),
        "{location}"
    );
    let pairs = query_of(&location);
    assert_eq!(param(&pairs, "state").as_deref(), Some("state-123"));
    param(&pairs, "code").expect("a code")
}

/// Exchanges a code; returns the status and the JSON body.
pub async fn exchange(sandbox: &Sandbox, code: &str, verifier: Option<&str>) -> (u16, Value) {
    let creds = sandbox.credentials();
    let mut form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("client_id", creds.integration.client_id.clone()),
        (
            "client_secret",
            creds.integration.client_secret.expose_secret().to_owned(),
        ),
        ("code", code.to_owned()),
        ("redirect_uri", creds.integration.redirect_uri.clone()),
    ];
    if let Some(verifier) = verifier {
        form.push(("code_verifier", verifier.to_owned()));
    }
    let response = http()
        .post(format!("{}/access_token", sandbox.oauth_base()))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Refreshes with the integration's credentials.
pub async fn refresh(sandbox: &Sandbox, refresh_token: &str) -> (u16, Value) {
    let creds = sandbox.credentials();
    let response = http()
        .post(format!("{}/access_token", sandbox.oauth_base()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", creds.integration.client_id.as_str()),
            (
                "client_secret",
                creds.integration.client_secret.expose_secret(),
            ),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// A WxCC access token with every scope, through the real code flow.
pub async fn admin_token(sandbox: &Sandbox) -> String {
    let code = authorize(
        sandbox,
        "cjp:config cjp:config_read cjp:config_write cjp:user spark:applications_token",
        None,
    )
    .await;
    let (status, body) = exchange(sandbox, &code, None).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

/// Runs a search; returns status and body.
pub async fn search(sandbox: &Sandbox, token: &str, query: &str, variables: Value) -> (u16, Value) {
    let response = http()
        .post(format!("{}/search", sandbox.wxcc_base()))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Now in epoch milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub const DAY: i64 = 86_400_000;

/// An Engage token for the current tenant secret.
pub async fn engage_token(sandbox: &Sandbox) -> String {
    let creds = sandbox.credentials();
    let (status, body) = engage_token_with(
        sandbox,
        &creds.engage.tenant_id,
        creds.engage.tenant_secret.expose_secret(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

pub async fn engage_token_with(sandbox: &Sandbox, id: &str, secret: &str) -> (u16, Value) {
    let response = http()
        .post(sandbox.engage_token_url())
        .form(&[
            ("client_id", id),
            ("client_secret", secret),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Sends a request with a bearer and an optional JSON body; returns status and body
/// (`Value::Null` when empty).
pub async fn call(
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = http().request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    (status, value)
}
