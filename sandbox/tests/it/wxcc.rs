//! The WxCC REST endpoints besides Search: authentication rules, tasks, EWT, statistics,
//! captures, callbacks, webhooks and configuration.

use crate::common;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};
use wxcc_sandbox::Sandbox;

#[tokio::test]
async fn bad_tokens_get_400_401_403_with_tracking_ids() {
    let sandbox = Sandbox::start().await.unwrap();
    let url = format!("{}/v1/tasks", sandbox.wxcc_base());
    let body =
        json!({ "destination": "+14085550199", "entryPointId": "x", "mediaType": "telephony" });

    let response = http().post(&url).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 400, "no Authorization header");
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["key"], "400");
    assert!(error["trackingId"].as_str().is_some_and(|t| !t.is_empty()));

    let response = http()
        .post(&url)
        .header("Authorization", "Token abc")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400, "malformed Authorization header");

    let response = http()
        .post(&url)
        .bearer_auth("not-a-token")
        .header("TrackingId", "INTEGRATION-1234")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["trackingId"], "INTEGRATION-1234");
    assert_eq!(error["error"]["key"], "401");
    assert!(error["error"]["message"][0]["description"].is_string());

    // A read-only token cannot create tasks (cjp:user).
    let read_only = sandbox.mint_access_token(&["cjp:config_read"]);
    let (status, error) = call(Method::POST, &url, &read_only, Some(body.clone())).await;
    assert_eq!(status, 403);
    assert_eq!(error["error"]["key"], "403");

    // An Engage token is not a WxCC token.
    let engage = engage_token(&sandbox).await;
    let (status, _) = call(Method::POST, &url, &engage, Some(body)).await;
    assert_eq!(status, 401);

    // Webhook routes answer in the SubscriptionError shape.
    let (status, error) = call(
        Method::GET,
        &format!("{}/v1/subscriptions", sandbox.wxcc_base()),
        &sandbox.mint_access_token(&["cjp:user"]),
        None,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(error["error"]["key"], 403);
    assert!(error["trackingId"].as_str().unwrap().starts_with("NOTIFS_"));

    // Unknown paths are 404.
    let (status, _) = call(
        Method::GET,
        &format!("{}/v1/nothing", sandbox.wxcc_base()),
        &read_only,
        None,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn create_task_validates_and_the_task_is_searchable() {
    let sandbox = Sandbox::start().await.unwrap();
    let creds = sandbox.credentials();
    let token = admin_token(&sandbox).await;
    let url = format!("{}/v1/tasks", sandbox.wxcc_base());
    let (status, body) = call(
        Method::POST,
        &url,
        &token,
        Some(json!({
            "destination": "+14085550199",
            "entryPointId": creds.known.entry_point_id,
            "mediaType": "telephony",
            "outboundType": "OUTDIAL",
            "origin": "+18005550100",
            "attributes": { "reason": "follow-up" },
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["meta"]["orgId"], creds.org_id.as_str());
    let id = body["data"]["id"].as_str().unwrap().to_owned();

    for (bad, why) in [
        (
            json!({ "entryPointId": creds.known.entry_point_id, "mediaType": "telephony" }),
            "no destination",
        ),
        (
            json!({ "destination": "+1", "entryPointId": "nope", "mediaType": "telephony" }),
            "unknown entry point",
        ),
        (
            json!({ "destination": "+1", "entryPointId": creds.known.entry_point_id, "mediaType": "chat" }),
            "not telephony",
        ),
        (
            json!({ "destination": "+1", "entryPointId": creds.known.entry_point_id, "mediaType": "telephony", "outboundType": "OUTDIAL" }),
            "OUTDIAL without origin",
        ),
        (
            json!({ "destination": "0123456789012345678901234567890123456789", "entryPointId": creds.known.entry_point_id, "mediaType": "telephony" }),
            "destination too long",
        ),
    ] {
        let (status, _) = call(Method::POST, &url, &token, Some(bad)).await;
        assert_eq!(status, 400, "{why}");
    }

    let now = now_ms();
    let (status, body) = search(
        &sandbox,
        &token,
        "query($from: Long!, $to: Long!, $id: String!) { taskDetails(from: $from, to: $to, filter: { id: { equals: $id } }) { tasks { id status direction destination isActive } } }",
        json!({ "from": now - DAY, "to": now + 1_000, "id": id }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let tasks = body["data"]["taskDetails"]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{body}");
    assert_eq!(tasks[0]["destination"], "+14085550199");
    assert_eq!(tasks[0]["isActive"], true);

    let (status, list) = call(
        Method::GET,
        &format!(
            "{url}?from={}&channelTypes=telephony&pageSize=5",
            now - 3_600_000
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["data"].as_array().unwrap().len(), 5);
    assert!(list["data"][0]["attributes"]["status"].is_string());
}

#[tokio::test]
async fn estimated_wait_time_answers_204_without_samples() {
    let sandbox = Sandbox::start().await.unwrap();
    let known = sandbox.credentials().known;
    let token = sandbox.mint_access_token(&["cjp:user"]);
    let base = format!("{}/v1/ewt", sandbox.wxcc_base());

    let (status, body) = call(
        Method::GET,
        &format!("{base}?queueId=no-such-queue&lookbackMinutes=60"),
        &token,
        None,
    )
    .await;
    assert_eq!((status, body), (204, Value::Null));
    let (status, body) = call(
        Method::GET,
        &format!("{base}?queueId={}&lookbackMinutes=240", known.queue_id),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["estimatedWaitTime"].as_f64().unwrap() > 0.0);
    let (status, _) = call(
        Method::GET,
        &format!(
            "{base}?queueId={}&lookbackMinutes=240&minValidSamples=100",
            known.queue_id
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 204, "too few samples");
    let (status, _) = call(
        Method::GET,
        &format!("{base}?queueId={}&lookbackMinutes=3", known.queue_id),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn statistics_follow_the_window_rules() {
    let sandbox = Sandbox::start().await.unwrap();
    let known = sandbox.credentials().known;
    let token = sandbox.mint_access_token(&["cjp:config_read"]);
    let now = now_ms();
    let queues = format!("{}/v1/queues/statistics", sandbox.wxcc_base());
    let (status, body) = call(
        Method::GET,
        &format!("{queues}?from={}&to={now}&interval=60", now - 6 * 3_600_000),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let rows = body["data"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["intervalStartTime"].as_i64().unwrap() % 900_000 == 0)
    );
    let (status, body) = call(
        Method::GET,
        &format!(
            "{queues}?from={}&to={now}&queueIds={}",
            now - 6 * 3_600_000,
            known.queue_id
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["queueId"] == known.queue_id.as_str())
    );
    let (status, _) = call(
        Method::GET,
        &format!("{queues}?from={}&to={now}", now - 25 * 3_600_000),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 400, "24 hours or more");
    let (status, _) = call(
        Method::GET,
        &format!("{queues}?from={}&to={now}&interval=20", now - 3_600_000),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 400, "interval 20");

    let agents = format!("{}/v1/agents/statistics", sandbox.wxcc_base());
    let (status, body) = call(
        Method::GET,
        &format!(
            "{agents}?from={}&to={now}&interval=30",
            now - 12 * 3_600_000
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let row = &body["data"][0];
    assert!(row["agentId"].is_string());
    assert!(row["channels"][0]["channelType"].is_string());
}

#[tokio::test]
async fn captures_for_handled_calls() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = admin_token(&sandbox).await;
    let now = now_ms();
    let (_, body) = search(
        &sandbox,
        &token,
        "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to, filter: { and: [{ captureRequested: { equals: true } }, { isActive: { equals: false } }] }) { tasks { id } } }",
        json!({ "from": now - 3 * DAY, "to": now }),
    )
    .await;
    let recorded = body["data"]["taskDetails"]["tasks"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("{}/v1/captures/query", sandbox.wxcc_base());
    let (status, body) = call(
        Method::POST,
        &url,
        &token,
        Some(json!({ "query": { "taskIds": [recorded, "00000000-0000-4000-8000-000000000000"], "urlExpiration": 30 } })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["meta"]["urlExpiration"], 30);
    assert!(body["data"][0]["recording"][0]["attributes"]["filePath"].is_string());
    assert_eq!(body["data"][1]["recording"], json!([]));
    assert_eq!(body["data"][1]["transcription"], json!([]));
    let ids: Vec<String> = (0..11).map(|i| format!("id-{i}")).collect();
    let (status, _) = call(
        Method::POST,
        &url,
        &token,
        Some(json!({ "query": { "taskIds": ids } })),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn scheduled_callbacks_crud() {
    let sandbox = Sandbox::start().await.unwrap();
    let creds = sandbox.credentials();
    let token = sandbox.mint_access_token(&["cjp:user"]);
    let base = format!(
        "{}/v1/callbacks/organization/{}/scheduled-callback",
        sandbox.wxcc_base(),
        creds.org_id
    );
    let tomorrow = chrono_date(now_ms() + DAY);
    let request = json!({
        "customerName": "Alex Smith",
        "callbackNumber": "+14085550123",
        "timezone": "UTC",
        "scheduleDate": tomorrow,
        "startTime": "10:00",
        "endTime": "12:00",
        "queueId": creds.known.queue_id,
    });
    let (status, created) = call(Method::POST, &base, &token, Some(request.clone())).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["orgId"], creds.org_id.as_str());

    let mut too_long = request.clone();
    too_long["endTime"] = json!("19:00");
    let (status, _) = call(Method::POST, &base, &token, Some(too_long)).await;
    assert_eq!(status, 400, "more than 8 hours");
    let mut far = request.clone();
    far["scheduleDate"] = json!(chrono_date(now_ms() + 40 * DAY));
    let (status, _) = call(Method::POST, &base, &token, Some(far)).await;
    assert_eq!(status, 400, "more than 31 days ahead");

    let (status, list) = call(
        Method::GET,
        &format!("{base}?callbackNumber=%2B14085550123"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["meta"]["totalRecords"], 1);
    let mut update = request.clone();
    update["id"] = json!(id);
    update["customerName"] = json!("Alex B. Smith");
    let (status, updated) = call(Method::PUT, &format!("{base}/{id}"), &token, Some(update)).await;
    assert_eq!(status, 200, "{updated}");
    let (_, fetched) = call(Method::GET, &format!("{base}/{id}"), &token, None).await;
    assert_eq!(fetched["customerName"], "Alex B. Smith");
    let (status, _) = call(Method::DELETE, &format!("{base}/{id}"), &token, None).await;
    assert_eq!(status, 204);
    let (status, _) = call(Method::GET, &format!("{base}/{id}"), &token, None).await;
    assert_eq!(status, 404);
}

fn chrono_date(ms: i64) -> String {
    // Days since the epoch to a civil date (UTC), without a date library in the tests.
    let days = ms.div_euclid(DAY);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[tokio::test]
async fn webhook_subscriptions_v1_and_v2() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.wxcc_base();
    let writer = sandbox.mint_access_token(&["cjp:config_read", "cjp:config_write"]);
    let reader = sandbox.mint_access_token(&["cjp:config_read"]);
    let request = json!({
        "name": "task events",
        "eventTypes": ["task:new", "task:ended"],
        "destinationUrl": "https://hooks.example.com/wxcc",
        "secret": "s3cret",
    });
    let (status, created) = call(
        Method::POST,
        &format!("{base}/v1/subscriptions"),
        &writer,
        Some(request.clone()),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["data"]["status"], "active");
    assert!(
        created["data"].get("secret").is_none(),
        "secrets are never returned"
    );
    let id = created["data"]["id"].as_str().unwrap().to_owned();

    let (status, _) = call(
        Method::POST,
        &format!("{base}/v1/subscriptions"),
        &reader,
        Some(request.clone()),
    )
    .await;
    assert_eq!(status, 403, "writing needs cjp:config_write");

    let mut bad = request.clone();
    bad["destinationUrl"] = json!("http://hooks.example.com/wxcc");
    let (status, error) = call(
        Method::POST,
        &format!("{base}/v1/subscriptions"),
        &writer,
        Some(bad),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(error["error"]["key"], 400);
    let mut bad = request.clone();
    bad["eventTypes"] = json!(["task:exploded"]);
    let (status, _) = call(
        Method::POST,
        &format!("{base}/v1/subscriptions"),
        &writer,
        Some(bad),
    )
    .await;
    assert_eq!(status, 400);

    // v2 needs a resource version and sees only its own subscriptions.
    let (status, _) = call(
        Method::POST,
        &format!("{base}/v2/subscriptions"),
        &writer,
        Some(request.clone()),
    )
    .await;
    assert_eq!(status, 400);
    let mut v2 = request.clone();
    v2["resourceVersion"] = json!("task:1.0.0");
    let (status, created2) = call(
        Method::POST,
        &format!("{base}/v2/subscriptions"),
        &writer,
        Some(v2),
    )
    .await;
    assert_eq!(status, 201, "{created2}");
    let (_, list1) = call(
        Method::GET,
        &format!("{base}/v1/subscriptions"),
        &reader,
        None,
    )
    .await;
    let (_, list2) = call(
        Method::GET,
        &format!("{base}/v2/subscriptions"),
        &reader,
        None,
    )
    .await;
    assert_eq!(list1["data"].as_array().unwrap().len(), 1);
    assert_eq!(list2["data"].as_array().unwrap().len(), 1);
    assert_eq!(list2["data"][0]["resourceVersion"], "task:1.0.0");
    let (status, _) = call(
        Method::GET,
        &format!("{base}/v2/subscriptions/{id}"),
        &reader,
        None,
    )
    .await;
    assert_eq!(status, 404);

    let (status, patched) = call(
        Method::PATCH,
        &format!("{base}/v1/subscriptions/{id}"),
        &writer,
        Some(json!({ "status": "inactive" })),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["data"]["status"], "inactive");
    let (status, _) = call(
        Method::DELETE,
        &format!("{base}/v1/subscriptions/{id}"),
        &writer,
        None,
    )
    .await;
    assert_eq!(status, 204);

    let (status, types) = call(
        Method::GET,
        &format!("{base}/v2/event-types"),
        &reader,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        types["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "agent:login")
    );
    assert!(
        types["meta"]["resourceVersionList"]
            .as_array()
            .is_some_and(|l| !l.is_empty())
    );
}

#[tokio::test]
async fn configuration_lists() {
    let sandbox = Sandbox::start().await.unwrap();
    let creds = sandbox.credentials();
    let token = sandbox.mint_access_token(&["cjp:config_read"]);
    let org = format!("{}/organization/{}", sandbox.wxcc_base(), creds.org_id);
    for (resource, count) in [
        ("team", 6),
        ("user", 30),
        ("contact-service-queue", 8),
        ("entry-point", 5),
        ("site", 2),
        ("skill", 5),
        ("auxiliary-code", 9),
    ] {
        let (status, list) = call(Method::GET, &format!("{org}/{resource}"), &token, None).await;
        assert_eq!(status, 200, "{resource}: {list}");
        assert_eq!(list.as_array().unwrap().len(), count, "{resource}");
        let (status, page) = call(
            Method::GET,
            &format!("{org}/v2/{resource}?pageSize=1&page=1"),
            &token,
            None,
        )
        .await;
        assert_eq!(status, 200, "{resource}: {page}");
        assert_eq!(page["meta"]["totalRecords"], count);
        assert_eq!(page["meta"]["page"], 1);
        assert_eq!(page["data"].as_array().unwrap().len(), 1);
        assert_eq!(page["meta"]["totalPages"], count);
        let id = page["data"][0]["id"].as_str().unwrap();
        let (status, one) =
            call(Method::GET, &format!("{org}/{resource}/{id}"), &token, None).await;
        assert_eq!(status, 200);
        assert_eq!(one["id"], id);
    }
    let filter = format!("{org}/team?filter=id%3D%3D{}", creds.known.team_id);
    let (_, teams) = call(Method::GET, &filter, &token, None).await;
    assert_eq!(teams.as_array().unwrap().len(), 1);
    assert_eq!(teams[0]["name"], creds.known.team_name.as_str());
    let (_, users) = call(
        Method::GET,
        &format!("{org}/v2/user?search=a&attributes=email"),
        &token,
        None,
    )
    .await;
    assert!(
        users["data"][0].get("firstName").is_none(),
        "attributes project the fields"
    );
    let (status, _) = call(
        Method::GET,
        &format!("{}/organization/another-org/team", sandbox.wxcc_base()),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        Method::GET,
        &format!("{org}/team/no-such-team"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 404);
    let agent_only = sandbox.mint_access_token(&["cjp:user"]);
    let (status, _) = call(Method::GET, &format!("{org}/team"), &agent_only, None).await;
    assert_eq!(status, 403);
}
