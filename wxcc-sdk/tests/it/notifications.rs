//! The notification stream against the sandbox's websocket: a task's lifecycle and agent
//! state arrive typed, a dropped or silent socket comes back with the gap reported, a client
//! without keepalives is dropped, multi-login ends the stream, slow consumers are told what
//! they missed. Time is paused: the sandbox's 16 s and the client's 8 s pass instantly.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::json;
use tokio::time::{Instant, timeout};
use tokio_tungstenite::tungstenite::Message;
use wxcc_auth::{AccessLevel, Connector, StaticToken};
use wxcc_sandbox::{Fault, Sandbox};
use wxcc_sdk::events::{AgentEvent, EventKind, TaskEvent};
use wxcc_sdk::notifications::{Notification, NotificationError, Notifications};
use wxcc_sdk::{Client, NewTask, Timeouts};

const SCOPES: &[&str] = &["cjp:config_read", "cjp:user"];

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(StaticToken::new("e2e", sandbox.mint_access_token(SCOPES)))
        .org_id(sandbox.credentials().org_id)
        .timeouts(Timeouts::none())
        .build()
        .unwrap()
}

async fn connect(client: &Client) -> Notifications {
    client
        .notifications()
        .trust_loopback(true)
        .connect()
        .await
        .unwrap()
}

/// The next item, failing the test if none comes within a minute of (paused) time.
async fn next(events: &mut Notifications) -> Notification {
    timeout(Duration::from_secs(60), events.next())
        .await
        .expect("no notification within a minute")
        .expect("the stream ended")
        .expect("the stream failed")
}

