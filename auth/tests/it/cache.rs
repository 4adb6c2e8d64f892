//! The token cache: one fetch for many callers, refresh ahead of expiry, backoff that keeps
//! serving a still-valid token, shared errors, and invalidation. Time is tokio's paused clock.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeDelta;
use wxcc_auth::{
    AccessToken, CacheSettings, Clock, Error, ExposeSecret, FetchCause, FetchRequest, SecretString,
    TokenCache, TokenFetcher, TokenFuture, TokenSource, TokioClock,
};

/// Answers fetches from a script, after a delay, and records every request.
#[derive(Debug)]
struct Scripted {
    clock: TokioClock,
    delay: Duration,
    script: Mutex<VecDeque<Result<(&'static str, i64), Error>>>,
    requests: Mutex<Vec<FetchCause>>,
}

impl Scripted {
    fn new(clock: TokioClock, script: Vec<Result<(&'static str, i64), Error>>) -> Self {
        Self {
            clock,
            delay: Duration::from_millis(50),
            script: Mutex::new(script.into()),
            requests: Mutex::default(),
        }
    }

    fn causes(&self) -> Vec<FetchCause> {
        self.requests.lock().unwrap().clone()
    }
}

impl TokenFetcher for Scripted {
    fn name(&self) -> &str {
        "scripted"
    }

    fn fetch(&self, request: FetchRequest) -> TokenFuture<'_> {
        Box::pin(async move {
            self.requests.lock().unwrap().push(request.cause);
            tokio::time::sleep(self.delay).await;
            let next = self
                .script
                .lock()
                .unwrap()
                .pop_front()
                .expect("no more scripted answers");
            next.map(|(value, lifetime_secs)| {
                AccessToken::new(value)
                    .with_expiry(self.clock.now() + TimeDelta::seconds(lifetime_secs))
            })
        })
    }
}

fn transient() -> Error {
    Error::Transport {
        source_name: "scripted".into(),
        message: "connection refused".into(),
    }
}

fn cache(script: Vec<Result<(&'static str, i64), Error>>) -> (TokenCache<Scripted>, TokioClock) {
    let clock = TokioClock::new();
    let settings = CacheSettings {
        refresh_before: Duration::from_secs(300),
        ..CacheSettings::default()
    };
    (
        TokenCache::with_settings(Scripted::new(clock, script), settings, Arc::new(clock)),
        clock,
    )
}

fn value(token: &AccessToken) -> &str {
    token.secret().expose_secret()
}

#[tokio::test(start_paused = true)]
async fn two_hundred_callers_share_one_fetch() {
    let (cache, _) = cache(vec![Ok(("t1", 3600))]);
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.token().await })
        })
        .collect();
    for task in tasks {
        assert_eq!(value(&task.await.unwrap().unwrap()), "t1");
    }
    assert_eq!(cache.fetcher().causes(), [FetchCause::Initial]);
}

#[tokio::test(start_paused = true)]
async fn tokens_are_refreshed_ahead_of_expiry() {
    let (cache, _) = cache(vec![Ok(("t1", 3600)), Ok(("t2", 3600))]);
    assert_eq!(value(&cache.get().await.unwrap()), "t1");
    // Well before the refresh window (5 minutes plus up to half of that in jitter).
    tokio::time::advance(Duration::from_secs(50 * 60)).await;
    assert_eq!(value(&cache.get().await.unwrap()), "t1");
    assert_eq!(cache.fetcher().causes().len(), 1);
    // Inside the window, but before expiry: refreshed early.
    tokio::time::advance(Duration::from_secs(9 * 60)).await;
    assert_eq!(value(&cache.get().await.unwrap()), "t2");
    assert_eq!(
        cache.fetcher().causes(),
        [FetchCause::Initial, FetchCause::Expiring]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_refresh_keeps_serving_the_valid_token_and_backs_off() {
    let (cache, _) = cache(vec![
        Ok(("t1", 3600)),
        Err(transient()),
        Err(transient()),
        Ok(("t2", 3600)),
    ]);
    cache.get().await.unwrap();
    tokio::time::advance(Duration::from_secs(3600 - 60)).await;
    // The refresh fails; the old token is still valid, so callers get it.
    assert_eq!(value(&cache.get().await.unwrap()), "t1");
    // During the backoff nobody calls the token endpoint.
    for _ in 0..10 {
        assert_eq!(value(&cache.get().await.unwrap()), "t1");
    }
    assert_eq!(cache.fetcher().causes().len(), 2);
    // After the backoff: another attempt (fails again), then a longer wait, then success.
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(value(&cache.get().await.unwrap()), "t1");
    assert_eq!(cache.fetcher().causes().len(), 3);
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(value(&cache.get().await.unwrap()), "t2");
    assert_eq!(cache.fetcher().causes().len(), 4);
}

#[tokio::test(start_paused = true)]
async fn waiting_callers_share_a_failure_and_later_callers_wait_out_the_backoff() {
    let (cache, _) = cache(vec![Err(transient()), Ok(("t1", 3600))]);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.get().await })
        })
        .collect();
    for task in tasks {
        assert!(matches!(task.await.unwrap(), Err(Error::Transport { .. })));
    }
    assert_eq!(
        cache.fetcher().causes().len(),
        1,
        "one failed fetch, shared by all"
    );
    assert!(cache.get().await.is_err(), "still backing off");
    assert_eq!(cache.fetcher().causes().len(), 1);
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(value(&cache.get().await.unwrap()), "t1");
}

