//! `RedisStore` and `RedisRateLimiter` against a real Redis server: leases, versioned writes,
//! key layout, an unreachable server, and a limit shared by two limiter instances.
//!
//! The server's URL comes from `WXCC_TEST_REDIS_URL` (`.ci/run` starts `redis-server` on a
//! free loopback port and sets it). Without it these tests say so and pass, unless
//! `WXCC_REQUIRE_REDIS` is set, as CI sets it, when they fail instead. Each test uses its own
//! key prefix, so they run in parallel on one server.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use wxcc_auth::{
    Connector, Error, ExposeSecret, RateLimit, RateLimiter, RedisRateLimiter, RedisStore,
    SecretString, StoreFuture, StoreLock, StoredTokens, TokenSource, TokenStore,
};

/// The test server's URL, or `None` (after saying why) when this machine has none.
pub fn redis_url() -> Option<String> {
    match std::env::var("WXCC_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("WXCC_REQUIRE_REDIS").is_none(),
                "WXCC_REQUIRE_REDIS is set but WXCC_TEST_REDIS_URL is not: start redis-server \
                 and point WXCC_TEST_REDIS_URL at it (.ci/run does)"
            );
            eprintln!(
                "skipped: set WXCC_TEST_REDIS_URL=redis://127.0.0.1:<port>/ to run the Redis tests"
            );
            None
        }
    }
}

fn prefix() -> String {
    format!("wxcc-test-{}", uuid::Uuid::new_v4().simple())
}

fn tokens(refresh: &str) -> StoredTokens {
    StoredTokens {
        access_token: Some(SecretString::from(format!("access-for-{refresh}"))),
        access_expires_at: Some(Utc::now() + chrono::TimeDelta::hours(1)),
        refresh_token: Some(SecretString::from(refresh.to_owned())),
        refresh_expires_at: None,
        scopes: vec!["cjp:config_read".into()],
        fingerprint: None,
        updated_at: Utc::now(),
    }
}

fn refresh_of(t: &StoredTokens) -> String {
    t.refresh_token.as_ref().unwrap().expose_secret().to_owned()
}

async fn raw(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

#[tokio::test]
async fn entries_round_trip_under_namespaced_keys_and_debug_hides_everything_secret() {
    let Some(url) = redis_url() else { return };
    let prefix = prefix();
    let store = RedisStore::builder(&url)
        .key_prefix(&prefix)
        .build()
        .unwrap();
    let key = "connector/reporting";
    assert!(store.load(key).await.unwrap().is_none());
    store.save(key, tokens("ref-1")).await.unwrap();
    assert_eq!(
        refresh_of(&store.load(key).await.unwrap().unwrap()),
        "ref-1"
    );

    let mut redis = raw(&url).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(keys, [format!("{prefix}:{{{key}}}:tokens")]);
    let version: i64 = redis::cmd("HGET")
        .arg(&keys[0])
        .arg("version")
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(version, 1);

    let debug = format!("{store:?} {:?}", store.load(key).await.unwrap());
    assert!(
        !debug.contains("ref-1") && !debug.contains("access-for"),
        "{debug}"
    );
    store.remove(key).await.unwrap();
    assert!(store.load(key).await.unwrap().is_none());
}

#[tokio::test]
async fn a_lease_excludes_other_replicas_until_dropped_and_is_released_at_once() {
    let Some(url) = redis_url() else { return };
    let prefix = prefix();
    // Two stores are two replicas: they share only the server.
    let first = RedisStore::builder(&url)
        .key_prefix(&prefix)
        .build()
        .unwrap();
    let second = RedisStore::builder(&url)
        .key_prefix(&prefix)
        .lock_wait(Duration::from_millis(300))
        .build()
        .unwrap();
    let held = first.lock("k").await.unwrap();
    let refused = second.lock("k").await.unwrap_err();
    assert!(
        matches!(&refused, Error::StoreUnavailable { message, .. } if message.contains("another holder")),
        "{refused}"
    );
    drop(held);
    let started = Instant::now();
    let taken = RedisStore::builder(&url)
        .key_prefix(&prefix)
        .build()
        .unwrap()
        .lock("k")
        .await
        .unwrap();
    // The default lease is 30 s: a third of that still tells a release from an expiry, with
    // room for a loaded machine.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "released by compare-and-delete, not by expiry"
    );
    drop(taken);
}

