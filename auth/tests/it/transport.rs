//! The transport's overall deadline, and backoff when refreshed tokens keep being rejected, on
//! tokio's paused clock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeDelta;
use httpmock::MockServer;
use wxcc_auth::{
    AccessToken, CacheSettings, Clock, Error, FetchCause, FetchRequest, OperationTable, Signer,
    Timeouts, TokenCache, TokenFetcher, TokenFuture, TokioClock, Transport, TransportError,
};

/// Issues `t1`, `t2`, ... after `delay`, or always fails with `error`; counts fetches.
#[derive(Debug)]
struct Counting {
    clock: TokioClock,
    delay: Duration,
    error: Option<Error>,
    fetches: Mutex<Vec<FetchCause>>,
}

impl Counting {
    fn new(clock: TokioClock) -> Self {
        Self {
            clock,
            delay: Duration::ZERO,
            error: None,
            fetches: Mutex::default(),
        }
    }

    fn count(&self) -> usize {
        self.fetches.lock().unwrap().len()
    }
}

impl TokenFetcher for Counting {
    fn name(&self) -> &str {
        "counting"
    }

    fn fetch(&self, request: FetchRequest) -> TokenFuture<'_> {
        let n = {
            let mut fetches = self.fetches.lock().unwrap();
            fetches.push(request.cause);
            fetches.len()
        };
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            if let Some(error) = &self.error {
                return Err(error.clone());
            }
            Ok(AccessToken::new(format!("t{n}"))
                .with_expiry(self.clock.now() + TimeDelta::hours(1)))
        })
    }
}

fn cache(fetcher: Counting, clock: TokioClock) -> TokenCache<Counting> {
    TokenCache::with_settings(fetcher, CacheSettings::default(), Arc::new(clock))
}

fn get(url: &str) -> reqwest::Request {
    reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap())
}

#[tokio::test(start_paused = true)]
async fn getting_a_token_counts_against_the_overall_deadline() {
    let clock = TokioClock::new();
    let mut fetcher = Counting::new(clock);
    // A token endpoint that hangs: the cache would give up after its 30 s fetch timeout.
    fetcher.delay = Duration::from_secs(3600);
    let signer = Signer::new(cache(fetcher, clock), OperationTable::empty());
    let timeouts = Timeouts::none().with_overall(Some(Duration::from_secs(3)));
    let transport = Transport::new(signer, timeouts, "test").unwrap();
    let started = tokio::time::Instant::now();
    let error = transport
        .execute(get("http://127.0.0.1:9/search"), "search")
        .await
        .unwrap_err();
    assert!(
        matches!(error, TransportError::Timeout(after) if after == Duration::from_secs(3)),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn an_api_that_rejects_every_token_gets_refreshes_with_backoff_not_one_per_call() {
    let server = MockServer::start_async().await;
    let api = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(401);
        })
        .await;
    let clock = TokioClock::new();
    let cache = cache(Counting::new(clock), clock);
    let signer = Signer::new(cache.clone(), OperationTable::empty());
    let transport = Transport::new(signer, Timeouts::none(), "test").unwrap();
    for _ in 0..200 {
        let response = transport
            .execute(get(&server.url("/search")), "search")
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "the API's answer is returned");
    }
    api.assert_calls_async(202).await;
    // The first token and two refreshes after rejections; the third token in a row rejected
    // starts the backoff.
    assert_eq!(
        *cache.fetcher().fetches.lock().unwrap(),
        [
            FetchCause::Initial,
            FetchCause::Rejected,
            FetchCause::Rejected
        ]
    );
    // After the backoff, one more refresh is tried, then a longer backoff.
    tokio::time::advance(Duration::from_secs(1)).await;
    for _ in 0..10 {
        transport
            .execute(get(&server.url("/search")), "search")
            .await
            .unwrap();
    }
    assert_eq!(cache.fetcher().count(), 4);
}

#[tokio::test(start_paused = true)]
async fn a_token_endpoint_that_keeps_failing_is_backed_off_whatever_the_error() {
    let clock = TokioClock::new();
    let mut fetcher = Counting::new(clock);
    // Not transient, and not a rejection of the credentials either.
    fetcher.error = Some(Error::TokenEndpoint {
        source_name: "counting".into(),
        status: 400,
        code: Some("invalid_request".into()),
        description: None,
    });
    let cache = cache(fetcher, clock);
    for _ in 0..200 {
        assert!(matches!(
            cache.get().await,
            Err(Error::TokenEndpoint { status: 400, .. })
        ));
    }
    assert_eq!(cache.fetcher().count(), 1);
    tokio::time::advance(Duration::from_secs(1)).await;
    for _ in 0..10 {
        assert!(cache.get().await.is_err());
    }
    assert_eq!(cache.fetcher().count(), 2);
}
