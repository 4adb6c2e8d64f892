//! Property tests: no public constructor that takes numbers, durations or instants panics on
//! any value, and neither does using what it built.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use wxcc_auth::{
    AccessToken, CacheSettings, Clock, Connector, Credentials, FetchRequest, NodeAuthorizations,
    OperationTable, RetryPolicy, ServiceApp, Signer, StaticToken, Timeouts, TokenCache,
    TokenFetcher, TokenFuture, TokenSource, TokioClock, Transport,
};

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        Just(Duration::MAX),
        (any::<u64>(), 0..1_000_000_000u32).prop_map(|(s, n)| Duration::new(s, n)),
        (0..100_000u64).prop_map(Duration::from_millis),
    ]
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    prop_oneof![
        Just(DateTime::<Utc>::MIN_UTC),
        Just(DateTime::<Utc>::MAX_UTC),
        (DateTime::<Utc>::MIN_UTC.timestamp()..=DateTime::<Utc>::MAX_UTC.timestamp())
            .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default()),
        (-100_000i64..100_000).prop_map(|s| Utc::now() + chrono::TimeDelta::seconds(s)),
    ]
}

fn settings() -> impl Strategy<Value = CacheSettings> {
    (
        duration(),
        prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.5)
        ],
        duration(),
        duration(),
        duration(),
    )
        .prop_map(
            |(refresh_before, jitter, fetch_timeout, initial_backoff, max_backoff)| CacheSettings {
                refresh_before,
                jitter,
                fetch_timeout,
                initial_backoff,
                max_backoff,
            },
        )
}

/// Issues tokens that expire at a chosen instant, or fails every other time.
#[derive(Debug)]
struct Issues {
    expires_at: Option<DateTime<Utc>>,
    fail: bool,
}

impl TokenFetcher for Issues {
    fn name(&self) -> &str {
        "issues"
    }
    fn fetch(&self, _: FetchRequest) -> TokenFuture<'_> {
        Box::pin(async move {
            if self.fail {
                return Err(wxcc_auth::Error::Transport {
                    source_name: "issues".into(),
                    message: "refused".into(),
                });
            }
            let token = AccessToken::new("t");
            Ok(match self.expires_at {
                Some(at) => token.with_expiry(at),
                None => token,
            })
        })
    }
}

fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_cache_with_any_settings_and_any_expiry_serves_without_panicking(
        settings in settings(),
        expires_at in proptest::option::of(instant()),
        fail in any::<bool>(),
        start in instant(),
        steps in proptest::collection::vec(0..400_000_000u64, 0..4),
    ) {
        paused_runtime().block_on(async move {
            let clock = TokioClock::starting_at(start);
            let cache = TokenCache::with_settings(Issues { expires_at, fail }, settings, Arc::new(clock));
            let _ = cache.get().await;
            for step in steps {
                tokio::time::advance(Duration::from_secs(step)).await;
                let _ = clock.now();
                if let Ok(token) = cache.get().await {
                    cache.invalidate(token.secret());
                }
                let _ = cache.get().await;
            }
            let _ = format!("{cache:?}");
        });
    }

    #[test]
    fn signers_take_any_retry_policy_and_any_token(
        max_attempts in any::<u32>(),
        initial_backoff in duration(),
        max_backoff in duration(),
        max_retry_after in duration(),
        deadline in proptest::option::of(duration()),
        retry in any::<u32>(),
        token in any::<String>(),
    ) {
        let policy = RetryPolicy::default().with_max_attempts(max_attempts).with_initial_backoff(initial_backoff).with_max_backoff(max_backoff).with_max_retry_after(max_retry_after).with_deadline(deadline);
        let _ = policy.backoff(retry);
        let signer = Signer::new(StaticToken::new("s", token), OperationTable::empty()).with_retry_policy(policy);
        paused_runtime().block_on(async move {
            let mut request = reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1:9/".parse().unwrap());
            let _ = signer.authorize(&mut request, "op").await;
        });
    }

    #[test]
    fn access_tokens_and_clocks_take_any_instant(at in instant(), step in 0..400_000_000u64) {
        let token = AccessToken::new("t").with_expiry(at);
        prop_assert_eq!(token.expires_at(), Some(at));
        paused_runtime().block_on(async move {
            let clock = TokioClock::starting_at(at);
            tokio::time::advance(Duration::from_secs(step)).await;
            let _ = clock.now();
        });
    }
}

proptest! {
    // Each case builds HTTP clients with a TLS configuration: fewer cases keep this quick.
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn lifecycles_build_with_any_cache_settings_and_names(
        settings in settings(),
        name in any::<String>(),
        base in any::<String>(),
    ) {
        let _ = Connector::builder(name.clone(), "cid", "secret", "https://bot.example.com/cb")
            .cache_settings(settings.clone())
            .oauth_base(base.clone())
            .build();
        let _ = ServiceApp::builder(name.clone(), name.clone(), "cid", "secret", "org")
            .cache_settings(settings.clone())
            .oauth_base(base.clone())
            .build();
        if let Ok(registry) = NodeAuthorizations::builder(base).cache_settings(settings).build() {
            let _ = registry.add(name.clone(), Credentials::access_key("k"));
            let _ = registry.get(&name);
        }
    }

    #[test]
    fn transports_take_any_timeouts_and_user_agent(
        connect in proptest::option::of(duration()),
        attempt in proptest::option::of(duration()),
        overall in proptest::option::of(duration()),
        deadline in proptest::option::of(duration()),
        user_agent in any::<String>(),
    ) {
        let policy = RetryPolicy::default().with_deadline(deadline);
        let signer = Signer::new(StaticToken::new("s", "t"), OperationTable::empty()).with_retry_policy(policy);
        let _ = Transport::new(signer, Timeouts::none().with_connect(connect).with_attempt(attempt).with_overall(overall), &user_agent);
    }
}
