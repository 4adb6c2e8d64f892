//! Many replicas, one connector: OS processes sharing tokens through `RedisStore` against the
//! sandbox with strict refresh-token rotation, a replica killed while holding the lease, and
//! a Redis restart in the middle of a run.
//!
//! The replicas are this test binary run again (`WXCC_REPLICA_ROLE` says what to do), so they
//! are separate processes with nothing shared but Redis and the sandbox's port. Redis comes
//! from `WXCC_TEST_REDIS_URL`, and the restart test starts its own `redis-server` (found on
//! `PATH`, or at `WXCC_TEST_REDIS_SERVER`); `.ci/run` provides both. Without them the tests
//! say so and pass, unless `WXCC_REQUIRE_REDIS` is set (CI sets it).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use wxcc_auth::{
    AccessLevel, CacheSettings, Connector, Error as AuthError, RedisStore, TokenSource,
};
use wxcc_sandbox::{Fault, RefreshTokens, Sandbox};
use wxcc_sdk::{Client, Error};

const ROLE: &str = "WXCC_REPLICA_ROLE";
const NAME: &str = "shared";

/// The replica tests run one at a time. Eight processes with 1,600 callers keep two cores
/// busy, and the other two tests measure a lease hand-over and a recovery whose times that
/// load would stretch past their bounds without anything being wrong.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn redis_url() -> Option<String> {
    match std::env::var("WXCC_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("WXCC_REQUIRE_REDIS").is_none(),
                "WXCC_REQUIRE_REDIS is set but WXCC_TEST_REDIS_URL is not (.ci/run sets both)"
            );
            eprintln!("skipped: set WXCC_TEST_REDIS_URL to run the replica tests");
            None
        }
    }
}

fn redis_server() -> Option<PathBuf> {
    let found = std::env::var_os("WXCC_TEST_REDIS_SERVER")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join("redis-server"))
                    .find(|candidate| candidate.is_file())
            })
        });
    if found.is_none() {
        assert!(
            std::env::var_os("WXCC_REQUIRE_REDIS").is_none(),
            "WXCC_REQUIRE_REDIS is set but no redis-server is on PATH"
        );
        eprintln!("skipped: no redis-server on PATH");
    }
    found
}

/// Everything a replica needs, passed through its environment.
struct Setup {
    oauth_base: String,
    wxcc_base: String,
    client_id: String,
    client_secret: String,
    redirect_uri: String,
    org_id: String,
    queue_id: String,
    redis_url: String,
    prefix: String,
}

impl Setup {
    fn new(sandbox: &Sandbox, redis_url: &str) -> Self {
        let credentials = sandbox.credentials();
        let integration = credentials.integration;
        use wxcc_auth::ExposeSecret as _;
        Self {
            oauth_base: sandbox.oauth_base(),
            wxcc_base: sandbox.wxcc_base(),
            client_id: integration.client_id,
            client_secret: integration.client_secret.expose_secret().to_owned(),
            redirect_uri: integration.redirect_uri,
            org_id: credentials.org_id,
            queue_id: credentials.known.queue_id,
            redis_url: redis_url.to_owned(),
            prefix: format!("wxcc-replicas-{}", uuid::Uuid::new_v4().simple()),
        }
    }

    fn from_env() -> Self {
        let var = |name: &str| std::env::var(format!("WXCC_REPLICA_{name}")).unwrap();
        Self {
            oauth_base: var("OAUTH_BASE"),
            wxcc_base: var("WXCC_BASE"),
            client_id: var("CLIENT_ID"),
            client_secret: var("CLIENT_SECRET"),
            redirect_uri: var("REDIRECT_URI"),
            org_id: var("ORG_ID"),
            queue_id: var("QUEUE_ID"),
            redis_url: var("REDIS_URL"),
            prefix: var("PREFIX"),
        }
    }