#[tokio::test]
async fn a_lease_outlives_its_length_while_held_and_a_dead_holders_lease_expires() {
    let Some(url) = redis_url() else { return };
    let prefix = prefix();
    let store = RedisStore::builder(&url)
        .key_prefix(&prefix)
        .lease(Duration::from_secs(2))
        .build()
        .unwrap();
    let other = RedisStore::builder(&url)
        .key_prefix(&prefix)
        .lock_wait(Duration::from_millis(200))
        .build()
        .unwrap();
    let held = store.lock("k").await.unwrap();
    // Renewed every third of its length: still held after three lease lengths. (Two seconds,
    // not the shortest allowed, so that a loaded machine's stalls stay shorter than a lease.)
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(other.lock("k").await.is_err());
    store
        .save_locked("k", tokens("ref-2"), &held)
        .await
        .unwrap();
    drop(held);

    // A holder that died leaves its lease behind, unrenewed: the next holder waits it out.
    let mut redis = raw(&url).await;
    let _: () = redis::cmd("SET")
        .arg(format!("{prefix}:{{k}}:lease"))
        .arg("a-dead-replica")
        .arg("PX")
        .arg(1_500)
        .query_async(&mut redis)
        .await
        .unwrap();
    // What is left of it, read rather than assumed: the next holder waits at least that long.
    let left: i64 = redis::cmd("PTTL")
        .arg(format!("{prefix}:{{k}}:lease"))
        .query_async(&mut redis)
        .await
        .unwrap();
    let left = Duration::from_millis(left.max(0).unsigned_abs());
    let started = Instant::now();
    let taken = store.lock("k").await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited + Duration::from_millis(100) >= left && waited < Duration::from_secs(8),
        "{waited:?} with {left:?} of the lease left"
    );
    assert_eq!(
        refresh_of(&store.load_locked("k", &taken).await.unwrap().unwrap()),
        "ref-2",
        "nothing was lost"
    );
}

#[tokio::test]
async fn a_holder_whose_lease_passed_on_cannot_overwrite_newer_tokens() {
    let Some(url) = redis_url() else { return };
    let prefix = prefix();
    let stalled = RedisStore::builder(&url)
        .key_prefix(&prefix)
        .build()
        .unwrap();
    let other = RedisStore::builder(&url)
        .key_prefix(&prefix)
        .build()
        .unwrap();
    stalled.save("k", tokens("ref-1")).await.unwrap();

    let old_lease = stalled.lock("k").await.unwrap();
    stalled.load_locked("k", &old_lease).await.unwrap();
    // The stalled replica's lease expires (here: is deleted) and another takes over, refreshes
    // and stores newer tokens.
    let mut redis = raw(&url).await;
    let _: () = redis::cmd("DEL")
        .arg(format!("{prefix}:{{k}}:lease"))
        .query_async(&mut redis)
        .await
        .unwrap();
    let new_lease = other.lock("k").await.unwrap();
    other.load_locked("k", &new_lease).await.unwrap();
    other
        .save_locked("k", tokens("ref-2"), &new_lease)
        .await
        .unwrap();

    let refused = stalled
        .save_locked("k", tokens("ref-stale"), &old_lease)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::LeaseLost { .. }), "{refused}");
    assert!(
        stalled
            .remove_locked("k", &old_lease)
            .await
            .is_err_and(|e| matches!(e, Error::LeaseLost { .. }))
    );
    drop((old_lease, new_lease));
    assert_eq!(
        refresh_of(&other.load("k").await.unwrap().unwrap()),
        "ref-2"
    );
}

#[tokio::test]
async fn a_holder_cannot_overwrite_an_entry_that_changed_since_it_read_it() {
    let Some(url) = redis_url() else { return };
    let prefix = prefix();
    let store = RedisStore::builder(&url)
        .key_prefix(&prefix)
        .build()
        .unwrap();
    store.save("k", tokens("ref-1")).await.unwrap();
    let lease = store.lock("k").await.unwrap();
    store.load_locked("k", &lease).await.unwrap();
    // Someone writes without the lease (an operator's script, a misconfigured replica).
    RedisStore::builder(&url)
        .key_prefix(&prefix)
        .build()
        .unwrap()
        .save("k", tokens("ref-by-hand"))
        .await
        .unwrap();
    let refused = store
        .save_locked("k", tokens("ref-2"), &lease)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::LeaseLost { reason, .. } if reason.contains("changed")),
        "{refused}"
    );
    // Read again under the same lease, the write goes through.
    store.load_locked("k", &lease).await.unwrap();
    store
        .save_locked("k", tokens("ref-2"), &lease)
        .await
        .unwrap();
    store
        .save_locked("k", tokens("ref-3"), &lease)
        .await
        .unwrap();
    drop(lease);
    assert_eq!(
        refresh_of(&store.load("k").await.unwrap().unwrap()),
        "ref-3"
    );
}