/// The next event's typed kind, skipping connection notices.
async fn next_event(events: &mut Notifications) -> EventKind {
    loop {
        if let Notification::Event(event) = next(events).await {
            return event.kind;
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_task_created_through_the_api_is_offered_assigned_ended_and_wrapped_up() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let mut events = connect(&client).await;
    assert!(events.agent_id().is_some());
    let entry_point = sandbox.credentials().known.entry_point_id;
    let task = client
        .create_task(NewTask::outdial(
            "+14085550199",
            &entry_point,
            "+14085550100",
        ))
        .await
        .unwrap()
        .to_string();
    let mut seen = Vec::new();
    loop {
        let EventKind::Task(event) = next_event(&mut events).await else {
            continue;
        };
        assert_eq!(event.details().unwrap().task_id.as_deref(), Some(&*task));
        let done = matches!(event, TaskEvent::WrappedUp(_));
        seen.push(event.name().to_owned());
        if done {
            break;
        }
    }
    assert_eq!(
        seen,
        [
            "AgentOfferContact",
            "AgentContactAssigned",
            "ContactEnded",
            "AgentWrapup",
            "AgentWrappedUp"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn agent_state_changes_arrive_and_keepalives_keep_the_socket() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let mut events = connect(&client).await;
    // A minute of nothing: the client's keepalives keep the sandbox from dropping the socket,
    // and the sandbox's keep the client from calling it silent.
    assert!(
        timeout(Duration::from_secs(60), events.next())
            .await
            .is_err()
    );
    assert_eq!(sandbox.notification_sockets(), 1);
    client
        .request(Method::PUT, "/v1/agents/session/state")
        .json(&json!({"state": "Idle", "auxCodeId": "lunch", "lastStateChangeReason": "break"}))
        .send()
        .await
        .unwrap();
    let EventKind::Agent(AgentEvent::StateChanged(agent)) = next_event(&mut events).await else {
        panic!("not a state change");
    };
    assert_eq!(agent.sub_status.as_deref(), Some("Idle"));
    assert_eq!(agent.aux_code_id.as_deref(), Some("lunch"));
    assert_eq!(agent.agent_id.as_deref(), events.agent_id());
}

#[tokio::test(start_paused = true)]
async fn a_dropped_socket_reconnects_and_reports_the_gap() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let mut events = connect(&client).await;
    assert_eq!(sandbox.drop_notification_sockets(), 1);
    assert!(matches!(
        next(&mut events).await,
        Notification::Disconnected { .. }
    ));
    let Notification::Reconnected { missed_for } = next(&mut events).await else {
        panic!("not reconnected");
    };
    assert!(missed_for < Duration::from_secs(5), "{missed_for:?}");
    assert_eq!(
        sandbox.count_requests("POST", "/wxcc/v1/notification/subscribe"),
        2,
        "a session URL is good for one connection: reconnecting subscribes again"
    );

    // A fault drops the socket and the next two reconnects: the backoff grows (0.5 s, 1 s,
    // 2 s, each at least half that), and the gap reported covers it.
    sandbox.inject(Fault::drop_connection().on("GET", "/notifs/**").times(2));
    assert!(matches!(
        next(&mut events).await,
        Notification::Disconnected { .. }
    ));
    let Notification::Reconnected { missed_for } = next(&mut events).await else {
        panic!("not reconnected");
    };
    assert!(missed_for >= Duration::from_millis(1750), "{missed_for:?}");
    assert_eq!(
        sandbox.count_requests("POST", "/wxcc/v1/notification/subscribe"),
        5
    );
    assert_eq!(sandbox.notification_sockets(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_silent_server_is_detected_within_eight_seconds() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let mut events = connect(&client).await;
    let stalled_at = Instant::now();
    assert_eq!(sandbox.stall_notification_sockets(), 1);
    let Notification::Disconnected { reason } = next(&mut events).await else {
        panic!("not disconnected");
    };
    assert!(reason.contains("nothing heard"), "{reason}");
    assert!(
        stalled_at.elapsed() <= Duration::from_secs(8),
        "{:?}",
        stalled_at.elapsed()
    );
    let Notification::Reconnected { missed_for } = next(&mut events).await else {
        panic!("not reconnected");
    };
    assert!(missed_for >= Duration::from_secs(8), "{missed_for:?}");
}

#[tokio::test(start_paused = true)]
async fn the_sandbox_drops_a_client_that_sends_no_keepalive_for_16_seconds() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let subscribed = client
        .request(Method::POST, "/v1/notification/subscribe")
        .json(&json!({"isKeepAliveEnabled": true, "clientType": "raw"}))
        .send()
        .await
        .unwrap();
    let url = subscribed["webSocketUrl"].as_str().unwrap();
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let welcome = socket.next().await.unwrap().unwrap();
    assert!(welcome.to_text().unwrap().contains("Welcome"));
    let opened = Instant::now();
    // The sandbox's own keepalives arrive; the client sends none.
    let mut keepalives = 0;
    while let Some(Ok(Message::Text(text))) = socket.next().await {
        assert!(text.contains("keepalive"), "{text}");
        keepalives += 1;
    }
    let lasted = opened.elapsed();
    assert!(
        lasted >= Duration::from_secs(16) && lasted < Duration::from_secs(17),
        "{lasted:?}"
    );
    assert!((3..=4).contains(&keepalives), "{keepalives}");
    assert_eq!(sandbox.notification_sockets(), 0);
    // The URL was used: connecting again is refused.
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
    let _ = socket.close(None).await;
}

#[tokio::test(start_paused = true)]
async fn a_second_session_of_the_same_user_stops_the_first_with_multi_login() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let mut first = connect(&client).await;
    let mut second = connect(&client).await;
    let ended = timeout(Duration::from_secs(60), first.next())
        .await
        .unwrap();
    assert!(
        matches!(ended, Some(Err(NotificationError::MultiLogin))),
        "{ended:?}"
    );
    assert!(
        first.next().await.is_none(),
        "the stream ends after the error"
    );
    // The newer session is not affected, and sessions that allow multi-login coexist.
    let mut third = client
        .notifications()
        .trust_loopback(true)
        .client_type("dashboard")
        .allow_multi_login(true)
        .connect()
        .await
        .unwrap();
    assert!(
        timeout(Duration::from_secs(20), second.next())
            .await
            .is_err()
    );
    assert!(timeout(Duration::from_secs(1), third.next()).await.is_err());
}

#[tokio::test(start_paused = true)]
async fn a_slow_consumer_is_told_how_many_items_it_missed() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let mut events = client
        .notifications()
        .trust_loopback(true)
        .buffer(2)
        .connect()
        .await
        .unwrap();
    for i in 0..10 {
        client
            .request(Method::PUT, "/v1/agents/session/state")
            .json(&json!({"state": "Available", "auxCodeId": i.to_string()}))
            .send()
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(next(&mut events).await, Notification::Lagged { missed: 8 });
    let EventKind::Agent(AgentEvent::StateChanged(agent)) = next_event(&mut events).await else {
        panic!()
    };
    assert_eq!(
        agent.aux_code_id.as_deref(),
        Some("8"),
        "the newest are kept"
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_the_stream_closes_the_socket() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let events = connect(&client).await;
    assert_eq!(sandbox.notification_sockets(), 1);
    drop(events);
    for _ in 0..50 {
        if sandbox.notification_sockets() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the socket is still open");
}

#[tokio::test(start_paused = true)]
async fn a_socket_url_that_is_not_trusted_is_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    let refused = client(&sandbox)
        .notifications()
        .connect()
        .await
        .unwrap_err();
    let NotificationError::UntrustedUrl { reason } = &refused else {
        panic!("{refused:?}")
    };
    assert!(reason.contains("ws://"), "{reason}");
    assert!(
        !reason.contains("notifs/v1"),
        "the session path is not shown: {reason}"
    );
    assert_eq!(sandbox.notification_sockets(), 0);
}

/// A read-write connector (subscribing needs `cjp:user`, which read-only connectors do not
/// ask for), authorized in the sandbox as a browser would.
async fn connector(sandbox: &Sandbox) -> Connector {
    let integration = sandbox.credentials().integration;
    let connector = Connector::builder(
        "events",
        integration.client_id,
        integration.client_secret,
        integration.redirect_uri,
    )
    .access_level(AccessLevel::ReadWrite)
    .oauth_base(sandbox.oauth_base())
    .build()
    .unwrap();
    let request = connector.authorization_request(true).unwrap();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirect = browser.get(request.url().clone()).send().await.unwrap();
    let location = reqwest::Url::parse(redirect.headers()["location"].to_str().unwrap()).unwrap();
    let get = |k: &str| {
        let pair = location.query_pairs().find(|(key, _)| key == k).unwrap();
        pair.1.into_owned()
    };
    connector
        .complete(&request, &get("state"), &get("code"))
        .await
        .unwrap();
    connector
}

#[tokio::test(start_paused = true)]
async fn reconnecting_after_the_token_expired_subscribes_with_a_fresh_one() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(connector(&sandbox).await)
        .timeouts(Timeouts::none())
        .build()
        .unwrap();
    let mut events = connect(&client).await;
    sandbox.expire_access_tokens();
    sandbox.drop_notification_sockets();
    assert!(matches!(
        next(&mut events).await,
        Notification::Disconnected { .. }
    ));
    assert!(matches!(
        next(&mut events).await,
        Notification::Reconnected { .. }
    ));
    let subscribes: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path == "/wxcc/v1/notification/subscribe")
        .map(|r| r.status)
        .collect();
    assert_eq!(
        subscribes,
        [Some(200), Some(401), Some(200)],
        "the expired token is refused once, then a refreshed one is used"
    );
}
