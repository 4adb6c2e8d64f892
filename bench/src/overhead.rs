//! Per-call overhead: the same search through wxcc-sdk and through hand-written reqwest.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use serde_json::{Value, json};
use wxcc_auth::StaticToken;
use wxcc_sdk::Client;
use wxcc_sdk::search::{ChannelType, Filter, Query, Window, task};

use crate::stats::{Summary, summarize};

const TOKEN: &str = "bench-token";

fn query() -> Query<wxcc_sdk::search::Task> {
    Query::task_details(Window::last(TimeDelta::days(1))).filter(Filter::and([
        task::CHANNEL_TYPE.equals(ChannelType::Telephony),
        task::ORIGIN.equals("+14085550123"),
    ]))
}

/// Summaries of the three clients, measured in alternating batches on one runtime.
pub struct Results {
    /// Hand-written reqwest, body parsed into a `serde_json::Value` tree.
    pub raw_value: Summary,
    /// Hand-written reqwest, body parsed into the same typed records the SDK returns.
    pub raw_typed: Summary,
    /// The SDK with its default timeouts (connect, per attempt, overall).
    pub sdk: Summary,
    /// The SDK with no timeouts, like the raw client.
    pub sdk_untimed: Summary,
    /// Rendering the query alone (text, variables, window check).
    pub render: Duration,
}

#[derive(serde::Deserialize)]
struct TypedEnvelope {
    data: TypedData,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct TypedData {
    task_details: TypedTasks,
}

#[derive(serde::Deserialize)]
struct TypedTasks {
    tasks: Vec<wxcc_sdk::search::Task>,
}

/// Runs `rounds` of `batch` calls per client, alternating clients between batches.
pub async fn run(addr: SocketAddr, rounds: usize, batch: usize) -> Result<Results, String> {
    let base = format!("http://{addr}");
    // The client-side rate limit stays in the path (its cost is part of a call's), set so
    // high that it never makes a call wait: this measures overhead, not the limit.
    let unthrottled = || -> Option<std::sync::Arc<dyn wxcc_auth::RateLimit>> {
        Some(std::sync::Arc::new(wxcc_auth::RateLimiter::per_minute(
            std::num::NonZeroU32::MAX,
        )))
    };
    let sdk = Client::builder()
        .base_url(&base)
        .token_source(StaticToken::new("bench", TOKEN))
        .rate_limit(unthrottled())
        .build()
        .map_err(|e| e.to_string())?;
    let sdk_untimed = Client::builder()
        .base_url(&base)
        .token_source(StaticToken::new("bench", TOKEN))
        .timeouts(wxcc_sdk::Timeouts::none())
        .rate_limit(unthrottled())
        .build()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    for _ in 0..100_000 {
        std::hint::black_box(query().render(None).map_err(|e| e.to_string())?);
    }
    let render = started.elapsed() / 100_000;
    let raw = reqwest::Client::new();
    let (text, variables) = query().render(None).map_err(|e| e.to_string())?;
    let body = serde_json::to_vec(&json!({"query": text, "variables": variables}))
        .map_err(|e| e.to_string())?;
    let url = format!("{base}/search");

    // Warm the connections and allocators.
    for _ in 0..200 {
        raw_call(&raw, &url, &body, false).await?;
        raw_call(&raw, &url, &body, true).await?;
        sdk_call(&sdk).await?;
        sdk_call(&sdk_untimed).await?;
    }
    let mut latencies: [Vec<Duration>; 4] = Default::default();
    let mut walls = [Duration::ZERO; 4];
    for _ in 0..rounds {
        for (which, (lat, wall)) in latencies.iter_mut().zip(walls.iter_mut()).enumerate() {
            let started = Instant::now();
            for _ in 0..batch {
                let t = Instant::now();
                match which {
                    0 => raw_call(&raw, &url, &body, false).await?,
                    1 => raw_call(&raw, &url, &body, true).await?,
                    2 => sdk_call(&sdk).await?,
                    _ => sdk_call(&sdk_untimed).await?,
                }
                lat.push(t.elapsed());
            }
            *wall += started.elapsed();
        }
    }
    let [v, t, s, u] = latencies;
    Ok(Results {
        raw_value: summarize(v, walls[0]),
        raw_typed: summarize(t, walls[1]),
        sdk: summarize(s, walls[2]),
        sdk_untimed: summarize(u, walls[3]),
        render,
    })
}

/// What a careful hand-written client does: fixed bearer, JSON body, parse the envelope.
async fn raw_call(
    client: &reqwest::Client,
    url: &str,
    body: &[u8],
    typed: bool,
) -> Result<(), String> {
    let response = client
        .post(url)
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).map_err(|e| e.to_string())?)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("raw call: HTTP {}", response.status()));
    }
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    let tasks = if typed {
        let envelope: TypedEnvelope = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        envelope.data.task_details.tasks.len()
    } else {
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        value
            .pointer("/data/taskDetails/tasks")
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    if tasks == 0 {
        return Err("raw call: no tasks".into());
    }
    Ok(())
}

async fn sdk_call(client: &Client) -> Result<(), String> {
    let page = client
        .search(query())
        .first_page()
        .await
        .map_err(|e| e.to_string())?;
    if page.records.is_empty() {
        return Err("sdk call: no tasks".into());
    }
    Ok(())
}