#[tokio::test(start_paused = true)]
async fn a_rejected_token_is_replaced_and_the_fetcher_is_told_why() {
    let (cache, _) = cache(vec![Ok(("t1", 3600)), Ok(("t2", 3600))]);
    cache.get().await.unwrap();
    cache.invalidate(&SecretString::from("some-other-token"));
    assert_eq!(
        value(&cache.get().await.unwrap()),
        "t1",
        "only the current token is dropped"
    );
    cache.invalidate(&SecretString::from("t1"));
    assert_eq!(value(&cache.get().await.unwrap()), "t2");
    assert_eq!(
        cache.fetcher().causes(),
        [FetchCause::Initial, FetchCause::Rejected]
    );
}

#[tokio::test(start_paused = true)]
async fn tokens_rejected_late_in_their_life_are_always_replaced() {
    // Under load a request can queue until its token has died on the server, though the cache
    // still thinks it fresh. Such rejections come one per token and late in its life; they
    // must never add up to the backoff meant for a server that refuses every token.
    let names = ["t1", "t2", "t3", "t4", "t5", "t6", "t7"];
    let (cache, _) = cache(names.iter().map(|name| Ok((*name, 3600))).collect());
    assert_eq!(value(&cache.get().await.unwrap()), "t1");
    for next in &names[1..6] {
        // Past half of the hour, before the refresh planned at 3150 s to 3300 s.
        tokio::time::advance(Duration::from_secs(2_000)).await;
        let current = cache.get().await.unwrap();
        cache.invalidate(current.secret());
        assert_eq!(value(&cache.get().await.unwrap()), *next);
    }
    let mut expected = vec![FetchCause::Initial];
    expected.extend([FetchCause::Rejected; 5]);
    assert_eq!(cache.fetcher().causes(), expected);

    // Refused at first use, tokens still run into the backoff: t6 and its replacement t7 are
    // the second and third in a row, so t7 is kept and callers get the server's 401.
    cache.invalidate(&SecretString::from("t6"));
    assert_eq!(value(&cache.get().await.unwrap()), "t7");
    cache.invalidate(&SecretString::from("t7"));
    assert_eq!(value(&cache.get().await.unwrap()), "t7");
    assert_eq!(cache.fetcher().causes().len(), 7);
}

#[tokio::test(start_paused = true)]
async fn a_fetch_that_hangs_times_out() {
    let clock = TokioClock::new();
    let mut fetcher = Scripted::new(clock, vec![Ok(("never", 3600))]);
    fetcher.delay = Duration::from_secs(3600);
    let settings = CacheSettings {
        fetch_timeout: Duration::from_secs(5),
        ..CacheSettings::default()
    };
    let cache = TokenCache::with_settings(fetcher, settings, Arc::new(clock));
    let error = cache.get().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    assert!(error.is_transient());
}

#[tokio::test(start_paused = true)]
async fn a_nan_negative_or_infinite_jitter_never_panics() {
    for jitter in [f64::NAN, -1.0, f64::INFINITY, f64::NEG_INFINITY] {
        let clock = TokioClock::new();
        let settings = CacheSettings {
            jitter,
            ..CacheSettings::default()
        };
        let cache = TokenCache::with_settings(
            Scripted::new(clock, vec![Ok(("t1", 3600)), Ok(("t2", 3600))]),
            settings,
            Arc::new(clock),
        );
        assert_eq!(value(&cache.get().await.unwrap()), "t1", "jitter {jitter}");
        // Refreshed no later than the refresh window plus its largest jitter (all of it).
        tokio::time::advance(Duration::from_secs(3600 - 299)).await;
        assert_eq!(value(&cache.get().await.unwrap()), "t2", "jitter {jitter}");
    }
}

/// Panics on its first fetch (after a delay, so that many callers wait for it), then issues
/// tokens; counts fetches.
#[derive(Debug)]
struct PanicsOnce {
    clock: TokioClock,
    fetches: Mutex<u32>,
}

impl TokenFetcher for PanicsOnce {
    fn name(&self) -> &str {
        "panics-once"
    }

    fn fetch(&self, _: FetchRequest) -> TokenFuture<'_> {
        Box::pin(async move {
            let n = {
                let mut fetches = self.fetches.lock().unwrap();
                *fetches += 1;
                *fetches
            };
            tokio::time::sleep(Duration::from_millis(50)).await;
            if n == 1 {
                panic!("a bug in a token fetcher");
            }
            Ok(AccessToken::new(format!("t{n}"))
                .with_expiry(self.clock.now() + TimeDelta::hours(1)))
        })
    }
}

#[tokio::test(start_paused = true)]
async fn a_panicking_fetch_fails_its_waiters_and_the_next_caller_fetches_again() {
    let clock = TokioClock::new();
    let cache = TokenCache::with_settings(
        PanicsOnce {
            clock,
            fetches: Mutex::new(0),
        },
        CacheSettings::default(),
        Arc::new(clock),
    );
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.get().await })
        })
        .collect();
    for task in tasks {
        let outcome = task.await.expect("no caller panics");
        let error = outcome.unwrap_err();
        assert!(error.to_string().contains("panicked"), "{error}");
    }
    assert_eq!(
        *cache.fetcher().fetches.lock().unwrap(),
        1,
        "one fetch, shared"
    );
    // The cache still works: after the backoff a later caller fetches once.
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(value(&cache.get().await.unwrap()), "t2");
    assert_eq!(value(&cache.get().await.unwrap()), "t2");
    assert_eq!(*cache.fetcher().fetches.lock().unwrap(), 2);
}
