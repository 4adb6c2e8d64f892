//! The connector against a mocked Webex OAuth server.

use std::sync::Arc;

use base64::Engine as _;
use chrono::{TimeDelta, Utc};
use httpmock::Method::POST;
use httpmock::{Mock, MockServer};
use serde_json::json;
use sha2::{Digest, Sha256};
use wxcc_auth::{
    Access, AccessLevel, Connector, Error, ExposeSecret, FileStore, MemoryStore, Operation,
    OperationTable, SecretString, Signer, Status, StoredTokens, TokenSource, TokenStore,
};

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

fn connector(server: &MockServer, store: Arc<dyn TokenStore>) -> Connector {
    Connector::builder("reporting", "cid", "csecret", "https://bot.example.com/cb")
        .oauth_base(server.url("/v1"))
        .store(store)
        .build()
        .unwrap()
}

fn stored(access: &str, access_in: i64, refresh: &str) -> StoredTokens {
    StoredTokens {
        access_token: Some(SecretString::from(access)),
        access_expires_at: Some(Utc::now() + TimeDelta::seconds(access_in)),
        refresh_token: Some(SecretString::from(refresh)),
        refresh_expires_at: Some(Utc::now() + TimeDelta::days(60)),
        scopes: vec![],
        fingerprint: None,
        updated_at: Utc::now(),
    }
}

async fn refresh_mock<'a>(
    server: &'a MockServer,
    refresh: &str,
    answer: serde_json::Value,
) -> Mock<'a> {
    let refresh = refresh.to_owned();
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/access_token")
                .form_urlencoded_tuple("grant_type", "refresh_token")
                .form_urlencoded_tuple("client_id", "cid")
                .form_urlencoded_tuple("client_secret", "csecret")
                .form_urlencoded_tuple("refresh_token", refresh);
            then.status(200).json_body(answer);
        })
        .await
}

fn value(token: &wxcc_auth::AccessToken) -> String {
    token.secret().expose_secret().to_owned()
}

#[tokio::test]
async fn the_authorize_step_checks_state_exchanges_the_code_and_persists() {
    let server = MockServer::start_async().await;
    let store = Arc::new(MemoryStore::new());
    let connector = connector(&server, store.clone());
    let request = connector.authorization_request(true).unwrap();
    let query: std::collections::HashMap<_, _> = request.url().query_pairs().into_owned().collect();
    assert_eq!(query["client_id"], "cid");
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["redirect_uri"], "https://bot.example.com/cb");
    assert_eq!(query["state"], request.state());
    assert_eq!(query["code_challenge_method"], "S256");
    let challenge = query["code_challenge"].clone();

    let exchange = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/access_token")
                .form_urlencoded_tuple("grant_type", "authorization_code")
                .form_urlencoded_tuple("code", "the-code")
                .form_urlencoded_tuple("redirect_uri", "https://bot.example.com/cb")
                .is_true(move |req| {
                    // The verifier sent now must hash to the challenge sent earlier.
                    let body = String::from_utf8_lossy(req.body().as_ref()).into_owned();
                    let verifier = body
                        .split('&')
                        .find_map(|kv| kv.strip_prefix("code_verifier="))
                        .unwrap_or_default()
                        .to_owned();
                    let hashed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
                    hashed == challenge
                });
            then.status(200).json_body(json!({
                "access_token": "acc-1", "expires_in": 43199,
                "refresh_token": "ref-1", "refresh_token_expires_in": 5_184_000, "token_type": "Bearer"
            }));
        })
        .await;

    let forged = connector
        .complete(&request, "not-the-state", "the-code")
        .await
        .unwrap_err();
    assert!(matches!(forged, Error::StateMismatch));
    exchange.assert_calls_async(0).await;

    connector
        .complete(&request, request.state(), "the-code")
        .await
        .unwrap();
    exchange.assert_calls_async(1).await;
    assert_eq!(connector.status(), Status::Authorized);
    assert_eq!(value(&connector.token().await.unwrap()), "acc-1");
    let persisted = store.load(connector.store_key()).await.unwrap().unwrap();
    assert_eq!(persisted.refresh_token.unwrap().expose_secret(), "ref-1");
    assert!(persisted.refresh_expires_at.unwrap() > Utc::now() + TimeDelta::days(59));
    assert!(persisted.access_expires_at.unwrap() > Utc::now() + TimeDelta::hours(11));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_callers_on_an_expired_token_cause_one_refresh() {
    let server = MockServer::start_async().await;
    let store = Arc::new(MemoryStore::new());
    store
        .save("reporting", stored("expired", -60, "ref-1"))
        .await
        .unwrap();
    let refresh = refresh_mock(&server, "ref-1", json!({
        "access_token": "acc-2", "expires_in": 43199, "refresh_token": "ref-2", "refresh_token_expires_in": 5_184_000
    }))
    .await;
    let connector = connector(&server, store.clone());
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let connector = connector.clone();
            tokio::spawn(async move { connector.token().await })
        })
        .collect();
    for task in tasks {
        assert_eq!(value(&task.await.unwrap().unwrap()), "acc-2");
    }
    refresh.assert_calls_async(1).await;
    // The rotated refresh token was persisted.
    let persisted = store.load(connector.store_key()).await.unwrap().unwrap();
    assert_eq!(persisted.refresh_token.unwrap().expose_secret(), "ref-2");
}

