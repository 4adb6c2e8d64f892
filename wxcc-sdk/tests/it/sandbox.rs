//! End to end against the sandbox: real OAuth, real Search, expiring tokens and rate limits.

use std::time::Duration;

use chrono::TimeDelta;
use futures_util::StreamExt;
use wxcc_auth::{AccessLevel, Connector, RetryPolicy};
use wxcc_sandbox::Sandbox;
use wxcc_sdk::LastAgentLookup;
use wxcc_sdk::search::{ChannelType, Query, Window, task};
use wxcc_sdk::{Client, Timeouts};

/// A read-only connector authorized in the sandbox the way a browser would do it.
async fn connector(sandbox: &Sandbox) -> Connector {
    let integration = sandbox.credentials().integration;
    let connector = Connector::builder(
        "e2e",
        integration.client_id,
        integration.client_secret,
        integration.redirect_uri,
    )
    .access_level(AccessLevel::ReadOnly)
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
        location
            .query_pairs()
            .find(|(key, _)| key == k)
            .unwrap()
            .1
            .into_owned()
    };
    connector
        .complete(&request, &get("state"), &get("code"))
        .await
        .unwrap();
    connector
}

fn client(sandbox: &Sandbox, connector: Connector, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(connector)
        .org_id(sandbox.credentials().org_id)
        .timeouts(Timeouts::none())
        .retry_policy(retry)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_seeded_repeat_caller_is_routed_to_their_last_agent() {
    let sandbox = Sandbox::start().await.unwrap();
    let known = sandbox.credentials().known;
    let client = client(&sandbox, connector(&sandbox).await, RetryPolicy::default());
    let last = client
        .last_agent_for_caller(&known.repeat_caller_ani, TimeDelta::days(90))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.agent_id, known.last_agent_id);
    assert_eq!(
        last.agent_name.as_deref(),
        Some(known.last_agent_name.as_str())
    );
    // The same number written the way a person types it.
    let national = known.repeat_caller_ani.trim_start_matches("+1");
    let typed = format!(
        "({}) {}-{}",
        &national[..3],
        &national[3..6],
        &national[6..]
    );
    let again = client
        .last_agent_for_caller(&typed, TimeDelta::days(90))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.agent_id, known.last_agent_id);

    // A one-day look-back, as Cisco's last-agent flows use, finds the same agent; so does a
    // SIP URI of the number; a condition no call meets finds none; a withheld caller none.
    let day = client
        .last_agent(&LastAgentLookup::new(
            known.repeat_caller_ani.as_str(),
            TimeDelta::days(1),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(day.agent_id, known.last_agent_id);
    let sip = format!("sip:{}@pbx.example.com;user=phone", known.repeat_caller_ani);
    let by_sip = client
        .last_agent(&LastAgentLookup::new(sip, TimeDelta::days(1)))
        .await
        .unwrap();
    assert_eq!(
        by_sip.map(|l| l.agent_id),
        Some(known.last_agent_id.clone())
    );
    let other_line = LastAgentLookup::new(known.repeat_caller_ani.as_str(), TimeDelta::days(1))
        .line_of_business("Global_Language", "xx-XX");
    assert_eq!(client.last_agent(&other_line).await.unwrap(), None);
    let unhappy = LastAgentLookup::new(known.repeat_caller_ani.as_str(), TimeDelta::days(1))
        .min_score("CSATWeight", 2.0);
    assert_eq!(client.last_agent(&unhappy).await.unwrap(), None);
    assert_eq!(
        client
            .last_agent_for_caller("anonymous", TimeDelta::days(1))
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn a_search_stream_survives_the_access_token_expiring_mid_stream() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox, connector(&sandbox).await, RetryPolicy::default());
    let query = Query::task_details(Window::last(TimeDelta::days(30)))
        .filter(task::CHANNEL_TYPE.equals(ChannelType::Telephony));
    let mut pages = client.search(query).pages();

    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.records.len(), 250, "raw task pages hold 250 records");
    assert!(first.has_next_page);
    sandbox.clear_requests();
    sandbox.expire_access_tokens();

    let mut ids: Vec<String> = first.records.into_iter().filter_map(|t| t.id).collect();
    for _ in 0..3 {
        let page = pages
            .next()
            .await
            .unwrap()
            .expect("no call may fail while the token is replaced");
        ids.extend(page.records.into_iter().filter_map(|t| t.id));
    }
    assert_eq!(ids.len(), 1000);
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "pages do not overlap");
    assert_eq!(
        sandbox.count_requests("POST", "/oauth/v1/access_token"),
        1,
        "exactly one refresh"
    );
    let rejected = sandbox
        .requests()
        .iter()
        .filter(|r| r.status == Some(401))
        .count();
    assert_eq!(
        rejected, 1,
        "only the first request after expiry is rejected, then resent"
    );
}

/// 400 calls, 50 in flight, against the sandbox's 300 a minute on a paused clock: the number
/// of `429` answers, and the time taken.
async fn burst(limited: bool) -> (usize, Duration) {
    let sandbox = Sandbox::builder()
        .rate_limit_per_minute(Some(300))
        .start()
        .await
        .unwrap();
    let queue_id = sandbox.credentials().known.queue_id;
    let patient = RetryPolicy::default()
        .with_max_attempts(30)
        .with_max_retry_after(Duration::from_secs(60))
        .with_deadline(Some(Duration::from_secs(600)));
    let connector = connector(&sandbox).await;
    let client = Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(connector)
        .org_id(sandbox.credentials().org_id)
        .timeouts(Timeouts::none())
        .retry_policy(patient);
    // The default limit is the one under test; `None` shows what it saves.
    let client = if limited {
        client
    } else {
        client.rate_limit(None)
    };
    let client = client.build().unwrap();
    let started = tokio::time::Instant::now();
    let results: Vec<_> = futures_util::stream::iter(0..400)
        .map(|_| {
            let client = client.clone();
            let queue_id = queue_id.clone();
            async move {
                client
                    .estimated_wait_time(&queue_id, Duration::from_secs(3600))
                    .await
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    let failures: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{} failures, first: {:?}",
        failures.len(),
        failures.first()
    );
    let throttled = sandbox
        .requests()
        .iter()
        .filter(|r| r.status == Some(429))
        .count();
    (throttled, started.elapsed())
}

#[tokio::test(start_paused = true)]
async fn a_burst_against_a_300_per_minute_limit_waits_on_the_client_and_is_never_refused() {
    let (throttled, elapsed) = burst(true).await;
    assert_eq!(
        throttled, 0,
        "every call waited for its slot before being sent"
    );
    // 300 at once, the other 100 as slots come at 5 a second: 20 s, and little more.
    assert!(
        elapsed >= Duration::from_secs(19) && elapsed <= Duration::from_secs(22),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn without_the_client_limit_a_burst_is_refused_then_waited_out_with_zero_failures() {
    let (throttled, elapsed) = burst(false).await;
    assert!(throttled > 0, "the server's limit was reached");
    assert!(elapsed >= Duration::from_secs(19), "{elapsed:?}");
}
