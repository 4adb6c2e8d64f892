//! Engage: client-credentials tokens, the conversation state machine, transcripts and secret
//! rotation.

use crate::common;

use common::*;
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use wxcc_sandbox::Sandbox;

async fn status_of(sandbox: &Sandbox, token: &str, id: &str) -> Value {
    let (status, body) = call(
        Method::GET,
        &format!("{}/conversations/{id}", sandbox.engage_base()),
        token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["status"].clone()
}

#[tokio::test]
async fn tokens_need_the_tenant_credentials() {
    let sandbox = Sandbox::start().await.unwrap();
    let creds = sandbox.credentials();
    let (status, body) = engage_token_with(
        &sandbox,
        &creds.engage.tenant_id,
        creds.engage.tenant_secret.expose_secret(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(
        body["scope"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "conversations:read")
    );
    let (status, body) = engage_token_with(&sandbox, &creds.engage.tenant_id, "wrong").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");

    // Conversation routes need a bearer (and not a Webex one).
    let url = format!(
        "{}/conversations?channel=sms&customerAddress=1&bizAddress=2",
        sandbox.engage_base()
    );
    let response = http().get(&url).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let error: Value = response.json().await.unwrap();
    assert!(
        error["code"].is_number()
            && error["description"].is_string()
            && error["transId"].is_string()
    );
    let (status, _) = call(
        Method::GET,
        &url,
        &sandbox.mint_access_token(&["cjp:config"]),
        None,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_conversation_moves_through_its_states() {
    let sandbox = Sandbox::start().await.unwrap();
    let known = sandbox.credentials().known;
    let token = engage_token(&sandbox).await;
    let base = sandbox.engage_base();
    let search_url = format!(
        "{base}/conversations?channel=whatsapp&customerAddress=%2B14085550123&bizAddress=%2B18005550100"
    );

    let (status, found) = call(Method::GET, &search_url, &token, None).await;
    assert_eq!((status, found), (200, json!([])), "noConversationFound");

    let create = json!({
        "aliasId": "order-42",
        "channel": "whatsapp",
        "customer": { "address": "+14085550123", "name": "Alex" },
        "bizAddress": "+18005550100",
        "messages": [{ "direction": "inbound", "type": "text", "text": "Where is my order?" }],
        "customFields": [{ "scope": "Conversation", "key": "orderId", "value": "42" }],
    });
    let (status, created) = call(
        Method::POST,
        &format!("{base}/conversations"),
        &token,
        Some(create.clone()),
    )
    .await;
    assert_eq!(status, 202, "{created}");
    assert!(created["transId"].is_string());
    let id = created["conversationId"].as_str().unwrap().to_owned();
    let (status, _) = call(
        Method::POST,
        &format!("{base}/conversations"),
        &token,
        Some(create),
    )
    .await;
    assert_eq!(
        status, 409,
        "one open conversation per customer and business address"
    );

    let (_, found) = call(Method::GET, &search_url, &token, None).await;
    assert_eq!(found[0]["id"], id.as_str());
    assert_eq!(found[0]["status"], "queued");
    assert!(found[0].get("userId").is_none(), "no assignee while queued");

    let one = format!("{base}/conversations/{id}");
    let (status, _) = call(
        Method::POST,
        &format!("{one}/participants"),
        &token,
        Some(json!({ "participantId": "not-an-agent" })),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        Method::POST,
        &format!("{one}/participants"),
        &token,
        Some(json!({ "participantId": known.last_agent_id })),
    )
    .await;
    assert_eq!(status, 202);
    assert_eq!(status_of(&sandbox, &token, &id).await, "active");
    let (_, found) = call(Method::GET, &search_url, &token, None).await;
    assert_eq!(found[0]["userId"], known.last_agent_id.as_str());

    let (status, _) = call(Method::POST, &format!("{one}/hold"), &token, None).await;
    assert_eq!(status, 202);
    assert_eq!(status_of(&sandbox, &token, &id).await, "onhold");
    let (status, _) = call(Method::POST, &format!("{one}/hold"), &token, None).await;
    assert_eq!(status, 409, "already on hold");

    let (status, _) = call(Method::POST, &format!("{one}/messages"), &token, Some(json!({ "messages": [
        { "aliasId": "m2", "direction": "outbound", "type": "text", "text": "On its way.", "attemptGwDelivery": true },
        { "direction": "announcement", "type": "text", "text": "**Agent** joined" },
    ] }))).await;
    assert_eq!(status, 202);
    let (status, _) = call(
        Method::POST,
        &format!("{one}/messages"),
        &token,
        Some(json!({ "messages": [
        { "aliasId": "m2", "direction": "outbound", "type": "text", "text": "again" },
    ] })),
    )
    .await;
    assert_eq!(status, 409, "aliasId already used");
    let (status, _) = call(
        Method::POST,
        &format!("{one}/messages"),
        &token,
        Some(json!({ "messages": [
        { "direction": "sideways", "type": "text", "text": "?" },
    ] })),
    )
    .await;
    assert_eq!(status, 400);

    let (status, _) = call(Method::PATCH, &one, &token, Some(json!({ "aliasId": "order-42b", "customFields": [{ "scope": "Profile", "key": "tier", "value": "gold" }] }))).await;
    assert_eq!(status, 202);
    let (_, full) = call(Method::GET, &one, &token, None).await;
    assert_eq!(full["aliasId"], "order-42b");
    assert_eq!(full["customFields"].as_array().unwrap().len(), 2);

    let teams = sandbox.credentials().known.team_id;
    let other_team = {
        let config = format!(
            "{}/organization/{}/team",
            sandbox.wxcc_base(),
            sandbox.credentials().org_id
        );
        let (_, list) = call(
            Method::GET,
            &config,
            &sandbox.mint_access_token(&["cjp:config_read"]),
            None,
        )
        .await;
        list.as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .find(|t| *t != teams)
            .unwrap()
    };
    let (status, _) = call(
        Method::POST,
        &format!("{one}/transfer"),
        &token,
        Some(json!({ "queueType": "team", "queueId": other_team })),
    )
    .await;
    assert_eq!(status, 202);
    let (_, full) = call(Method::GET, &one, &token, None).await;
    assert_eq!(
        (full["status"].as_str(), full["teamId"].as_str()),
        (Some("queued"), Some(other_team.as_str()))
    );
    let (status, _) = call(
        Method::POST,
        &format!("{one}/transfer"),
        &token,
        Some(json!({ "queueType": "team", "queueId": other_team })),
    )
    .await;
    assert_eq!(status, 409, "already in that queue");

    let (status, _) = call(
        Method::POST,
        &format!("{one}/participants"),
        &token,
        Some(json!({ "participantId": known.last_agent_id })),
    )
    .await;
    assert_eq!(status, 202);
    let (status, _) = call(
        Method::DELETE,
        &format!("{one}/participants/{}", known.last_agent_id),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 202);
    assert_eq!(status_of(&sandbox, &token, &id).await, "queued");

    let (status, _) = call(Method::POST, &format!("{one}/close"), &token, None).await;
    assert_eq!(status, 202);
    assert_eq!(status_of(&sandbox, &token, &id).await, "closed");
    let (status, _) = call(Method::POST, &format!("{one}/close"), &token, None).await;
    assert_eq!(status, 409);
    let (status, _) = call(
        Method::POST,
        &format!("{one}/messages"),
        &token,
        Some(json!({ "messages": [{ "direction": "inbound", "type": "text", "text": "hello?" }] })),
    )
    .await;
    assert_eq!(status, 409, "closed conversations take no messages");
    let (status, _) = call(Method::POST, &format!("{one}/reopen"), &token, None).await;
    assert_eq!(status, 202);
    assert_eq!(status_of(&sandbox, &token, &id).await, "queued");

    let (status, transcript) = call(
        Method::GET,
        &format!("{one}/messages?limit=50"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(transcript["totalCount"], 3);
    assert_eq!(transcript["messages"][1]["aliasId"], "m2");
    assert!(transcript["messages"][0]["timestamp"].is_string());

    let (status, _) = call(
        Method::GET,
        &format!("{base}/conversations/nope"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn live_chat_is_never_reopened() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = engage_token(&sandbox).await;
    let base = sandbox.engage_base();
    let (_, created) = call(
        Method::POST,
        &format!("{base}/conversations"),
        &token,
        Some(json!({
            "channel": "livechat", "customer": { "address": "visitor-1" }, "bizAddress": "app-1",
            "context": { "threadId": "t-1" },
        })),
    )
    .await;
    let id = created["conversationId"].as_str().unwrap();
    let (status, _) = call(
        Method::POST,
        &format!("{base}/conversations/{id}/close"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 202);
    let (status, _) = call(
        Method::POST,
        &format!("{base}/conversations/{id}/reopen"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 409);
    let (_, found) = call(Method::GET, &format!("{base}/conversations?channel=livechat&customerAddress=visitor-1&bizAddress=app-1&threadId=t-1"), &token, None).await;
    assert_eq!(found[0]["status"], "closed");
    let (_, found) = call(Method::GET, &format!("{base}/conversations?channel=livechat&customerAddress=visitor-1&bizAddress=app-1&threadId=t-2"), &token, None).await;
    assert_eq!(found, json!([]));
}

#[tokio::test]
async fn transcripts_page_up_to_500_messages() {
    let sandbox = Sandbox::start().await.unwrap();
    let seeded = sandbox.seed_conversation(1_234);
    let token = engage_token(&sandbox).await;
    let url = format!(
        "{}/conversations/{}/messages",
        sandbox.engage_base(),
        seeded.id
    );
    let mut offset = 0;
    let mut pages = Vec::new();
    loop {
        let (status, page) = call(
            Method::GET,
            &format!("{url}?offset={offset}&limit=500"),
            &token,
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(page["totalCount"], 1_234);
        let n = page["messages"].as_array().unwrap().len();
        if n == 0 {
            break;
        }
        pages.push(n);
        offset += n;
    }
    assert_eq!(pages, [500, 500, 234]);
    let (_, first) = call(Method::GET, &url, &token, None).await;
    assert_eq!(
        first["messages"].as_array().unwrap().len(),
        10,
        "default limit"
    );
    assert_eq!(first["messages"][0]["text"], "Message 1 of 1234");
    let (status, _) = call(Method::GET, &format!("{url}?limit=501"), &token, None).await;
    assert_eq!(status, 400);
    let (status, _) = call(Method::GET, &format!("{url}?offset=-1"), &token, None).await;
    assert_eq!(status, 400);

    let search = format!(
        "{}/conversations?channel=api&customerAddress={}&bizAddress={}",
        sandbox.engage_base(),
        seeded.customer_address,
        seeded.biz_address
    );
    let (_, found) = call(Method::GET, &search, &token, None).await;
    assert_eq!(found[0]["id"], seeded.id.as_str());
}

#[tokio::test]
async fn rotating_the_secret_revokes_old_tokens_and_the_old_secret() {
    let sandbox = Sandbox::start().await.unwrap();
    let old = sandbox.credentials().engage;
    let token = engage_token(&sandbox).await;
    let url = format!(
        "{}/conversations?channel=sms&customerAddress=1&bizAddress=2",
        sandbox.engage_base()
    );
    let (status, _) = call(Method::GET, &url, &token, None).await;
    assert_eq!(status, 200);

    let new_secret = sandbox.rotate_engage_secret();
    assert_ne!(new_secret, old.tenant_secret.expose_secret());
    assert_eq!(
        sandbox.credentials().engage.tenant_secret.expose_secret(),
        new_secret
    );
    let (status, _) = call(Method::GET, &url, &token, None).await;
    assert_eq!(status, 401, "tokens of the old secret stop working");
    let (status, body) =
        engage_token_with(&sandbox, &old.tenant_id, old.tenant_secret.expose_secret()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, body) = engage_token_with(&sandbox, &old.tenant_id, &new_secret).await;
    assert_eq!(status, 200);
    let (status, _) = call(
        Method::GET,
        &url,
        body["access_token"].as_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(status, 200);
}
