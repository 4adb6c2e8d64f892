//! Rate limits, injected faults, the request log, startup and the binary.

use crate::common;

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use common::*;
use reqwest::Method;
use serde_json::{Value, json};
use wxcc_sandbox::{Fault, Sandbox};

#[tokio::test]
async fn over_the_limit_is_429_with_retry_after() {
    let sandbox = Sandbox::builder()
        .rate_limit_per_minute(Some(5))
        .start()
        .await
        .unwrap();
    let token = sandbox.mint_access_token(&["cjp:config_read"]);
    let url = format!(
        "{}/organization/{}/site",
        sandbox.wxcc_base(),
        sandbox.credentials().org_id
    );
    for _ in 0..5 {
        let (status, _) = call(Method::GET, &url, &token, None).await;
        assert_eq!(status, 200);
    }
    let response = http().get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["key"], "429");

    // The limit is per client id: the service app has its own allowance.
    // (Tokens minted by the sandbox belong to the integration; a different limit applies to
    // nobody else here, so lifting the limit is the other way out.)
    sandbox.set_rate_limit(None);
    let (status, _) = call(Method::GET, &url, &token, None).await;
    assert_eq!(status, 200);
    sandbox.set_rate_limit(Some(1));
    let (status, _) = call(Method::GET, &url, &token, None).await;
    assert_eq!(status, 200);
    let (status, _) = call(Method::GET, &url, &token, None).await;
    assert_eq!(status, 429);

    // Engage tokens are limited per tenant, with the Engage error shape.
    let engage = engage_token(&sandbox).await;
    let search = format!(
        "{}/conversations?channel=sms&customerAddress=1&bizAddress=2",
        sandbox.engage_base()
    );
    let (status, _) = call(Method::GET, &search, &engage, None).await;
    assert_eq!(status, 200);
    let (status, body) = call(Method::GET, &search, &engage, None).await;
    assert_eq!(status, 429);
    assert_eq!(body["code"], 429);
}

