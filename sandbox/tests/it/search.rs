//! `POST /search`: the GraphQL schema, its rules, paging and aggregations.

use crate::common;

use std::collections::HashSet;

use common::*;
use serde_json::{Value, json};
use wxcc_sandbox::Sandbox;

const LAST_AGENT: &str = r#"
query LastAgent($from: Long!, $to: Long!, $ani: String!) {
  taskDetails(from: $from, to: $to, filter: { and: [
      { channelType: { equals: telephony } }
      { direction: { equals: "inbound" } }
      { origin: { equals: $ani } }
      { isActive: { equals: false } } ] }) {
    tasks { id createdTime(sort: desc) origin lastAgent { id name }
            lastQueue { id name } lastTeam { id name } lastEntryPoint { id name } }
    pageInfo { hasNextPage endCursor }
  }
}"#;

#[tokio::test]
async fn the_repeat_caller_query_finds_the_known_last_agent() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = admin_token(&sandbox).await;
    let known = sandbox.credentials().known;
    let now = now_ms();
    let (status, body) = search(
        &sandbox,
        &token,
        LAST_AGENT,
        json!({ "from": now - 200 * DAY, "to": now, "ani": known.repeat_caller_ani }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    let tasks = body["data"]["taskDetails"]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), known.repeat_caller_calls);
    let first = &tasks[0];
    assert_eq!(first["lastAgent"]["id"], known.last_agent_id.as_str());
    assert_eq!(first["lastAgent"]["name"], known.last_agent_name.as_str());
    assert_eq!(first["origin"], "+14085550123", "ANIs are E.164 with +");
    let times: Vec<i64> = tasks
        .iter()
        .map(|t| t["createdTime"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let agents: HashSet<&str> = tasks
        .iter()
        .filter_map(|t| t["lastAgent"]["id"].as_str())
        .collect();
    assert!(agents.len() > 5, "the caller spoke to many agents");
    assert_eq!(
        body["data"]["taskDetails"]["pageInfo"]["hasNextPage"],
        false
    );
}

const PAGE: &str = r#"
query Page($from: Long!, $to: Long!, $cursor: String) {
  taskDetails(from: $from, to: $to, pagination: { cursor: $cursor }) {
    tasks { id createdTime }
    pageInfo { hasNextPage endCursor }
  }
}"#;

#[tokio::test]
async fn raw_results_page_250_at_a_time() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = admin_token(&sandbox).await;
    let now = now_ms();
    let mut cursor = Value::Null;
    let mut seen = HashSet::new();
    let mut last_time = i64::MAX;
    for page in 0..4 {
        let (status, body) = search(
            &sandbox,
            &token,
            PAGE,
            json!({ "from": now - 2 * DAY, "to": now, "cursor": cursor }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let result = &body["data"]["taskDetails"];
        let tasks = result["tasks"].as_array().unwrap();
        assert_eq!(tasks.len(), 250, "page {page}");
        for task in tasks {
            assert!(
                seen.insert(task["id"].as_str().unwrap().to_owned()),
                "no repeats"
            );
            let t = task["createdTime"].as_i64().unwrap();
            assert!(t <= last_time, "ordered across pages");
            last_time = t;
        }
        assert_eq!(result["pageInfo"]["hasNextPage"], true);
        cursor = result["pageInfo"]["endCursor"].clone();
        assert!(cursor.is_string());
    }
    // "NA" is the first page again.
    let (_, first) = search(
        &sandbox,
        &token,
        PAGE,
        json!({ "from": now - 2 * DAY, "to": now, "cursor": "NA" }),
    )
    .await;
    let (_, again) = search(
        &sandbox,
        &token,
        PAGE,
        json!({ "from": now - 2 * DAY, "to": now }),
    )
    .await;
    assert_eq!(first["data"], again["data"]);
    // A made-up cursor is refused.
    let (status, body) = search(
        &sandbox,
        &token,
        PAGE,
        json!({ "from": now - 2 * DAY, "to": now, "cursor": "garbage" }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

fn graphql_errors(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|x| x["message"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn undocumented_fields_filters_and_operators_are_rejected() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = admin_token(&sandbox).await;
    let now = now_ms();
    let vars = json!({ "from": now - DAY, "to": now });
    let cases = [
        // A field the Task type does not have.
        "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to) { tasks { id agentMood } } }",
        // A filter field the API does not document.
        "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to, filter: { agentMood: { equals: \"happy\" } }) { tasks { id } } }",
        // An operator strings do not have.
        "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to, filter: { origin: { startsWith: \"+1\" } }) { tasks { id } } }",
        // createdTime is selected by the window, not filterable.
        "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to, filter: { createdTime: { gt: 0 } }) { tasks { id } } }",
        // A numeric operator on a string field.
        "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to, filter: { origin: { gt: 3 } }) { tasks { id } } }",
        // channelType takes the enum, not an unknown value.
        "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to, filter: { channelType: { equals: fax } }) { tasks { id } } }",
        // extFilter does not exist on task legs.
        "query($from: Long!, $to: Long!) { taskLegDetails(from: $from, to: $to, extFilter: {}) { taskLegs { id } } }",
        // Cisco's dictionary: conferenceDuration aggregates and groups, never filters.
        "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to, filter: { conferenceDuration: { gt: 0 } }) { tasks { id } } }",
        // No agent session field is sortable.
        "query($from: Long!, $to: Long!) { agentSession(from: $from, to: $to) { agentSessions { startTime(sort: asc) } } }",
        // On agent sessions the channel type is a string, not the task's enum.
        "query($from: Long!, $to: Long!) { agentSession(from: $from, to: $to, filter: { channelInfo: { channelType: { equals: chat } } }) { agentSessions { agentId } } }",
        // Task legs have an owner, not an agent.
        "query($from: Long!, $to: Long!) { taskLegDetails(from: $from, to: $to) { taskLegs { agent { id } } } }",
        // `from` is a Long!, not a string.
        "query { taskDetails(from: \"yesterday\", to: 1) { tasks { id } } }",
    ];
    for query in cases {
        let (status, body) = search(&sandbox, &token, query, vars.clone()).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert!(body["data"].is_null(), "{query}: {body}");
        assert!(!graphql_errors(&body).is_empty(), "{query}: {body}");
    }
}

#[tokio::test]
async fn windows_are_checked_like_the_service() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = admin_token(&sandbox).await;
    let query =
        "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to) { tasks { id } } }";
    let now = now_ms();
    for (from, to, why) in [
        (now - 400 * DAY, now, "longer than 13 months"),
        (now - 1_200 * DAY, now - 1_190 * DAY, "older than 36 months"),
        (now, now - DAY, "backwards"),
    ] {
        let response = http()
            .post(format!("{}/search", sandbox.wxcc_base()))
            .bearer_auth(&token)
            .header("TrackingId", "test-window-1")
            .json(&json!({ "query": query, "variables": { "from": from, "to": to } }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{why}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["trackingId"], "test-window-1", "{why}: {body}");
        assert_eq!(body["error"]["key"], "400");
        assert!(body["error"]["message"][0]["description"].is_string());
    }
    // A future `to` is fine (it becomes now).
    let (status, _) = search(
        &sandbox,
        &token,
        query,
        json!({ "from": now - DAY, "to": now + 10 * DAY }),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn aggregations_group_by_the_selected_fields() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = admin_token(&sandbox).await;
    let now = now_ms();
    let query = r#"
    query($from: Long!, $to: Long!, $f: String!, $n: String!) {
      taskDetails(from: $from, to: $to,
        filter: { channelType: { equals: telephony } },
        aggregations: [
          { field: "id", type: count, name: "calls" }
          { field: $f, type: average, name: $n }
          { field: "lastAgent.id", type: cardinality, name: "agents" }
          { field: "id", type: count, name: "handled", filter: { isContactHandled: { equals: true } } }
        ]) {
        tasks { lastQueue { name } aggregation { name value } }
        pageInfo { hasNextPage endCursor }
      }
    }"#;
    let (status, body) = search(
        &sandbox,
        &token,
        query,
        json!({ "from": now - 30 * DAY, "to": now, "f": "queueDuration", "n": "avgQueue" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let groups = body["data"]["taskDetails"]["tasks"].as_array().unwrap();
    // Four telephony queues, plus the group of calls that never queued.
    assert_eq!(groups.len(), 5, "{body}");
    for group in groups {
        let values = group["aggregation"].as_array().unwrap();
        let names: Vec<&str> = values.iter().map(|v| v["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["calls", "avgQueue", "agents", "handled"]);
        let calls = values[0]["value"].as_f64().unwrap();
        let handled = values[3]["value"].as_f64().unwrap();
        assert!(calls > 0.0 && handled <= calls);
    }

    // Intervals: daily buckets over a week, in a time zone.
    let query = r#"
    query($from: Long!, $to: Long!) {
      taskDetails(from: $from, to: $to,
        aggregations: [{ field: "id", type: count, name: "n" }],
        aggregationInterval: { interval: DAILY, timezone: "America/New_York" }) {
        tasks { intervalStartTime aggregation { name value } }
      }
    }"#;
    let (status, body) = search(
        &sandbox,
        &token,
        query,
        json!({ "from": now - 7 * DAY, "to": now }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let result = &body["data"]["taskDetails"];
    let buckets = result["tasks"].as_array().unwrap();
    assert!((7..=8).contains(&buckets.len()), "{}", buckets.len());
    // The legacy task root reports the interval it ran with (Cisco's WebexCC-SA/tools labs
    // select `intervalInfo` there).
    let legacy = query.replace("taskDetails(", "task(").replace(
        "tasks { intervalStartTime",
        "intervalInfo { interval timezone } tasks { intervalStartTime",
    );
    let (status, body) = search(
        &sandbox,
        &token,
        &legacy,
        json!({ "from": now - 7 * DAY, "to": now }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["task"]["intervalInfo"]["interval"], "DAILY",
        "{body}"
    );
    assert_eq!(
        body["data"]["task"]["intervalInfo"]["timezone"], "America/New_York",
        "{body}"
    );

    // FIFTEEN_MINUTES is not allowed over a week; average needs a number.
    let bad = query.replace("DAILY", "FIFTEEN_MINUTES");
    let (status, _) = search(
        &sandbox,
        &token,
        &bad,
        json!({ "from": now - 7 * DAY, "to": now }),
    )
    .await;
    assert_eq!(status, 400);
    let bad = query.replace(
        r#"field: "id", type: count"#,
        r#"field: "origin", type: sum"#,
    );
    let (status, _) = search(
        &sandbox,
        &token,
        &bad,
        json!({ "from": now - 7 * DAY, "to": now }),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn global_variables_ext_filters_sessions_and_legs() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = admin_token(&sandbox).await;
    let now = now_ms();
    let query = r#"
    query($from: Long!, $to: Long!, $name: String!, $value: String!) {
      taskDetails(from: $from, to: $to,
        filter: { stringGlobalVariables: { name: { equals: $name }, value: { equals: $value } } },
        extFilter: { activities: { nodes: { eventName: { equals: "parked" } } } }) {
        tasks { id lang: stringGlobalVariables(name: "Global_Language") { name value }
                activities(first: 3) { totalCount nodes { eventName createdTime } pageInfo { hasNextPage } } }
      }
    }"#;
    let (status, body) = search(
        &sandbox,
        &token,
        query,
        json!({ "from": now - 3 * DAY, "to": now, "name": "Global_Language", "value": "fr-CA" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let tasks = body["data"]["taskDetails"]["tasks"].as_array().unwrap();
    assert!(!tasks.is_empty());
    for task in tasks {
        assert_eq!(task["lang"]["value"], "fr-CA");
        let nodes = task["activities"]["nodes"].as_array().unwrap();
        assert!(nodes.len() <= 3);
        // As Cisco's published responses show: only the activities the extFilter matches.
        assert!(nodes.iter().all(|n| n["eventName"] == "parked"), "{body}");
        assert!(task["activities"]["totalCount"].as_i64().unwrap() >= 1);
    }
    // Raw activity queries are limited to 30 days.
    let (status, _) = search(
        &sandbox,
        &token,
        query,
        json!({ "from": now - 40 * DAY, "to": now, "name": "Global_Language", "value": "fr-CA" }),
    )
    .await;
    assert_eq!(status, 400);

    let sessions = r#"
    query($from: Long!, $to: Long!) {
      agentSession(from: $from, to: $to, filter: { channelInfo: { channelType: { equals: "chat" } } }) {
        agentSessions { agentSessionId agentId agentName teamName startTime endTime
                        channelInfo { channelType connectedDuration } }
        pageInfo { hasNextPage endCursor }
      }
    }"#;
    let (status, body) = search(
        &sandbox,
        &token,
        sessions,
        json!({ "from": now - 30 * DAY, "to": now }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let list = body["data"]["agentSession"]["agentSessions"]
        .as_array()
        .unwrap();
    assert_eq!(list.len(), 250);
    // Sessions page in id order, the last id being the cursor (as Cisco's published pages do).
    let ids: Vec<&str> = list
        .iter()
        .map(|s| s["agentSessionId"].as_str().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ordered by id");
    assert_eq!(
        body["data"]["agentSession"]["pageInfo"]["endCursor"],
        ids[249]
    );

    let legs = r#"
    query($from: Long!, $to: Long!) {
      taskLegDetails(from: $from, to: $to) {
        taskLegs { id taskId queue { id name } owner { id name } }
        pageInfo { hasNextPage }
      }
    }"#;
    let (status, body) = search(
        &sandbox,
        &token,
        legs,
        json!({ "from": now - 30 * DAY, "to": now }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["taskLegDetails"]["taskLegs"]
            .as_array()
            .unwrap()
            .len(),
        500
    );
}

#[tokio::test]
async fn search_needs_a_config_scope() {
    let sandbox = Sandbox::start().await.unwrap();
    let agent_only = sandbox.mint_access_token(&["cjp:user"]);
    let now = now_ms();
    let (status, body) = search(
        &sandbox,
        &agent_only,
        "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to) { tasks { id } } }",
        json!({ "from": now - DAY, "to": now }),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["key"], "403");
    let reader = sandbox.mint_access_token(&["cjp:config_read"]);
    let (status, _) = search(
        &sandbox,
        &reader,
        "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to) { tasks { id } } }",
        json!({ "from": now - DAY, "to": now }),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_first_page() {
    let query = "query($from: Long!, $to: Long!) { taskDetails(from: $from, to: $to) { tasks { id channelType origin lastAgent { id } } } }";
    let now = now_ms();
    let vars = json!({ "from": now - 300 * DAY, "to": now });
    let mut pages = Vec::new();
    for seed in [7, 7, 8] {
        let sandbox = Sandbox::builder().seed(seed).start().await.unwrap();
        let token = sandbox.mint_access_token(&["cjp:config_read"]);
        let (status, body) = search(&sandbox, &token, query, vars.clone()).await;
        assert_eq!(status, 200);
        pages.push(body["data"]["taskDetails"]["tasks"].clone());
    }
    assert_eq!(pages[0], pages[1]);
    assert_ne!(pages[0], pages[2]);
}

#[tokio::test]
async fn session_pages_take_the_last_id_or_a_page_number() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = admin_token(&sandbox).await;
    let now = now_ms();
    let query = "query($from: Long!, $to: Long!, $cursor: String) { agentSession(from: $from, to: $to, pagination: {cursor: $cursor}) { agentSessions { agentSessionId } pageInfo { hasNextPage endCursor } } }";
    let page = |cursor: Value| {
        let sandbox = &sandbox;
        let token = &token;
        async move {
            let (status, body) = search(
                sandbox,
                token,
                query,
                json!({ "from": now - 60 * DAY, "to": now, "cursor": cursor }),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            body["data"]["agentSession"].clone()
        }
    };
    let first = page(Value::Null).await;
    // Cisco's Power BI sample pages sessions by number: "0" is the first page, "1" the next.
    assert_eq!(
        page(json!("0")).await["agentSessions"],
        first["agentSessions"]
    );
    let by_id = page(first["pageInfo"]["endCursor"].clone()).await;
    assert_eq!(
        page(json!("1")).await["agentSessions"],
        by_id["agentSessions"]
    );
    assert_ne!(by_id["agentSessions"], first["agentSessions"]);
}

/// Queries declare their variables with the type names Cisco's material uses (the
/// last-agent-routing blueprint declares `$filter: TaskFilters`, the guide names the rest), and
/// Flow Designer sends epoch milliseconds as strings.
#[tokio::test]
async fn variables_take_the_type_names_cisco_declares() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = admin_token(&sandbox).await;
    let known = sandbox.credentials().known;
    let now = now_ms();
    let legacy = "query Last($from: Long!, $to: Long!, $timeComparator: QueryTimeType, $filter: TaskFilters) \
                  { task(from: $from, to: $to, timeComparator: $timeComparator, filter: $filter) { tasks { id owner { id } } } }";
    let (status, body) = search(
        &sandbox,
        &token,
        legacy,
        json!({
            "from": (now - DAY).to_string(),
            "to": now.to_string(),
            "timeComparator": "createdTime",
            "filter": { "and": [
                { "owner": { "id": { "notequals": null } } },
                { "origin": { "equals": known.repeat_caller_ani } },
            ] },
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let tasks = body["data"]["task"]["tasks"].as_array().unwrap();
    assert_eq!(
        tasks.first().unwrap()["owner"]["id"],
        known.last_agent_id.as_str(),
        "{body}"
    );

    let typed = [
        (
            "query($from: Long!, $to: Long!, $f: TaskDetailsFilters, $x: TaskDetailsSpecificFilters, $a: [TaskV2Aggregation], $i: IntervalData, $p: Pagination) \
             { taskDetails(from: $from, to: $to, filter: $f, extFilter: $x, aggregations: $a, aggregationInterval: $i, pagination: $p) \
             { tasks { intervalStartTime aggregation { name value } } pageInfo { hasNextPage } } }",
            json!({
                "from": now - DAY, "to": now,
                "f": { "isActive": { "equals": false } },
                "x": { "activities": { "nodes": { "eventName": { "equals": "connected" } } } },
                "a": [{ "field": "activities.nodes.duration", "type": "average", "name": "talk" }],
                "i": { "interval": "HOURLY", "timezone": "Europe/Dublin" },
                "p": { "cursor": "NA" },
            }),
        ),
        (
            "query($from: Long!, $to: Long!, $f: AgentSessionFilters, $x: AgentSessionSpecificFilters, $a: [AgentSessionV2Aggregation]) \
             { agentSession(from: $from, to: $to, filter: $f, extFilter: $x, aggregations: $a) { agentSessions { teamId aggregation { name value } } } }",
            json!({
                "from": now - DAY, "to": now,
                "f": { "channelInfo": { "channelType": { "equals": "telephony" } } },
                "x": { "channelInfo": { "activities": { "nodes": { "state": { "equals": "connected" } } } } },
                "a": [{ "field": "channelInfo.activities.nodes.id", "type": "count", "name": "n" }],
            }),
        ),
        (
            "query($from: Long!, $to: Long!, $f: TaskLegDetailsFilters, $a: [TaskLegV2Aggregation]) \
             { taskLegDetails(from: $from, to: $to, filter: $f, aggregations: $a) { taskLegs { queue { id } aggregation { name value } } } }",
            json!({
                "from": now - DAY, "to": now,
                "f": { "owner": { "id": { "notequals": null } } },
                "a": [{ "field": "queueDuration", "type": "average", "name": "q" }],
            }),
        ),
    ];
    for (query, vars) in typed {
        let (status, body) = search(&sandbox, &token, query, vars).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert!(body.get("errors").is_none(), "{query}: {body}");
        let root = body["data"].as_object().unwrap().values().next().unwrap();
        let rows = root
            .as_object()
            .unwrap()
            .values()
            .find_map(Value::as_array)
            .unwrap();
        assert!(!rows.is_empty(), "{query}: {body}");
    }
}
