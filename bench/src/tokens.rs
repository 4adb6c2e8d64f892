//! The token hot path: cached reads, contention, and a stampede on an expired token.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use wxcc_auth::{AccessToken, FetchRequest, TokenCache, TokenFetcher, TokenFuture, TokenSource};

#[derive(Debug)]
struct Counting {
    fetches: AtomicUsize,
    delay: Duration,
}

impl TokenFetcher for Counting {
    fn name(&self) -> &str {
        "bench"
    }

    fn fetch(&self, _request: FetchRequest) -> TokenFuture<'_> {
        Box::pin(async move {
            self.fetches.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(self.delay).await;
            Ok(
                AccessToken::new("bench-token-value")
                    .with_expiry(Utc::now() + TimeDelta::hours(12)),
            )
        })
    }
}

/// Results of the token benchmarks.
pub struct TokenResults {
    pub cached_ns: f64,
    pub baseline_ns: f64,
    pub contended_ns: f64,
    pub tasks: usize,
    pub stampede_callers: usize,
    pub stampede_fetches: usize,
}

pub async fn run(iterations: usize, tasks: usize, stampede: usize) -> Result<TokenResults, String> {
    let cache = TokenCache::new(Counting {
        fetches: AtomicUsize::new(0),
        delay: Duration::ZERO,
    });
    let token = cache.token().await.map_err(|e| e.to_string())?;

    // Baseline: the least any cache must do, cloning the token it hands out.
    let started = Instant::now();
    for _ in 0..iterations {
        std::hint::black_box(std::hint::black_box(&token).clone());
    }
    let baseline_ns = started.elapsed().as_nanos() as f64 / iterations as f64;

    let started = Instant::now();
    for _ in 0..iterations {
        std::hint::black_box(cache.token().await.map_err(|e| e.to_string())?);
    }
    let cached_ns = started.elapsed().as_nanos() as f64 / iterations as f64;

    let per_task = iterations / tasks;
    let started = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    if cache.token().await.is_err() {
                        return false;
                    }
                }
                true
            })
        })
        .collect();
    for handle in handles {
        if !handle.await.map_err(|e| e.to_string())? {
            return Err("a contended read failed".into());
        }
    }
    let contended_ns = started.elapsed().as_nanos() as f64 / (per_task * tasks) as f64;

    // Many callers arrive while the cache is empty (as after expiry); the fetch takes 50 ms.
    let fresh = Arc::new(TokenCache::new(Counting {
        fetches: AtomicUsize::new(0),
        delay: Duration::from_millis(50),
    }));
    let handles: Vec<_> = (0..stampede)
        .map(|_| {
            let cache = Arc::clone(&fresh);
            tokio::spawn(async move { cache.token().await.is_ok() })
        })
        .collect();
    let mut ok = 0;
    for handle in handles {
        ok += usize::from(handle.await.map_err(|e| e.to_string())?);
    }
    if ok != stampede {
        return Err(format!(
            "{} of {stampede} stampeding callers failed",
            stampede - ok
        ));
    }
    Ok(TokenResults {
        cached_ns,
        baseline_ns,
        contended_ns,
        tasks,
        stampede_callers: stampede,
        stampede_fetches: fresh.fetcher().fetches.load(Ordering::SeqCst),
    })
}