    /// This test binary, run again as a replica with `role`.
    fn spawn(&self, role: &str, extra: &[(&str, String)]) -> Child {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "replicas::replica", "--ignored", "--nocapture"])
            .env(ROLE, role)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (name, value) in [
            ("OAUTH_BASE", &self.oauth_base),
            ("WXCC_BASE", &self.wxcc_base),
            ("CLIENT_ID", &self.client_id),
            ("CLIENT_SECRET", &self.client_secret),
            ("REDIRECT_URI", &self.redirect_uri),
            ("ORG_ID", &self.org_id),
            ("QUEUE_ID", &self.queue_id),
            ("REDIS_URL", &self.redis_url),
            ("PREFIX", &self.prefix),
        ] {
            command.env(format!("WXCC_REPLICA_{name}"), value);
        }
        for (name, value) in extra {
            command.env(format!("WXCC_REPLICA_{name}"), value);
        }
        command.spawn().unwrap()
    }

    fn store(&self, lease: Duration) -> RedisStore {
        RedisStore::builder(&self.redis_url)
            .key_prefix(&self.prefix)
            .lease(lease)
            .build()
            .unwrap()
    }

    /// A connector on the shared entry; refreshes `refresh_before` to 1.4 times that before
    /// expiry.
    fn connector(&self, store: RedisStore, refresh_before: Duration) -> Connector {
        Connector::builder(
            NAME,
            self.client_id.as_str(),
            self.client_secret.clone(),
            self.redirect_uri.as_str(),
        )
        .access_level(AccessLevel::ReadOnly)
        .oauth_base(&self.oauth_base)
        .store(Arc::new(store))
        .cache_settings(CacheSettings {
            refresh_before,
            jitter: 0.4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(1),
            ..CacheSettings::default()
        })
        .build()
        .unwrap()
    }

    fn client(&self, connector: Connector) -> Client {
        Client::builder()
            .base_url(&self.wxcc_base)
            .token_source(connector)
            .org_id(&self.org_id)
            .rate_limit(None)
            .build()
            .unwrap()
    }
}

/// Runs the authorize step once, as the person setting the bot up would.
async fn authorize(connector: &Connector) {
    let request = connector.authorization_request(true).unwrap();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirect = browser.get(request.url().clone()).send().await.unwrap();
    let location = reqwest::Url::parse(
        redirect
            .headers()
            .get("location")
            .unwrap()
            .to_str()
            .unwrap(),
    )
    .unwrap();
    let get = |k: &str| {
        location
            .query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    connector
        .complete(&request, &get("state"), &get("code"))
        .await
        .unwrap();
}

/// What one replica reports on its last line.
#[derive(Debug, Default)]
struct Report {
    ok: u64,
    failed: u64,
}

fn read_report(child: &mut Child) -> Report {
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut report = Report::default();
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("REPLICA-REPORT ") {
            let value: serde_json::Value = serde_json::from_str(rest).unwrap();
            report.ok = value["ok"].as_u64().unwrap();
            report.failed = value["failed"].as_u64().unwrap();
            if let Some(errors) = value["errors"].as_array()
                && !errors.is_empty()
            {
                eprintln!("replica errors: {errors:?}");
            }
        }
    }
    report
}

