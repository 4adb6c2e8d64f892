//! The request log records every request when it arrives, so tests that count retries see the
//! attempts a client gave up on while a delay fault held them.

use crate::common;

use std::time::Duration;

use wxcc_sandbox::{Fault, Sandbox};

#[tokio::test]
async fn requests_given_up_during_a_delay_fault_are_logged() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.mint_access_token(&["cjp:config_read"]);
    let known = sandbox.credentials().known;
    let ewt = format!(
        "{}/v1/ewt?queueId={}&lookbackMinutes=240",
        sandbox.wxcc_base(),
        known.queue_id
    );
    // Far longer than the client waits; short enough that shutdown does not wait long. The
    // client waits a whole second so that a loaded machine still gets each request written
    // (and logged) before it gives up.
    sandbox.inject(Fault::delay(Duration::from_secs(4)).on("GET", "/wxcc/v1/ewt"));
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    // Three attempts, as a client retrying after timeouts would make.
    for _ in 0..3 {
        let error = impatient
            .get(&ewt)
            .bearer_auth(&token)
            .send()
            .await
            .expect_err("the client gives up before the delay ends");
        assert!(error.is_timeout(), "{error}");
    }
    assert_eq!(sandbox.count_requests("GET", "/wxcc/v1/ewt"), 3);
    let log = sandbox.requests();
    assert!(
        log.iter()
            .all(|r| r.path == "/wxcc/v1/ewt" && r.authorization)
    );
    assert!(
        log.iter().all(|r| r.status.is_none()),
        "no answer was sent while the client waited: {log:?}"
    );

    // A request that is answered gets its status in the same record.
    sandbox.clear_faults();
    sandbox.clear_requests();
    let (status, _) = common::call(reqwest::Method::GET, &ewt, &token, None).await;
    let log = sandbox.requests();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].status, Some(status));
    sandbox.shutdown().await;
}