#[tokio::test]
async fn a_stored_token_survives_a_restart_and_a_response_without_refresh_token_keeps_the_old_one()
{
    let server = MockServer::start_async().await;
    let dir =
        std::env::temp_dir().join(format!("wxcc-connector-{}", uuid::Uuid::new_v4().simple()));
    let path = dir.join("tokens.json");
    let store: Arc<dyn TokenStore> = Arc::new(FileStore::new(&path));
    store
        .save("reporting", stored("still-good", 3600, "ref-1"))
        .await
        .unwrap();
    let refresh = refresh_mock(
        &server,
        "ref-1",
        json!({"access_token": "acc-2", "expires_in": 3600}),
    )
    .await;

    // A fresh process reuses the stored, still valid token: no refresh.
    let connector = connector(&server, Arc::new(FileStore::new(&path)));
    assert_eq!(value(&connector.token().await.unwrap()), "still-good");
    refresh.assert_calls_async(0).await;

    // The server rejects it; the connector refreshes once and keeps the old refresh token,
    // since the response carried none.
    connector.invalidate(&SecretString::from("still-good"));
    assert_eq!(value(&connector.token().await.unwrap()), "acc-2");
    refresh.assert_calls_async(1).await;
    let persisted = FileStore::new(&path)
        .load(connector.store_key())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(persisted.access_token.unwrap().expose_secret(), "acc-2");
    assert_eq!(persisted.refresh_token.unwrap().expose_secret(), "ref-1");
}

#[tokio::test]
async fn invalid_grant_requires_reauthorization_and_a_new_authorize_step_recovers_every_client() {
    let server = MockServer::start_async().await;
    let store = Arc::new(MemoryStore::new());
    store
        // Not a word of the description: a description that held the refresh token would
        // show `[redacted]` in its place.
        .save("reporting", stored("expired", -60, "ref-0"))
        .await
        .unwrap();
    let refused = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/access_token")
                .form_urlencoded_tuple("grant_type", "refresh_token");
            then.status(400).json_body(
                json!({"error": "invalid_grant", "error_description": "refresh token revoked"}),
            );
        })
        .await;
    let connector = connector(&server, store.clone());
    // A client built before the failure, sharing the connector.
    let signer = Signer::new(connector.clone(), OPS);

    let error = connector.token().await.unwrap_err();
    assert!(
        matches!(error, Error::ReauthorizationRequired { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("refresh token revoked"),
        "{error}"
    );
    for _ in 0..5 {
        assert!(matches!(
            connector.token().await,
            Err(Error::ReauthorizationRequired { .. })
        ));
    }
    let mut req = reqwest::Request::new(
        reqwest::Method::POST,
        "http://localhost/search".parse().unwrap(),
    );
    assert!(matches!(
        signer.authorize(&mut req, "search").await,
        Err(Error::ReauthorizationRequired { .. })
    ));
    refused.assert_calls_async(1).await;
    assert!(matches!(
        connector.status(),
        Status::ReauthorizationRequired { .. }
    ));
    // Nothing was lost: the stored (revoked) refresh token is still there for inspection.
    assert!(
        store
            .load(connector.store_key())
            .await
            .unwrap()
            .unwrap()
            .refresh_token
            .is_some()
    );

    // The application runs the authorize step again.
    let exchange = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/access_token")
                .form_urlencoded_tuple("grant_type", "authorization_code");
            then.status(200).json_body(
                json!({"access_token": "acc-new", "expires_in": 3600, "refresh_token": "ref-new"}),
            );
        })
        .await;
    let request = connector.authorization_request(false).unwrap();
    connector
        .complete(&request, request.state(), "code-2")
        .await
        .unwrap();
    exchange.assert_calls_async(1).await;
    assert_eq!(connector.status(), Status::Authorized);
    signer.authorize(&mut req, "search").await.unwrap();
    assert_eq!(req.headers()["authorization"], "Bearer acc-new");
}

