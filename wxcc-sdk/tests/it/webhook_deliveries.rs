//! Webhooks end to end: a subscription registered through the sandbox's API receives signed
//! deliveries of what happens there, at least once and sometimes twice; the SDK's verifier
//! accepts each event once, and the deduplicator handles each once across replicas. Real
//! time: the receiver (httpmock) runs on its own threads.

use std::collections::BTreeSet;
use std::time::Duration;

use httpmock::MockServer;
use reqwest::Method;
use serde_json::json;
use wxcc_api::types::CreateWebhookSubscriptionRequest;
use wxcc_auth::StaticToken;
use wxcc_sandbox::{Sandbox, WebhookDelivery};
use wxcc_sdk::events::{AgentEvent, Deduplicator, Event, EventKind, Handled, TaskEvent};
use wxcc_sdk::webhooks::{WebhookError, WebhookVerifier};
use wxcc_sdk::{Client, NewTask, Timeouts};

const SCOPES: &[&str] = &["cjp:config_read", "cjp:config_write", "cjp:user"];

async fn deliveries_until(
    sandbox: &Sandbox,
    done: impl Fn(&[WebhookDelivery]) -> bool,
) -> Vec<WebhookDelivery> {
    // A deadline in real time, not a count of polls: the sandbox's retries wait real seconds,
    // and a loaded machine stretches every exchange around them.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        let log = sandbox.webhook_deliveries();
        if done(&log) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("deliveries so far: {:#?}", sandbox.webhook_deliveries());
}

#[tokio::test]
async fn deliveries_are_signed_at_least_once_and_handled_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let receiver = MockServer::start_async().await;
    let hook = receiver
        .mock_async(|when, then| {
            when.method("POST").path("/hook");
            then.status(200);
        })
        .await;
    let client = Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(StaticToken::new("e2e", sandbox.mint_access_token(SCOPES)))
        .org_id(sandbox.credentials().org_id)
        .timeouts(Timeouts::none())
        .build()
        .unwrap();
    let mut request = CreateWebhookSubscriptionRequest {
        description: None,
        destination_url: receiver.url("/hook"),
        event_types: vec!["task:new".into(), "agent:state_change".into()],
        name: "bot".into(),
        org_id: None,
        secret: Some("s3cret".into()),
    };
    client.create_subscription(&request).await.unwrap();
    // A subscription somewhere else is never posted to: the sandbox stays on this machine.
    request.destination_url = "https://hooks.example.com/wxcc".into();
    client.create_subscription(&request).await.unwrap();
    // Every delivery sent twice, copies delayed up to 100 ms.
    sandbox.set_webhook_chaos(1.0, Duration::from_millis(100));

    let entry_point = sandbox.credentials().known.entry_point_id;
    client
        .create_task(NewTask::outdial(
            "+14085550199",
            &entry_point,
            "+14085550100",
        ))
        .await
        .unwrap();
    client
        .request(Method::PUT, "/v1/agents/session/state")
        .json(&json!({"state": "Available", "auxCodeId": "0"}))
        .send()
        .await
        .unwrap();

    let log = deliveries_until(&sandbox, |log| {
        log.iter().filter(|d| d.status == Some(200)).count() == 4
            && log.iter().filter(|d| d.error.is_some()).count() == 4
    })
    .await;
    assert_eq!(hook.calls_async().await, 4);
    let local: Vec<_> = log.iter().filter(|d| d.status.is_some()).collect();
    let events: BTreeSet<&str> = local.iter().map(|d| d.event_id.as_str()).collect();
    assert_eq!(events.len(), 2, "two events, each delivered twice");
    assert!(local.iter().any(|d| d.duplicate));
    assert!(
        log.iter().filter(|d| d.status.is_none()).all(|d| d
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("loopback"))
    );

    // Two replicas behind a load balancer, each with its own verifier; one deduplicator.
    let replicas = [
        WebhookVerifier::new("s3cret").unwrap(),
        WebhookVerifier::new("s3cret").unwrap(),
    ];
    let dedupe = Deduplicator::new(1_000);
    let mut handled = Vec::new();
    let (mut replays, mut duplicates) = (0, 0);
    for (i, delivery) in local.iter().enumerate() {
        let verified = replicas[i % 2].verify(
            delivery.body.as_bytes(),
            delivery.signature.as_deref(),
            delivery.timestamp.as_deref(),
        );
        let event = match verified {
            Ok(event) => Event::from(event),
            Err(WebhookError::Replayed(_)) => {
                replays += 1;
                continue;
            }
            Err(other) => panic!("{other}"),
        };
        match dedupe.handle(&event, |e| e.kind.clone()) {
            Handled::Ran(kind) => handled.push(kind),
            Handled::Duplicate => duplicates += 1,
        }
    }
    assert_eq!(handled.len(), 2, "{handled:?}");
    assert!(
        handled
            .iter()
            .any(|k| matches!(k, EventKind::Task(TaskEvent::Created(_))))
    );
    assert!(
        handled
            .iter()
            .any(|k| matches!(k, EventKind::Agent(AgentEvent::StateChanged(_))))
    );
    // Whatever the order of arrival, each second copy was refused by the verifier that had
    // seen it or, on the other replica, by the deduplicator.
    assert_eq!(replays + duplicates, 2);
}

#[tokio::test]
async fn a_receiver_that_fails_gets_the_delivery_again() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_webhook_chaos(0.0, Duration::ZERO);
    let receiver = MockServer::start_async().await;
    let down = receiver
        .mock_async(|when, then| {
            when.method("POST").path("/down");
            then.status(503);
        })
        .await;
    let client = Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(StaticToken::new("e2e", sandbox.mint_access_token(SCOPES)))
        .timeouts(Timeouts::none())
        .build()
        .unwrap();
    client
        .create_subscription(&CreateWebhookSubscriptionRequest {
            description: None,
            destination_url: receiver.url("/down"),
            event_types: vec!["agent:state_change".into()],
            name: "down".into(),
            org_id: None,
            secret: None,
        })
        .await
        .unwrap();
    client
        .request(Method::PUT, "/v1/agents/session/state")
        .json(&json!({"state": "Idle", "auxCodeId": "0"}))
        .send()
        .await
        .unwrap();
    let log = deliveries_until(&sandbox, |log| log.len() == 3).await;
    assert_eq!(
        log.iter()
            .map(|d| (d.attempt, d.status))
            .collect::<Vec<_>>(),
        [(1, Some(503)), (2, Some(503)), (3, Some(503))]
    );
    assert!(
        log.iter()
            .all(|d| d.signature.is_none() && d.event_id == log[0].event_id)
    );
    assert_eq!(down.calls_async().await, 3);
}
