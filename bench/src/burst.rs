//! A burst of calls against the sandbox's rate limit: `429` answers, failures, and time against
//! the theoretical minimum, with and without the client-side limit, and for several processes
//! sharing one limit through Redis.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use wxcc_auth::{AccessLevel, Connector, RateLimit, RedisRateLimiter, RetryPolicy, StaticToken};
use wxcc_sandbox::Sandbox;
use wxcc_sdk::Client;

/// Which client-side limit the calls go through.
#[derive(Clone, Debug)]
pub enum Limit {
    /// None: the server's `429`s are waited out.
    Off,
    /// The client's default, in this process.
    Local,
    /// One limit for every process, in Redis at this URL under this name.
    Redis { url: String, name: String },
}

pub struct BurstResults {
    pub calls: usize,
    pub failures: usize,
    pub throttled: usize,
    pub elapsed: Duration,
    pub minimum: Duration,
}

impl BurstResults {
    pub fn ratio(&self) -> f64 {
        self.elapsed.as_secs_f64() / self.minimum.as_secs_f64()
    }
}

/// The least time `calls` can take against a bucket of `per_minute` refilled evenly: the first
/// `per_minute` calls go at once, the rest at `per_minute / 60` a second.
fn minimum(calls: usize, per_minute: u32) -> Duration {
    let beyond = calls.saturating_sub(per_minute as usize) as f64;
    Duration::from_secs_f64(beyond * 60.0 / f64::from(per_minute))
}

fn patient() -> (RetryPolicy, wxcc_sdk::Timeouts) {
    let retry = RetryPolicy::default()
        .with_max_attempts(50)
        .with_max_retry_after(Duration::from_secs(60))
        .with_deadline(Some(Duration::from_secs(600)));
    let timeouts = wxcc_sdk::Timeouts::default().with_overall(Some(Duration::from_secs(600)));
    (retry, timeouts)
}

fn rate_limit(limit: &Limit, per_minute: u32) -> Result<Option<Arc<dyn RateLimit>>, String> {
    let per_minute = NonZeroU32::new(per_minute).ok_or("a limit of 0 a minute")?;
    Ok(match limit {
        Limit::Off => None,
        Limit::Local => Some(Arc::new(wxcc_auth::RateLimiter::per_minute(per_minute))),
        Limit::Redis { url, name } => Some(Arc::new(
            RedisRateLimiter::builder(url, name)
                .per_minute(per_minute)
                .build()
                .map_err(|e| e.to_string())?,
        )),
    })
}

/// `calls` EWT calls with `concurrency` in flight through `client`; how many failed.
async fn fire(client: &Client, queue: &str, calls: usize, concurrency: usize) -> usize {
    let results: Vec<bool> = futures_util::stream::iter(0..calls)
        .map(|_| {
            let (client, queue) = (client.clone(), queue.to_owned());
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
    results.iter().filter(|ok| !**ok).count()
}

fn throttled(sandbox: &Sandbox) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.status == Some(429))
        .count()
}

/// One process: a connector authorized through the sandbox's OAuth, then the burst.
pub async fn run(
    calls: usize,
    per_minute: u32,
    concurrency: usize,
    limit: Limit,
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
    authorize(&connector).await?;
    let (retry, timeouts) = patient();
    let client = Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(connector)
        .org_id(credentials.org_id)
        .retry_policy(retry)
        .timeouts(timeouts)
        .rate_limit(rate_limit(&limit, per_minute)?)
        .build()
        .map_err(|e| e.to_string())?;
    sandbox.clear_requests();
    let started = Instant::now();
    let failures = fire(&client, &credentials.known.queue_id, calls, concurrency).await;
    Ok(BurstResults {
        calls,
        failures,
        throttled: throttled(&sandbox),
        elapsed: started.elapsed(),
        minimum: minimum(calls, per_minute),
    })
}

async fn authorize(connector: &Connector) -> Result<(), String> {
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
        .map_err(|e| e.to_string())
}

/// `processes` copies of this binary (`burst-replica`), each sending `calls_each` calls with
/// `concurrency` in flight through one Redis limit, against one sandbox and one client id.
pub async fn run_replicas(
    processes: usize,
    calls_each: usize,
    per_minute: u32,
    concurrency: usize,
    redis_url: &str,
) -> Result<BurstResults, String> {
    let sandbox = Sandbox::builder()
        .rate_limit_per_minute(Some(per_minute))
        .start()
        .await
        .map_err(|e| e.to_string())?;
    // One token for all: the sandbox limits per client id, as WxCC does.
    let token = sandbox.mint_access_token(&["cjp:config_read", "cjp:user"]);
    let name = format!("bench-{}", std::process::id());
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    sandbox.clear_requests();
    let started = Instant::now();
    let children: Vec<_> = (0..processes)
        .map(|_| {
            tokio::process::Command::new(&exe)
                .arg("burst-replica")
                .env("WXCC_BENCH_BASE", sandbox.wxcc_base())
                .env("WXCC_BENCH_TOKEN", &token)
                .env("WXCC_BENCH_ORG", sandbox.credentials().org_id)
                .env("WXCC_BENCH_QUEUE", sandbox.credentials().known.queue_id)
                .env("WXCC_BENCH_REDIS_URL", redis_url)
                .env("WXCC_BENCH_LIMIT_NAME", &name)
                .env("WXCC_BENCH_CALLS", calls_each.to_string())
                .env("WXCC_BENCH_CONCURRENCY", concurrency.to_string())
                .env("WXCC_BENCH_PER_MINUTE", per_minute.to_string())
                .output()
        })
        .collect();
    let mut failures = 0;
    for child in futures_util::future::join_all(children).await {
        let output = child.map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(format!(
                "a burst replica failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        failures += text
            .lines()
            .find_map(|l| l.strip_prefix("failures "))
            .and_then(|n| n.trim().parse::<usize>().ok())
            .ok_or("a burst replica reported nothing")?;
    }
    let calls = processes * calls_each;
    Ok(BurstResults {
        calls,
        failures,
        throttled: throttled(&sandbox),
        elapsed: started.elapsed(),
        minimum: minimum(calls, per_minute),
    })
}

/// The child side of [`run_replicas`]: reads its settings from the environment, prints
/// `failures N`.
pub async fn replica() -> Result<(), String> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let number = |name: &str| -> Result<usize, String> {
        var(name)?
            .parse()
            .map_err(|_| format!("{name} is not a number"))
    };
    let per_minute = u32::try_from(number("WXCC_BENCH_PER_MINUTE")?).map_err(|e| e.to_string())?;
    let limit = Limit::Redis {
        url: var("WXCC_BENCH_REDIS_URL")?,
        name: var("WXCC_BENCH_LIMIT_NAME")?,
    };
    let (retry, timeouts) = patient();
    let client = Client::builder()
        .base_url(var("WXCC_BENCH_BASE")?)
        .token_source(StaticToken::new("bench", var("WXCC_BENCH_TOKEN")?))
        .org_id(var("WXCC_BENCH_ORG")?)
        .retry_policy(retry)
        .timeouts(timeouts)
        .rate_limit(rate_limit(&limit, per_minute)?)
        .build()
        .map_err(|e| e.to_string())?;
    let failures = fire(
        &client,
        &var("WXCC_BENCH_QUEUE")?,
        number("WXCC_BENCH_CALLS")?,
        number("WXCC_BENCH_CONCURRENCY")?,
    )
    .await;
    println!("failures {failures}");
    Ok(())
}