#[tokio::test]
async fn a_transient_refresh_failure_is_not_a_reauthorization() {
    let server = MockServer::start_async().await;
    let store = Arc::new(MemoryStore::new());
    store
        .save("reporting", stored("expired", -60, "ref-1"))
        .await
        .unwrap();
    server
        .mock_async(|when, then| {
            when.path("/v1/access_token");
            then.status(503).body("busy");
        })
        .await;
    let connector = connector(&server, store);
    let error = connector.token().await.unwrap_err();
    assert!(error.is_transient(), "{error}");
    assert!(!matches!(
        connector.status(),
        Status::ReauthorizationRequired { .. }
    ));
}

#[tokio::test]
async fn a_read_only_connector_asks_only_for_read_scopes_and_refuses_writes_locally() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let read_only = Connector::builder("reports", "cid", "csecret", "https://bot.example.com/cb")
        .access_level(AccessLevel::ReadOnly)
        .oauth_base(server.url("/v1"))
        .build()
        .unwrap();
    assert!(read_only.scopes().iter().all(|s| s.ends_with("_read")));
    let scope = read_only
        .authorization_request(false)
        .unwrap()
        .url()
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .unwrap()
        .1
        .into_owned();
    assert!(
        !scope.contains("write") && scope.contains("cjp:config_read"),
        "{scope}"
    );

    let signer = Signer::new(read_only, OPS);
    let mut req = reqwest::Request::new(
        reqwest::Method::POST,
        server.url("/v1/tasks").parse().unwrap(),
    );
    let error = signer.authorize(&mut req, "create_task").await.unwrap_err();
    assert!(matches!(error, Error::AccessDenied { .. }));
    any.assert_calls_async(0).await;

    let refused = Connector::builder("reports", "cid", "csecret", "https://bot.example.com/cb")
        .access_level(AccessLevel::ReadOnly)
        .scopes(["cjp:config_read", "cjp:config_write"])
        .build()
        .unwrap_err();
    assert!(
        refused.to_string().contains("cjp:config_write"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_sharing_a_file_store_refresh_once() {
    let server = MockServer::start_async().await;
    let dir = std::env::temp_dir().join(format!(
        "wxcc-two-processes-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let path = dir.join("tokens.json");
    FileStore::new(&path)
        .save("reporting", stored("expired", -60, "ref-1"))
        .await
        .unwrap();
    // Webex rotates refresh tokens: spending `ref-1` twice would fail the second time.
    let refresh = refresh_mock(
        &server,
        "ref-1",
        json!({
            "access_token": "acc-2", "expires_in": 3600, "refresh_token": "ref-2"
        }),
    )
    .await;
    // Two processes: separate connectors and store values, one file.
    let first = connector(&server, Arc::new(FileStore::new(&path)));
    let second = connector(&server, Arc::new(FileStore::new(&path)));
    let (a, b) = tokio::join!(first.token(), second.token());
    assert_eq!(value(&a.unwrap()), "acc-2");
    assert_eq!(value(&b.unwrap()), "acc-2");
    refresh.assert_calls_async(1).await;
    let persisted = FileStore::new(&path)
        .load(first.store_key())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(persisted.refresh_token.unwrap().expose_secret(), "ref-2");
}

#[tokio::test]
async fn absurd_expiries_from_the_token_endpoint_are_clamped_instead_of_panicking() {
    let server = MockServer::start_async().await;
    // 9.3e15 seconds is past what chrono's TimeDelta holds in milliseconds; u64::MAX (as a
    // string, as some servers send it) is past what an i64 holds.
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/access_token");
            then.status(200).json_body(json!({
                "access_token": "acc-forever", "expires_in": 9_300_000_000_000_000u64,
                "refresh_token": "ref-forever", "refresh_token_expires_in": "18446744073709551615"
            }));
        })
        .await;
    let store = Arc::new(MemoryStore::new());
    let connector = connector(&server, store.clone());
    let request = connector.authorization_request(false).unwrap();
    connector
        .complete(&request, request.state(), "the-code")
        .await
        .unwrap();
    let token = connector.token().await.unwrap();
    assert_eq!(value(&token), "acc-forever");
    let expires_at = token.expires_at().unwrap();
    assert!(
        expires_at > Utc::now() + TimeDelta::days(365),
        "{expires_at}"
    );
    assert!(
        expires_at < Utc::now() + TimeDelta::days(11 * 366),
        "{expires_at}"
    );
}

#[tokio::test]
async fn entries_an_older_version_stored_under_the_bare_name_are_moved_not_lost() {
    let server = MockServer::start_async().await;
    let dir = std::env::temp_dir().join(format!("wxcc-legacy-{}", uuid::Uuid::new_v4().simple()));
    let path = dir.join("tokens.json");
    let file = FileStore::new(&path);
    // What the previous version wrote: entries keyed by the bare name, a connector's (no
    // fingerprint) and a node authorization's (with one).
    file.save("reporting", stored("still-good", 3600, "ref-1"))
        .await
        .unwrap();
    let mut node_entry = stored("node-token", 3600, "node-refresh");
    node_entry.fingerprint = Some("fp".into());
    file.save("engage", node_entry).await.unwrap();

    let connector = connector(&server, Arc::new(FileStore::new(&path)));
    assert_eq!(connector.store_key(), "connector/reporting");
    assert_eq!(value(&connector.token().await.unwrap()), "still-good");
    let moved = file.load("connector/reporting").await.unwrap().unwrap();
    assert_eq!(moved.refresh_token.unwrap().expose_secret(), "ref-1");
    assert!(file.load("reporting").await.unwrap().is_none());

    // A connector never adopts a node authorization's entry of the same name.
    let namesake = Connector::builder("engage", "cid", "csecret", "https://bot.example.com/cb")
        .oauth_base(server.url("/v1"))
        .store(Arc::new(FileStore::new(&path)))
        .build()
        .unwrap();
    assert!(matches!(
        namesake.token().await,
        Err(Error::ReauthorizationRequired { .. })
    ));
    assert!(
        file.load("engage").await.unwrap().is_some(),
        "left for the node authorization"
    );
}

/// A memory store whose writes fail while `down` is set, as a shared store does in an outage.
#[derive(Debug, Default)]
struct Flaky {
    inner: MemoryStore,
    down: std::sync::atomic::AtomicBool,
}

impl Flaky {
    fn set_down(&self, down: bool) {
        self.down.store(down, std::sync::atomic::Ordering::SeqCst);
    }

    fn check(&self) -> Result<(), Error> {
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::StoreUnavailable {
                store: "flaky".into(),
                message: "down".into(),
            });
        }
        Ok(())
    }
}

