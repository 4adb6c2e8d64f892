//! The typed helpers: tasks, estimated wait time, captures.

use crate::common;

use std::time::Duration;

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use wxcc_sdk::{Error, NewTask};

#[tokio::test]
async fn a_callback_task_is_created_with_its_documented_body() {
    let server = MockServer::start_async().await;
    let id = uuid::Uuid::new_v4();
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/tasks").json_body(json!({
                "destination": "+14085550123",
                "entryPointId": "ep-1",
                "mediaType": "telephony",
                "outboundType": "CALLBACK",
                "callback": {"callbackOrigin": "web", "callbackType": "immediate"},
                "attributes": {"reason": "billing"}
            }));
            then.status(201)
                .json_body(json!({"meta": {"orgId": common::ORG}, "data": {"id": id}}));
        })
        .await;
    let client = common::client(&server);
    let task = NewTask::callback("+14085550123", "ep-1")
        .attribute("reason", "billing")
        .unwrap();
    assert_eq!(client.create_task(task).await.unwrap(), id);
    mock.assert_calls_async(1).await;
    let too_long = NewTask::callback(&"9".repeat(37), "ep-1");
    assert!(matches!(
        client.create_task(too_long).await,
        Err(Error::InvalidRequest(_))
    ));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn estimated_wait_time_maps_204_to_none() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/ewt")
                .query_param("queueId", "q-busy")
                .query_param("lookbackMinutes", "60");
            then.status(200)
                .json_body(json!({"estimatedWaitTime": 90_500.0}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/ewt")
                .query_param("queueId", "q-new");
            then.status(204);
        })
        .await;
    let client = common::client(&server);
    let hour = Duration::from_secs(3600);
    assert_eq!(
        client.estimated_wait_time("q-busy", hour).await.unwrap(),
        Some(Duration::from_millis(90_500))
    );
    assert_eq!(
        client.estimated_wait_time("q-new", hour).await.unwrap(),
        None
    );
    assert!(matches!(
        client
            .estimated_wait_time("q", Duration::from_secs(60))
            .await,
        Err(Error::InvalidRequest(_))
    ));
}

#[tokio::test]
async fn recording_urls_come_from_the_captures_query() {
    let server = MockServer::start_async().await;
    let task = uuid::Uuid::new_v4();
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/captures/query").json_body_includes(r#"{"query": {"urlExpiration": 10}}"#);
            then.status(200).json_body(json!({"meta": {"orgId": common::ORG}, "data": [{
                "taskId": task, "transcription": [],
                "recording": [{"id": "r1", "attributes": {"fileName": "r1.wav", "filePath": "https://files.example.com/r1?sig=x"}}]
            }]}));
        })
        .await;
    let client = common::client(&server);
    let urls = client
        .recording_urls(&[task], Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(urls.len(), 1);
    assert_eq!(urls[0].task_id, task);
    assert_eq!(urls[0].url, "https://files.example.com/r1?sig=x");
    let eleven: Vec<uuid::Uuid> = (0..11).map(|_| uuid::Uuid::new_v4()).collect();
    assert!(matches!(
        client.captures(&eleven, Duration::from_secs(600)).await,
        Err(Error::InvalidRequest(_))
    ));
}