/// The replica side: not a test on its own (ignored, and it returns at once without
/// `WXCC_REPLICA_ROLE`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by the replica tests as a child process"]
async fn replica() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    let setup = Setup::from_env();
    match role.as_str() {
        "callers" => {
            let callers: usize = std::env::var("WXCC_REPLICA_CALLERS")
                .unwrap()
                .parse()
                .unwrap();
            let run = Duration::from_millis(
                std::env::var("WXCC_REPLICA_RUN_MS")
                    .unwrap()
                    .parse()
                    .unwrap(),
            );
            let client = setup.client(setup.connector(
                setup.store(Duration::from_secs(5)),
                Duration::from_millis(2_500),
            ));
            let (ok, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
            let errors = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
            let until = Instant::now() + run;
            let tasks: Vec<_> = (0..callers)
                .map(|_| {
                    let (client, queue) = (client.clone(), setup.queue_id.clone());
                    let (ok, failed, errors) = (ok.clone(), failed.clone(), errors.clone());
                    tokio::spawn(async move {
                        while Instant::now() < until {
                            match client
                                .estimated_wait_time(&queue, Duration::from_secs(3600))
                                .await
                            {
                                Ok(_) => ok.fetch_add(1, Ordering::Relaxed),
                                Err(e) => {
                                    let mut errors = errors.lock().unwrap();
                                    if errors.len() < 5 {
                                        errors.push(e.to_string());
                                    }
                                    failed.fetch_add(1, Ordering::Relaxed)
                                }
                            };
                            // A bot's pace: a call, then work. 1,600 callers on a 2-core
                            // machine already keep it busy; faster would only measure queueing.
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            let errors = errors.lock().unwrap().clone();
            println!(
                "REPLICA-REPORT {}",
                serde_json::json!({
                    "ok": ok.load(Ordering::Relaxed),
                    "failed": failed.load(Ordering::Relaxed),
                    "errors": errors,
                })
            );
        }
        "hold" => {
            // Forces a refresh, which the sandbox holds up: killed while holding the lease.
            let connector =
                setup.connector(setup.store(Duration::from_secs(2)), Duration::from_secs(60));
            let token = connector.token().await.unwrap();
            connector.invalidate(token.secret());
            println!("REPLICA-REFRESHING");
            let _ = connector.token().await;
            unreachable!("the parent kills this process during the refresh");
        }
        other => panic!("unknown replica role {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_processes_share_one_connector_with_rotating_refresh_tokens() {
    let Some(url) = redis_url() else { return };
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let sandbox_started = Instant::now();
    let lifetime = Duration::from_secs(8);
    let sandbox = Sandbox::builder()
        .refresh_tokens(RefreshTokens::Rotated)
        .token_lifetime(lifetime)
        .rate_limit_per_minute(None)
        .start()
        .await
        .unwrap();
    let setup = Setup::new(&sandbox, &url);
    authorize(&setup.connector(setup.store(Duration::from_secs(5)), Duration::from_secs(1))).await;

    let (processes, callers, run) = (8, 200, Duration::from_secs(24));
    let started = Instant::now();
    let mut children: Vec<Child> = (0..processes)
        .map(|_| {
            setup.spawn(
                "callers",
                &[
                    ("CALLERS", callers.to_string()),
                    ("RUN_MS", run.as_millis().to_string()),
                ],
            )
        })
        .collect();
    let reports = tokio::task::spawn_blocking(move || {
        children
            .iter_mut()
            .map(|child| {
                let report = read_report(child);
                assert!(child.wait().unwrap().success());
                report
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let elapsed = started.elapsed();
    let ok: u64 = reports.iter().map(|r| r.ok).sum();
    let failed: u64 = reports.iter().map(|r| r.failed).sum();
    let stats = sandbox.token_stats();
    eprintln!(
        "{processes} processes x {callers} callers for {run:?}: {ok} calls ok, {failed} failed; \
         {stats:?}; took {elapsed:?}"
    );
    assert!(reports.iter().all(|r| r.ok > 0), "{reports:?}");
    assert_eq!(failed, 0);
    assert_eq!(stats.refused_refreshes, 0, "no invalid_grant");
    assert_eq!(stats.reuses, 0, "no refresh token spent twice");
    // One refresh per expiry across all processes: the shared token is replaced every
    // `lifetime - refresh_before` (4.5 s to 5.5 s). Two refreshes of one token by two
    // processes would be reuse (counted above); a process refreshing on its own would at least
    // double this count. The upper bound counts from the sandbox's start to the last call, which
    // on a loaded machine is longer than `run`.
    let window = sandbox_started.elapsed().as_secs_f64();
    let cycles_max = (window / (lifetime.as_secs_f64() - 3.5)).ceil() as u64 + 1;
    let cycles_min = (run.as_secs_f64() / lifetime.as_secs_f64()).floor() as u64 - 1;
    assert!(
        (cycles_min..=cycles_max).contains(&stats.refreshes),
        "{} refreshes, expected {cycles_min}..={cycles_max}",
        stats.refreshes
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_while_holding_the_lease_hands_over_after_it_expires() {
    let Some(url) = redis_url() else { return };
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let sandbox = Sandbox::builder()
        .refresh_tokens(RefreshTokens::Rotated)
        .start()
        .await
        .unwrap();
    let setup = Setup::new(&sandbox, &url);
    let refresh_before = Duration::from_secs(60);
    authorize(&setup.connector(setup.store(Duration::from_secs(2)), refresh_before)).await;
    // The killed replica's refresh is held up before the sandbox handles it.
    sandbox.inject(
        Fault::delay(Duration::from_secs(60))
            .on("POST", "/oauth/v1/access_token")
            .times(1),
    );
    let mut child = setup.spawn("hold", &[]);
    let lease_key = format!("{}:{{connector/{NAME}}}:lease", setup.prefix);
    let mut redis = redis::Client::open(url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let waiting_since = Instant::now();
    loop {
        let held: bool = redis::cmd("EXISTS")
            .arg(&lease_key)
            .query_async(&mut redis)
            .await
            .unwrap();
        if held && sandbox.count_requests("POST", "/oauth/v1/access_token") >= 2 {
            break;
        }
        assert!(
            waiting_since.elapsed() < Duration::from_secs(30),
            "the replica never refreshed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap(); // SIGKILL: no destructor runs, the lease stays behind.
    child.wait().unwrap();
    let killed = Instant::now();
    // What is left of the dead replica's lease: the next holder must wait at least that long.
    // Read, not assumed, since a loaded machine delays renewals and the kill alike.
    let left: i64 = redis::cmd("PTTL")
        .arg(&lease_key)
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(left > 0, "the lease was gone before the kill ({left})");
    let left = Duration::from_millis(left.unsigned_abs());

    let connector = setup.connector(setup.store(Duration::from_secs(2)), refresh_before);
    let token = connector.token().await.unwrap();
    let waited = killed.elapsed();
    connector.invalidate(token.secret());
    connector.token().await.unwrap();
    let stats = sandbox.token_stats();
    eprintln!("took over after {waited:?}; {stats:?}");
    assert!(
        waited + Duration::from_millis(100) >= left && waited < Duration::from_secs(10),
        "the dead replica's lease ({left:?} left) was waited out: {waited:?}"
    );
    assert_eq!(
        stats.refreshes, 1,
        "the dead replica's refresh never happened"
    );
    assert_eq!(
        (stats.refused_refreshes, stats.reuses),
        (0, 0),
        "no refresh token lost"
    );
}

/// A private Redis with an append-only file, so a restart keeps the tokens.
struct PrivateRedis {
    binary: PathBuf,
    dir: PathBuf,
    port: u16,
    process: Option<Child>,
}

impl PrivateRedis {
    fn start(binary: PathBuf) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir =
            std::env::temp_dir().join(format!("wxcc-redis-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut redis = Self {
            binary,
            dir,
            port,
            process: None,
        };
        redis.restart();
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    fn restart(&mut self) {
        let child = Command::new(&self.binary)
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args([
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        self.process = Some(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.process.take() {
            // SIGTERM: Redis flushes its append-only file and exits.
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_restart_mid_run_gives_typed_errors_then_recovers_and_loses_nothing() {
    let Some(binary) = redis_server() else { return };
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let mut redis = tokio::task::spawn_blocking(move || PrivateRedis::start(binary))
        .await
        .unwrap();
    let lifetime = Duration::from_secs(3);
    let sandbox = Sandbox::builder()
        .refresh_tokens(RefreshTokens::Rotated)
        .token_lifetime(lifetime)
        .rate_limit_per_minute(None)
        .start()
        .await
        .unwrap();
    let setup = Setup::new(&sandbox, &redis.url());
    let refresh_before = Duration::from_millis(1_500);
    authorize(&setup.connector(setup.store(Duration::from_secs(5)), refresh_before)).await;
    // Two replicas: two connectors, two stores, one Redis.
    let clients: Vec<Client> = (0..2)
        .map(|_| setup.client(setup.connector(setup.store(Duration::from_secs(5)), refresh_before)))
        .collect();

    /// Calls for `run` with 10 callers per client; returns (ok, store errors, other errors).
    async fn phase(clients: &[Client], queue: &str, run: Duration) -> (u64, u64, Vec<String>) {
        let until = Instant::now() + run;
        let mut tasks = Vec::new();
        for client in clients {
            for _ in 0..10 {
                let (client, queue) = (client.clone(), queue.to_owned());
                tasks.push(tokio::spawn(async move {
                    let (mut ok, mut store, mut other) = (0, 0, Vec::new());
                    while Instant::now() < until {
                        match client
                            .estimated_wait_time(&queue, Duration::from_secs(3600))
                            .await
                        {
                            Ok(_) => ok += 1,
                            Err(Error::Auth(AuthError::StoreUnavailable { .. })) => store += 1,
                            Err(e) => other.push(e.to_string()),
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    (ok, store, other)
                }));
            }
        }
        let mut total = (0, 0, Vec::new());
        for task in tasks {
            let (ok, store, other) = task.await.unwrap();
            total.0 += ok;
            total.1 += store;
            total.2.extend(other);
        }
        total
    }

    let queue = setup.queue_id.clone();
    let before = phase(&clients, &queue, Duration::from_secs(3)).await;
    let mut redis = tokio::task::spawn_blocking(move || {
        redis.stop();
        redis
    })
    .await
    .unwrap();
    let outage = phase(&clients, &queue, Duration::from_secs(4)).await;
    let mut redis = tokio::task::spawn_blocking(move || {
        redis.restart();
        redis
    })
    .await
    .unwrap();
    // The caches back off up to a second after failures and the store reconnects; then every
    // call goes through. Recovery is over at the first half second without a store error: how
    // long that takes depends on the machine, so it is waited for, with a deadline.
    let mut recovering = (0, 0, Vec::new());
    let recovery_started = Instant::now();
    loop {
        let step = phase(&clients, &queue, Duration::from_millis(500)).await;
        recovering.0 += step.0;
        recovering.1 += step.1;
        recovering.2.extend(step.2.iter().cloned());
        if step.1 == 0 && step.2.is_empty() && step.0 > 0 {
            break;
        }
        assert!(
            recovery_started.elapsed() < Duration::from_secs(20),
            "no recovery 20 s after Redis came back: {recovering:?}"
        );
    }
    let after = phase(&clients, &queue, Duration::from_secs(4)).await;
    let stats = sandbox.token_stats();
    eprintln!(
        "before {before:?}\noutage {outage:?}\nrecovering {recovering:?}\nafter {after:?}\n{stats:?}"
    );
    assert!(before.0 > 0 && before.1 == 0 && before.2.is_empty());
    assert!(outage.0 > 0, "the still-valid token kept being served");
    assert!(
        outage.1 > 0,
        "once it expired, callers got the store's typed error"
    );
    // Calls sent with the last valid token just before it expired get the server's `401` (its
    // refresh then fails on the store): at most a couple per caller, and nothing else.
    assert!(
        outage.2.iter().all(|e| e.contains("HTTP 401")) && outage.2.len() <= 40,
        "{} other errors: {:?}",
        outage.2.len(),
        outage.2.first()
    );
    assert!(recovering.2.is_empty(), "{:?}", recovering.2);
    assert!(
        after.0 > 0 && after.1 == 0 && after.2.is_empty(),
        "{after:?}"
    );
    assert_eq!(
        (stats.refused_refreshes, stats.reuses),
        (0, 0),
        "nothing lost"
    );
    drop(tokio::task::spawn_blocking(move || redis.stop()).await);
}