#[tokio::test]
async fn an_entry_another_version_wrote_is_refused_and_left_untouched() {
    let Some(url) = redis_url() else { return };
    let prefix = prefix();
    let store = RedisStore::builder(&url)
        .key_prefix(&prefix)
        .build()
        .unwrap();
    let mut redis = raw(&url).await;
    let key = format!("{prefix}:{{k}}:tokens");
    let _: () = redis::cmd("HSET")
        .arg(&key)
        .arg("version")
        .arg(7)
        .arg("format")
        .arg("wxcc-auth/99")
        .arg("tokens")
        .arg("{\"refresh_token\":\"secret-in-a-foreign-entry\"}")
        .query_async(&mut redis)
        .await
        .unwrap();
    let refused = store.load("k").await.unwrap_err();
    assert!(matches!(refused, Error::Store { .. }), "{refused}");
    assert!(!refused.to_string().contains("secret-in-a-foreign-entry"));
    let format: String = redis::cmd("HGET")
        .arg(&key)
        .arg("format")
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(format, "wxcc-auth/99");
}

#[tokio::test]
async fn an_unreachable_server_is_a_typed_error_within_the_timeout_without_the_password() {
    // A loopback port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("redis://bot:pa55-w0rd@127.0.0.1:{port}/0");
    let store = RedisStore::builder(&url)
        .command_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = store.load("k").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(matches!(error, Error::StoreUnavailable { .. }), "{error}");
    assert!(error.is_transient());
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{store:?}"),
        format!("{:?}", store.lock("k").await.unwrap_err()),
        format!("{:?}", RedisStore::builder(&url)),
    ] {
        assert!(!text.contains("pa55-w0rd"), "{text}");
    }
    assert!(
        error
            .to_string()
            .contains(&format!("redis://127.0.0.1:{port}/0"))
    );
}

#[tokio::test]
async fn replicas_share_one_rate_limit_through_redis() {
    let Some(url) = redis_url() else { return };
    let name = prefix();
    // One slot every three seconds, so that a slow machine's round trips stay small beside it.
    let interval = Duration::from_secs(3);
    let limiter = |burst: u32| {
        RedisRateLimiter::builder(&url, &name)
            .per_minute(NonZeroU32::new(20).unwrap())
            .burst(NonZeroU32::new(burst).unwrap())
            .build()
            .unwrap()
    };
    let (a, b) = (limiter(3), limiter(3));
    let first = Instant::now();
    assert_eq!(a.try_acquire().await.unwrap(), Ok(()));
    assert_eq!(b.try_acquire().await.unwrap(), Ok(()));
    assert_eq!(a.try_acquire().await.unwrap(), Ok(()));
    // The burst of three is spent by both together; the next slot is an interval after the
    // first one (on the same machine, so Redis's clock and ours agree).
    let wait = b.try_acquire().await.unwrap().unwrap_err();
    let since_first = first.elapsed();
    assert!(
        wait + since_first + Duration::from_millis(100) >= interval && wait <= interval,
        "{wait:?}, {since_first:?} after the first slot"
    );
    assert!(
        a.acquire(Some(Duration::from_millis(100)))
            .await
            .unwrap_err()
            > Duration::from_millis(100)
    );
    b.acquire(Some(Duration::from_secs(10))).await.unwrap();
    assert!(
        first.elapsed() + Duration::from_millis(100) >= interval,
        "{:?}",
        first.elapsed()
    );
}

#[tokio::test]
async fn without_redis_the_shared_limit_falls_back_to_one_for_this_process() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let limit = RedisRateLimiter::builder(format!("redis://127.0.0.1:{port}"), "client")
        .command_timeout(Duration::from_millis(200))
        .fallback(RateLimiter::per_minute(NonZeroU32::new(2).unwrap()))
        .build()
        .unwrap();
    let limit: Arc<dyn RateLimit> = Arc::new(limit);
    assert!(limit.acquire(Some(Duration::ZERO)).await.is_ok());
    assert!(limit.acquire(Some(Duration::ZERO)).await.is_ok());
    assert!(
        limit.acquire(Some(Duration::ZERO)).await.is_err(),
        "the fallback's two a minute are spent"
    );
}

/// A `RedisStore` whose next `failures` writes fail as a slow Redis does: the command times
/// out, having taken effect (`landed`) or not.
#[derive(Debug)]
struct FailingWrites {
    inner: RedisStore,
    failures: std::sync::atomic::AtomicU32,
    landed: bool,
}