#[tokio::test]
async fn status_faults_fire_a_set_number_of_times() {
    let sandbox = Sandbox::start().await.unwrap();
    let creds = sandbox.credentials();
    let token = sandbox.mint_access_token(&["cjp:user"]);
    let url = format!("{}/v1/tasks", sandbox.wxcc_base());
    let body = json!({ "destination": "+14085550199", "entryPointId": creds.known.entry_point_id, "mediaType": "telephony" });
    sandbox.inject(Fault::status(503).on("POST", "/wxcc/v1/tasks").times(2));
    let (status, error) = call(Method::POST, &url, &token, Some(body.clone())).await;
    assert_eq!(status, 503);
    assert_eq!(error["error"]["key"], "503", "the route's error shape");
    let (status, _) = call(Method::POST, &url, &token, Some(body.clone())).await;
    assert_eq!(status, 503);
    let (status, _) = call(Method::POST, &url, &token, Some(body.clone())).await;
    assert_eq!(status, 201);
    assert_eq!(sandbox.count_requests("POST", "/wxcc/v1/tasks"), 3);

    // A custom body and header, on another route only.
    sandbox.inject(
        Fault::status(429)
            .body(r#"{"message":"slow down"}"#)
            .header("Retry-After", "2")
            .on("GET", "/wxcc/organization/*/site")
            .times(1),
    );
    let site = format!("{}/organization/{}/site", sandbox.wxcc_base(), creds.org_id);
    let reader = sandbox.mint_access_token(&["cjp:config_read"]);
    let response = http().get(&site).bearer_auth(&reader).send().await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "2");
    assert_eq!(
        response.json::<Value>().await.unwrap()["message"],
        "slow down"
    );
    let (status, _) = call(Method::GET, &site, &reader, None).await;
    assert_eq!(status, 200);

    // Probability 0 never fires; clear_faults removes everything.
    sandbox.inject(Fault::status(500).on("*", "/wxcc/**").probability(0.0));
    let (status, _) = call(Method::GET, &site, &reader, None).await;
    assert_eq!(status, 200);
    sandbox.inject(Fault::status(500).on("*", "/wxcc/**"));
    let (status, _) = call(Method::GET, &site, &reader, None).await;
    assert_eq!(status, 500);
    sandbox.clear_faults();
    let (status, _) = call(Method::GET, &site, &reader, None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn probability_faults_are_repeatable_by_seed() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let sandbox = Sandbox::builder().seed(5).start().await.unwrap();
        let token = sandbox.mint_access_token(&["cjp:config_read"]);
        let site = format!(
            "{}/organization/{}/site",
            sandbox.wxcc_base(),
            sandbox.credentials().org_id
        );
        sandbox.inject(
            Fault::status(502)
                .on("GET", "/wxcc/organization/*/site")
                .probability(0.5),
        );
        let mut statuses = Vec::new();
        for _ in 0..20 {
            statuses.push(call(Method::GET, &site, &token, None).await.0);
        }
        assert!(
            statuses.contains(&502) && statuses.contains(&200),
            "{statuses:?}"
        );
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
}

#[tokio::test]
async fn delay_malformed_and_dropped_connection_faults() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.mint_access_token(&["cjp:config_read", "cjp:user"]);
    let known = sandbox.credentials().known;
    let ewt = format!(
        "{}/v1/ewt?queueId={}&lookbackMinutes=240",
        sandbox.wxcc_base(),
        known.queue_id
    );

    sandbox.inject(
        Fault::delay(Duration::from_millis(300))
            .on("GET", "/wxcc/v1/ewt")
            .times(1),
    );
    let started = Instant::now();
    let (status, _) = call(Method::GET, &ewt, &token, None).await;
    assert_eq!(status, 200, "a delayed request is then handled normally");
    assert!(started.elapsed() >= Duration::from_millis(300));

    sandbox.inject(Fault::malformed_json().on("GET", "/wxcc/v1/ewt").times(1));
    let response = http().get(&ewt).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(
        response.json::<Value>().await.is_err(),
        "the body does not parse"
    );

    sandbox.inject(Fault::drop_connection().on("GET", "/wxcc/v1/ewt").times(1));
    let result = http().get(&ewt).bearer_auth(&token).send().await;
    let error = result.expect_err("the connection is dropped without a response");
    assert!(!error.is_status());
    // The sandbox keeps serving.
    let (status, _) = call(Method::GET, &ewt, &token, None).await;
    assert_eq!(status, 200);

    let log = sandbox.requests();
    let ewt_calls: Vec<_> = log.iter().filter(|r| r.path == "/wxcc/v1/ewt").collect();
    assert_eq!(ewt_calls.len(), 4);
    assert_eq!(ewt_calls[2].status, None, "dropped");
    assert!(ewt_calls.iter().all(|r| r.authorization));
    assert!(
        ewt_calls[0]
            .query
            .as_deref()
            .unwrap()
            .contains("lookbackMinutes=240")
    );
    sandbox.clear_requests();
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn faults_reach_the_token_endpoints_too() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(
        Fault::status(503)
            .on("POST", "/engage/api/v1/oauth/token")
            .times(1),
    );
    let creds = sandbox.credentials();
    let secret = secrecy::ExposeSecret::expose_secret(&creds.engage.tenant_secret).to_owned();
    let (status, body) = engage_token_with(&sandbox, &creds.engage.tenant_id, &secret).await;
    assert_eq!(status, 503);
    assert_eq!(body["code"], 503);
    let (status, _) = engage_token_with(&sandbox, &creds.engage.tenant_id, &secret).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn startup_is_quick() {
    let started = Instant::now();
    let sandbox = Sandbox::start().await.unwrap();
    let elapsed = started.elapsed();
    println!(
        "sandbox started in {elapsed:?} (reported {:?}) with {} tasks",
        sandbox.startup_time(),
        sandbox.task_count()
    );
    assert!(sandbox.task_count() >= 40_000);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn dropping_the_sandbox_stops_the_server() {
    let sandbox = Sandbox::start().await.unwrap();
    let url = format!("{}/callback", sandbox.base_url());
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);
    drop(sandbox);
    let mut stopped = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if reqwest::Client::new().get(&url).send().await.is_err() {
            stopped = true;
            break;
        }
    }
    assert!(stopped);
}

#[test]
fn the_binary_prints_urls_and_credentials() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wxcc-sandbox"))
        .args(["--port", "0", "--seed", "9"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let done = line.contains("Ctrl-C");
        lines.push(line);
        if done {
            break;
        }
    }
    let text = lines.join("\n");
    let wxcc = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("WxCC base"))
        .map(|u| u.trim().to_owned())
        .unwrap();
    // The server answers.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        http()
            .get(format!("{wxcc}/v1/tasks"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(status, 400, "no token: 400");
    assert!(text.contains("seed 9"), "{text}");
    assert!(text.contains("client_secret"), "{text}");
    assert!(text.contains("+14085550123"), "{text}");

    let help = std::process::Command::new(env!("CARGO_BIN_EXE_wxcc-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_wxcc-sandbox"))
        .args(["--port", "x"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
