//! The typed helpers end to end against the sandbox: statistics, tasks, scheduled callbacks and
//! webhook subscriptions.

use chrono::{TimeDelta, Utc};
use wxcc_api::types::{
    CreateWebhookSubscriptionRequest, CreateWebhookSubscriptionRequestV2, ScheduleCallbackRequest,
};
use wxcc_auth::StaticToken;
use wxcc_sandbox::Sandbox;
use wxcc_sdk::{Client, Error, NewTask, StatisticsInterval, Timeouts};

const SCOPES: &[&str] = &[
    "cjp:config",
    "cjp:config_read",
    "cjp:config_write",
    "cjp:user",
];

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(StaticToken::new("e2e", sandbox.mint_access_token(SCOPES)))
        .org_id(sandbox.credentials().org_id)
        .timeouts(Timeouts::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn queue_and_agent_statistics_cover_the_window() {
    let sandbox = Sandbox::start().await.unwrap();
    let queue_id = sandbox.credentials().known.queue_id;
    let client = client(&sandbox);
    let to = Utc::now();
    let from = to - TimeDelta::hours(12);
    let queues = client
        .queue_statistics(from, to, Some(StatisticsInterval::Hour), &[&queue_id])
        .await
        .unwrap();
    assert!(!queues.is_empty());
    assert!(
        queues
            .iter()
            .all(|q| q.queue_id.as_deref() == Some(queue_id.as_str()))
    );
    let offered: i32 = queues.iter().filter_map(|q| q.total_offered_tasks).sum();
    assert!(
        offered > 0,
        "the seeded queue had calls in the last 12 hours"
    );
    client.agent_statistics(from, to, None, &[]).await.unwrap();
    let too_long = client
        .queue_statistics(to - TimeDelta::hours(30), to, None, &[])
        .await;
    assert!(matches!(too_long, Err(Error::InvalidRequest(_))));
}

#[tokio::test]
async fn a_callback_task_is_created() {
    let sandbox = Sandbox::start().await.unwrap();
    let entry_point = sandbox.credentials().known.entry_point_id;
    let client = client(&sandbox);
    let id = client
        .create_task(NewTask::callback("+14085550199", &entry_point))
        .await
        .unwrap();
    assert!(!id.is_nil());
}

#[tokio::test]
async fn scheduled_callbacks_go_through_their_whole_life() {
    let sandbox = Sandbox::start().await.unwrap();
    let queue_id = sandbox.credentials().known.queue_id;
    let client = client(&sandbox);
    let tomorrow = (Utc::now() + TimeDelta::days(1)).date_naive();
    let request = ScheduleCallbackRequest {
        assignee_agent: None,
        callback_number: "+14085550123".into(),
        callback_reason: Some("billing question".into()),
        customer_name: "Ada Lovelace".into(),
        end_time: "11:00:00".into(),
        queue_id: queue_id.clone(),
        schedule_date: tomorrow,
        source_interaction: None,
        start_time: "10:00:00".into(),
        timezone: "America/New_York".into(),
    };
    let created = client.schedule_callback(&request).await.unwrap();
    assert_eq!(created.customer_name, "Ada Lovelace");
    let id = created.id.to_string();
    let listed = client
        .scheduled_callbacks(Some("+14085550123"), 0, 50)
        .await
        .unwrap();
    assert!(listed.data.iter().any(|c| c.id == created.id));
    assert_eq!(
        client.scheduled_callback(&id).await.unwrap().schedule_date,
        tomorrow
    );
    client.cancel_scheduled_callback(&id).await.unwrap();
    let gone = client.scheduled_callback(&id).await.unwrap_err();
    assert_eq!(gone.status(), Some(404), "{gone}");

    let mut too_soon = request;
    too_soon.schedule_date = Utc::now().date_naive() - TimeDelta::days(1);
    let refused = client.schedule_callback(&too_soon).await.unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
}

#[tokio::test]
async fn webhook_subscriptions_of_both_versions_are_kept_apart() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let v1 = client
        .create_subscription(&CreateWebhookSubscriptionRequest {
            description: None,
            destination_url: "https://bot.example.com/webhooks".into(),
            event_types: vec!["task:ended".into()],
            name: "ended tasks".into(),
            org_id: None,
            secret: Some("s3cret".into()),
        })
        .await
        .unwrap();
    let v1_id = v1.data.unwrap().id;
    let v2 = client
        .create_subscription_v2(&CreateWebhookSubscriptionRequestV2 {
            description: Some("agent events".into()),
            destination_url: "https://bot.example.com/webhooks/v2".into(),
            event_types: vec!["agent:login".into()],
            name: "agents".into(),
            org_id: None,
            resource_version: "agent:1.0.0".into(),
            secret: None,
        })
        .await
        .unwrap();
    assert!(v2.data.is_some());
    let listed = client.subscriptions().await.unwrap();
    assert!(listed.data.iter().any(|s| s.id == v1_id));
    assert!(
        !listed.data.iter().any(|s| s.name == "agents"),
        "each version sees only its own"
    );
    assert!(
        client
            .subscriptions_v2()
            .await
            .unwrap()
            .data
            .iter()
            .any(|s| s.name == "agents")
    );
    client
        .delete_subscription(&v1_id.to_string())
        .await
        .unwrap();
    assert!(
        !client
            .subscriptions()
            .await
            .unwrap()
            .data
            .iter()
            .any(|s| s.id == v1_id)
    );
}