impl FailingWrites {
    fn failed(&self) -> bool {
        use std::sync::atomic::Ordering;
        self.failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

impl TokenStore for FailingWrites {
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredTokens>> {
        self.inner.load(key)
    }
    fn save<'a>(&'a self, key: &'a str, tokens: StoredTokens) -> StoreFuture<'a, ()> {
        self.inner.save(key, tokens)
    }
    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        self.inner.remove(key)
    }
    fn lock<'a>(&'a self, key: &'a str) -> StoreFuture<'a, StoreLock> {
        self.inner.lock(key)
    }
    fn load_locked<'a>(
        &'a self,
        key: &'a str,
        lock: &'a StoreLock,
    ) -> StoreFuture<'a, Option<StoredTokens>> {
        self.inner.load_locked(key, lock)
    }
    fn save_locked<'a>(
        &'a self,
        key: &'a str,
        tokens: StoredTokens,
        lock: &'a StoreLock,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            if !self.failed() {
                return self.inner.save_locked(key, tokens, lock).await;
            }
            if self.landed {
                self.inner.save_locked(key, tokens, lock).await?;
            }
            Err(Error::StoreUnavailable {
                store: "redis://127.0.0.1/0".into(),
                message: "timed out after 2s".into(),
            })
        })
    }
    fn remove_locked<'a>(&'a self, key: &'a str, lock: &'a StoreLock) -> StoreFuture<'a, ()> {
        self.inner.remove_locked(key, lock)
    }
}

/// A token endpoint that answers the authorization-code grant with `acc-1` / `ref-1`.
async fn code_grant_server() -> httpmock::MockServer {
    let server = httpmock::MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/v1/access_token")
                .form_urlencoded_tuple("grant_type", "authorization_code");
            then.status(200).json_body(serde_json::json!({
                "access_token": "acc-1", "expires_in": 3600,
                "refresh_token": "ref-1", "refresh_token_expires_in": 86_400,
            }));
        })
        .await;
    server
}

/// A Redis store under `prefix` whose next `failures` writes fail (after landing, if `landed`).
fn failing_redis(url: &str, prefix: &str, failures: u32, landed: bool) -> Arc<FailingWrites> {
    let inner = RedisStore::builder(url).key_prefix(prefix).build().unwrap();
    Arc::new(FailingWrites {
        inner,
        failures: std::sync::atomic::AtomicU32::new(failures),
        landed,
    })
}

/// A connector named `name` that authorizes against [`code_grant_server`] and keeps its tokens
/// in `store`.
fn code_grant_connector(
    name: &str,
    server: &httpmock::MockServer,
    store: Arc<dyn TokenStore>,
) -> Connector {
    Connector::builder(
        name,
        "cid",
        SecretString::from("csecret"),
        "https://bot.example.com/cb",
    )
    .oauth_base(server.url("/v1"))
    .store(store)
    .build()
    .unwrap()
}

#[tokio::test]
async fn a_failed_write_of_new_tokens_is_retried_before_the_lease_is_let_go() {
    let Some(url) = redis_url() else { return };
    let server = code_grant_server().await;
    let refreshes = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/v1/access_token")
                .form_urlencoded_tuple("grant_type", "refresh_token");
            then.status(200).json_body(serde_json::json!({
                "access_token": "acc-2", "expires_in": 3600, "refresh_token": "ref-2",
            }));
        })
        .await;
    // Lost answers and lost writes alike: after the call that authorized, the entry holds the
    // new tokens, so another replica reads them instead of an older entry (whose refresh token
    // it would spend a second time).
    for landed in [false, true] {
        let prefix = prefix();
        let store = |failures| failing_redis(&url, &prefix, failures, landed);
        let connector = |store| code_grant_connector("retried", &server, store);
        let first = connector(store(1));
        let request = first.authorization_request(true).unwrap();
        first
            .complete(&request, request.state(), "the-code")
            .await
            .unwrap_or_else(|e| panic!("landed={landed}: {e}"));
        let second = connector(store(0));
        let token = second.token().await.unwrap();
        assert_eq!(token.secret().expose_secret(), "acc-1", "landed={landed}");
    }
    refreshes.assert_calls_async(0).await;
}

#[tokio::test]
async fn tokens_kept_through_a_longer_outage_reach_redis_without_another_access() {
    let Some(url) = redis_url() else { return };
    let server = code_grant_server().await;
    let prefix = prefix();
    let store = |failures| failing_redis(&url, &prefix, failures, false);
    let connector = |store| code_grant_connector("outage", &server, store);
    // The first write and all three retries under the lease fail: the tokens are kept, the
    // lease is let go, and nothing touches this connector again.
    let first_store = store(4);
    let first = connector(Arc::clone(&first_store) as Arc<dyn TokenStore>);
    let request = first.authorization_request(true).unwrap();
    first
        .complete(&request, request.state(), "the-code")
        .await
        .unwrap();
    assert!(
        first_store
            .load("connector/outage")
            .await
            .unwrap()
            .is_none(),
        "Redis did not take them"
    );
    // The background task's first try (2 s later) takes a fresh lease and writes them.
    let deadline = Instant::now() + Duration::from_secs(15);
    while first_store
        .load("connector/outage")
        .await
        .unwrap()
        .is_none()
    {
        assert!(
            Instant::now() < deadline,
            "the kept tokens never reached Redis"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let second = connector(store(0) as Arc<dyn TokenStore>);
    let token = second.token().await.unwrap();
    assert_eq!(token.secret().expose_secret(), "acc-1");
}
