//! A burst of calls against the sandbox's rate limit: failures and time against the minimum.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use wxcc_auth::{AccessLevel, Connector, RetryPolicy};
use wxcc_sandbox::Sandbox;
use wxcc_sdk::Client;

pub struct BurstResults {
    pub calls: usize,
    pub failures: usize,
    pub throttled: usize,
    pub elapsed: Duration,
    pub minimum: Duration,
}

pub async fn run(
    calls: usize,
    per_minute: u32,
    concurrency: usize,
) -> Result<BurstResults, String> {
    let sandbox = Sandbox::builder()
        .rate_limit_per_minute(Some(per_minute))
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let credentials = sandbox.credentials();
    let integration = credentials.integration;
    let connector = Connector::builder(
        "bench",
        integration.client_id,
        integration.client_secret,
        integration.redirect_uri,
    )
    .access_level(AccessLevel::ReadOnly)
    .oauth_base(sandbox.oauth_base())
    .build()
    .map_err(|e| e.to_string())?;
    let request = connector
        .authorization_request(true)
        .map_err(|e| e.to_string())?;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let redirect = browser
        .get(request.url().clone())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let location = redirect
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| reqwest::Url::parse(l).ok())
        .ok_or("no redirect from the sandbox")?;
    let get = |k: &str| {
        location
            .query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    connector
        .complete(&request, &get("state"), &get("code"))
        .await
        .map_err(|e| e.to_string())?;

    let retry = RetryPolicy::default()
        .with_max_attempts(50)
        .with_max_retry_after(Duration::from_secs(60))
        .with_deadline(Some(Duration::from_secs(600)));
    let timeouts = wxcc_sdk::Timeouts::default().with_overall(Some(Duration::from_secs(600)));
    let client = Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(connector)
        .org_id(credentials.org_id)
        .retry_policy(retry)
        .timeouts(timeouts)
        .build()
        .map_err(|e| e.to_string())?;
    let queue = credentials.known.queue_id;
    sandbox.clear_requests();
    let started = Instant::now();
    let results: Vec<bool> = futures_util::stream::iter(0..calls)
        .map(|_| {
            let (client, queue) = (client.clone(), queue.clone());
            async move {
                client
                    .estimated_wait_time(&queue, Duration::from_secs(3600))
                    .await
                    .is_ok()
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let throttled = sandbox
        .requests()
        .iter()
        .filter(|r| r.status == Some(429))
        .count();
    // The sandbox's limiter is a token bucket holding `per_minute` calls, refilled evenly: the
    // first `per_minute` calls go at once, the rest at `per_minute / 60` a second.
    let beyond = calls.saturating_sub(per_minute as usize) as f64;
    let minimum = Duration::from_secs_f64(beyond * 60.0 / f64::from(per_minute));
    Ok(BurstResults {
        calls,
        failures: results.iter().filter(|ok| !**ok).count(),
        throttled,
        elapsed,
        minimum,
    })
}
