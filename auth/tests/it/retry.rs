//! The signer's retry policy against a mock server, on tokio's paused clock.

use std::time::Duration;

use httpmock::MockServer;
use wxcc_auth::{Access, Operation, OperationTable, RetryPolicy, Signer, StaticToken};

static OPS: OperationTable = OperationTable::new(&[
    Operation {
        id: "create_task",
        method: "POST",
        path: "/v1/tasks",
        access: Access::Write,
        scopes: &[],
    },
    Operation {
        id: "search",
        method: "POST",
        path: "/search",
        access: Access::Read,
        scopes: &[],
    },
]);

/// No timeouts and no idle-pool timers: under a paused clock, the only timers left are the
/// retry waits, which tokio then skips instantly.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

async fn send(signer: &Signer, url: String, operation: &str) -> reqwest::Result<reqwest::Response> {
    let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
    *request.body_mut() = Some("{}".into());
    signer.authorize(&mut request, operation).await.unwrap();
    signer.send(&http(), request, operation).await
}

#[tokio::test(start_paused = true)]
async fn a_429_is_waited_out_for_its_retry_after_then_succeeds() {
    let server = MockServer::start_async().await;
    let throttled = server
        .mock_async(|when, then| {
            when.path("/v1/tasks");
            then.status(429).header("Retry-After", "2").up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.path("/v1/tasks");
            then.status(201).body("{}");
        })
        .await;
    let signer = Signer::new(StaticToken::new("t", "tok"), OPS);
    let started = tokio::time::Instant::now();
    // Even a write is sent again: a 429 means the server did not process it.
    let response = send(&signer, server.url("/v1/tasks"), "create_task")
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited {:?}",
        started.elapsed()
    );
    throttled.assert_calls_async(1).await;
    ok.assert_calls_async(1).await;
}

#[tokio::test(start_paused = true)]
async fn a_503_on_a_write_is_not_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/v1/tasks");
            then.status(503);
        })
        .await;
    let signer = Signer::new(StaticToken::new("t", "tok"), OPS);
    let response = send(&signer, server.url("/v1/tasks"), "create_task")
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    mock.assert_calls_async(1).await;
}

#[tokio::test(start_paused = true)]
async fn a_503_on_a_read_is_retried_up_to_the_policy() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(503);
        })
        .await;
    let policy = RetryPolicy::default().with_max_attempts(3);
    let signer = Signer::new(StaticToken::new("t", "tok"), OPS).with_retry_policy(policy);
    let response = send(&signer, server.url("/search"), "search")
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    mock.assert_calls_async(3).await;

    let recovering = MockServer::start_async().await;
    recovering
        .mock_async(|when, then| {
            when.path("/search");
            then.status(502).up_to_n_times(2);
        })
        .await;
    recovering
        .mock_async(|when, then| {
            when.path("/search");
            then.status(200).body("{\"data\": {}}");
        })
        .await;
    let response = send(&signer, recovering.url("/search"), "search")
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_and_the_retry_after_budget_cap_waiting() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(429).header("Retry-After", "30");
        })
        .await;
    let tight = RetryPolicy::default().with_deadline(Some(Duration::from_secs(10)));
    let signer = Signer::new(StaticToken::new("t", "tok"), OPS).with_retry_policy(tight);
    let started = tokio::time::Instant::now();
    let response = send(&signer, server.url("/search"), "search")
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        429,
        "a wait past the deadline is not started"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    mock.assert_calls_async(1).await;

    let impatient = RetryPolicy::default().with_max_retry_after(Duration::from_secs(5));
    let signer = Signer::new(StaticToken::new("t", "tok"), OPS).with_retry_policy(impatient);
    assert_eq!(
        send(&signer, server.url("/search"), "search")
            .await
            .unwrap()
            .status(),
        429
    );
    mock.assert_calls_async(2).await;
}

#[tokio::test(start_paused = true)]
async fn a_connection_failure_is_retried_even_for_a_write() {
    // A port nothing listens on: every attempt fails to connect, so nothing was sent.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let signer = Signer::new(StaticToken::new("t", "tok"), OPS);
    let started = tokio::time::Instant::now();
    let error = send(
        &signer,
        format!("http://127.0.0.1:{port}/v1/tasks"),
        "create_task",
    )
    .await
    .unwrap_err();
    assert!(error.is_connect());
    // Three backoffs (0.25 s to 0.5 s, then 0.5 s to 1 s, then 1 s to 2 s) were waited.
    assert!(
        started.elapsed() >= Duration::from_millis(1750),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_what_a_duration_holds_is_clamped_not_overflowed() {
    let server = MockServer::start_async().await;
    let throttled = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(429)
                .header("Retry-After", "18446744073709551615")
                .up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(200).body("{}");
        })
        .await;
    // A policy that accepts any wait: the server's value is all that bounds it.
    let permissive = RetryPolicy::default()
        .with_max_retry_after(Duration::MAX)
        .with_deadline(Some(Duration::MAX));
    let signer = Signer::new(StaticToken::new("t", "tok"), OPS).with_retry_policy(permissive);
    let started = tokio::time::Instant::now();
    let response = send(&signer, server.url("/search"), "search")
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let waited = started.elapsed();
    // Clamped to a day, plus up to a quarter of it at random.
    assert!(waited >= Duration::from_secs(86_400), "{waited:?}");
    assert!(
        waited <= Duration::from_secs(86_400 * 5 / 4 + 1),
        "{waited:?}"
    );
    throttled.assert_calls_async(1).await;
    ok.assert_calls_async(1).await;
}

#[tokio::test(start_paused = true)]
async fn a_503_with_retry_after_is_waited_out_like_a_429() {
    let server = MockServer::start_async().await;
    let unavailable = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(503).header("Retry-After", "5").up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(200).body("{}");
        })
        .await;
    let signer = Signer::new(StaticToken::new("t", "tok"), OPS);
    let started = tokio::time::Instant::now();
    let response = send(&signer, server.url("/search"), "search")
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    unavailable.assert_calls_async(1).await;
    ok.assert_calls_async(1).await;

    // Past the policy's budget, the 503 is returned as is.
    let busy = MockServer::start_async().await;
    let long = busy
        .mock_async(|when, then| {
            when.path("/search");
            then.status(503).header("Retry-After", "600");
        })
        .await;
    let response = send(&signer, busy.url("/search"), "search").await.unwrap();
    assert_eq!(response.status(), 503);
    long.assert_calls_async(1).await;
}