impl TokenStore for Flaky {
    fn load<'a>(&'a self, key: &'a str) -> wxcc_auth::StoreFuture<'a, Option<StoredTokens>> {
        self.inner.load(key)
    }
    fn save<'a>(&'a self, key: &'a str, tokens: StoredTokens) -> wxcc_auth::StoreFuture<'a, ()> {
        match self.check() {
            Ok(()) => self.inner.save(key, tokens),
            Err(e) => Box::pin(async move { Err(e) }),
        }
    }
    fn remove<'a>(&'a self, key: &'a str) -> wxcc_auth::StoreFuture<'a, ()> {
        self.inner.remove(key)
    }
    fn lock<'a>(&'a self, key: &'a str) -> wxcc_auth::StoreFuture<'a, wxcc_auth::StoreLock> {
        self.inner.lock(key)
    }
}

#[tokio::test]
async fn tokens_the_store_could_not_take_are_kept_and_written_when_it_is_back() {
    let server = MockServer::start_async().await;
    let store = Arc::new(Flaky::default());
    store
        .save("connector/reporting", stored("acc-1", -10, "ref-1"))
        .await
        .unwrap();
    let rotated = refresh_mock(
        &server,
        "ref-1",
        json!({"access_token": "acc-2", "expires_in": 3600, "refresh_token": "ref-2"}),
    )
    .await;
    let connector = connector(&server, store.clone());

    // The refresh succeeds but the store is down when its answer comes: the caller still gets
    // the new token, and the only copy of `ref-2` stays in memory.
    store.set_down(true);
    assert_eq!(value(&connector.token().await.unwrap()), "acc-2");
    rotated.assert_calls_async(1).await;
    let in_store = store
        .inner
        .load("connector/reporting")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        in_store.refresh_token.unwrap().expose_secret(),
        "ref-1",
        "not written"
    );

    // Back up: the next token call under the entry lock writes the kept tokens first, and
    // refreshes with `ref-2`, not the spent `ref-1`.
    store.set_down(false);
    let next = refresh_mock(
        &server,
        "ref-2",
        json!({"access_token": "acc-3", "expires_in": 3600, "refresh_token": "ref-3"}),
    )
    .await;
    connector.invalidate(&SecretString::from("acc-2"));
    assert_eq!(value(&connector.token().await.unwrap()), "acc-3");
    next.assert_calls_async(1).await;
    rotated.assert_calls_async(1).await;
    let in_store = store
        .inner
        .load("connector/reporting")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(in_store.refresh_token.unwrap().expose_secret(), "ref-3");
}
