//! The notification service's HTTP side: what subscribe and the state change accept, the
//! `webSocketUrl` it answers, and the socket's place in the served routes (the websocket itself
//! is exercised end to end by wxcc-sdk's notification tests).

use reqwest::Method;
use serde_json::{Value, json};
use wxcc_sandbox::{Sandbox, Service, served_routes};

use crate::common::*;

async fn call(sandbox: &Sandbox, method: Method, path: &str, body: Value) -> (u16, Value) {
    let token = sandbox.mint_access_token(&["cjp:user"]);
    let response = http()
        .request(method, format!("{}{path}", sandbox.wxcc_base()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn subscribe_answers_a_loopback_socket_and_checks_its_options() {
    let sandbox = Sandbox::start().await.unwrap();
    let (status, body) = call(
        &sandbox,
        Method::POST,
        "/v1/notification/subscribe",
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let url = body["webSocketUrl"].as_str().unwrap();
    let id = body["subscriptionId"].as_str().unwrap();
    let host = sandbox.base_url().replacen("http", "ws", 1);
    assert_eq!(url, format!("{host}/notifs/v1/{id}"));

    let too_long = json!({"clientType": "a-client-type-of-more-than-20"});
    let (status, body) = call(
        &sandbox,
        Method::POST,
        "/v1/notification/subscribe",
        too_long,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"].to_string().contains("clientType"),
        "{body}"
    );
    let multi = json!({"allowMultiLogin": true});
    let (status, _) = call(&sandbox, Method::POST, "/v1/notification/subscribe", multi).await;
    assert_eq!(status, 400, "multi-login needs a client type");
}

#[tokio::test]
async fn a_state_change_is_accepted_and_checked() {
    let sandbox = Sandbox::start().await.unwrap();
    let path = "/v1/agents/session/state";
    let ok = json!({"state": "Available", "auxCodeId": "0"});
    assert_eq!(call(&sandbox, Method::PUT, path, ok).await.0, 202);
    for bad in [
        json!({"auxCodeId": "0"}),
        json!({"state": "Busy", "auxCodeId": "0"}),
        json!({"state": "Idle"}),
        json!({"state": "Idle", "auxCodeId": "x".repeat(37)}),
    ] {
        assert_eq!(
            call(&sandbox, Method::PUT, path, bad.clone()).await.0,
            400,
            "{bad}"
        );
    }
}

#[test]
fn the_socket_is_a_served_route_of_its_own() {
    let socket: Vec<_> = served_routes()
        .into_iter()
        .filter(|r| r.service == Service::NotificationSocket)
        .collect();
    assert_eq!(socket.len(), 1);
    assert_eq!(socket[0].path, "/notifs/v1/{subscriptionId}");
    assert!(socket[0].scopes.is_empty(), "the URL is the credential");
}
