//! No secret value ever shows in `Debug` output, error messages or `tracing` output, across a
//! full authorize-refresh-reject cycle of every lifecycle.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use std::io::Write;
use std::sync::{Arc, Mutex};

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use wxcc_auth::{
    AccessToken, Connector, Credentials, FileStore, MemoryStore, NodeAuthorizations,
    OperationTable, ServiceApp, Signer, StaticToken, TokenCache, TokenSource, TokenStore,
};

const SECRETS: [&str; 7] = [
    "client-s3cret",
    "access-t0ken-1",
    "access-t0ken-2",
    "refresh-t0ken-1",
    "refresh-t0ken-2",
    "tenant-s3cret",
    "engage-t0ken",
];

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_stay_out_of_debug_errors_and_logs() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/access_token").form_urlencoded_tuple("grant_type", "authorization_code");
            then.status(200).json_body(json!({"access_token": "access-t0ken-1", "expires_in": 3600, "refresh_token": "refresh-t0ken-1"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/access_token").form_urlencoded_tuple("refresh_token", "refresh-t0ken-1");
            then.status(200).json_body(json!({"access_token": "access-t0ken-2", "expires_in": 3600, "refresh_token": "refresh-t0ken-2"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/access_token")
                .form_urlencoded_tuple("refresh_token", "refresh-t0ken-2");
            then.status(400)
                .json_body(json!({"error": "invalid_grant", "error_description": "revoked"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/engage/oauth/token")
                .form_urlencoded_tuple("client_secret", "tenant-s3cret");
            then.status(200)
                .json_body(json!({"access_token": "engage-t0ken", "expires_in": 3600}));
        })
        .await;

    let dir = std::env::temp_dir().join(format!("wxcc-secrets-{}", uuid::Uuid::new_v4().simple()));
    let file_store = FileStore::new(dir.join("tokens.json"));
    let connector = Connector::builder("ops", "cid", "client-s3cret", "https://bot.example.com/cb")
        .oauth_base(server.url("/v1"))
        .store(Arc::new(file_store.clone()))
        .build()
        .unwrap();
    let request = connector.authorization_request(true).unwrap();
    connector
        .complete(&request, request.state(), "code")
        .await
        .unwrap();
    let first = connector.token().await.unwrap();
    connector.invalidate(first.secret());
    let second = connector.token().await.unwrap();
    connector.invalidate(second.secret());
    let revoked = connector.token().await.unwrap_err();

    let registry = NodeAuthorizations::builder(server.url("/engage/oauth/token"))
        .build()
        .unwrap();
    let node = registry
        .add(
            "engage",
            Credentials::client_credentials("tenant", "tenant-s3cret"),
        )
        .unwrap();
    node.token().await.unwrap();

    let app = ServiceApp::builder("app", "app-id", "cid", "client-s3cret", "org")
        .refresh_token("refresh-t0ken-1")
        .build()
        .unwrap();
    let stored = file_store.load("ops").await.unwrap().unwrap();
    let memory = MemoryStore::new();
    memory.save("ops", stored.clone()).await.unwrap();

    let outputs = [
        format!("{connector:?}"),
        format!("{request:?}"),
        format!("{first:?} {second:?}"),
        format!("{revoked:?} {revoked}"),
        format!("{registry:?} {node:?}"),
        format!(
            "{:?}",
            Credentials::client_credentials("tenant", "tenant-s3cret")
        ),
        format!("{app:?}"),
        format!("{stored:?} {memory:?} {file_store:?}"),
        format!("{:?}", StaticToken::new("s", "access-t0ken-1")),
        format!(
            "{:?}",
            Signer::new(connector.clone(), OperationTable::empty())
        ),
        format!("{:?}", TokenCache::new(Fetcher)),
        String::from_utf8(capture.0.lock().unwrap().clone()).unwrap(),
    ];
    assert!(
        outputs.last().unwrap().contains("token fetched"),
        "the cycle was logged"
    );
    for output in &outputs {
        for secret in SECRETS {
            assert!(!output.contains(secret), "`{secret}` leaked into: {output}");
        }
    }
}

#[derive(Debug)]
struct Fetcher;

impl wxcc_auth::TokenFetcher for Fetcher {
    fn name(&self) -> &str {
        "f"
    }
    fn fetch(&self, _: wxcc_auth::FetchRequest) -> wxcc_auth::TokenFuture<'_> {
        Box::pin(async { Ok(AccessToken::new("access-t0ken-1")) })
    }
}
